"""``coproduce opinion DIR``: JSON and text output, errors, and what it imports."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coproduce.conversations.opinion.cli import main

# Five real Pol.is conversations, copied into the repository (see its README there).
OPENDATA = Path(__file__).resolve().parents[1] / "data" / "polis-opendata"
TAXES = OPENDATA / "scoop-hivemind.taxes"


def test_json_output_on_a_real_folder(capsys):
    assert main([str(TAXES), "--seed", "3"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["k"] >= 2 and doc["seed"] == 3
    participants = doc["participants"]
    assert len(participants) == 334
    assert all(isinstance(p["id"], int) for p in participants)
    assert len({p["id"] for p in participants}) == 334
    grouped = [p for p in participants if p["group"] is not None]
    assert {p["group"] for p in grouped} == {g["id"] for g in doc["groups"]}
    assert sum(g["size"] for g in doc["groups"]) == len(grouped)
    rep = doc["groups"][0]["representative"][0]
    assert rep["direction"] in ("agree", "disagree")
    assert 0 <= rep["percent_in_group"] <= 100 and 0 <= rep["percent_rest"] <= 100
    assert set(doc["consensus"]) == {"agree", "disagree"}
    ids = {s["id"] for s in doc["statements"]}
    assert 148 - 57 <= len(ids) <= 148  # rejected statements are left out
    assert all(
        {"group_aware_consensus", "extremity", "priority"} <= set(s) for s in doc["statements"]
    )


def test_ids_are_exactly_those_of_the_files(capsys):
    assert main([str(TAXES)]) == 0
    doc = json.loads(capsys.readouterr().out)
    voters = {
        int(line.split(",")[3]) for line in (TAXES / "votes.csv").read_text().splitlines()[1:]
    }
    assert {p["id"] for p in doc["participants"]} == voters


def test_text_output(capsys):
    assert main([str(TAXES), "--format", "text"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Opinion map: ")
    assert "Group 0:" in out and "Consensus" in out


def test_errors_name_file_and_line(tmp_path, capsys):
    (tmp_path / "votes.csv").write_text("timestamp,datetime,comment-id,voter-id,vote\n1,x,0,0,5\n")
    assert main([str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("coproduce opinion: error: votes.csv, line 2:")


def test_missing_folder_and_bad_options(tmp_path, capsys):
    assert main([str(tmp_path / "nowhere")]) == 2
    assert "not a folder" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exited:
        main([str(tmp_path), "--groups", "1"])
    assert exited.value.code == 2
    assert "from 2 to 100" in capsys.readouterr().err


def test_raw_sign_flag(tmp_path, capsys):
    (tmp_path / "votes.csv").write_text(
        "pid,tid,vote,created\n"
        + "".join(f"{p},{s},{(-1) ** (p + s)},{p * 10 + s}\n" for p in range(4) for s in range(3))
    )
    assert main([str(tmp_path)]) == 2
    assert "--raw-sign" in capsys.readouterr().err
    assert main([str(tmp_path), "--raw-sign"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert len(doc["participants"]) == 4


def test_cannot_group_yet_is_reported(tmp_path, capsys):
    (tmp_path / "votes.csv").write_text("timestamp,datetime,comment-id,voter-id,vote\n1,x,0,0,1\n")
    assert main([str(tmp_path), "--format", "text"]) == 0
    assert "Cannot group yet: only one participant" in capsys.readouterr().out


def test_command_imports_no_django_pandas_or_sklearn(tmp_path):
    (tmp_path / "votes.csv").write_text(
        "timestamp,datetime,comment-id,voter-id,vote\n"
        + "".join(
            f"{p * 3 + s},x,{s},{p},{1 if (p + s) % 3 else -1}\n"
            for p in range(30)
            for s in range(3)
        )
    )
    code = (
        "import sys, io, contextlib\n"
        "from coproduce.conversations.opinion.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        f"    assert main([{str(tmp_path)!r}]) == 0\n"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('django', 'pandas', 'sklearn')]\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_module_entry_point(tmp_path):
    (tmp_path / "votes.csv").write_text("timestamp,datetime,comment-id,voter-id,vote\n")
    out = subprocess.run(
        [sys.executable, "-m", "coproduce.conversations.opinion", str(tmp_path)],
        capture_output=True,
        text=True,
        check=True,
    )
    assert json.loads(out.stdout)["reason"] == "no votes yet"


def test_polis_compatible_flag_is_the_default(capsys):
    assert main([str(TAXES), "--polis-compatible", "--groups", "2"]) == 0
    flagged = json.loads(capsys.readouterr().out)
    assert main([str(TAXES), "--groups", "2"]) == 0
    assert json.loads(capsys.readouterr().out) == flagged
    assert flagged["k"] == 2


def test_drop_moderated_flag_gives_the_earlier_map(capsys):
    # taxes has rejected statements, so counting them as passes rescales the map.
    assert main([str(TAXES), "--groups", "2"]) == 0
    default = json.loads(capsys.readouterr().out)
    assert main([str(TAXES), "--drop-moderated", "--groups", "2"]) == 0
    dropped = json.loads(capsys.readouterr().out)
    assert dropped["participants"] != default["participants"]


def test_convention_flags_exclude_each_other(capsys):
    with pytest.raises(SystemExit):
        main([str(TAXES), "--polis-compatible", "--drop-moderated"])


# -- bad input: one line, exit status 2, never a traceback --------------------------------------

BAD_CELLS = ["", "-", "1.5", "2", "-7", "99999999999999999999999", "\x00", "a\x00b", '"', "x" * 70]
BAD_CELLS += ['"open', "1,2", "\r", "é", "nan", "true", "0x10", " 3 "]


@st.composite
def spoiled_folders(draw):
    """A small Pol.is folder with a few cells, or whole lines, replaced by something odd."""
    votes = [["timestamp", "datetime", "comment-id", "voter-id", "vote"]]
    votes += [
        [f"{p}{s}", "x", f"{s}", f"{p}", f"{(p + s) % 3 - 1}"] for p in range(3) for s in (0, 1)
    ]
    comments = [
        ["timestamp", "datetime", "comment-id", "author-id"]
        + ["agrees", "disagrees", "moderated", "comment-body"]
    ]
    comments += [[f"{s}", "x", f"{s}", "0", "1", "1", "1", f"Statement {s}"] for s in (0, 1)]
    for _ in range(draw(st.integers(1, 4))):
        table = draw(st.sampled_from([votes, votes, comments]))
        row = draw(st.integers(0, len(table) - 1))
        odd = draw(st.sampled_from(BAD_CELLS) | st.sampled_from(BAD_CELLS) | st.text(max_size=5))
        if draw(st.integers(0, 5)) == 0:
            table[row] = [odd]
        else:
            table[row][draw(st.sampled_from(range(len(table[row]))))] = odd
    tail = draw(st.sampled_from([b"", b"", b"\xff\xfe", b"\x00"]))
    return votes, comments, tail


@settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(folder=spoiled_folders())
def test_any_folder_gets_a_map_or_one_line(tmp_path, capsys, folder):
    votes, comments, tail = folder
    for name, rows in (("votes.csv", votes), ("comments.csv", comments)):
        text = "\n".join(",".join(row) for row in rows) + "\n"
        (tmp_path / name).write_bytes(text.encode("utf-8", "surrogatepass") + tail)
    code = main([str(tmp_path)])
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert code in (0, 2), err
    if code == 2:
        assert len(err.strip().splitlines()) == 1, err
