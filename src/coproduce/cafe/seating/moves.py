"""Seats by hand: the rule check of one person's move, and the table that best keeps the mix
for a person in a round, given the seats already there.

Pure Python (no Django): the café's service reads the seats into a `Room`, asks here, and
writes. Nothing here changes a `Room`; `place` returns new rounds.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from .metrics import Quality, quality, sector_band
from .problem import Id, Person, Round, Table


class Broken(StrEnum):
    """A rule a seat can break; the platform words each for the room."""

    APART = "apart"  # sits with someone they must not sit with
    TOGETHER = "together"  # left without someone they must sit with
    FULL = "full"  # the table would seat more people than it has seats
    KIND = "kind"  # an online person at a room table, or the other way round
    HOST = "host"  # a host leaves the table they host
    STAYS = "stays"  # someone who stays at one table would sit at several


@dataclass(frozen=True)
class Break:
    rule: Broken
    table: Id
    rounds: tuple[int, ...]
    other: Id | None = None  # the other person of a pair rule


@dataclass(frozen=True)
class Room:
    """The café as the seats stand: its tables in order, the people in it (with sector, host
    and kind), its pair rules, and every round's seats (round number -> seats)."""

    tables: tuple[Table, ...]
    people: Mapping[Id, Person]
    together: tuple[tuple[Id, Id], ...] = ()
    apart: tuple[tuple[Id, Id], ...] = ()
    rounds: Mapping[int, Round] = field(default_factory=dict)

    def table(self, table_id: Id) -> Table | None:
        return next((t for t in self.tables if t.id == table_id), None)

    def seats(self, number: int) -> Round:
        return self.rounds.get(number, {})


def table_of(seating: Round, person: Id) -> Id | None:
    return next((t for t, seated in seating.items() if person in seated), None)


def route(room: Room, person: Id, numbers: Iterable[int]) -> tuple[Id | None, ...]:
    """The person's table in each of these rounds (None: no seat); a move is checked against
    the route its form was drawn from, so a change made meanwhile is noticed."""
    return tuple(table_of(room.seats(n), person) for n in numbers)


def place(room: Room, person: Id, table: Id, numbers: Iterable[int]) -> dict[int, Round]:
    """Every round's seats with `person` at `table` in the rounds `numbers`."""
    chosen = set(numbers)
    out: dict[int, Round] = {}
    for number in sorted(set(room.rounds) | chosen):
        seating = {
            t: tuple(p for p in seated if p != person or number not in chosen)
            for t, seated in room.seats(number).items()
        }
        if number in chosen:
            seating[table] = (*seating.get(table, ()), person)
        out[number] = seating
    return out


# Rule checks -------------------------------------------------------------------------------


def breaks(room: Room, person: Id, table: Id, numbers: Sequence[int]) -> list[Break]:
    """The rules broken by seating `person` at `table` in `numbers` (the other seats as they
    are), each once, with the rounds it is broken in."""
    moved = place(room, person, table, numbers)
    found: dict[tuple, list[int]] = {}
    for number in numbers:
        for rule, where, other in _round_breaks(room, moved[number], person, table):
            found.setdefault((rule, where, other), []).append(number)
    stays = room.people.get(person)
    if stays is not None and stays.immobile:
        first = min(numbers)  # rounds before the move are history, not this rule's concern
        tables = {table_of(s, person) for n, s in moved.items() if n >= first} - {None}
        if len(tables) > 1:
            found.setdefault((Broken.STAYS, table, None), []).extend(numbers)
    return [
        Break(rule, where, tuple(rounds), other) for (rule, where, other), rounds in found.items()
    ]


def _round_breaks(room: Room, seating: Round, person: Id, table: Id):
    target = room.table(table)
    seated = seating.get(table, ())
    if target is not None and len(seated) > target.capacity:
        yield Broken.FULL, table, None
    who = room.people.get(person)
    if who is not None and target is not None and who.online != target.online:
        yield Broken.KIND, table, None
    if who is not None and who.host_of is not None and who.host_of != table:
        yield Broken.HOST, who.host_of, None
    for other in _partners(room.apart, person):
        if other in seated:
            yield Broken.APART, table, other
    for other in _partners(room.together, person):
        if other in room.people and other not in seated:
            yield Broken.TOGETHER, table, other


def _partners(pairs: Iterable[tuple[Id, Id]], person: Id) -> list[Id]:
    return [b if a == person else a for a, b in pairs if person in (a, b)]


# Choosing a table --------------------------------------------------------------------------


def score(room: Room, person: Id, table: Table, number: int) -> tuple[int, ...]:
    """How well `table` keeps the mix for `person` in round `number`; smaller is better.

    In order: rules kept, no table over its seats, fewest people met before (in any other
    round), sectors spread (the table's sector mix moves least from the room's), then the
    emptiest table, so tables fill evenly."""
    seating = room.seats(number)
    here = tuple(p for p in seating.get(table.id, ()) if p != person)
    rules = sum(
        len(b.rounds) for b in breaks(room, person, table.id, [number]) if b.rule is not Broken.FULL
    )
    over = max(0, len(here) + 1 - table.capacity)
    met = _met_before(room, person, number)
    repeats = sum(met[p] for p in here)
    return (rules, over, repeats, _sector_strain(room, person, here), len(here))


def _met_before(room: Room, person: Id, number: int) -> Counter:
    met: Counter = Counter()
    for other_number, seating in room.rounds.items():
        if other_number == number:
            continue
        for seated in seating.values():
            if person in seated:
                met.update(p for p in seated if p != person)
    return met


def _sector_strain(room: Room, person: Id, here: Sequence[Id]) -> int:
    """How far the table's sectors stray from their fair share once the person sits down,
    counted as metrics.sector_deviation counts them."""
    share = Counter(p.sector for p in room.people.values() if p.sector is not None)
    everyone = len(room.people)
    if not everyone:
        return 0
    sector_of = {pid: p.sector for pid, p in room.people.items()}
    counts = Counter(sector_of.get(p) for p in (*here, person))
    strain = 0
    for sector, people in share.items():
        low, high = sector_band(people, everyone, len(here) + 1)
        have = counts.get(sector, 0)
        strain += max(0, low - have) + max(0, have - high)
    return strain


def best_table(room: Room, person: Id, number: int) -> Id:
    """The table that best keeps the mix for `person` in round `number` (the first in the
    café's order among equals). Raises ValueError when the café has no table."""
    if not room.tables:
        raise ValueError("no tables")
    ranked = sorted(
        enumerate(room.tables), key=lambda it: (score(room, person, it[1], number), it[0])
    )
    return ranked[0][1].id


def seat_newcomer(room: Room, person: Id, numbers: Sequence[int]) -> dict[int, Id]:
    """A table for a late arrival in each round of `numbers`, in order: each the best given
    the seats before it, including the person's own earlier choices (so they meet new people
    every round). Someone who stays at one table keeps the first round's."""
    chosen: dict[int, Id] = {}
    for number in numbers:
        stays = room.people.get(person)
        if chosen and stays is not None and (stays.immobile or stays.host_of is not None):
            table = next(iter(chosen.values()))
        else:
            table = best_table(room, person, number)
        chosen[number] = table
        room = Room(
            room.tables,
            room.people,
            room.together,
            room.apart,
            place(room, person, table, [number]),
        )
    return chosen


# Figures -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _People:
    people: tuple[Person, ...]


def recount(people: Iterable[Person], rounds: Iterable[Round]) -> Quality:
    """The plan's quality figures for these seats (the same measures a plan is made with)."""
    everyone = tuple(people)
    if not everyone:
        return Quality(0, 0, 0, 0)
    return quality(_People(everyone), list(rounds))  # type: ignore[arg-type]
