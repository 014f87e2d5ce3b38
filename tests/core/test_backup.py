"""`coproduce backup` and `coproduce restore`: every row and every uploaded file comes back.

They run on the suite's database, SQLite or PostgreSQL, through the real entry point. A backup
copies committed data (pg_dump reads from its own connection), so these tests commit:
`transaction=True`.
"""

import json
import os
import shutil

import pytest
from django.apps import apps
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import connection
from factories import CoalitionFactory

from coproduce.cafe.models import Note
from coproduce.cli import main
from coproduce.coalitions.models import Coalition
from coproduce.people.models import Person
from coproduce.workshops import demo
from coproduce.workshops.models import Workshop

pytestmark = pytest.mark.django_db(transaction=True)

ENGINES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def coproduce(capsys, *argv):
    try:
        code = main(list(argv))
    except SystemExit as exited:
        code = exited.code
    out = capsys.readouterr()
    return code, out.out, out.err


def rows_per_model():
    return {
        model._meta.label: model._base_manager.count()
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy
    }


def some_values():
    organiser = Person.objects.get(email=demo.ORGANISER_EMAIL)
    note = Note.objects.exclude(photo="").get()
    return {
        "organiser": (organiser.pk, organiser.full_name, organiser.password),
        "workshop": Workshop.objects.values_list("pk", "slug", "title", "starts_at").get(),
        "note": (note.pk, note.text, note.photo.name, note.table_id),
    }


def test_backup_wipe_restore_brings_back_every_row_and_file(media, tmp_path, capsys):
    call_command("demo")
    note = Note.objects.order_by("pk").first()
    photo = os.urandom(20_000)
    note.photo.save("tablecloth.jpg", ContentFile(photo))
    rows, values = rows_per_model(), some_values()
    assert rows["cafe.Note"] > 0 and rows["conversations.Vote"] > 0

    code, out, err = coproduce(capsys, "backup", str(tmp_path / "backup"))
    assert code == 0, err
    manifest = json.loads((tmp_path / "backup" / "manifest.json").read_text())
    assert manifest["engine"] == connection.vendor
    assert manifest["rows"] == rows
    assert [f["path"] for f in manifest["files"]] == [note.photo.name]

    call_command("flush", interactive=False)
    shutil.rmtree(media)
    assert not Person.objects.exists()

    code, out, err = coproduce(capsys, "restore", str(tmp_path / "backup"))
    assert code == 0, err
    assert "Restored" in out
    assert rows_per_model() == rows
    assert some_values() == values
    assert (media / note.photo.name).read_bytes() == photo


@pytest.fixture
def backup(media, tmp_path, capsys):
    """A backup of a site with one uploaded file."""
    (media / "cafe").mkdir(parents=True)
    (media / "cafe" / "cloth.jpg").write_bytes(b"\xff\xd8 a photo")
    code, _out, err = coproduce(capsys, "backup", str(tmp_path / "backup"))
    assert code == 0, err
    shutil.rmtree(media)
    return tmp_path / "backup"


def edit_manifest(folder, **changes):
    path = folder / "manifest.json"
    manifest = json.loads(path.read_text())
    path.write_text(json.dumps(manifest | changes))
    return manifest


def other_engine(folder):
    other = "postgresql" if connection.vendor == "sqlite" else "sqlite"
    edit_manifest(folder, engine=other)
    return (
        f"a backup of a {ENGINES[other]} database, but this site uses {ENGINES[connection.vendor]}"
    )


def damaged_database(folder):
    manifest = json.loads((folder / "manifest.json").read_text())
    database = folder / manifest["database"]["path"]
    data = bytearray(database.read_bytes())
    data[len(data) // 2] ^= 0xFF
    database.write_bytes(bytes(data))
    return "differs from the manifest's checksum"


def missing_file(folder):
    (folder / "media" / "cafe" / "cloth.jpg").unlink()
    return "cloth.jpg is missing"


def escaping_file(folder):
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest["files"][0]["path"] = "../../outside.jpg"
    edit_manifest(folder, files=manifest["files"])
    return "leaves the folder"


def newer_migration(folder):
    manifest = json.loads((folder / "manifest.json").read_text())
    edit_manifest(folder, migrations=manifest["migrations"] | {"cafe": ["9999_from_the_future"]})
    return "newer Coproduce"


def broken_manifest(folder):
    (folder / "manifest.json").write_text('{"format": 1, "engine": ')
    return "is damaged"


def unknown_format(folder):
    edit_manifest(folder, format=99)
    return "format 1"


@pytest.mark.parametrize(
    "damage",
    [
        other_engine,
        damaged_database,
        missing_file,
        escaping_file,
        newer_migration,
        broken_manifest,
        unknown_format,
    ],
)
def test_restore_refuses_a_backup_it_cannot_trust(backup, media, capsys, damage):
    words = damage(backup)
    code, _out, err = coproduce(capsys, "restore", str(backup))
    assert code == 2
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert words in err
    assert not (media / "cafe" / "cloth.jpg").exists()  # nothing was touched


def test_restore_replaces_a_site_with_data_only_when_forced(backup, media, capsys):
    CoalitionFactory(slug="made-after-the-backup")
    code, _out, err = coproduce(capsys, "restore", str(backup))
    assert code == 2 and "holds coalitions.Coalition rows" in err and "--force" in err
    assert Coalition.objects.filter(slug="made-after-the-backup").exists()

    code, _out, err = coproduce(capsys, "restore", str(backup), "--force")
    assert code == 0, err
    assert not Coalition.objects.exists()
    assert (media / "cafe" / "cloth.jpg").read_bytes() == b"\xff\xd8 a photo"


def test_backup_refuses_a_folder_with_something_in_it(backup, capsys):
    code, _out, err = coproduce(capsys, "backup", str(backup))
    assert code == 2 and "is not empty" in err
