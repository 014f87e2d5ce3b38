"""The pure part of seats by hand: rule checks of a move, and the table that keeps the mix."""

from coproduce.cafe.seating import quality
from coproduce.cafe.seating.moves import (
    Break,
    Broken,
    Room,
    best_table,
    breaks,
    place,
    recount,
    route,
    score,
    seat_newcomer,
)
from coproduce.cafe.seating.problem import Person, Problem, Table


def room(**changes) -> Room:
    """Three tables of three seats; six people of two sectors; round 1 held, 2 planned."""
    people = {
        "ana": Person("ana", sector="research"),
        "ben": Person("ben", sector="research"),
        "cai": Person("cai", sector="residents"),
        "dee": Person("dee", sector="residents"),
        "eva": Person("eva", sector="research"),
        "fay": Person("fay", sector="residents"),
    }
    values = {
        "tables": (Table("t1", 3), Table("t2", 3), Table("t3", 3)),
        "people": people,
        "rounds": {
            1: {"t1": ("ana", "cai"), "t2": ("ben", "dee"), "t3": ("eva", "fay")},
            2: {"t1": ("ana", "dee"), "t2": ("ben", "fay"), "t3": ("eva", "cai")},
        },
    }
    values.update(changes)
    return Room(**values)


def test_place_moves_only_the_chosen_rounds_and_leaves_the_room_alone():
    r = room()
    moved = place(r, "ana", "t2", [2])
    assert moved[2] == {"t1": ("dee",), "t2": ("ben", "fay", "ana"), "t3": ("eva", "cai")}
    assert moved[1] == r.rounds[1]
    assert r.rounds[2]["t1"] == ("ana", "dee")  # nothing changed in place
    assert route(r, "ana", [1, 2, 3]) == ("t1", "t1", None)


def test_a_move_that_keeps_every_rule_breaks_none():
    assert breaks(room(), "ana", "t2", [2]) == []


def test_a_full_table_is_named_with_the_rounds():
    r = room(tables=(Table("t1", 3), Table("t2", 2), Table("t3", 3)))
    assert breaks(r, "ana", "t2", [2]) == [Break(Broken.FULL, "t2", (2,))]


def test_keep_apart_and_keep_together_are_checked_for_the_person_moved():
    r = room(apart=(("ana", "ben"),), together=(("ana", "dee"),))
    found = breaks(r, "ana", "t2", [2])
    assert Break(Broken.APART, "t2", (2,), "ben") in found
    assert Break(Broken.TOGETHER, "t2", (2,), "dee") in found
    assert len(found) == 2


def test_each_broken_rule_is_named_once_with_every_round_it_is_broken_in():
    r = room(apart=(("ana", "ben"),))
    r = Room(r.tables, r.people, r.together, r.apart, {**r.rounds, 3: r.rounds[1]})
    assert breaks(r, "ana", "t2", [2, 3]) == [Break(Broken.APART, "t2", (2, 3), "ben")]


def test_hosts_online_people_and_people_who_stay_at_one_table():
    people = dict(room().people)
    people["ana"] = Person("ana", sector="research", host_of="t1")
    people["ben"] = Person("ben", sector="research", online=True)
    people["cai"] = Person("cai", sector="residents", immobile=True)
    r = room(people=people)
    assert breaks(r, "ana", "t2", [2]) == [Break(Broken.HOST, "t1", (2,))]
    assert breaks(r, "ben", "t1", [2]) == [Break(Broken.KIND, "t1", (2,))]
    three = Room(r.tables, r.people, (), (), {**r.rounds, 3: r.rounds[2]})
    assert breaks(three, "cai", "t1", [2]) == [Break(Broken.STAYS, "t1", (2,))]
    assert breaks(three, "cai", "t1", [2, 3]) == []  # moved for good: still one table


def test_the_best_table_avoids_people_met_before_and_keeps_sectors_spread():
    # Gus (research) arrives in round 2, meeting nobody twice anywhere. At t1 he would make
    # three researchers; at t2 or t3 the table keeps both sectors: the first of those wins.
    people = {**room().people, "gus": Person("gus", sector="research")}
    r = room(
        people=people,
        rounds={2: {"t1": ("ana", "eva"), "t2": ("ben", "fay"), "t3": ("cai", "dee")}},
    )
    assert best_table(r, "gus", 2) == "t2"
    assert score(r, "gus", r.tables[0], 2) > score(r, "gus", r.tables[2], 2)


def test_the_best_table_prefers_new_faces_then_room():
    people = {**room().people, "gus": Person("gus", sector=None)}
    rounds = {
        1: {"t1": ("gus", "ana"), "t2": ("ben",), "t3": ("cai",)},
        2: {"t1": ("dee",), "t2": ("ana",), "t3": ("eva", "fay")},
    }
    r = room(people=people, rounds=rounds)
    assert best_table(r, "gus", 2) == "t1"  # t2 has Ana again; t3 is fuller


def test_rules_outweigh_repeats_and_full_tables_come_last():
    people = {**room().people, "gus": Person("gus")}
    rounds = {2: {"t1": ("ana", "ben", "cai"), "t2": ("dee",), "t3": ("eva",)}}
    r = room(people=people, rounds=rounds, apart=(("gus", "dee"),))
    assert best_table(r, "gus", 2) == "t3"  # t1 is full, t2 has someone to keep apart from


def test_a_newcomer_gets_a_table_each_round_and_meets_new_people():
    people = {**room().people, "gus": Person("gus", sector="residents")}
    r = room(people=people)
    r = Room(r.tables, r.people, (), (), {**r.rounds, 3: r.rounds[1]})
    chosen = seat_newcomer(r, "gus", [2, 3])
    assert set(chosen) == {2, 3}
    met2 = set(r.rounds[2][chosen[2]])
    met3 = set(r.rounds[3][chosen[3]])
    assert not met2 & met3  # round 3's table has nobody from round 2's


def test_a_newcomer_who_stays_keeps_one_table():
    people = {**room().people, "gus": Person("gus", immobile=True)}
    r = room(people=people)
    r = Room(r.tables, r.people, (), (), {**r.rounds, 3: r.rounds[1]})
    chosen = seat_newcomer(r, "gus", [2, 3])
    assert chosen[2] == chosen[3]


def test_no_tables_is_an_error_not_a_guess():
    try:
        best_table(room(tables=()), "ana", 2)
    except ValueError:
        return
    raise AssertionError("a room without tables has no best table")


def test_recount_agrees_with_the_engines_figures():
    r = room()
    problem = Problem(
        rounds=2, tables=r.tables, people=tuple(r.people.values()), allowed_sectors=None
    )
    rounds = [r.rounds[1], r.rounds[2]]
    assert recount(r.people.values(), rounds) == quality(problem, rounds)
    moved = place(r, "ana", "t2", [2])
    assert recount(r.people.values(), [moved[1], moved[2]]) != quality(problem, rounds)
