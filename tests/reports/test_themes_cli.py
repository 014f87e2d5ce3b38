"""`coproduce themes NOTES.csv`: suggested themes from a CSV, and one clear line for bad input."""

import json
from pathlib import Path

import pytest

from coproduce.cli import main

HARVEST = Path(__file__).parents[2] / "bench" / "themes" / "harvests" / "young-people-transport.csv"
TOPICS = (
    "bus fare ticket price route driver",
    "garden allotment seeds compost soil grow",
    "school pupils teachers lessons homework class",
)
# five different notes per topic, each three of its topic's words
CLEAR = "id,text\n" + "".join(
    f"{5 * t + i + 1},{' '.join(words.split()[i : i + 3])}\n"
    for t, words in enumerate(TOPICS)
    for i in range(4)
)


def run(capsys, argv):
    code = main(argv)
    out = capsys.readouterr()
    return code, out.out, out.err


def test_clear_themes_with_their_note_ids(tmp_path, capsys):
    notes = tmp_path / "notes.csv"
    notes.write_text(CLEAR)
    code, out, err = run(capsys, ["themes", str(notes), "--format", "json"])
    assert code == 0, err
    found = json.loads(out)
    assert sorted(
        (sorted(t["note_ids"], key=int) for t in found["themes"]), key=lambda ids: int(ids[0])
    ) == [[str(5 * t + i + 1) for i in range(4)] for t in range(3)]
    assert {t["confidence"] for t in found["themes"]} == {"clear"}


def test_a_realistic_harvest_says_there_is_no_clear_grouping(capsys):
    code, out, err = run(capsys, ["themes", str(HARVEST)])
    assert code == 0, err
    assert "no clear grouping" in out
    assert "1. What would make travel better for young people? (28 notes):" in out


@pytest.mark.parametrize(
    ("content", "words"),
    [
        ("name,text\n1,a\n", "line 1: the header must name the columns id and text"),
        ("id,text\n1,a\n1,b\n", "line 3: field id '1' is already used on line 2"),
        ("id,text\n,a\n", "line 2: field id is empty"),
        ("id,text\n1,a,b\n", "line 2: more fields than the header names"),
        ("id,text\n", "no notes after the header line"),
        ("", "the header must name the columns id and text"),
        ('id,text\n1,"' + "x" * 200_000 + '"\n', "field larger than field limit"),
        (b"id,text\n1,caf\xe9\n", "is not UTF-8 text"),
    ],
)
def test_bad_input_is_one_line_and_status_2(tmp_path, capsys, content, words):
    notes = tmp_path / "notes.csv"
    if isinstance(content, bytes):
        notes.write_bytes(content)
    else:
        notes.write_text(content)
    code, out, err = run(capsys, ["themes", str(notes)])
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert words in err


def test_a_missing_file_and_a_missing_argument(tmp_path, capsys):
    code, _, err = run(capsys, ["themes", str(tmp_path / "none.csv")])
    assert code == 2 and "cannot read" in err
    with pytest.raises(SystemExit) as exited:
        main(["themes"])
    assert exited.value.code == 2
    assert len(capsys.readouterr().err.strip().splitlines()) == 1
