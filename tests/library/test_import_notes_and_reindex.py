"""What an import leaves besides its entries: revision notes stored in English and shown in
the reader's language, a dry run that reports exactly what the import does (without writing
the derived facet and index rows), and `coproduce library reindex`. Runs on SQLite and on
PostgreSQL."""

import io
from pathlib import Path

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command
from django.db import connection, connections
from django.urls import reverse
from django.utils import translation

from coproduce.library import notes
from coproduce.library.imports import import_participedia
from coproduce.library.models import Entry, Facet, Revision
from coproduce.library.participedia import CASE_COLUMNS
from coproduce.library.rules import sight
from coproduce.library.search import index
from coproduce.library.search.engine import search

from .test_import import rows_of

pytestmark = pytest.mark.django_db
DATA = Path(__file__).resolve().parents[1] / "data" / "participedia"


def fixture(name: str) -> bytes:
    return (DATA / name).read_bytes()


def found(words: str) -> list[str]:
    return [hit.entry.source_id for hit in search(words, sight=sight(AnonymousUser())).hits]


def index_rows() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM library_search")
        return cursor.fetchone()[0]


# -- revision notes -------------------------------------------------------------------------


def history_of(client, entry: Entry, language: str) -> str:
    client.cookies["django_language"] = language
    url = reverse("library:history", args=[entry.pk])
    return client.get(url, HTTP_ACCEPT_LANGUAGE=language).content.decode()


def test_an_import_run_in_spanish_stores_its_note_in_english_and_shows_it_translated(client):
    with translation.override("es"):
        import_participedia(fixture("cases.csv"))
    entry = Entry.objects.get(source_id="101")
    assert entry.revisions.get().note == "Imported from Participedia"
    assert "Imported from Participedia" in history_of(client, entry, "en")
    spanish = history_of(client, entry, "es")
    assert "Importado de Participedia" in spanish
    assert "Imported from Participedia" not in spanish


def test_an_update_is_noted_in_english_too():
    import_participedia(fixture("cases.csv"))
    changed = fixture("cases.csv").replace(b"Riverside Neighbourhood", b"Riverside District")
    with translation.override("es"):
        import_participedia(changed)
    notes_of_101 = list(
        Revision.objects.filter(entry__source_id="101").order_by("number").values_list("note")
    )
    assert notes_of_101 == [("Imported from Participedia",), ("Updated from Participedia",)]


def test_a_note_a_person_wrote_is_shown_as_written():
    with translation.override("es"):
        assert notes.shown(notes.IMPORTED) == "Importado de Participedia"
        assert notes.shown("Fixed the dates") == "Fixed the dates"
        assert notes.shown("") == ""


# -- dry runs -------------------------------------------------------------------------------


def report_of(report) -> dict:
    """Everything a report says except whether it was a dry run."""
    return {
        "created": report.created,
        "updated": report.updated,
        "unchanged": report.unchanged,
        "refused": report.refused,
        "unknown": report.unknown_values,
        "imported": report.imported,
    }


@pytest.mark.parametrize(
    ("before", "name", "skip"),
    [
        (None, "cases.csv", False),  # everything new
        ("cases.csv", "cases.csv", False),  # everything unchanged
        (None, "broken.csv", True),  # some lines skipped
        (None, "broken.csv", False),  # refused
        (None, "methods.csv", False),
    ],
)
def test_a_dry_run_reports_exactly_what_the_import_then_does(before, name, skip):
    if before:
        import_participedia(fixture(before))
    data = fixture(name)
    if before == name:  # one row changed, the others as they were
        data = data.replace(b"Riverside Neighbourhood", b"Riverside District")
    facets, indexed = Facet.objects.count(), index_rows()
    dry = import_participedia(data, dry_run=True, skip_bad_rows=skip)
    assert dry.dry_run
    # Nothing written, the derived rows included.
    assert (Facet.objects.count(), index_rows()) == (facets, indexed)
    real = import_participedia(data, skip_bad_rows=skip)
    assert report_of(dry) == report_of(real)
    if before == name:
        assert [line.source_id for line in real.updated] == ["101"]


def test_the_command_prints_the_same_lines_for_a_dry_run_and_the_import(monkeypatch):
    monkeypatch.setattr(connections, "close_all", lambda: None)
    dry, real = io.StringIO(), io.StringIO()
    call_command("library", "import", str(DATA / "cases.csv"), "--dry-run", stdout=dry)
    call_command("library", "import", str(DATA / "cases.csv"), stdout=real)
    assert dry.getvalue().replace("Would create", "Created").replace(
        "Dry run, nothing saved. ", ""
    ) == real.getvalue().replace("Would create", "Created")


# -- reindex --------------------------------------------------------------------------------


def test_reindex_writes_every_entry_afresh_and_says_how_many(monkeypatch):
    monkeypatch.setattr(connections, "close_all", lambda: None)
    import_participedia(fixture("cases.csv"))
    assert found("cycle lanes") == ["102"]
    index.remove(Entry.objects.values_list("pk", flat=True))  # as a restore might leave it
    assert found("cycle lanes") == [] and index_rows() == 0
    out = io.StringIO()
    call_command("library", "reindex", stdout=out)
    assert out.getvalue().strip() == "Indexed 3 entries."
    assert found("cycle lanes") == ["102"]
    assert index_rows() == Entry.objects.count() == 3


def test_reindex_of_an_empty_library_indexes_nothing(monkeypatch):
    monkeypatch.setattr(connections, "close_all", lambda: None)
    out = io.StringIO()
    call_command("library", "reindex", stdout=out)
    assert out.getvalue().strip() == "Indexed 0 entries."


# -- what the search index cannot hold ------------------------------------------------------


def hangul_words(count: int) -> str:
    """Different words of five Hangul syllables: folding splits each syllable into its
    letters, three times the bytes."""
    syllables = [chr(0xAC00 + n * 7) for n in range(1500)]
    return " ".join(
        "".join(syllables[(n // 1500**k) % 1500] for k in range(5)) for n in range(count)
    )


def test_a_text_too_big_for_the_search_index_is_refused_by_its_line_in_a_dry_run_too():
    rows = [
        {"id": "1", "type": "case", "title": "Small", "url": "https://participedia.net/case/1"},
        {
            "id": "2",
            "type": "case",
            "title": "Huge",
            "url": "https://participedia.net/case/2",
            "body": hangul_words(40_000),
        },
    ]
    data = rows_of(CASE_COLUMNS, rows)
    dry = import_participedia(data, dry_run=True, skip_bad_rows=True)
    real = import_participedia(data, skip_bad_rows=True)
    assert report_of(dry) == report_of(real)
    assert [(problem.line, problem.reason) for problem in real.refused] == [
        (3, "the text has too many different words for the search index")
    ]
    assert list(Entry.objects.values_list("source_id", flat=True)) == ["1"]
