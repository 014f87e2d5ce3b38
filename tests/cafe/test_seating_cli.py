"""`coproduce seat` without a database: JSON and CSV in, plan JSON out."""

import json
import subprocess
import sys

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coproduce.cafe.seating import cli
from coproduce.cafe.seating import problem as problem_module
from coproduce.cafe.seating.cli import main
from coproduce.cafe.seating.limits import seconds_needed, seconds_to_finish
from coproduce.cafe.seating.problem import ProblemError, problem_from_json

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


# -- bad input: one line, exit status 2, never a traceback --------------------------------------

garbage = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=4),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner),
    max_leaves=8,
)
FUZZ = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@st.composite
def cafes(draw):
    """A small café that would plan, with a plan to stay close to."""
    tables = [{"id": f"T{i}", "capacity": draw(st.integers(3, 5))} for i in range(2)]
    people = [{"id": f"p{i}", "sector": draw(st.sampled_from(["x", "y"]))} for i in range(6)]
    people[0]["host_of"] = "T0"
    held = [{"table": "T0", "people": ["p0", "p1", "p2"]}, {"table": "T1", "people": ["p3"]}]
    problem = {
        "rounds": 3,
        "tables": tables,
        "people": people,
        "together": [["p1", "p2"]],
        "apart": [["p3", "p4"]],
        "history": [held],
        "sectors": ["x", "y"],
    }
    return problem, {"rounds": [held, held]}


def places(value, path=()):
    """Every place in a JSON value: the value itself, and everything inside it."""
    yield path
    if isinstance(value, dict | list):
        for key, inner in value.items() if isinstance(value, dict) else enumerate(value):
            yield from places(inner, (*path, key))


def spoiled(data, value):
    """`value` with one place in it (perhaps the whole) replaced by garbage."""
    path = data.draw(st.sampled_from(list(places(value))))
    bad = data.draw(garbage)
    if not path:
        return bad
    value = json.loads(json.dumps(value))
    inner = value
    for key in path[:-1]:
        inner = inner[key]
    inner[path[-1]] = bad
    return value


def assert_answered(code, err):
    """A plan (0), or one line saying what is wrong (2); never a traceback."""
    assert "Traceback" not in err
    assert code in (0, 2), err
    if code == 2:
        assert len(err.strip().splitlines()) == 1, err


@FUZZ
@given(cafe=cafes(), data=st.data())
def test_any_json_gets_a_plan_or_one_line(tmp_path, capsys, cafe, data):
    problem, previous = cafe
    spoil_problem = data.draw(st.booleans())
    if spoil_problem:
        problem = spoiled(data, problem)
    else:
        previous = spoiled(data, previous)
    (tmp_path / "cafe.json").write_text(json.dumps(problem))
    (tmp_path / "previous.json").write_text(json.dumps(previous))
    argv = [str(tmp_path / "cafe.json"), "--previous", str(tmp_path / "previous.json")]
    assert_answered(*run(tmp_path, capsys, *argv, "--time-limit", "0.1")[::2])


cells = st.sampled_from(["", "1", "2", "x", "yes", "maybe", '"', "a,b", "\x00", "T1", "99"])


@FUZZ
@given(
    header=st.lists(
        st.sampled_from(["id", "name", "sector", "host_of", "immobile", "online", "", "id"]),
        max_size=7,
    ),
    rows=st.lists(st.lists(cells, max_size=7), max_size=8),
    tail=st.binary(max_size=4),
)
def test_any_csv_gets_a_plan_or_one_line(tmp_path, capsys, header, rows, tail):
    path = tmp_path / "people.csv"
    text = "\n".join(",".join(row) for row in [header, *rows])
    path.write_bytes(text.encode() + tail)
    argv = ["--people", str(path), "--tables", "2", "--rounds", "2", "--time-limit", "0.1"]
    assert_answered(*run(tmp_path, capsys, *argv)[::2])


# -- sizes and the time limit -------------------------------------------------------------------


def people_csv(tmp_path, count):
    path = tmp_path / "people.csv"
    rows = [f"{i},Person {i},{'xyz'[i % 3]}" for i in range(count)]
    path.write_text("id,name,sector\n" + "\n".join(rows) + "\n")
    return str(path)


def test_a_time_limit_the_work_around_the_search_would_overrun_is_refused(
    tmp_path, capsys, monkeypatch
):
    monkeypatch.setattr(cli, "solve", lambda *a, **k: pytest.fail("planned anyway"))
    argv = ["--people", people_csv(tmp_path, 5000), "--tables", "1000", "--rounds", "5"]
    code, _, err = run(tmp_path, capsys, *argv, "--time-limit", "1")
    assert code == 2
    assert "5000 people at 1000 tables over 5 rounds takes about 8 s" in err
    assert "give --time-limit 8 or more" in err


def test_the_largest_benchmark_cafe_fits_the_default_time_limit():
    # S5000 in docs/benchmarks-seating.md, planned with the default 10 s.
    assert seconds_needed(people=5000, tables=1000, rounds=5) < 10


def test_sizes_beyond_the_engine_are_refused_before_anything_is_built(monkeypatch):
    monkeypatch.setattr(problem_module, "Table", lambda **k: pytest.fail("a table was built"))
    many = {"rounds": 2, "tables": [{"id": 1, "capacity": 5}] * 1_000_000, "people": [{"id": 1}]}
    with pytest.raises(ProblemError, match="1000000 tables is more than .* the most is 2000"):
        problem_from_json(many)
    with pytest.raises(ProblemError, match="1000000000 rounds is more than .* the most is 100"):
        problem_from_json(dict(many, rounds=10**9, tables=[]))


@pytest.mark.parametrize(
    ("people", "tables", "rounds", "words"),
    [
        (10_001, 2000, 2, "the CSV lists more than 10000 people"),
        (5000, 100, 5, "1225000 meetings) is more than the seating engine can plan"),
        (9000, 1000, 20, "180000 seats to fill) is more than the seating engine can plan"),
        (600, 10, 2, "would sit 60 to a table; the most is 50"),
    ],
)
def test_cafes_too_big_to_plan_are_refused(tmp_path, capsys, people, tables, rounds, words):
    argv = ["--people", people_csv(tmp_path, people), "--tables", str(tables)]
    code, _, err = run(tmp_path, capsys, *argv, "--rounds", str(rounds))
    assert code == 2 and words in err


def test_the_search_stops_in_time_to_measure_and_write_the_plan(tmp_path, capsys, monkeypatch):
    given = []

    def solve(problem, *, time_limit, **options):
        given.append(time_limit)
        raise ProblemError("stop here")

    monkeypatch.setattr(cli, "solve", solve)
    argv = ["--people", people_csv(tmp_path, 1000), "--tables", "20", "--rounds", "20"]
    run(tmp_path, capsys, *argv, "--time-limit", "30")
    finish = seconds_to_finish(people=1000, tables=20, rounds=20)
    assert finish > 1 and given == [pytest.approx(30 - finish)]
