"""Every command-line tool answers bad input with one line on stderr and exit status 2.

The cases drive the real entry point, `coproduce.cli.main`, in this process: the algorithm
commands return their status, Django's commands leave through SystemExit, as they do in a shell.
Two cases run `python -m coproduce.cli` to see the status really reach the shell.
"""

import json
import os
import subprocess
import sys

import pytest
from django.db import connections
from factories import CoalitionFactory, WorkshopFactory

from coproduce.cli import main

VOTES_HEADER = "timestamp,datetime,comment-id,voter-id,vote\n"
COMMENTS_HEADER = (
    "timestamp,datetime,comment-id,author-id,agrees,disagrees,moderated,comment-body\n"
)
SMALL_CAFE = {
    "rounds": 2,
    "tables": [{"id": "A", "capacity": 2}, {"id": "B", "capacity": 2}],
    "people": [{"id": "a"}, {"id": "b"}, {"id": "c"}, {"id": "d"}],
}


def run(capsys, argv):
    try:
        code = main(argv)
    except SystemExit as exited:
        code = exited.code
    return code, capsys.readouterr().err


def assert_refused(code, err, words):
    assert "Traceback" not in err, err
    assert code == 2, err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert words in lines[0], err


@pytest.fixture
def inputs(tmp_path):
    """Hostile input files, by name; arguments name them as {name}."""
    made = {
        "small.json": json.dumps(SMALL_CAFE),
        "deep.json": "[" * 100_000 + "]" * 100_000,
        "huge-rounds.json": json.dumps(dict(SMALL_CAFE, rounds=100_000)),
        "tables-not-a-list.json": json.dumps(dict(SMALL_CAFE, tables=5)),
        "previous-numbers.json": "[1, 2]",
        "previous-text.json": '"abc"',
        "people.csv": "id,name,sector\n1,A,x\n2,B,y\n",
    }
    for name, text in made.items():
        (tmp_path / name).write_text(text)
    (tmp_path / "latin-1.csv").write_bytes("id,name,sector\n1,Zoë,x\n".encode("latin-1"))
    folders = {
        "nul-id": VOTES_HEADER + "1,x,0,a\x00b,1\n2,x,1,c,-1\n",
        "long-id": VOTES_HEADER + f"1,x,0,{'v' * 70},1\n",
        "huge-timestamp": VOTES_HEADER + "123456789012345678901234,x,0,1,1\n",
        "huge-vote": VOTES_HEADER + "1,x,0,1,99999999999999999999999\n",
    }
    for name, votes in folders.items():
        (tmp_path / name).mkdir()
        (tmp_path / name / "votes.csv").write_text(votes)
    return tmp_path


def expand(argv, folder):
    return [a.format(tmp=folder) for a in argv]


SEAT = [
    (["{tmp}/deep.json"], "nested too deeply"),
    (["--people", "{tmp}/latin-1.csv", "--tables", "2", "--rounds", "1"], "not UTF-8"),
    (["{tmp}/small.json", "--previous", "{tmp}/previous-numbers.json"], "list of rounds"),
    (["{tmp}/small.json", "--previous", "{tmp}/previous-text.json"], "list of rounds"),
    (["{tmp}/small.json", "--output", "{tmp}"], "is a folder"),
    (["{tmp}/small.json", "--output", "{tmp}/no/plan.json"], "does not exist"),
    (["{tmp}/small.json", "--time-limit", "-1"], "from 0.1 to 3600"),
    (["{tmp}/small.json", "--time-limit", "nan"], "from 0.1 to 3600"),
    (["{tmp}/small.json", "--time-limit", "inf"], "from 0.1 to 3600"),
    (["{tmp}/small.json", "--time-limit", "1e308"], "from 0.1 to 3600"),
    (["{tmp}/small.json", "--seed", "-1"], "from 0 to 2147483647"),
    (["{tmp}/small.json", "--seed", "12345678901234567890123"], "from 0 to 2147483647"),
    (["--people", "{tmp}/people.csv", "--tables", "2", "--rounds", "100000"], "from 1 to 100,"),
    (["--people", "{tmp}/people.csv", "--tables", "1000000", "--rounds", "2"], "1 to 2000"),
    (["{tmp}/huge-rounds.json"], "100000 rounds is more than the seating engine can plan"),
    (["{tmp}/tables-not-a-list.json"], "tables must be a list"),
    (["{tmp}/missing.json"], "cannot read"),
    (["{tmp}/small.json", "--bogus"], "unrecognized arguments"),
]


@pytest.mark.parametrize(("argv", "words"), SEAT)
def test_seat_refuses_bad_input(inputs, capsys, argv, words):
    code, err = run(capsys, ["seat", *expand(argv, inputs)])
    assert_refused(code, err, words)


OPINION = [
    (["{tmp}/nul-id"], "control character"),
    (["{tmp}/long-id"], "ids have at most 64"),
    (["{tmp}/huge-timestamp"], "too large a number"),
    (["{tmp}/huge-vote"], "vote"),
    (["{tmp}/nul-id", "--seed", "-1"], "from 0 to 2147483647"),
    (["{tmp}/nul-id", "--groups", "1"], "from 2 to 100"),
    (["{tmp}/nul-id", "--indent", "-1"], "from 0 to 8"),
    (["{tmp}/missing"], "not a folder"),
]


@pytest.mark.parametrize(("argv", "words"), OPINION)
def test_opinion_refuses_bad_input(inputs, capsys, argv, words):
    code, err = run(capsys, ["opinion", *expand(argv, inputs)])
    assert_refused(code, err, words)


def test_opinion_reads_a_23_digit_id_as_text(inputs, capsys):
    (inputs / "votes.csv").write_text(VOTES_HEADER + "1,x,0,12345678901234567890123,1\n")
    code, err = run(capsys, ["opinion", str(inputs)])
    assert code == 0, err


@pytest.fixture
def django_commands(db, monkeypatch):
    """Django commands close every connection when they end; the test's transaction must
    outlive them."""
    monkeypatch.setattr(connections, "close_all", lambda: None)
    return CoalitionFactory(slug="gm")


DJANGO = [
    (["import_polis", "{tmp}/nul-id", "--coalition", "gm"], "control character"),
    (["import_polis", "{tmp}/long-id", "--coalition", "gm"], "ids have at most 64"),
    (["import_polis", "{tmp}/huge-timestamp", "--coalition", "gm"], "too large a number"),
    (["import_polis", "{tmp}/missing", "--coalition", "gm"], "not a folder"),
    (["import_polis", "{tmp}/nul-id", "--coalition", "g\x00m"], "No coalition"),
    (["import_polis", "{tmp}/nul-id"], "required: --coalition"),
    (["export_polis", "12345678901234567890123", "{tmp}/out"], "from 1 to 9223372036854775807"),
    (["export_polis", "0", "{tmp}/out"], "from 1 to"),
    (["export_polis", "424242", "{tmp}/out"], "No conversation 424242"),
    (["report", "nosuch"], "No workshop"),
    (["report", "12345678901234567890123"], "No workshop"),
    (["report", "²"], "No workshop"),
    (["report", "x", "--format", "xx"], "invalid choice"),
    (["demo", "--bogus"], "unrecognized arguments"),
    (["backup", "{tmp}/people.csv"], "is a file"),
    (["restore", "{tmp}/missing"], "not a folder"),
    (["restore", "{tmp}"], "no manifest.json"),
]


@pytest.mark.parametrize(("argv", "words"), DJANGO)
def test_management_commands_refuse_bad_input(inputs, capsys, django_commands, argv, words):
    code, err = run(capsys, expand(argv, inputs))
    assert_refused(code, err, words)


def test_report_refuses_a_folder_as_output(inputs, capsys, django_commands):
    WorkshopFactory(slug="w")
    code, err = run(capsys, ["report", "w", "--format", "md", "-o", str(inputs)])
    assert_refused(code, err, "is a folder")


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["seat", "--time-limit", "nan"], "from 0.1 to 3600"),
        (["restore", "/nonexistent/backup"], "not a folder"),
        (["report", "--list"], "the database is not ready"),  # never migrated
    ],
)
def test_the_exit_status_reaches_the_shell(tmp_path, argv, words):
    done = subprocess.run(
        [sys.executable, "-m", "coproduce.cli", *argv],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env=dict(
            os.environ,
            COPRODUCE_DATA_DIR=str(tmp_path),
            DATABASE_URL=f"sqlite:///{tmp_path / 'empty.sqlite3'}",
        ),
    )
    assert_refused(done.returncode, done.stderr, words)


def test_import_polis_keeps_a_23_digit_id_as_text(inputs, capsys, django_commands):
    from coproduce.conversations.models import Voter

    (inputs / "votes.csv").write_text(VOTES_HEADER + "1,x,0,12345678901234567890123,1\n")
    code, err = run(capsys, ["import_polis", str(inputs), "--coalition", "gm"])
    assert code == 0, err
    assert Voter.objects.get().polis_id == "12345678901234567890123"
