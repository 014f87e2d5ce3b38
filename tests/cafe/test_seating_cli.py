"""`coproduce seat` without a database: JSON and CSV in, plan JSON out."""

import json
import subprocess
import sys

from coproduce.cafe.seating.cli import main

PROBLEM = {
    "rounds": 3,
    "tables": [
        {"id": "A", "capacity": 3},
        {"id": "B", "capacity": 3},
        {"id": "Z", "capacity": 3, "online": True},
    ],
    "people": [
        {"id": "h1", "sector": "research", "host_of": "A"},
        {"id": "h2", "sector": "business", "host_of": "B"},
        {"id": "x1", "sector": "research"},
        {"id": "x2", "sector": "business"},
        {"id": "x3", "sector": "research", "immobile": True},
        {"id": "x4", "sector": "business"},
        {"id": "o1", "online": True},
        {"id": "o2", "online": True},
    ],
    "together": [["x1", "x2"]],
    "apart": [["x4", "h2"]],
}


def run(tmp_path, capsys, *args):
    code = main([*args])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_json_problem_prints_plan(tmp_path, capsys):
    path = tmp_path / "cafe.json"
    path.write_text(json.dumps(PROBLEM))
    code, out, _ = run(tmp_path, capsys, str(path), "--seed", "1", "--time-limit", "0.3")
    assert code == 0
    plan = json.loads(out)
    assert len(plan["rounds"]) == 3
    for seating in plan["rounds"]:
        where = {p: t["table"] for t in seating for p in t["people"]}
        assert where["h1"] == "A" and where["h2"] == "B"
        assert where["o1"] == where["o2"] == "Z"
        assert where["x1"] == where["x2"]
        assert where["x4"] != "B"
    metrics = plan["metrics"]
    for name in ("repeat_pairs", "pair_cost", "sector_deviation", "min_distinct_met"):
        assert set(metrics[name]) == {"value", "bound"}
    assert isinstance(metrics["optimal"], bool)
    assert isinstance(metrics["explanations"], list)


def test_csv_common_case(tmp_path, capsys):
    rows = ["id,name,sector,host_of"] + [
        f"{i},Person {i},{['research', 'business', 'residents'][i % 3]},"
        f"{'T' + str(i) if i <= 4 else ''}"
        for i in range(1, 17)
    ]
    path = tmp_path / "people.csv"
    path.write_text("\n".join(rows) + "\n")
    out_file = tmp_path / "plan.json"
    code, _, _ = run(
        tmp_path,
        capsys,
        "--people",
        str(path),
        "--tables",
        "4",
        "--rounds",
        "3",
        "--output",
        str(out_file),
    )
    assert code == 0
    plan = json.loads(out_file.read_text())
    assert plan["metrics"]["repeat_pairs"]["value"] == 0


def test_replan_against_previous(tmp_path, capsys):
    path = tmp_path / "cafe.json"
    path.write_text(json.dumps(PROBLEM))
    code, out, _ = run(tmp_path, capsys, str(path), "--time-limit", "0.3")
    first = json.loads(out)
    day = dict(PROBLEM, history=first["rounds"][:1])
    day_path = tmp_path / "day.json"
    day_path.write_text(json.dumps(day))
    prev_path = tmp_path / "plan.json"
    prev_path.write_text(out)
    code, out, _ = run(
        tmp_path, capsys, str(day_path), "--previous", str(prev_path), "--time-limit", "0.3"
    )
    assert code == 0
    again = json.loads(out)
    assert again["rounds"][0] == first["rounds"][0]
    assert again["metrics"]["seats_changed"] == 0


def test_bad_csv_reports_line(tmp_path, capsys):
    path = tmp_path / "people.csv"
    path.write_text("id,name,sector\n1,A,research\n2,B,astrology\n")
    code, _, err = run(
        tmp_path,
        capsys,
        *("--people", str(path), "--tables", "2", "--rounds", "2"),
        *("--sectors", "research,business,residents"),
    )
    assert code == 2
    assert "line 3" in err and "astrology" in err


def test_any_sector_unless_the_sectors_are_given(tmp_path, capsys):
    """The engine keeps no list of sectors: the platform passes its own, the CSV's user
    theirs with --sectors."""
    path = tmp_path / "people.csv"
    path.write_text("id,name,sector\n1,A,research\n2,B,astrology\n")
    code, out, _ = run(tmp_path, capsys, "--people", str(path), "--tables", "2", "--rounds", "2")
    assert code == 0 and len(json.loads(out)["rounds"]) == 2


def test_more_people_than_seats(tmp_path, capsys):
    path = tmp_path / "cafe.json"
    tables = [
        {"id": "A", "capacity": 2},
        {"id": "B", "capacity": 2},
        {"id": "Z", "capacity": 3, "online": True},
    ]
    path.write_text(json.dumps(dict(PROBLEM, tables=tables)))
    code, _, err = run(tmp_path, capsys, str(path))
    assert code == 2 and "6 people in the room but only 4 seats" in err


def test_module_runs_as_a_program(tmp_path):
    path = tmp_path / "cafe.json"
    path.write_text(json.dumps(PROBLEM))
    done = subprocess.run(
        [sys.executable, "-m", "coproduce.cafe.seating", str(path), "--time-limit", "0.3"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert len(json.loads(done.stdout)["rounds"]) == 3


def test_the_engine_and_its_command_line_import_no_django():
    code = (
        "import sys, coproduce.cafe.seating, coproduce.cafe.seating.cli\n"
        "assert not [m for m in sys.modules if m.split('.')[0] == 'django']\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
