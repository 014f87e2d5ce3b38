"""Uploads that are safe to store and to serve.

A photo from a phone carries more than the picture: EXIF says where it was taken (GPS) and with
which phone, sometimes whose. The file's name and first bytes are chosen by whoever sends it,
so neither says what the file is. `clean_image` therefore decodes every photo with Pillow and
keeps only its pixels, re-encoded as a fresh JPEG under a random name; the stored file is
served with the type its own extension names (`content_type_for`), never the sender's.

A request's size is capped before its body is read (`RequestSizeLimitMiddleware`), and again
while a file streams in (`SizeLimitUploadHandler`), so an oversized body never reaches the disk.
"""

import io
import uuid
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.files.base import ContentFile
from django.core.files.uploadhandler import FileUploadHandler
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _
from PIL import Image, ImageOps

MAX_PIXELS = 40_000_000  # a 48 MP phone in full-resolution mode is refused; 12-24 MP is not
MAX_SIDE = 2048  # plenty to read a tablecloth; a stored photo stays well under 1 MB
JPEG_QUALITY = 85
ACCEPTED_FORMATS = ("JPEG", "PNG", "WEBP", "GIF")
DEFAULT_MAX_REQUEST_BYTES = 20 * 1024 * 1024

# Pillow checks every image this process opens: above this many pixels it warns, above twice as
# many Image.open refuses, both from the header and before any pixel is decoded. The warning
# band is refused by clean_image's own check.
Image.MAX_IMAGE_PIXELS = MAX_PIXELS

CONTENT_TYPES = {
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".webp": "image/webp",
    ".gif": "image/gif",
}


class ImageRefused(ValueError):
    """The upload is not a photo we keep; the message says why, in words for the person."""


class UploadTooLarge(RequestDataTooBig):
    """A request's files passed MAX_REQUEST_BYTES while streaming in (Django answers 400)."""


# Images --------------------------------------------------------------------------------------


def clean_image(upload) -> ContentFile:
    """The upload's pixels only: upright, at most MAX_SIDE, on white, as a new JPEG.

    Raises ImageRefused for anything that is not a JPEG, PNG, WebP or GIF Pillow can decode, and
    for images over MAX_PIXELS. An animated image keeps its first frame.
    """
    image = _open(upload)
    try:
        clean = _flatten(_upright_and_small(image))
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ImageRefused(_too_many_pixels()) from None
    except Exception:  # Pillow's decoders raise many types on hostile or truncated input
        raise ImageRefused(
            _("The photo could not be read; it may be damaged. Please take it again.")
        ) from None
    finally:
        image.close()
    return ContentFile(_jpeg_bytes(clean), name=f"{uuid.uuid4().hex}.jpg")


def _open(upload) -> Image.Image:
    """Open the upload, reading only its header, and refuse it if it has too many pixels."""
    upload.seek(0)
    try:
        image = Image.open(upload, formats=ACCEPTED_FORMATS)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ImageRefused(_too_many_pixels()) from None
    except Exception:  # not an image, an unaccepted format, or a header Pillow cannot parse
        raise ImageRefused(_("The photo must be a JPEG, PNG, WebP or GIF image.")) from None
    if image.width * image.height > MAX_PIXELS:
        image.close()
        raise ImageRefused(_too_many_pixels())
    return image


def _too_many_pixels() -> str:
    return _("The photo has too many pixels; the most accepted is %(mp)s megapixels.") % {
        "mp": MAX_PIXELS // 1_000_000
    }


def _upright_and_small(image: Image.Image) -> Image.Image:
    """Decode the first frame no larger than MAX_SIDE, turned as the camera says it was held."""
    if image.mode not in ("RGB", "RGBA", "L", "LA", "CMYK") or "transparency" in image.info:
        # Palette and 16-bit images would be shrunk pixel by pixel; convert keeps the EXIF.
        image = image.convert("RGBA")
    # In place, and before decoding: a large JPEG is then decoded at 1/2, 1/4 or 1/8 scale.
    # Shrinking into a square box first gives the same result as turning first.
    image.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
    return ImageOps.exif_transpose(image)


def _flatten(image: Image.Image) -> Image.Image:
    """A new RGB image on white: JPEG has no transparency, and a new image has no metadata."""
    pixels = image.convert("RGBA")
    white = Image.new("RGBA", pixels.size, "white")
    clean = Image.alpha_composite(white, pixels).convert("RGB")
    clean.info = {}  # nothing of the upload's EXIF, XMP, ICC profile or text may travel on
    return clean


def _jpeg_bytes(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=JPEG_QUALITY, progressive=True, optimize=True)
    return buffer.getvalue()


def content_type_for(name: str) -> str:
    """The type to serve a stored file with, from its extension; unknown files are downloads."""
    return CONTENT_TYPES.get(PurePath(name or "").suffix.lower(), "application/octet-stream")


# Request size --------------------------------------------------------------------------------


def max_request_bytes() -> int:
    return getattr(settings, "MAX_REQUEST_BYTES", DEFAULT_MAX_REQUEST_BYTES)


def _declared_length(request) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0  # Django reads such a body as empty


def too_large_response(request) -> HttpResponse:
    """A short page saying the most a request may carry (413)."""
    # This runs before LocaleMiddleware, so the person's language is chosen here.
    with translation.override(translation.get_language_from_request(request)):
        body = render_to_string(
            "core/message.html",
            {
                "title": _("Too large"),
                "message": _(
                    "What you sent is larger than %(mb)s MB, the most this site accepts. "
                    "Please send a smaller photo."
                )
                % {"mb": f"{max_request_bytes() / 2**20:g}"},
            },
            request=request,
        )
    return HttpResponse(body, status=413)


class RequestSizeLimitMiddleware:
    """Answer 413 to a request whose Content-Length is over MAX_REQUEST_BYTES.

    Placed right after SecurityMiddleware, it answers before anything reads the body, so an
    oversized upload is neither kept in memory nor spooled to a temporary file.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if _declared_length(request) > max_request_bytes():
            return too_large_response(request)
        return self.get_response(request)


class SizeLimitUploadHandler(FileUploadHandler):
    """Count the file bytes of a request as they stream in; stop once they pass the cap.

    First in FILE_UPLOAD_HANDLERS, it sees every chunk before the handlers that keep it. It
    holds whenever the middleware's check did not: a body longer than it declares (an ASGI
    server passes the whole body on), the middleware missing, a request built by hand.
    """

    def __init__(self, request=None):
        super().__init__(request)
        self.limit = max_request_bytes()
        self.received = 0

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > self.limit:
            self._discard_partial_files()
            # Raising (rather than StopUpload) keeps the view from running on a request whose
            # file silently went missing; Django answers 400 and reads no more of the body.
            raise UploadTooLarge(f"Uploaded files exceed MAX_REQUEST_BYTES ({self.limit}).")
        return raw_data

    def file_complete(self, file_size):
        return None  # the next handler builds the file

    def _discard_partial_files(self):
        # The temporary file handler has already written the earlier chunks to disk.
        for handler in getattr(self.request, "upload_handlers", []):
            if handler is not self:
                handler.upload_interrupted()
