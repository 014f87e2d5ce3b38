"""Independent recount of a plan's quality and of its rule breaks.

Deliberately written from person and table ids alone, without the solver's arrays, so
tests can check the solver's own bookkeeping against it.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from itertools import combinations

from .problem import Id, Problem, Round


@dataclass(frozen=True)
class Quality:
    repeat_pairs: int  # sum over pairs of max(0, m - 1)
    pair_cost: int  # sum over pairs of C(m, 2)
    sector_deviation: int
    min_distinct_met: int

    def key(self) -> tuple[int, int, int]:
        """Lexicographic: fewer repeats (convex), then sector balance, then fairness."""
        return (self.pair_cost, self.sector_deviation, -self.min_distinct_met)


def meetings(rounds: list[Round]) -> Counter[frozenset[Id]]:
    """How many times each pair shares a table."""
    count: Counter[frozenset[Id]] = Counter()
    for seating in rounds:
        for seated in seating.values():
            for a, b in combinations(seated, 2):
                count[frozenset((a, b))] += 1
    return count


def sector_band(sector_people: int, everyone: int, seated: int) -> tuple[int, int]:
    """[floor, ceil] of the sector's share of `seated` seats, in exact integers."""
    low = sector_people * seated // everyone
    high = -(-sector_people * seated // everyone)
    return low, high


def sector_deviation(problem: Problem, rounds: list[Round]) -> int:
    sector_of = {p.id: p.sector for p in problem.people}
    share = Counter(p.sector for p in problem.people if p.sector is not None)
    everyone = len(problem.people)
    total = 0
    for seating in rounds:
        for seated in seating.values():
            counts = Counter(sector_of.get(pid) for pid in seated)
            for sector, people in share.items():
                low, high = sector_band(people, everyone, len(seated))
                have = counts.get(sector, 0)
                total += max(0, low - have) + max(0, have - high)
    return total


def quality(problem: Problem, rounds: list[Round]) -> Quality:
    count = meetings(rounds)
    met: dict[Id, set[Id]] = {p.id: set() for p in problem.people}
    for pair in count:
        a, b = tuple(pair)
        if a in met:
            met[a].add(b)
        if b in met:
            met[b].add(a)
    return Quality(
        repeat_pairs=sum(m - 1 for m in count.values() if m > 1),
        pair_cost=sum(m * (m - 1) // 2 for m in count.values()),
        sector_deviation=sector_deviation(problem, rounds),
        min_distinct_met=min(len(v) for v in met.values()),
    )


def violations(problem: Problem, rounds: list[Round]) -> list[str]:
    """Every broken rule, as text. An empty list means the plan keeps all rules."""
    problems: list[str] = []
    if len(rounds) != problem.rounds:
        problems.append(f"plan has {len(rounds)} rounds, the café {problem.rounds}")
    held = len(problem.history)
    for number, past in enumerate(problem.history):
        if number < len(rounds) and _normal(rounds[number]) != _normal(past):
            problems.append(f"round {number + 1} was held but the plan changes it")
    for number in range(held, len(rounds)):
        problems.extend(_round_violations(problem, rounds[number], number + 1))
    problems.extend(_immobile_violations(problem, rounds[held:], held))
    return problems


def _normal(seating: Round) -> dict[Id, frozenset[Id]]:
    return {t: frozenset(p) for t, p in seating.items() if p}


def _round_violations(problem: Problem, seating: Round, number: int) -> list[str]:
    out: list[str] = []
    table_of: dict[Id, Id] = {}
    tables = {t.id: t for t in problem.tables}
    for table_id, seated in seating.items():
        table = tables.get(table_id)
        if table is None:
            out.append(f"round {number}: unknown table {table_id!r}")
            continue
        if len(seated) > table.capacity:
            out.append(f"round {number}: table {table_id!r} seats {len(seated)} > {table.capacity}")
        for pid in seated:
            if pid in table_of:
                out.append(f"round {number}: {pid!r} seated twice")
            table_of[pid] = table_id
    for person in problem.people:
        where = table_of.get(person.id)
        if where is None:
            out.append(f"round {number}: {person.id!r} has no seat")
            continue
        if where in tables and tables[where].online != person.online:
            out.append(f"round {number}: {person.id!r} at table {where!r} of the wrong kind")
        if person.host_of is not None and where != person.host_of:
            out.append(f"round {number}: host {person.id!r} is not at {person.host_of!r}")
    extra = set(table_of) - set(problem.person_index)
    for pid in sorted(extra, key=str):
        out.append(f"round {number}: {pid!r} is not in the café any more")
    for a, b in problem.together:
        if a in table_of and table_of.get(a) != table_of.get(b):
            out.append(f"round {number}: {a!r} and {b!r} must sit together")
    for a, b in problem.apart:
        if a in table_of and table_of.get(a) == table_of.get(b):
            out.append(f"round {number}: {a!r} and {b!r} must sit apart")
    return out


def _immobile_violations(problem: Problem, future: list[Round], held: int) -> list[str]:
    out = []
    for person in problem.people:
        if not person.immobile:
            continue
        tables = {t for seating in future for t, seated in seating.items() if person.id in seated}
        if len(tables) > 1:
            out.append(f"immobile {person.id!r} moves between tables after round {held}")
    return out
