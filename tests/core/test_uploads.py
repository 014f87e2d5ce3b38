"""Uploads are safe to store and to serve (core/uploads.py): photos keep only their pixels,
requests are capped before their body is read, stored files are not world-readable."""

import io
import os
import re
import struct
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory
from django.urls import reverse
from factories import MembershipFactory, WorkshopFactory
from PIL import Image

from coproduce.cafe import services
from coproduce.cafe.models import Note
from coproduce.coalitions.models import Role, Visibility
from coproduce.core import uploads
from coproduce.core.uploads import ImageRefused, UploadTooLarge, clean_image, content_type_for
from coproduce.workshops.models import AgendaItem

pytestmark = pytest.mark.django_db

NOT_AN_IMAGE = "The photo must be a JPEG, PNG, WebP or GIF image."
TOO_MANY_PIXELS = "The photo has too many pixels; the most accepted is 40 megapixels."
STORED_NAME = re.compile(r"^cafe/photos/\d{4}/\d{2}/[0-9a-f]{32}\.jpg$")
ORIENTATION, MAKE, MODEL, GPS_IFD = 0x0112, 0x010F, 0x0110, 0x8825


@pytest.fixture(autouse=True)
def _own_media(settings, tmp_path):
    # Each test stores into an empty folder, so "nothing stored" can be checked by listing it.
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.FILE_UPLOAD_TEMP_DIR = tmp_path / "incoming"
    settings.FILE_UPLOAD_TEMP_DIR.mkdir()
    # A permissive umask, as on many servers: the stored mode must come from the settings.
    previous = os.umask(0o002)
    yield
    os.umask(previous)


def stored_files(settings):
    return sorted(p for p in settings.MEDIA_ROOT.rglob("*") if p.is_file())


# Images made in memory ------------------------------------------------------------------------


def image_bytes(image, fmt, **params):
    buffer = io.BytesIO()
    image.save(buffer, fmt, **params)
    return buffer.getvalue()


def camera_jpeg(size=(400, 300), orientation=1):
    """A phone photo: left half blue, right half red, with GPS, make, model, XMP and ICC."""
    image = Image.new("RGB", size, "red")
    image.paste((0, 0, 255), (0, 0, size[0] // 2, size[1]))
    exif = Image.Exif()
    exif[ORIENTATION] = orientation
    exif[MAKE], exif[MODEL] = "Google", "Pixel 9 Pro"
    gps = exif.get_ifd(GPS_IFD)
    gps.update({1: "N", 2: (51.0, 30.0, 12.5), 3: "W", 4: (0.0, 7.0, 39.0)})
    return image_bytes(
        image,
        "JPEG",
        exif=exif,
        xmp=b"<x:xmpmeta><rdf:Description secret='xmp-secret'/></x:xmpmeta>",
        icc_profile=b"icc-secret" * 20,
        comment=b"comment-secret",
    )


def header_only_png(width, height):
    """A PNG that claims a size in its header but holds almost no pixel data."""

    def chunk(kind, data):
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 16))
        + chunk(b"IEND", b"")
    )


def decoded(content):
    return Image.open(io.BytesIO(content))


def cleaned(data, name="photo.jpg"):
    return decoded(clean_image(SimpleUploadedFile(name, data)).read())


# A café to post notes to ------------------------------------------------------------------------


@pytest.fixture
def notes_page(client):
    """The notes page of a public café's table, with its organiser logged in."""
    organiser = MembershipFactory(role=Role.ORGANISER, coalition__visibility=Visibility.PUBLIC)
    workshop = WorkshopFactory(coalition=organiser.coalition)
    item = AgendaItem.objects.create(workshop=workshop, title="Café", kind="world_cafe", minutes=60)
    cafe = services.cafe_for(item)
    client.force_login(organiser.person)
    return reverse("cafe:table_notes", args=[cafe.pk, cafe.tables.first().pk])


def post_photo(client, url, data, name="IMG_0001.JPG", content_type="image/jpeg", **extra):
    photo = SimpleUploadedFile(name, data, content_type=content_type)
    return client.post(url, {"round_number": "1", "text": "", "photo": photo}, **extra)


def served(client, note):
    response = client.get(reverse("cafe:note_photo", args=[note.pk]))
    assert response.status_code == 200
    return response, b"".join(response.streaming_content)


# What is kept of a photo ------------------------------------------------------------------------


def test_gps_camera_and_other_metadata_are_gone_from_the_served_photo(client, notes_page):
    sent = camera_jpeg()
    assert b"Pixel 9 Pro" in sent and b"xmp-secret" in sent  # the test photo does carry them

    assert post_photo(client, notes_page, sent).status_code == 302
    client.logout()  # what an anonymous visitor of the public café is served
    response, content = served(client, Note.objects.get())

    assert response["Content-Type"] == "image/jpeg"
    photo = decoded(content)
    assert dict(photo.getexif()) == {}
    assert dict(photo.getexif().get_ifd(GPS_IFD)) == {}
    assert "icc_profile" not in photo.info and "xmp" not in photo.info
    for secret in (b"Exif", b"Google", b"Pixel 9 Pro", b"xmp-secret", b"icc-secret", b"comment"):
        assert secret not in content


def test_the_camera_orientation_is_applied():
    # Orientation 6: the phone was held so that the picture must turn 90 degrees clockwise.
    photo = cleaned(camera_jpeg(size=(400, 300), orientation=6))
    assert photo.size == (300, 400)
    top, bottom = photo.getpixel((150, 10)), photo.getpixel((150, 390))
    assert top[2] > 200 and top[0] < 50  # the blue left half is now on top
    assert bottom[0] > 200 and bottom[2] < 50


def test_a_large_photo_is_downscaled_to_2048_on_its_longest_side():
    assert cleaned(image_bytes(Image.new("RGB", (3000, 2000), "green"), "JPEG")).size == (
        2048,
        1365,
    )
    assert cleaned(image_bytes(Image.new("RGB", (1000, 3000), "green"), "PNG")).size == (
        683,
        2048,
    )


def test_transparency_is_flattened_onto_white():
    image = Image.new("RGBA", (20, 20), (255, 0, 0, 0))  # fully transparent red
    image.paste((0, 0, 0, 255), (0, 0, 10, 20))  # opaque black left half
    photo = cleaned(image_bytes(image, "PNG"), name="a.png")
    assert photo.mode == "RGB"
    assert all(v > 245 for v in photo.getpixel((15, 10)))  # white, not red or black
    assert all(v < 10 for v in photo.getpixel((5, 10)))


def test_an_animated_gif_keeps_its_first_frame():
    frames = [Image.new("RGB", (16, 16), colour) for colour in ("red", "blue")]
    gif = image_bytes(frames[0], "GIF", save_all=True, append_images=frames[1:], duration=100)
    red, green, blue = cleaned(gif, name="a.gif").getpixel((8, 8))
    assert red > 200 and blue < 50


def test_webp_is_accepted_and_becomes_a_jpeg():
    content = clean_image(
        SimpleUploadedFile("a.webp", image_bytes(Image.new("RGB", (8, 8)), "WEBP"))
    )
    assert decoded(content.read()).format == "JPEG"


# What is refused ------------------------------------------------------------------------------


@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")
def test_over_40_megapixels_is_refused_from_the_header_and_nothing_is_stored(
    client, notes_page, settings
):
    too_big = header_only_png(8000, 6000)  # 48 MP claimed, almost no pixel data
    # Decoding would fail on the missing data with another message: this one proves the header
    # alone decided.
    with pytest.raises(ImageRefused) as refused:
        clean_image(SimpleUploadedFile("big.png", too_big))
    assert str(refused.value) == TOO_MANY_PIXELS

    page = post_photo(client, notes_page, too_big, name="big.png").content.decode()
    assert TOO_MANY_PIXELS in page and "Traceback" not in page
    assert not Note.objects.exists()
    assert stored_files(settings) == []


@pytest.fixture
def strict_pillow(monkeypatch):
    # WeasyPrint, once imported (by the report tests), tells Pillow to fill in truncated images
    # for the whole process; these tests are about Pillow's default.
    from PIL import ImageFile

    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", False)


def test_a_header_at_the_limit_gets_past_the_pixel_check(strict_pillow):
    # 40 MP exactly is allowed by the size check; this header is then refused as damaged.
    with pytest.raises(ImageRefused) as refused:
        clean_image(SimpleUploadedFile("edge.png", header_only_png(8000, 5000)))
    assert str(refused.value) != TOO_MANY_PIXELS


def test_a_decompression_bomb_is_refused_with_the_plain_message(client, notes_page, settings):
    assert Image.MAX_IMAGE_PIXELS == uploads.MAX_PIXELS  # Pillow's own guard is ours too
    bomb = image_bytes(Image.new("1", (10_000, 10_000)), "PNG")  # 100 MP in a few kilobytes
    assert len(bomb) < 100_000

    with pytest.raises(ImageRefused) as refused:
        clean_image(SimpleUploadedFile("bomb.png", bomb))
    assert str(refused.value) == TOO_MANY_PIXELS

    page = post_photo(client, notes_page, bomb, name="bomb.png").content.decode()
    assert TOO_MANY_PIXELS in page and "DecompressionBomb" not in page
    assert not Note.objects.exists()
    assert stored_files(settings) == []


@pytest.mark.parametrize(
    ("name", "content_type", "data"),
    [
        ("note.html", "text/html", b"<html><script>alert(1)</script></html>"),
        (
            "logo.svg",
            "image/svg+xml",
            b"GIF89a<svg xmlns='http://www.w3.org/2000/svg' onload='x'/>",
        ),
        ("tablecloth.jpg", "image/jpeg", b"<script>not an image</script>"),
        ("tablecloth.tiff", "image/tiff", image_bytes(Image.new("RGB", (8, 8)), "TIFF")),
    ],
)
def test_what_is_not_a_photo_is_refused(client, notes_page, settings, name, content_type, data):
    page = post_photo(client, notes_page, data, name=name, content_type=content_type)
    assert NOT_AN_IMAGE in page.content.decode()
    assert not Note.objects.exists()
    assert stored_files(settings) == []


def test_a_damaged_photo_is_refused_plainly(strict_pillow):
    whole = image_bytes(Image.effect_noise((300, 300), 60).convert("RGB"), "JPEG")
    with pytest.raises(ImageRefused) as refused:
        clean_image(SimpleUploadedFile("cut.jpg", whole[: len(whole) // 2]))
    assert "could not be read" in str(refused.value)


@pytest.mark.parametrize("name", ["photo.html", "photo.svg", "IMG_0001.JPG"])
def test_the_stored_name_is_random_and_ends_in_jpg(client, notes_page, settings, name):
    png = image_bytes(Image.new("RGB", (8, 8), "green"), "PNG")
    post_photo(client, notes_page, png, name=name, content_type="text/html")
    post_photo(client, notes_page, png, name=name, content_type="text/html")

    names = [note.photo.name for note in Note.objects.order_by("pk")]
    assert len(set(names)) == 2
    assert all(STORED_NAME.match(n) for n in names), names
    assert [p.suffix for p in stored_files(settings)] == [".jpg", ".jpg"]
    response, content = served(client, Note.objects.first())
    assert response["Content-Type"] == "image/jpeg"
    assert decoded(content).format == "JPEG"


def test_stored_photos_are_not_world_readable(client, notes_page, settings):
    post_photo(client, notes_page, camera_jpeg())
    [path] = stored_files(settings)
    assert path.stat().st_mode & 0o777 == 0o640
    assert path.parent.stat().st_mode & 0o007 == 0


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("cafe/photos/2026/05/abc.jpg", "image/jpeg"),
        ("a.JPEG", "image/jpeg"),
        ("a.png", "image/png"),
        ("a.webp", "image/webp"),
        ("a.gif", "image/gif"),
        ("a.html", "application/octet-stream"),
        ("a.svg", "application/octet-stream"),
        ("a.jpg.html", "application/octet-stream"),
        ("no-extension", "application/octet-stream"),
        ("", "application/octet-stream"),
    ],
)
def test_content_type_comes_from_the_stored_extension(name, expected):
    assert content_type_for(name) == expected


# Request size -------------------------------------------------------------------------------


class StreamingBody:
    """A multipart body with one large file, produced as it is read; counts what was read."""

    def __init__(self, file_bytes, boundary="BOUNDARY"):
        self.boundary = boundary
        self.head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="photo"; '
            f'filename="big.jpg"\r\nContent-Type: image/jpeg\r\n\r\n'
        ).encode()
        self.file_bytes = file_bytes
        self.tail = f"\r\n--{boundary}--\r\n".encode()
        self.total = len(self.head) + file_bytes + len(self.tail)
        self.position = 0

    def read(self, size=-1):
        size = self.total - self.position if size is None or size < 0 else size
        out = bytearray()
        while size > 0 and self.position < self.total:
            piece = self._piece(size)
            out += piece
            self.position += len(piece)
            size -= len(piece)
        return bytes(out)

    def readline(self, size=-1):
        line = bytearray()
        while (byte := self.read(1)) and byte != b"\n" and len(line) != size:
            line += byte
        return bytes(line + byte)

    def _piece(self, size):
        file_start, tail_start = len(self.head), len(self.head) + self.file_bytes
        if self.position < file_start:
            return self.head[self.position : self.position + size]
        if self.position < tail_start:
            return b"x" * min(size, tail_start - self.position)
        offset = self.position - tail_start
        return self.tail[offset : offset + size]


def test_a_declared_body_over_the_cap_gets_413_before_anything_reads_it(client, notes_page):
    limit = 20 * 1024 * 1024
    body = StreamingBody(limit)
    response = client.post(
        notes_page,
        CONTENT_TYPE=f"multipart/form-data; boundary={body.boundary}",
        CONTENT_LENGTH=str(body.total),
        **{"wsgi.input": body},
    )
    assert response.status_code == 413
    page = response.content.decode()
    assert "Too large" in page and "20 MB" in page
    assert body.position == 0  # not a byte of the body was read
    assert not Note.objects.exists()


def test_a_body_under_the_cap_is_let_through(client, notes_page, settings):
    settings.MAX_REQUEST_BYTES = 10_000_000
    response = post_photo(client, notes_page, camera_jpeg())
    assert response.status_code == 302
    assert Note.objects.count() == 1


def test_the_413_page_names_the_configured_limit(client, notes_page, settings):
    settings.MAX_REQUEST_BYTES = 5 * 1024 * 1024
    response = client.post(notes_page, {"round_number": "1"}, CONTENT_LENGTH=str(6 * 1024 * 1024))
    assert response.status_code == 413
    assert "5 MB" in response.content.decode()


def test_the_upload_handler_stops_a_streaming_body_at_the_cap(settings):
    settings.MAX_REQUEST_BYTES = 1024 * 1024
    body = StreamingBody(50 * 1024 * 1024)
    request = RequestFactory().generic(
        "POST",
        "/",
        CONTENT_TYPE=f"multipart/form-data; boundary={body.boundary}",
        CONTENT_LENGTH=str(body.total),
        **{"wsgi.input": body},
    )
    with pytest.raises(UploadTooLarge):
        request.POST  # noqa: B018 - reading POST is what streams the body in
    assert body.position < 2 * 1024 * 1024  # stopped near the cap, not at 50 MB
    assert list(settings.FILE_UPLOAD_TEMP_DIR.iterdir()) == []  # the partial file is gone


def test_without_the_middleware_the_handler_still_refuses(client, notes_page, settings):
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if not m.endswith("SizeLimitMiddleware")]
    settings.MAX_REQUEST_BYTES = 200_000
    noise = Image.frombytes("RGB", (500, 500), os.urandom(500 * 500 * 3))
    response = post_photo(client, notes_page, image_bytes(noise, "PNG"), name="noise.png")
    assert response.status_code == 400
    assert not Note.objects.exists()
    assert stored_files(settings) == []
    assert list(settings.FILE_UPLOAD_TEMP_DIR.iterdir()) == []


def test_a_photo_spooled_to_a_temporary_file_is_stored_cleaned(client, notes_page, settings):
    # Over FILE_UPLOAD_MAX_MEMORY_SIZE, so Django hands over a file on disk, not in memory.
    noise = Image.frombytes("RGB", (1200, 1000), os.urandom(1200 * 1000 * 3))
    png = image_bytes(noise, "PNG")
    assert len(png) > settings.FILE_UPLOAD_MAX_MEMORY_SIZE
    assert post_photo(client, notes_page, png, name="big.png").status_code == 302
    [path] = stored_files(settings)
    assert path.suffix == ".jpg" and decoded(path.read_bytes()).size == (1200, 1000)
    assert list(settings.FILE_UPLOAD_TEMP_DIR.iterdir()) == []


# Photos stored before cleaning existed ------------------------------------------------------


def test_the_migration_cleans_photos_stored_before(settings):
    """Deployments that ran before uploads were cleaned hold photos with GPS positions."""
    import importlib

    from django.apps import apps
    from django.core.files.base import ContentFile

    migration = importlib.import_module("coproduce.cafe.migrations.0003_clean_existing_photos")
    item = AgendaItem.objects.create(
        workshop=WorkshopFactory(), title="Café", kind="world_cafe", minutes=60
    )
    cafe = services.cafe_for(item)
    table = cafe.tables.first()
    old = Note.objects.create(cafe=cafe, table=table, round_number=1, text="Before")
    old.photo.save("IMG_0042.html", ContentFile(camera_jpeg()), save=True)
    broken = Note.objects.create(cafe=cafe, table=table, round_number=1, text="Broken")
    broken.photo.save("broken.jpg", ContentFile(b"<svg onload=alert(1)>"), save=True)
    migration.clean_existing_photos(apps, None)
    old.refresh_from_db()
    broken.refresh_from_db()
    assert STORED_NAME.match(old.photo.name)
    data = old.photo.read()
    assert b"Pixel 9 Pro" not in data and b"Google" not in data
    assert broken.photo.name == "" and broken.text == "Broken"  # the note stays, not the file
    names = [p.name for p in stored_files(settings)]
    assert "IMG_0042.html" not in names and "broken.jpg" not in names
