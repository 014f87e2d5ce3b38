"""Problem parsing and every kind of bad input the seating engine must refuse."""

import pytest

from coproduce.cafe.seating import (
    Person,
    Problem,
    ProblemError,
    Table,
    problem_from_csv,
    problem_from_json,
)


def tables(k=2, cap=4, online=0):
    return tuple(Table(f"T{i + 1}", cap, online=i >= k - online) for i in range(k))


def people(n, **extra):
    return tuple(Person(f"p{i}", **extra) for i in range(n))


def base_json(**changes):
    data = {
        "rounds": 2,
        "tables": [{"id": "T1", "capacity": 3}, {"id": "T2", "capacity": 3}],
        "people": [{"id": f"p{i}", "sector": "research"} for i in range(5)],
    }
    data.update(changes)
    return data


def test_valid_json_round_trips():
    problem = problem_from_json(base_json(together=[["p0", "p1"]], apart=[["p2", "p3"]]))
    assert problem.rounds == 2
    assert problem.together == (("p0", "p1"),)
    again = problem_from_json(problem.to_json())
    assert again == problem


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"rounds": 0}, "rounds must be at least 1"),
        ({"rounds": "3"}, "rounds must be a whole number"),
        ({"tables": []}, "no tables"),
        ({"people": []}, "no people"),
        (
            {"tables": [{"id": "T1", "capacity": 2}, {"id": "T2", "capacity": 2}]},
            "5 people in the room but only 4 seats",
        ),
        (
            {"tables": [{"id": "T1", "capacity": 3}, {"id": "T1", "capacity": 3}]},
            "duplicate table id 'T1'",
        ),
        (
            {"tables": [{"id": "T1", "capacity": 0}, {"id": "T2", "capacity": 9}]},
            "table 'T1': capacity must be at least 1",
        ),
        ({"together": [["p0", "nobody"]]}, "together: unknown person 'nobody'"),
        ({"apart": [["ghost", "p1"]]}, "apart: unknown person 'ghost'"),
        ({"apart": [["p1", "p1"]]}, "paired with themselves"),
        (
            {"together": [["p0", "p1"]], "apart": [["p1", "p0"]]},
            "'p1' must sit both together with and apart from 'p0'",
        ),
        (
            {"together": [["p0", "p1"], ["p1", "p2"]], "apart": [["p0", "p2"]]},
            "'p0' must sit both together with and apart from 'p2'",
        ),
        ({"history": [[{"table": "T9", "people": ["p0"]}]]}, "unknown table 'T9'"),
        (
            {"history": [[{"table": "T1", "people": ["p0"]}, {"table": "T2", "people": ["p0"]}]]},
            "person 'p0' sits at both",
        ),
        ({"rounds": 1, "history": [[], []]}, "history has 2 rounds"),
    ],
)
def test_bad_json_is_refused(changes, message):
    with pytest.raises(ProblemError, match=message):
        problem_from_json(base_json(**changes))


def test_duplicate_person_is_refused():
    data = base_json()
    data["people"].append({"id": "p3"})
    with pytest.raises(ProblemError, match="duplicate person id 'p3'"):
        problem_from_json(data)


def test_host_of_missing_table_names_person_and_table():
    data = base_json()
    data["people"][0]["host_of"] = "T7"
    with pytest.raises(ProblemError, match="person 'p0' hosts table 'T7', which does not exist"):
        problem_from_json(data)


def test_two_hosts_for_one_table():
    data = base_json()
    data["people"][0]["host_of"] = "T1"
    data["people"][1]["host_of"] = "T1"
    with pytest.raises(ProblemError, match="table 'T1' has two hosts: 'p0' and 'p1'"):
        problem_from_json(data)


def test_online_person_needs_online_seats():
    with pytest.raises(ProblemError, match="1 people online but only 0 seats"):
        Problem(rounds=1, tables=tables(), people=(*people(2), Person("x", online=True)))


def test_host_kind_must_match_table():
    with pytest.raises(ProblemError, match="host 'x' is in the room but their table 'T2'"):
        Problem(rounds=1, tables=tables(online=1), people=(Person("x", host_of="T2"),))


def test_unknown_sector_when_allowed_list_given():
    data = base_json(sectors=["business"])
    with pytest.raises(ProblemError, match="person 'p0': unknown sector 'research'"):
        problem_from_json(data)


def test_group_larger_than_any_table():
    data = base_json(together=[["p0", "p1"], ["p1", "p2"], ["p2", "p3"]])
    with pytest.raises(ProblemError, match="4 people must sit together"):
        problem_from_json(data)


def test_group_needs_room_next_to_a_host():
    data = base_json(together=[["p2", "p3"], ["p3", "p4"]])
    data["people"][0]["host_of"] = "T1"
    data["people"][1]["host_of"] = "T2"
    with pytest.raises(ProblemError, match=r"3 people must sit together .* \(next to its host\)"):
        problem_from_json(data)


def test_together_with_two_hosts():
    data = base_json(together=[["p0", "p1"]])
    data["people"][0]["host_of"] = "T1"
    data["people"][1]["host_of"] = "T2"
    with pytest.raises(ProblemError, match="host different tables"):
        problem_from_json(data)


def test_history_people_who_left_are_allowed():
    problem = problem_from_json(base_json(history=[[{"table": "T1", "people": ["gone", "p0"]}]]))
    assert problem.departed == ("gone",)


CSV = "id,name,sector,host_of,immobile,online\n1,Ann,research,T1,,\n2,Bo,business,,yes,\n"


def test_csv_reads_people_and_hosts():
    problem = problem_from_csv(CSV + "3,Cy,residents,,,\n", tables=2, rounds=3)
    assert [p.id for p in problem.people] == ["1", "2", "3"]
    assert problem.people[0].host_of == "T1"
    assert problem.people[1].immobile
    assert [t.capacity for t in problem.tables] == [2, 2]


def test_csv_host_by_number():
    problem = problem_from_csv("id,name,sector,host_of\n1,A,research,2\n", tables=2, rounds=1)
    assert problem.people[0].host_of == "T2"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("id,name\n1,A\n", "line 1: the CSV has no column sector"),
        ("id,name,sector\n1,A,research\n1,B,research\n", "line 3: duplicate id '1'"),
        ("id,name,sector\n1,A,research\n2,B,astrology\n", "line 3: person '2' has unknown sector"),
        ("id,name,sector\n1,A,research\n,B,research\n", "line 3: empty id"),
        ("id,name,sector,immobile\n1,A,research,maybe\n", "line 2: immobile must be yes or no"),
        ("id,name,sector\n", "the CSV lists no people"),
    ],
)
def test_bad_csv_is_refused(text, message):
    with pytest.raises(ProblemError, match=message):
        problem_from_csv(text, tables=2, rounds=2, allowed_sectors=["research", "business"])


def test_csv_any_sector_when_no_list():
    problem = problem_from_csv("id,name,sector\n1,A,astrology\n", 1, 1, allowed_sectors=None)
    assert problem.people[0].sector == "astrology"


def test_csv_zero_rounds():
    with pytest.raises(ProblemError, match="rounds must be at least 1"):
        problem_from_csv(CSV, tables=2, rounds=0)
