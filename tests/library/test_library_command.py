"""`coproduce library import|search|export`, through the real entry point (coproduce.cli.main)
and through call_command. Runs on SQLite and on PostgreSQL."""

import csv
import io
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connections
from factories import CoalitionFactory

from coproduce.cli import main
from coproduce.coalitions.models import Visibility
from coproduce.library import services
from coproduce.library.models import Entry

pytestmark = pytest.mark.django_db
DATA = Path(__file__).resolve().parents[1] / "data" / "participedia"


@pytest.fixture(autouse=True)
def _connections_stay_open(monkeypatch):
    """Django's commands close every connection when they end; the test's transaction must
    outlive them."""
    monkeypatch.setattr(connections, "close_all", lambda: None)


def run(capsys, *argv) -> tuple[int, str, str]:
    try:
        code = main(["library", *map(str, argv)])
    except SystemExit as exited:
        code = exited.code
    out = capsys.readouterr()
    return code or 0, out.out, out.err


def imported(*names):
    for name in names:
        call_command("library", "import", str(DATA / name), stdout=io.StringIO())


def test_import_prints_what_it_created_by_line_and_exits_0(capsys):
    code, out, err = run(capsys, "import", DATA / "cases.csv")
    assert code == 0, err
    assert "Created: line 2: id 101 Riverside Neighbourhood Budget Assembly" in out
    assert "Created: line 4: id 103 Greenvale Charter for Shared Decisions" in out
    assert "Created 3, updated 0, unchanged 0, skipped 0" in out
    code, out, err = run(capsys, "import", DATA / "cases.csv")
    assert code == 0 and "Created 0, updated 0, unchanged 3" in out
    assert Entry.objects.count() == 3


def test_a_refused_file_lists_every_bad_line_and_exits_1(capsys):
    code, out, err = run(capsys, "import", DATA / "broken.csv")
    assert code == 1
    for line in (4, 5, 7, 8):
        assert f"Refused: line {line}:" in out
    assert "Refused: line 4: id 103 (Greenvale Charter, a second copy): id 103 is already" in out
    assert "Nothing imported: 4 bad line(s)" in err and "Traceback" not in err
    assert not Entry.objects.exists()


def test_skip_bad_rows_imports_the_rest_and_lists_the_skipped(capsys):
    code, out, err = run(capsys, "import", DATA / "broken.csv", "--skip-bad-rows")
    assert code == 0, err
    assert "Skipped: line 7: id 106: a broken quote" in out
    assert "Unknown value: line 6: facetoface_online_or_both = 'hybrid'" in out
    assert "Created 4, updated 0, unchanged 0, skipped 4, unknown values 3." in out
    assert Entry.objects.count() == 4


def test_a_dry_run_says_so_and_saves_nothing(capsys):
    code, out, err = run(capsys, "import", DATA / "methods.csv", "--dry-run")
    assert code == 0, err
    assert "Would create: line 2: id 201 Citizens Panel" in out
    assert out.strip().endswith("Dry run, nothing saved. Would create 2, updated 0, unchanged 0, "
                                "skipped 0, unknown values 0.")  # fmt: skip
    assert not Entry.objects.exists()


def test_a_file_that_cannot_be_read_is_bad_input(capsys, tmp_path):
    code, out, err = run(capsys, "import", tmp_path / "missing.csv")
    assert code == 2 and "cannot read" in err and len(err.strip().splitlines()) == 1


def test_call_command_raises_with_status_1_for_a_refused_file():
    with pytest.raises(CommandError) as refused:
        call_command("library", "import", str(DATA / "wrong-header.csv"), stdout=io.StringIO())
    assert refused.value.returncode == 1


def test_search_as_json_lists_the_best_first_with_the_source_id(capsys):
    imported("cases.csv", "methods.csv")
    code, out, err = run(capsys, "search", "cycle lane", "--format", "json")
    assert code == 0, err
    found = json.loads(out)
    assert [hit["source_id"] for hit in found] == ["102"]
    (hit,) = found
    assert {"id", "kind", "title", "source_id", "snippet", "score"} <= set(hit)
    assert hit["kind"] == "case" and hit["id"] == Entry.objects.get(source_id="102").pk
    assert "cycle lane" in hit["snippet"].lower() and isinstance(hit["score"], float)


def test_search_narrows_by_kind_and_limits(capsys):
    imported("cases.csv", "methods.csv")
    services.create_entry(
        {"kind": "organization", "title": "Deliberation Network Trust"},
        coalition=CoalitionFactory(),
    )
    code, out, err = run(capsys, "search", "deliberation", "--format", "json")
    kinds = {hit["kind"] for hit in json.loads(out)}
    assert {"method", "organization"} <= kinds
    code, out, err = run(
        capsys, "search", "deliberation", "--kind", "organisation", "--format", "json"
    )
    found = json.loads(out)
    assert [hit["title"] for hit in found] == ["Deliberation Network Trust"]
    assert found[0]["source_id"] is None
    code, out, err = run(capsys, "search", "", "--limit", "2", "--format", "json")
    assert len(json.loads(out)) == 2


def test_search_sees_what_an_anonymous_visitor_sees(capsys):
    private = CoalitionFactory(visibility=Visibility.PRIVATE)
    services.create_entry({"kind": "case", "title": "Secret Zebra Forum"}, coalition=private)
    services.create_entry({"kind": "case", "title": "Pending Zebra Forum"})  # not moderated
    services.create_entry(
        {"kind": "case", "title": "Open Zebra Forum"}, coalition=CoalitionFactory()
    )
    code, out, err = run(capsys, "search", "zebra", "--format", "json")
    assert [hit["title"] for hit in json.loads(out)] == ["Open Zebra Forum"]


def test_search_as_text_and_odd_input(capsys):
    imported("methods.csv")
    code, out, err = run(capsys, "search", "world cafe")
    assert code == 0, err
    assert out.startswith("1. World Café (Method, Participedia 202)")
    for query in ['"unclosed', "NEAR(", "*", "-", "'; DROP TABLE x; --", "é" * 10_000, "🙂"]:
        code, out, err = run(capsys, "search", query, "--format", "json")
        assert code == 0 and isinstance(json.loads(out), list), err
    code, out, err = run(capsys, "search", "x", "--limit", "0")
    assert code == 2 and "--limit" in err
    code, out, err = run(capsys, "search", "x", "--kind", "collection")
    assert code == 2


def test_export_writes_participedia_csv_and_json(capsys, tmp_path):
    imported("cases.csv", "methods.csv")
    target = tmp_path / "cases.csv"
    code, out, err = run(capsys, "export", "--kind", "case", "--format", "participedia-csv",
                         "-o", target)  # fmt: skip
    assert code == 0, err
    assert "Wrote" in err
    rows = list(csv.DictReader(io.StringIO(target.read_text("utf-8-sig"), newline="")))
    original = {row["id"]: row for row in csv.DictReader(
        io.StringIO((DATA / "cases.csv").read_text("utf-8-sig"), newline=""))}  # fmt: skip
    assert [row["id"] for row in rows] == ["101", "102"]
    assert all(row == original[row["id"]] for row in rows)
    target = tmp_path / "methods.json"
    code, out, err = run(capsys, "export", "--kind", "method", "--format", "json", "-o", target)
    assert code == 0, err
    assert [item["source_id"] for item in json.loads(target.read_text())] == ["201", "202"]


def test_export_of_organisations_and_bad_targets(capsys, tmp_path):
    services.create_entry(
        {"kind": "organization", "title": "Civic Lab"}, coalition=CoalitionFactory()
    )
    target = tmp_path / "orgs.json"
    code, out, err = run(capsys, "export", "--kind", "organisation", "--format", "json", "-o",
                         target)  # fmt: skip
    assert code == 0, err
    assert [item["title"] for item in json.loads(target.read_text())] == ["Civic Lab"]
    code, out, err = run(capsys, "export", "--kind", "case", "--format", "json", "-o", tmp_path)
    assert code == 2 and "folder" in err
    code, out, err = run(capsys, "export", "--kind", "case", "--format", "xml", "-o", target)
    assert code == 2
