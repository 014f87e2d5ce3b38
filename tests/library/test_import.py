"""Importing Participedia's CSV exports into the shared library, and exporting entries back.

Runs on SQLite and on PostgreSQL (DATABASE_URL). The fixtures are our own rows in Participedia's
format (tests/data/participedia/).
"""

import csv
import gc
import io
import json
from pathlib import Path

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import JSONField
from factories import CoalitionFactory, PersonFactory

from coproduce.library import bulk, imports, services
from coproduce.library.exports import export_entries
from coproduce.library.imports import LICENCE, import_participedia
from coproduce.library.models import Entry, Facet, Revision, Status
from coproduce.library.participedia import CASE_COLUMNS, METHOD_COLUMNS
from coproduce.library.rules import sight
from coproduce.library.search.engine import search

pytestmark = pytest.mark.django_db
DATA = Path(__file__).resolve().parents[1] / "data" / "participedia"


def fixture(name: str) -> bytes:
    return (DATA / name).read_bytes()


def cells_of(data: bytes) -> list[dict]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def rows_of(columns, rows: list[dict]) -> bytes:
    stream = io.StringIO()
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([row.get(name, "") for name in columns])
    return ("\ufeff" + stream.getvalue()).encode("utf-8")


def _everyone():
    return sight(AnonymousUser())


def lines(items) -> list[int]:
    return [item.line for item in items]


def test_an_import_publishes_entries_in_the_shared_library_with_their_source():
    person = PersonFactory()
    report = import_participedia(fixture("cases.csv"), by=person)
    assert report.imported and report.refused == [] and report.unknown_values == []
    assert [(line.line, line.source_id) for line in report.created] == [
        (2, "101"),
        (3, "102"),
        (4, "103"),
    ]
    entry = Entry.objects.get(source_id="101")
    assert entry.source == "participedia"
    assert entry.source_url == "https://participedia.net/case/101"
    assert entry.status == Status.PUBLISHED and entry.coalition is None
    assert entry.licence == LICENCE and entry.added_by == person
    assert entry.issues == ["economics", "planning"] and entry.participants == 240
    assert Entry.objects.get(source_id="103").kind == "policy"
    (revision,) = entry.revisions.all()
    assert revision.number == 1 and revision.author == person
    assert revision.note == "Imported from Participedia"
    assert revision.data["title"] == entry.title
    # Facets and the search index are written with the entries.
    assert set(Facet.objects.filter(entry=entry).values_list("name", "value")) >= {
        ("kind", "case"),
        ("country", "United Kingdom"),
        ("issue", "planning"),
        ("iap2", "collaborate"),
        ("decade", "2010"),
    }
    hits = search("cycle lanes", sight=_everyone()).hits
    assert [hit.entry.source_id for hit in hits] == ["102"]


def test_a_second_import_of_the_same_file_changes_nothing():
    import_participedia(fixture("cases.csv"))
    before = {entry.pk: entry.updated_at for entry in Entry.objects.all()}
    report = import_participedia(fixture("cases.csv"))
    assert report.created == [] and report.updated == []
    assert lines(report.unchanged) == [2, 3, 4]
    assert {entry.pk: entry.updated_at for entry in Entry.objects.all()} == before
    assert Revision.objects.count() == 3


def test_a_second_import_updates_what_changed_and_keeps_our_own_fields():
    import_participedia(fixture("cases.csv"))
    entry = Entry.objects.get(source_id="101")
    report_link = {"url": "https://example.org/evaluation", "label": "Evaluation"}
    services.update_entry(
        entry,
        {
            "four_cos": ["codesign"],
            "ladder_step": "coproduction",
            "links": [*entry.links, report_link],
        },
    )
    cases = cells_of(fixture("cases.csv"))
    cases[0]["title"] = "Riverside Budget Assembly (renamed)"
    cases[0]["general_issues_3"] = " health"
    report = import_participedia(rows_of(CASE_COLUMNS, cases))
    assert [line.source_id for line in report.updated] == ["101"]
    assert report.created == [] and lines(report.unchanged) == [3, 4]
    entry.refresh_from_db()
    assert entry.title == "Riverside Budget Assembly (renamed)"
    assert entry.issues == ["economics", "planning", "health"]
    assert entry.four_cos == ["codesign"] and entry.ladder_step == "coproduction"
    assert entry.links == [
        {"url": "https://participedia.net/case/101", "label": "Participedia"},
        report_link,
    ]
    latest = entry.revisions.order_by("-number").first()
    assert latest.number == 3 and latest.note == "Updated from Participedia"
    assert Facet.objects.filter(entry=entry, name="issue", value="health").exists()
    assert Entry.objects.count() == 3


def test_a_dry_run_writes_nothing():
    report = import_participedia(fixture("cases.csv"), dry_run=True)
    assert report.imported and report.dry_run and lines(report.created) == [2, 3, 4]
    assert not Entry.objects.exists() and not Revision.objects.exists()
    assert not Facet.objects.exists()
    assert search("cycle", sight=_everyone()).hits == []


def test_one_bad_line_and_nothing_is_imported_with_every_bad_line_named():
    report = import_participedia(fixture("broken.csv"))
    assert not report.imported and report.created == []
    assert not Entry.objects.exists()
    assert lines(report.refused) == [4, 5, 7, 8]
    reasons = " | ".join(problem.reason for problem in report.refused)
    for words in ("already on line 3", "type 'collection'", "quote", "not UTF-8"):
        assert words in reasons


def test_skip_bad_rows_imports_the_rest_and_lists_what_it_skipped():
    report = import_participedia(fixture("broken.csv"), skip_bad_rows=True)
    assert report.imported
    assert [line.source_id for line in report.created] == ["101", "103", "105", "108"]
    assert lines(report.refused) == [4, 5, 7, 8]
    assert set(Entry.objects.values_list("source_id", flat=True)) == {"101", "103", "105", "108"}
    # The first of two rows with one id is the one kept.
    assert Entry.objects.get(source_id="103").title == "Greenvale Charter for Shared Decisions"


def test_unknown_values_are_listed_and_kept_for_the_export():
    report = import_participedia(fixture("broken.csv"), skip_bad_rows=True)
    assert [(u.line, u.column, u.value) for u in report.unknown_values] == [
        (6, "public_spectrum", "deliberate"),
        (6, "facetoface_online_or_both", "hybrid"),
        (6, "start_date", "spring 2016"),
    ]
    entry = Entry.objects.get(source_id="105")
    assert entry.iap2_level == "" and entry.mode == ""
    (row,) = cells_of(export_entries("case", "participedia-csv", [entry]))
    assert (row["public_spectrum"], row["facetoface_online_or_both"]) == ("deliberate", "hybrid")


def test_a_wrong_header_imports_nothing_even_when_skipping():
    report = import_participedia(fixture("wrong-header.csv"), skip_bad_rows=True)
    assert not report.imported and lines(report.refused) == [1]
    assert "title, country, body" in report.refused[0].reason
    assert not Entry.objects.exists()


def test_a_5_mb_body_is_refused_by_line():
    cases = cells_of(fixture("cases.csv"))
    cases[2]["body"] = "x" * 5_000_000
    data = rows_of(CASE_COLUMNS, cases)
    report = import_participedia(data)
    assert not report.imported and lines(report.refused) == [4]
    assert "limit is 250,000" in report.refused[0].reason
    assert not Entry.objects.exists()
    skipping = import_participedia(data, skip_bad_rows=True)
    assert lines(skipping.created) == [2, 3] and Entry.objects.count() == 2


def test_what_the_entry_itself_refuses_is_refused_by_line_before_anything_is_saved():
    cases = cells_of(fixture("cases.csv"))
    cases[0]["title"] = "T" * 301
    cases[1]["url"] = "not a web address"
    cases[2]["original_language"] = "a-language-code-too-long"
    report = import_participedia(rows_of(CASE_COLUMNS, cases))
    assert lines(report.refused) == [2, 3, 4] and not Entry.objects.exists()
    assert "title has 301 characters" in report.refused[0].reason
    assert "no web address" in report.refused[1].reason
    assert "language" in report.refused[2].reason


@pytest.mark.parametrize(
    ("name", "columns"), [("cases.csv", CASE_COLUMNS), ("methods.csv", METHOD_COLUMNS)]
)
def test_import_then_export_gives_the_same_cells(name, columns):
    data = fixture(name)
    import_participedia(data)
    original = {row["id"]: row for row in cells_of(data)}
    for kind in {row["type"] for row in original.values()}:
        entries = Entry.objects.filter(kind=kind).order_by("source_id")
        exported = export_entries(kind, "participedia-csv", entries)
        assert exported.startswith(b"\xef\xbb\xbf")
        header = exported.decode("utf-8-sig").split("\n", 1)[0].split(",")
        assert tuple(header) == columns
        for row in cells_of(exported):
            assert row == original[row["id"]]


def test_an_edited_entry_exports_its_new_values():
    import_participedia(fixture("cases.csv"))
    entry = Entry.objects.get(source_id="102")
    entry = services.update_entry(entry, {"body": "A shorter text.", "mode": "both"})
    (row,) = cells_of(export_entries("case", "participedia-csv", [entry]))
    assert row["body"] == "A shorter text." and row["facetoface_online_or_both"] == "both"
    assert row["id"] == "102" and row["title"] == entry.title


def test_our_own_entries_export_without_a_participedia_id():
    coalition = CoalitionFactory()
    ours = services.create_entry(
        {
            "kind": "case",
            "title": "=Our own case",
            "links": [{"url": "https://example.org/ours", "label": "Report"}],
            "issues": ["health"],
            "start_year": 2020,
        },
        coalition=coalition,
    )
    (row,) = cells_of(export_entries("case", "participedia-csv", [ours]))
    assert row["id"] == "" and row["url"] == "https://example.org/ours"
    assert row["title"] == "'=Our own case"  # a spreadsheet formula made text
    assert (row["general_issues_1"], row["start_date"]) == ("health", "2020")
    # Imported back, the quote comes off again (and the row is refused: no id to find it by).
    report = import_participedia(export_entries("case", "participedia-csv", [ours]))
    assert "no id" in report.refused[0].reason


def test_the_json_export_has_every_field_the_source_and_the_page():
    import_participedia(fixture("methods.csv"))
    entries = Entry.objects.filter(kind="method").order_by("source_id")
    found = json.loads(export_entries("method", "json", entries))
    assert [item["source_id"] for item in found] == ["201", "202"]
    panel = found[0]
    assert panel["title"] == "Citizens Panel" and panel["kind"] == "method"
    assert panel["purposes"] == ["make", "deliberation"] and panel["licence"] == LICENCE
    assert panel["url"] == entries[0].get_absolute_url() and panel["url"].startswith("/")
    assert panel["source_url"] == "https://participedia.net/method/201"
    assert panel["participedia"]["level_complexity"] == "high"
    assert not any(key.startswith("_") for key in panel["participedia"])
    assert {"body", "four_cos", "created_at", "status"} <= set(panel)


def test_an_import_runs_a_bounded_number_of_queries(django_assert_max_num_queries):
    cases = cells_of(fixture("cases.csv"))
    many = [dict(cases[0], id=str(1000 + n), title=f"Case {n}") for n in range(60)]
    with django_assert_max_num_queries(20):
        report = import_participedia(rows_of(CASE_COLUMNS, many))
    assert len(report.created) == 60


def test_the_shared_sample_or_the_fixture_imports_and_round_trips():
    # Participedia's real sample when it is beside the repository; our own fixture anywhere.
    shared = Path(__file__).resolve().parents[3] / "shared/data/participedia/cases-sample.csv"
    data = shared.read_bytes() if shared.exists() else fixture("cases.csv")
    report = import_participedia(data)
    assert report.imported and report.refused == [] and report.created
    original = {row["id"]: row for row in cells_of(data)}
    for kind in {row["type"] for row in original.values()}:
        entries = Entry.objects.filter(kind=kind)
        for row in cells_of(export_entries(kind, "participedia-csv", entries)):
            assert row == original[row["id"]]


def cache_size():
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        return cursor.fetchone()[0]


def test_an_import_holds_the_collector_off_and_gives_it_back(monkeypatch):
    """The cycle collector is off while an import runs (bulk.collector_paused), and as it was
    afterwards, also when the import fails, and left off when it was off before. On SQLite the
    page cache is larger for as long (bulk.large_cache)."""
    sqlite = connection.vendor == "sqlite"
    before = cache_size() if sqlite else None
    seen = []

    def running(*args, **kwargs):
        seen.append((gc.isenabled(), cache_size() if sqlite else None))

    monkeypatch.setattr(imports, "_import", running)
    assert gc.isenabled()
    import_participedia(fixture("cases.csv"))
    assert seen == [(False, -bulk.BULK_CACHE_KIB if sqlite else None)] and gc.isenabled()
    assert not sqlite or cache_size() == before != -bulk.BULK_CACHE_KIB

    def failing(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(imports, "_import", failing)
    with pytest.raises(RuntimeError):
        import_participedia(b"")
    assert gc.isenabled()
    assert not sqlite or cache_size() == before
    gc.disable()
    try:
        monkeypatch.setattr(imports, "_import", lambda *args, **kwargs: None)
        import_participedia(b"")
        assert not gc.isenabled()
    finally:
        gc.enable()


SAVED_VALUES = [
    None,
    "",
    "plain words",
    "two\nlines\tand a tab",
    "A\x00 title\x1b[2J with \u202eturned\u202c text",
    "Cafe\u0301 in NFD",
    7,
    True,
    [],
    ["Oldham", "Wigan"],
    {"id": "1", "name": "Café"},
]


@pytest.mark.parametrize("model", [Entry, Revision, Facet])
def test_each_field_is_written_as_django_would_save_it(model):
    # The import prepares values itself (imports._saver), skipping Django's steps where they
    # give the value back unchanged: what it writes must be what saving would write.
    fields = [field for field in model._meta.concrete_fields if not field.primary_key]
    for field in fields:
        write = imports._saver(field, connection)
        for value in SAVED_VALUES:
            try:
                expected = field.get_db_prep_save(value, connection)
            except (TypeError, ValueError, ValidationError):
                continue  # a value this field never holds
            assert _meaning(field, write(value)) == _meaning(field, expected), (field.name, value)


def _meaning(field, written):
    """A JSON field's value as its data: the import writes JSON text (which COPY and SQLite
    take), where saving gives PostgreSQL's driver an adapter holding the data."""
    if isinstance(field, JSONField) and written is not None:
        return json.loads(written) if isinstance(written, str) else written.obj
    return written
