"""The problem compiled into integer indices for the solvers and the bounds.

People are numbered 0..n-1 in problem order, then the people who have left (seen only in
the history). Tables are numbered in problem order. Rounds still to plan are the "future"
rounds f = 0..F-1, i.e. café round `held + f`.

Two decisions are made here, once, because both the bounds and the solvers depend on them:
which table each immobile person keeps, and how many people sit at each table in each future
round. Tables of a kind are filled evenly (sizes differ by at most one, within capacity);
which tables get the extra person rotates across rounds so nobody always sits small.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from itertools import combinations

import numpy as np

from .problem import Id, Problem, Round, together_groups


@dataclass
class KindSizes:
    """Even filling of the tables of one kind (room or online)."""

    tables: list[int]
    people: int
    base: dict[int, int]  # seats every table gets
    can_grow: dict[int, bool]  # may take one extra person
    extra: int  # how many tables take one extra person each round


@dataclass
class Instance:
    problem: Problem
    ids: list[Id]
    n: int
    table_ids: list[Id]
    capacity: list[int]
    table_online: list[bool]
    person_online: list[bool]
    sector_of: list[int]  # -1: no sector (or someone who has left)
    sector_names: list[str]
    sector_people: list[int]
    units: list[tuple[int, ...]]
    unit_of: list[int]
    unit_pin: list[int]  # -1: free to move, else the table the unit keeps
    unit_hosted: list[bool]  # pinned because a host is in it
    apart_of: list[frozenset[int]]
    held: int
    future: int
    history: np.ndarray  # (held, n_all) table index or -1
    kinds: dict[bool, KindSizes] = field(default_factory=dict)
    sizes: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), dtype=np.int64))
    previous: np.ndarray | None = None  # (future, n) planned table or -1

    @property
    def n_all(self) -> int:
        return len(self.ids)

    @property
    def tables(self) -> int:
        return len(self.table_ids)

    def pinned_table(self, person: int) -> int:
        return self.unit_pin[self.unit_of[person]]

    def tables_of(self, online: bool) -> list[int]:
        return [t for t in range(self.tables) if self.table_online[t] == online]

    def pinned_at(self) -> list[list[int]]:
        at: list[list[int]] = [[] for _ in range(self.tables)]
        for u, members in enumerate(self.units):
            if self.unit_pin[u] >= 0:
                at[self.unit_pin[u]].extend(members)
        return at

    def band(self, sector: int, seated: int) -> tuple[int, int]:
        people, everyone = self.sector_people[sector], self.n
        return people * seated // everyone, -(-people * seated // everyone)


def compile_problem(problem: Problem, previous: list[Round] | None = None) -> Instance:
    ids = [p.id for p in problem.people] + list(problem.departed)
    index = {pid: i for i, pid in enumerate(ids)}
    n = len(problem.people)
    sector_names = sorted({p.sector for p in problem.people if p.sector is not None})
    sector_index = {s: i for i, s in enumerate(sector_names)}
    sector_of = [sector_index.get(p.sector, -1) for p in problem.people] + [-1] * (len(ids) - n)
    history = np.full((len(problem.history), len(ids)), -1, dtype=np.int64)
    for r, held in enumerate(problem.history):
        for table_id, seated in held.items():
            for pid in seated:
                history[r, index[pid]] = problem.table_index[table_id]
    inst = Instance(
        problem=problem,
        ids=ids,
        n=n,
        table_ids=[t.id for t in problem.tables],
        capacity=[t.capacity for t in problem.tables],
        table_online=[t.online for t in problem.tables],
        person_online=[p.online for p in problem.people],
        sector_of=sector_of,
        sector_names=sector_names,
        sector_people=[sum(1 for p in problem.people if p.sector == s) for s in sector_names],
        units=[],
        unit_of=[0] * n,
        unit_pin=[],
        unit_hosted=[],
        apart_of=_apart(problem),
        held=len(problem.history),
        future=problem.rounds - len(problem.history),
        history=history,
    )
    _build_units(inst)
    _pin_immobile(inst)
    inst.previous = _previous_tables(inst, previous)
    _plan_sizes(inst)
    return inst


def _apart(problem: Problem) -> list[frozenset[int]]:
    apart: list[set[int]] = [set() for _ in problem.people]
    for a, b in problem.apart:
        i, j = problem.person_index[a], problem.person_index[b]
        apart[i].add(j)
        apart[j].add(i)
    return [frozenset(s) for s in apart]


def _build_units(inst: Instance) -> None:
    problem = inst.problem
    for members in sorted(together_groups(problem), key=min):
        u = len(inst.units)
        inst.units.append(tuple(members))
        host = next(
            (problem.people[i].host_of for i in members if problem.people[i].host_of is not None),
            None,
        )
        inst.unit_pin.append(problem.table_index[host] if host is not None else -1)
        inst.unit_hosted.append(host is not None)
        for i in members:
            inst.unit_of[i] = u


def _last_table(inst: Instance, members: tuple[int, ...]) -> int:
    """Where an immobile person sat in the last held round: they cannot move now."""
    if inst.held == 0:
        return -1
    seen = [int(inst.history[-1, i]) for i in members if inst.history[-1, i] >= 0]
    return Counter(seen).most_common(1)[0][0] if seen else -1


def _pin_immobile(inst: Instance) -> None:
    """Give each immobile group the table where it forces the fewest repeated meetings:
    the table with the fewest people already pinned (all pinned people at a table meet
    every round). Largest groups first, then in problem order, so the choice is fixed."""
    pinned = [0] * inst.tables
    pinned_people: list[set[int]] = [set() for _ in range(inst.tables)]
    for u, members in enumerate(inst.units):
        if inst.unit_pin[u] >= 0:
            pinned[inst.unit_pin[u]] += len(members)
            pinned_people[inst.unit_pin[u]].update(members)
    immobile = [
        u
        for u, members in enumerate(inst.units)
        if inst.unit_pin[u] < 0 and any(inst.problem.people[i].immobile for i in members)
    ]
    immobile.sort(key=lambda u: (-len(inst.units[u]), u))
    for u in immobile:
        members = inst.units[u]
        kind = inst.person_online[members[0]]
        table = _last_table(inst, members)
        if table < 0 or not _fits(inst, table, members, pinned, pinned_people, kind):
            options = [
                t
                for t in inst.tables_of(kind)
                if _fits(inst, t, members, pinned, pinned_people, kind)
            ]
            if not options:
                options = [
                    t for t in inst.tables_of(kind) if pinned[t] + len(members) <= inst.capacity[t]
                ]
            if not options:
                from .problem import ProblemError

                raise ProblemError(
                    f"no table has room for immobile person {inst.ids[members[0]]!r}"
                )
            groups = _free_group_sizes(inst, kind)
            table = min(
                options,
                key=lambda t: (
                    not _groups_fit(inst, kind, groups, pinned, t, len(members)),
                    pinned[t],
                    _crowds_sector(inst, t, members, pinned_people[t]),
                    pinned[t] - inst.capacity[t],
                    t,
                ),
            )
        inst.unit_pin[u] = table
        pinned[table] += len(members)
        pinned_people[table].update(members)


def _free_group_sizes(inst: Instance, kind: bool) -> list[int]:
    return sorted(
        (
            len(m)
            for u, m in enumerate(inst.units)
            if inst.unit_pin[u] < 0
            and len(m) > 1
            and inst.person_online[m[0]] == kind
            and not any(inst.problem.people[i].immobile for i in m)
        ),
        reverse=True,
    )


def _groups_fit(inst, kind, groups, pinned, table, size) -> bool:
    """Would the groups that sit together still find room if `size` more people were pinned
    at `table`? (Pinning an immobile person must not crowd them out.)"""
    if not groups:
        return True
    spare = sorted(
        (inst.capacity[t] - pinned[t] - (size if t == table else 0) for t in inst.tables_of(kind)),
        reverse=True,
    )
    return _first_fit(groups, spare)


def _crowds_sector(inst: Instance, table: int, members, already: set[int]) -> int:
    """How far the pinned people's sectors would overshoot their band at a typical table
    size: ties between tables go to the one that keeps sectors balanced."""
    kind = inst.person_online[members[0]]
    people = sum(1 for i in range(inst.n) if inst.person_online[i] == kind)
    tables = inst.tables_of(kind)
    seated = min(inst.capacity[table], -(-people // max(1, len(tables))))
    counts = Counter(inst.sector_of[i] for i in (*already, *members) if inst.sector_of[i] >= 0)
    return sum(max(0, k - inst.band(c, seated)[1]) for c, k in counts.items())


def _fits(inst, table, members, pinned, pinned_people, kind) -> bool:
    if inst.table_online[table] != kind or pinned[table] + len(members) > inst.capacity[table]:
        return False
    return not any(inst.apart_of[i] & pinned_people[table] for i in members)


def _previous_tables(inst: Instance, previous: list[Round] | None) -> np.ndarray | None:
    if previous is None:
        return None
    index = {pid: i for i, pid in enumerate(inst.ids[: inst.n])}
    table_index = inst.problem.table_index
    planned = np.full((inst.future, inst.n), -1, dtype=np.int64)
    for f in range(inst.future):
        r = inst.held + f
        if r >= len(previous):
            break
        for table_id, seated in previous[r].items():
            if table_id not in table_index:
                continue
            for pid in seated:
                if pid in index:
                    planned[f, index[pid]] = table_index[table_id]
    return planned


def even_filling(
    tables: list[int], people: int, floor: dict[int, int], capacity: list[int]
) -> KindSizes:
    """Smallest level L with enough seats; every table gets clamp(L-1), some get one more."""
    if not tables:
        return KindSizes(tables, people, {}, {}, 0)

    def seats(level: int) -> dict[int, int]:
        return {t: min(capacity[t], max(floor[t], level)) for t in tables}

    level = 0
    while sum(seats(level).values()) < people:
        level += 1
    base = seats(level - 1) if level > 0 else seats(0)
    grown = seats(level)
    can_grow = {t: grown[t] > base[t] for t in tables}
    return KindSizes(tables, people, base, can_grow, people - sum(base.values()))


def _plan_sizes(inst: Instance) -> None:
    floor = Counter(
        inst.unit_pin[u] for u, m in enumerate(inst.units) for _ in m if inst.unit_pin[u] >= 0
    )
    sizes = np.zeros((inst.future, inst.tables), dtype=np.int64)
    for kind in (False, True):
        tables = inst.tables_of(kind)
        people = sum(1 for i in range(inst.n) if inst.person_online[i] == kind)
        floors = _group_floors(inst, kind, tables, people, {t: floor.get(t, 0) for t in tables})
        filling = even_filling(tables, people, floors, inst.capacity)
        inst.kinds[kind] = filling
        grown = Counter()
        for f in range(inst.future):
            for t in tables:
                sizes[f, t] = filling.base[t]
            for t in _tables_to_grow(inst, filling, f, grown):
                sizes[f, t] += 1
                grown[t] += 1
    inst.sizes = sizes


def _group_floors(
    inst: Instance, kind: bool, tables: list[int], people: int, floor: dict[int, int]
) -> dict[int, int]:
    """Even filling can leave no table big enough for a group that sits together; then the
    largest groups each reserve room at the roomiest table, and tables fill around them."""
    groups = sorted(
        (
            len(m)
            for u, m in enumerate(inst.units)
            if inst.unit_pin[u] < 0 and len(m) > 1 and inst.person_online[m[0]] == kind
        ),
        reverse=True,
    )
    if not groups:
        return floor
    filling = even_filling(tables, people, floor, inst.capacity)
    spare = sorted((filling.base[t] - floor[t] for t in tables), reverse=True)
    if _first_fit(groups, spare):
        return floor
    raised = dict(floor)
    for size in groups:
        t = max(tables, key=lambda t: (inst.capacity[t] - raised[t], -t))
        raised[t] += size
    return raised


def _first_fit(groups: list[int], spare: list[int]) -> bool:
    spare = list(spare)
    for size in groups:
        t = next((i for i, room in enumerate(spare) if room >= size), None)
        if t is None:
            return False
        spare[t] -= size
    return True


def _tables_to_grow(inst: Instance, filling: KindSizes, f: int, grown: Counter) -> list[int]:
    # Re-plans keep the tables that already hold more of their planned people large; then
    # tables that were small most often grow, so hosts do not always sit at small tables.
    planned = Counter()
    if inst.previous is not None:
        planned = Counter(int(t) for t in inst.previous[f] if t >= 0)
    options = [t for t in filling.tables if filling.can_grow[t]]
    options.sort(
        key=lambda t: (-planned[t], grown[t], (t - f * filling.extra) % max(1, inst.tables))
    )
    return options[: filling.extra]


def forced_pairs(inst: Instance) -> list[tuple[int, int]]:
    """Pairs that meet in every future round: people pinned to the same table, and members
    of a group that must sit together."""
    pairs: set[tuple[int, int]] = set()
    for members in inst.pinned_at():
        pairs.update(combinations(sorted(members), 2))
    for members in inst.units:
        pairs.update(combinations(sorted(members), 2))
    return sorted(pairs)


def history_meetings(inst: Instance) -> Counter[tuple[int, int]]:
    """Meetings in held rounds, for every pair of people (including those who left)."""
    count: Counter[tuple[int, int]] = Counter()
    for r in range(inst.held):
        by_table: dict[int, list[int]] = {}
        for person, table in enumerate(inst.history[r]):
            if table >= 0:
                by_table.setdefault(int(table), []).append(person)
        for seated in by_table.values():
            count.update(combinations(seated, 2))
    return count
