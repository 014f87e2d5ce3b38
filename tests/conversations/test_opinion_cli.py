"""``coproduce opinion DIR``: JSON and text output, errors, and what it imports."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

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
    assert main([str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("coproduce opinion: error: votes.csv, line 2:")


def test_missing_folder_and_bad_options(tmp_path, capsys):
    assert main([str(tmp_path / "nowhere")]) == 1
    assert "not a folder" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main([str(tmp_path), "--groups", "1"])


def test_raw_sign_flag(tmp_path, capsys):
    (tmp_path / "votes.csv").write_text(
        "pid,tid,vote,created\n"
        + "".join(f"{p},{s},{(-1) ** (p + s)},{p * 10 + s}\n" for p in range(4) for s in range(3))
    )
    assert main([str(tmp_path)]) == 1
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


def test_polis_compatible_flag(capsys):
    assert main([str(TAXES), "--polis-compatible", "--groups", "2"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["k"] == 2
