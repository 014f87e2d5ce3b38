"""Exports are safe to open: formula cells escaped, numbers untouched, raw mode verbatim."""

import csv
import io
import subprocess
import sys
import zipfile

import numpy as np
import pytest
from django.core.management import call_command
from factories import CoalitionFactory
from hypothesis import given
from hypothesis import strategies as st

from coproduce.conversations.models import Conversation, Statement, Vote, Voter
from coproduce.conversations.opinion import VoteMatrix
from coproduce.conversations.opinion.polis_io import Comments, read_polis_export, write_polis_export
from coproduce.conversations.polis import export_polis, import_polis
from coproduce.core.csvfiles import DANGEROUS_FIRST, safe_cell, unescape_cell, writer
from coproduce.jobs.models import Job
from coproduce.jobs.services import start_job

HYPERLINK = '=HYPERLINK("http://x","y")'


def written(rows, **kwargs) -> str:
    out = io.StringIO()
    writer(out, lineterminator="\n", **kwargs).writerows(rows)
    return out.getvalue()


def plain(rows) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue()


# -- safe_cell and writer -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [HYPERLINK, "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A9)", "\tx", "\rx", "=", "-1", "+44 161"],
)
def test_each_dangerous_first_character_is_escaped(value):
    assert safe_cell(value) == "'" + value
    assert written([["ok", value]]) == plain([["ok", "'" + value]])


def test_every_listed_character_is_covered():
    assert set(DANGEROUS_FIRST) == {"=", "+", "-", "@", "\t", "\r"}
    for first in DANGEROUS_FIRST:
        assert safe_cell(first + "1") == "'" + first + "1"


@pytest.mark.parametrize("value", ["plain", "", "1,5", "a=b", " =not first", "'quoted", "1-2"])
def test_harmless_text_is_unchanged(value):
    assert safe_cell(value) == value


@pytest.mark.parametrize("value", [-1, 0, 1, -2.5, None, np.int64(-1), np.float64(-0.5)])
def test_numbers_and_none_are_unchanged(value):
    assert safe_cell(value) is value


def test_votes_written_as_numbers_stay_numbers():
    assert written([[7, 3, -1], [8, 3, 1]]) == "7,3,-1\n8,3,1\n"


def test_raw_mode_writes_cells_unchanged():
    rows = [["id", "text"], [1, HYPERLINK], [2, "-1"], [3, "@me"]]
    assert written(rows, raw=True) == plain(rows)
    assert written(rows) != plain(rows)


def test_a_text_that_already_starts_with_a_quote_keeps_it():
    assert safe_cell("'=x") == "''=x"
    assert unescape_cell("''=x") == "'=x"
    assert unescape_cell("'plain") == "'plain"  # not added by safe_cell: left alone


@given(st.text(alphabet=st.one_of(st.sampled_from("'=+-@\t\r"), st.characters())))
def test_escaping_round_trips_and_never_leaves_a_formula(text):
    escaped = safe_cell(text)
    assert unescape_cell(escaped) == text
    assert not escaped.startswith(DANGEROUS_FIRST)


def test_the_module_and_the_pure_polis_io_import_no_django():
    code = (
        "import sys, coproduce.core.csvfiles, coproduce.conversations.opinion.polis_io;"
        "sys.exit(any(m == 'django' or m.startswith('django.') for m in sys.modules))"
    )
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


# -- Pol.is files -------------------------------------------------------------------------------


def is_number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


def test_pure_writers_round_trip_escaped_texts_and_text_ids(tmp_path):
    by_id = {"=s0": HYPERLINK, "s1": "'=quoted", "-s2": "-", "s3": "'", "@s4": "@home", "s5": "x"}
    matrix = VoteMatrix.from_votes(["=p", "p2"], ["=s0", "-s2"], [1, -1], statement_ids=list(by_id))
    comments = Comments(
        ids=matrix.statement_ids,
        texts=tuple(by_id[i] for i in matrix.statement_ids.tolist()),
        moderated=np.ones(len(by_id), dtype=np.int8),
    )
    write_polis_export(tmp_path, matrix, comments, summary={"topic": "+1 for trees", "voters": 2})
    for name in ("comments.csv", "votes.csv", "participants-votes.csv", "summary.csv"):
        for row in csv.reader((tmp_path / name).open(newline="")):
            risky = [cell for cell in row if cell.startswith(DANGEROUS_FIRST)]
            assert all(is_number(cell) for cell in risky), (name, row)  # votes such as -1
    export = read_polis_export(tmp_path)
    assert export.comments.text_by_id() == by_id
    assert export.votes.participant_ids.tolist() == ["=p", "p2"]
    assert export.summary["topic"] == "+1 for trees"


@pytest.fixture
def hyperlink_conversation(db):
    conversation = Conversation.objects.create(coalition=CoalitionFactory(), question="=1+1?")
    first = Statement.objects.create(conversation=conversation, text=HYPERLINK)
    second = Statement.objects.create(conversation=conversation, text="Greener streets")
    voter = Voter.objects.create(conversation=conversation)
    Vote.objects.create(conversation=conversation, voter=voter, statement=first, value=-1)
    Vote.objects.create(conversation=conversation, voter=voter, statement=second, value=1)
    return conversation


def comment_bodies(folder) -> list[str]:
    with (folder / "comments.csv").open(encoding="utf-8", newline="") as fh:
        return [row["comment-body"] for row in csv.DictReader(fh)]


def test_the_polis_export_escapes_a_formula_statement_and_reimports_it(
    tmp_path, hyperlink_conversation
):
    folder = export_polis(hyperlink_conversation, tmp_path / "out")
    assert comment_bodies(folder) == ["'" + HYPERLINK, "Greener streets"]
    assert "topic,'=1+1?" in (folder / "summary.csv").read_text()
    votes = [line.split(",")[-1] for line in (folder / "votes.csv").read_text().splitlines()]
    assert sorted(votes[1:]) == ["-1", "1"]  # numbers, not escaped
    again = import_polis(folder, coalition=hyperlink_conversation.coalition)
    assert again.question == "=1+1?"
    assert list(again.statements.values_list("text", flat=True)) == [
        HYPERLINK,
        "Greener streets",
    ]
    assert sorted(again.votes.values_list("value", flat=True)) == [-1, 1]


def test_the_raw_command_writes_what_polis_writes(tmp_path, hyperlink_conversation):
    # The statements' real time, in milliseconds, and -1 for "no author" (seed statements).
    hyperlink_conversation.statements.update(created_at="2018-06-14T09:30:00Z")
    call_command("export_polis", hyperlink_conversation.pk, str(tmp_path / "raw"), "--raw")
    first, second = hyperlink_conversation.statements.values_list("pk", flat=True)
    when = "1528968600000,Thu Jun 14 09:30:00 UTC 2018"
    rows = {  # ids are text, so in text order
        str(first): f'{when},{first},-1,0,1,1,"=HYPERLINK(""http://x"",""y"")"\n',
        str(second): f"{when},{second},-1,1,0,1,Greener streets\n",
    }
    assert (tmp_path / "raw" / "comments.csv").read_bytes() == (
        "timestamp,datetime,comment-id,author-id,agrees,disagrees,moderated,comment-body\n"
        + "".join(rows[key] for key in sorted(rows))
    ).encode()
    assert "topic,=1+1?" in (tmp_path / "raw" / "summary.csv").read_text()
    call_command("export_polis", hyperlink_conversation.pk, str(tmp_path / "safe"))
    assert comment_bodies(tmp_path / "safe")[0] == "'" + HYPERLINK


def test_the_export_job_escapes_unless_asked_for_raw(hyperlink_conversation):
    def bodies(raw: bool) -> list[str]:
        job = start_job(
            kind="conversations.export",
            fingerprint=f"test:{raw}",
            title="export",
            subject=hyperlink_conversation,
            action="run_conversation",
            params={"conversation": hyperlink_conversation.pk, "raw": raw},
        )
        job = Job.objects.get(pk=job.pk)
        assert job.status == Job.Status.DONE, job.error
        with zipfile.ZipFile(job.file.open()) as archive:
            text = archive.read("comments.csv").decode()
        return [row["comment-body"] for row in csv.DictReader(io.StringIO(text))]

    assert bodies(raw=False)[0] == "'" + HYPERLINK
    assert bodies(raw=True)[0] == HYPERLINK
