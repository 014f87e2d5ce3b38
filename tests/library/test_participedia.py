"""Reading Participedia's CSV exports and writing rows back (library/participedia.py, pure).

The fixtures in tests/data/participedia/ are our own rows in Participedia's format (invented text).
"""

import csv
import io
from pathlib import Path

import pytest

from coproduce.library import participedia
from coproduce.library.htmltext import html_to_markdown
from coproduce.library.participedia import CASE_COLUMNS, METHOD_COLUMNS, read, to_row

DATA = Path(__file__).resolve().parents[1] / "data" / "participedia"
LIMIT = 250_000
SHARED_SAMPLE = Path(__file__).resolve().parents[3] / "shared/data/participedia/cases-sample.csv"


def fixture(name: str) -> bytes:
    return (DATA / name).read_bytes()


def cells_of(data: bytes) -> list[dict]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def rows_of(columns, rows: list[dict], *, bom: bool = True) -> bytes:
    stream = io.StringIO()
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([row.get(name, "") for name in columns])
    return (("\ufeff" if bom else "") + stream.getvalue()).encode("utf-8")


def test_the_columns_are_participedias():
    assert len(CASE_COLUMNS) == 111 == len(set(CASE_COLUMNS))
    assert CASE_COLUMNS[:4] == ("id", "type", "title", "url")
    assert CASE_COLUMNS[-2:] == ("evaluation_links_count", "collections")
    assert len(METHOD_COLUMNS) == 50 == len(set(METHOD_COLUMNS))
    assert METHOD_COLUMNS[22:25] == ("method_types_1", "method_types_2", "method_types_3")
    assert "purpose_method_3" in METHOD_COLUMNS and "if_voting_3" in METHOD_COLUMNS
    # The header line of the fixture (written from these constants) is what Participedia's
    # own export starts with, and so is the real sample's when it is beside the repository.
    sample = SHARED_SAMPLE if SHARED_SAMPLE.exists() else DATA / "cases.csv"
    header = sample.read_bytes().split(b"\n", 1)[0].decode("utf-8-sig").split(",")
    assert tuple(header) == CASE_COLUMNS


def test_a_case_export_with_its_quirks_reads_into_fields():
    parsed = read(fixture("cases.csv"), body_max=LIMIT)
    assert parsed.problems == [] and parsed.unknown == [] and not parsed.fatal
    assert parsed.columns_kind == "case"
    first, online, charter = parsed.rows
    assert (first.line, first.source_id) == (2, "101")
    assert first.source_url == "https://participedia.net/case/101"
    fields = first.fields
    assert fields["kind"] == "case"
    assert fields["title"] == "Riverside Neighbourhood Budget Assembly"
    assert (fields["city"], fields["province"], fields["country"]) == (
        "Lowbridge",
        "Northshire",
        "United Kingdom",
    )
    assert (fields["start_year"], fields["end_year"]) == (2014, 2015)
    assert fields["links"] == [
        {"url": "https://participedia.net/case/101", "label": "Participedia"}
    ]
    # Stray spaces in the spread columns are gone; the order is Participedia's ranking.
    assert fields["issues"] == ["economics", "planning"]
    assert fields["topics"] == ["budget", "housing"]
    assert fields["purposes"] == ["make", "develop"]
    assert fields["approaches"] == ["cogovernance", "consultation"]
    assert fields["method_types"] == ["deliberative", "participatory"]
    assert fields["decision_methods"] == ["voting", "opinion"]
    assert fields["organiser_types"] == ["local", "community"]
    assert (fields["iap2_level"], fields["mode"], fields["recruitment"]) == (
        "collaborate",
        "facetoface",
        "random",
    )
    assert fields["participants"] == 240  # "240.0"
    assert fields["language"] == "en"
    assert fields["body"].startswith("What happened  Residents met") and fields["body"][-1] != " "
    # Every other column is kept as it came, empty ones left out.
    other = first.participedia
    assert other["id"] == "101" and other["longitude"] == "-2.2426305"
    assert other["facilitators"] == "1.0" and "address1" not in other
    assert other["_related"] == [
        {"column": "specific_methods_tools_techniques_titles", "id": "201", "type": "method",
         "title": "Citizens Panel"},
        {"column": "collections", "id": "650", "type": "collection", "title": "Budgets Collection"},
        {"column": "is_component_of_id", "id": "900", "type": "case",
         "title": "Northshire Participation Programme"},
    ]  # fmt: skip
    # Empty cells are empty fields; a stray space in the first of a spread is gone too.
    assert online.fields["participants"] is None and online.fields["end_year"] is None
    assert charter.fields["kind"] == "policy" and charter.fields["iap2_level"] == ""
    assert charter.fields["issues"] == ["governance"] and charter.fields["approaches"] == [
        "cogovernance"
    ]
    assert charter.fields["start_year"] == 2012 and charter.fields["body"] == ""


def test_html_in_the_body_becomes_markdown_paragraphs_with_no_tag_left():
    body = read(fixture("cases.csv"), body_max=LIMIT).rows[1].fields["body"]
    assert body == (
        "## Problems and purpose\n\n"
        "The council wanted to know which cycle lane route people preferred & why.\n\n"
        "- Route A along the harbour\n\n- Route B through the centre\n\n"
        "More at [the council's page](https://example.org/cycle)."
    )
    assert "<" not in body and "alert" not in body


@pytest.mark.parametrize(
    ("html", "markdown"),
    [
        ("<p>a &lt;script&gt;b</p>", "a &lt;script>b"),
        ("<div>one<br>two</div>", "one\n\ntwo"),
        ("<p>un<!-- hidden -->closed <b", "unclosed &lt;b"),
        ('<a href="javascript:alert(1)">click</a>', "click"),
        ("<style>p {}</style><p>kept</p>", "kept"),
        ("<scr<script>ipt>x</script>", "ipt>x"),
    ],
)
def test_html_conversion_leaves_no_tag(html, markdown):
    result = html_to_markdown(html)
    assert result == markdown
    assert "<" not in result


def test_a_methods_export_reads_with_its_own_columns():
    parsed = read(fixture("methods.csv"), body_max=LIMIT)
    assert parsed.problems == [] and parsed.columns_kind == "method"
    panel, cafe = parsed.rows
    assert panel.kind == "method" and cafe.fields["title"] == "World Café"
    assert panel.fields["purposes"] == ["make", "deliberation"]  # purpose_method_*
    assert panel.fields["decision_methods"] == ["general_agreement", "voting"]
    assert (
        panel.fields["body"]
        == "Panels are small and chosen by lot.\n\nThey hear witnesses, then deliberate."
    )
    # A method's number of participants is a range of sizes: kept aside, not counted.
    assert "participants" not in panel.fields
    assert panel.participedia["number_of_participants_2"] == " hundreds"
    assert "city" not in panel.fields  # no such column in a methods export


@pytest.mark.parametrize("name", ["cases.csv", "methods.csv"])
def test_to_row_gives_back_the_cells_it_read(name):
    data = fixture(name)
    parsed = read(data, body_max=LIMIT)
    for row, cells in zip(parsed.rows, cells_of(data), strict=True):
        written = to_row(row.fields, row.participedia, row.kind)
        assert list(written) == list(participedia.columns_for(row.kind))
        assert written == cells


def test_the_shared_sample_or_the_fixture_round_trips():
    # Participedia's real sample, when it is beside the repository; our fixture anywhere.
    data = SHARED_SAMPLE.read_bytes() if SHARED_SAMPLE.exists() else fixture("cases.csv")
    parsed = read(data, body_max=LIMIT)
    assert parsed.problems == [] and parsed.rows
    for row, cells in zip(parsed.rows, cells_of(data), strict=True):
        assert to_row(row.fields, row.participedia, row.kind) == cells


def test_a_changed_field_is_written_as_it_now_is():
    row = read(fixture("cases.csv"), body_max=LIMIT).rows[0]
    fields = dict(row.fields, participants=75, issues=["health"], body="New text.", start_year=2001)
    written = to_row(fields, row.participedia, "case")
    assert written["number_of_participants_1"] == "75.0"
    assert (written["general_issues_1"], written["general_issues_2"]) == ("health", "")
    assert written["body"] == "New text."  # not the old body's spaces
    assert written["start_date"] == "2001"
    # Unchanged fields keep their cells as given.
    assert written["end_date"] == "2015-02-28"


def test_an_entry_of_our_own_gets_a_row_too():
    fields = {
        "kind": "case",
        "title": "Ours",
        "issues": ["a", "b", "c", "d"],
        "links": [{"url": "https://example.org/ours", "label": "The report"}],
        "participants": 12,
    }
    written = to_row(fields, {}, "organization")
    assert written["type"] == "organization" and written["id"] == ""
    assert written["url"] == "https://example.org/ours"
    assert [written[f"general_issues_{n}"] for n in (1, 2, 3)] == ["a", " b", " c"]
    assert written["number_of_participants_1"] == "12.0"


def test_unknown_values_are_listed_and_kept():
    parsed = read(fixture("broken.csv"), body_max=LIMIT)
    unknown = [(u.line, u.column, u.value) for u in parsed.unknown]
    assert unknown == [
        (6, "public_spectrum", "deliberate"),
        (6, "facetoface_online_or_both", "hybrid"),
        (6, "start_date", "spring 2016"),
    ]
    row = next(row for row in parsed.rows if row.source_id == "105")
    assert row.fields["iap2_level"] == "" and row.fields["mode"] == ""
    written = to_row(row.fields, row.participedia, row.kind)
    assert written["public_spectrum"] == "deliberate"
    assert written["facetoface_online_or_both"] == "hybrid"
    assert written["start_date"] == "spring 2016"


def test_every_bad_line_is_named_with_its_reason():
    parsed = read(fixture("broken.csv"), body_max=LIMIT)
    assert not parsed.fatal
    assert [row.source_id for row in parsed.rows] == ["101", "103", "105", "108"]
    problems = {problem.line: problem for problem in parsed.problems}
    assert sorted(problems) == [4, 5, 7, 8]
    assert "id 103 is already on line 3" in problems[4].reason
    assert problems[4].label.startswith("id 103")
    assert "type 'collection'" in problems[5].reason
    assert "quote" in problems[7].reason and problems[7].label == "id 106"
    assert "not UTF-8" in problems[8].reason and "0xC9" in problems[8].reason
    assert "city" in problems[8].reason


def test_a_wrong_header_names_the_missing_columns():
    parsed = read(fixture("wrong-header.csv"), body_max=LIMIT)
    assert parsed.fatal and parsed.rows == []
    (problem,) = parsed.problems
    assert problem.line == 1
    assert "title, country, body" in problem.reason and "titel" in problem.reason


def test_a_body_over_the_limit_is_refused_by_line():
    big = "word " * 1_000_000  # 5 MB
    cases = cells_of(fixture("cases.csv"))
    cases[1]["body"] = big
    parsed = read(rows_of(CASE_COLUMNS, cases), body_max=LIMIT)
    assert [row.source_id for row in parsed.rows] == ["101", "103"]
    (problem,) = parsed.problems
    assert problem.line == 3 and "4,999,999 characters; the limit is 250,000" in problem.reason


def test_a_quote_never_closed_hides_no_other_line():
    cases = cells_of(fixture("cases.csv"))
    text = rows_of(CASE_COLUMNS, cases).decode("utf-8")
    lines = text.split("\n")
    lines[2] = lines[2].replace("102,case,", '102,case,"', 1)  # opens a quote on line 3
    parsed = read("\n".join(lines).encode("utf-8"), body_max=LIMIT)
    assert [row.source_id for row in parsed.rows] == ["101", "103"]
    (problem,) = parsed.problems
    assert problem.line == 3 and "quote" in problem.reason


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"id": ""}, "no id"),
        ({"id": "x7"}, "is no number"),
        ({"title": "  "}, "no title"),
        ({"type": ""}, "is none of"),
    ],
)
def test_rows_missing_what_an_entry_needs_are_refused(change, reason):
    cases = cells_of(fixture("cases.csv"))
    cases[0].update(change)
    parsed = read(rows_of(CASE_COLUMNS, cases), body_max=LIMIT)
    assert [problem.line for problem in parsed.problems] == [2]
    assert reason in parsed.problems[0].reason


def test_other_files_are_read_too():
    cases = cells_of(fixture("cases.csv"))
    # No byte-order mark, CRLF line ends, a blank line, an id written "101.0".
    cases[0]["id"] = "101.0"
    data = rows_of(CASE_COLUMNS, cases, bom=False).replace(b"\n", b"\r\n") + b"\r\n"
    parsed = read(data, body_max=LIMIT)
    assert parsed.problems == [] and [row.source_id for row in parsed.rows] == ["101", "102", "103"]
    assert read(b"", body_max=LIMIT).fatal
    assert read(b"\xff\xfe", body_max=LIMIT).fatal


def test_control_characters_and_formula_quotes_are_cleaned():
    cases = cells_of(fixture("cases.csv"))
    cases[0]["title"] = "A\x00 title\x1b[2J"
    cases[0]["creator_name"] = "'=not a formula"
    row = read(rows_of(CASE_COLUMNS, cases), body_max=LIMIT).rows[0]
    assert row.fields["title"] == "A title"
    assert row.participedia["creator_name"] == "=not a formula"


def test_parse_tuples():
    cell = '(4232,method,"Online ""Deliberation"""),(565,method,Survey), (7.0,case,"A, B")'
    assert participedia.parse_tuples(cell) == [
        ("4232", "method", 'Online "Deliberation"'),
        ("565", "method", "Survey"),
        ("7", "case", "A, B"),
    ]
