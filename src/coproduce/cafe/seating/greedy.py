"""Greedy start: seat one round at a time.

Pinned people (hosts, immobile people) first, then groups that sit together, then the
travellers. Before the travellers are seated, a min-cost flow fixes how many of each sector
every table takes (its quota), so sector balance is settled up front. Travellers are then
seated in order of least freedom (Triska & Musliu): whoever has already met the most people
has the fewest good tables left, so they choose first. Each takes a table with a free seat
for their sector where they meet nobody again; on big cafés a random sample of tables is
tried first, which finds such a table almost at once.
"""

from __future__ import annotations

import random
from collections import Counter

import numpy as np

from .bounds import sector_flow
from .model import Instance, history_meetings

APART = 1_000_000  # cost of seating two people who must sit apart at one table


def current_meetings(inst: Instance) -> list[dict[int, int]]:
    """Per current person, how often they met each other current person in held rounds."""
    met: list[dict[int, int]] = [{} for _ in range(inst.n)]
    for (a, b), m in history_meetings(inst).items():
        if a < inst.n and b < inst.n:
            met[a][b] = m
            met[b][a] = m
    return met


def add_round(met: list[dict[int, int]], seat_row: np.ndarray | list[int], tables: int) -> None:
    by_table: list[list[int]] = [[] for _ in range(tables)]
    for person, table in enumerate(seat_row):
        by_table[int(table)].append(person)
    for seated in by_table:
        for i, a in enumerate(seated):
            for b in seated[i + 1 :]:
                met[a][b] = met[a].get(b, 0) + 1
                met[b][a] = met[b].get(a, 0) + 1


def greedy_plan(inst: Instance, rng: random.Random, use_quota: bool = True) -> np.ndarray:
    """Seat every future round; returns seat[f, person] = table index."""
    met = current_meetings(inst)
    seat = np.full((inst.future, inst.n), -1, dtype=np.int64)
    for f in range(inst.future):
        seat[f] = RoundBuilder(inst, f, met, rng, use_quota).build()
        add_round(met, seat[f], inst.tables)
    return seat


class RoundBuilder:
    def __init__(self, inst: Instance, f: int, met, rng: random.Random, use_quota: bool):
        self.inst, self.f, self.met, self.rng, self.use_quota = inst, f, met, rng, use_quota
        self.table_of = [-1] * inst.n
        self.free_seats = [int(s) for s in inst.sizes[f]]
        self.members: list[list[int]] = [[] for _ in range(inst.tables)]
        self.planned = inst.previous[f] if inst.previous is not None else None

    def build(self) -> list[int]:
        inst = self.inst
        for u, members in enumerate(inst.units):
            if inst.unit_pin[u] >= 0:
                self._sit(members, inst.unit_pin[u])
        groups = [u for u, m in enumerate(inst.units) if inst.unit_pin[u] < 0 and len(m) > 1]
        for u in sorted(groups, key=lambda u: (-len(inst.units[u]), u)):
            self._sit(inst.units[u], self._best_table(inst.units[u]))
        singles = [m[0] for u, m in enumerate(inst.units) if inst.unit_pin[u] < 0 and len(m) == 1]
        for kind in (False, True):
            self._seat_travellers([p for p in singles if inst.person_online[p] == kind], kind)
        return self.table_of

    def _sit(self, members, table: int) -> None:
        for p in members:
            self.table_of[p] = table
            self.members[table].append(p)
        self.free_seats[table] -= len(members)

    def _cost(self, members, table: int) -> int:
        cost = 0
        for p in members:
            for x in self.members[table]:
                cost += self.met[p].get(x, 0)
                if x in self.inst.apart_of[p]:
                    cost += APART
        return cost

    def _best_table(self, members) -> int:
        kind = self.inst.person_online[members[0]]
        options = [t for t in self.inst.tables_of(kind) if self.free_seats[t] >= len(members)]
        if not options:  # uneven sizes leave no gap big enough: take the roomiest table
            options = [max(self.inst.tables_of(kind), key=lambda t: self.free_seats[t])]
        planned = self.planned

        def key(t: int):
            keep = 0 if planned is not None and planned[members[0]] == t else 1
            return (self._cost(members, t), keep, -self.free_seats[t], self.rng.random())

        return min(options, key=key)

    def _quota(self, kind: bool, travellers: list[int]) -> dict[int, Counter]:
        inst = self.inst
        tables = inst.tables_of(kind)
        if not self.use_quota:
            return {t: Counter({"any": max(0, self.free_seats[t])}) for t in tables}
        placed = {t: Counter(inst.sector_of[p] for p in self.members[t]) for t in tables}
        free = Counter(inst.sector_of[p] for p in travellers)
        quota, _ = sector_flow(inst, self.f, kind, placed, free)
        if sum(sum(q.values()) for q in quota.values()) < len(travellers):
            return {t: Counter({"any": max(0, self.free_seats[t])}) for t in tables}
        return quota

    def _seat_travellers(self, travellers: list[int], kind: bool) -> None:
        if not travellers:
            return
        inst, rng = self.inst, self.rng
        quota = self._quota(kind, travellers)
        open_tables: dict = {}
        for t, per_sector in quota.items():
            for c, k in per_sector.items():
                if k > 0:
                    open_tables.setdefault(c, []).append(t)
        rng.shuffle(travellers)
        travellers.sort(key=lambda p: -len(self.met[p]))
        if self.planned is not None:
            # Keep planned seats first, so a re-plan moves as few people as possible.
            travellers.sort(key=lambda p: self.planned[p] < 0)
        by_sector = "any" not in open_tables
        for p in travellers:
            c = inst.sector_of[p] if by_sector else "any"
            t = self._pick(p, open_tables.get(c, []))
            if t >= 0 and self._clashes(p, t):
                t = self._overflow(p, kind, t)
            if t < 0:
                t = self._fallback(p, kind)
            elif quota[t][c] > 0:
                quota[t][c] -= 1
                if quota[t][c] == 0:
                    open_tables[c].remove(t)
            self._sit((p,), t)

    def _pick(self, p: int, options: list[int], beyond_plan: bool = False) -> int:
        if not options:
            return -1
        conflict: Counter = Counter()
        for x, m in self.met[p].items():
            if self.table_of[x] >= 0:
                conflict[self.table_of[x]] += m
        for x in self.inst.apart_of[p]:
            if self.table_of[x] >= 0:
                conflict[self.table_of[x]] += APART
        planned = self.planned[p] if self.planned is not None else -1
        if planned in options and conflict[planned] == 0 and self.free_seats[planned] > 0:
            return int(planned)
        start = self.rng.randrange(len(options))
        best, best_cost = -1, None
        for k in range(len(options)):
            t = options[(start + k) % len(options)]
            if self.free_seats[t] <= 0 and not beyond_plan:
                continue  # taken by someone seated beyond the even filling
            cost = conflict.get(t, 0)
            if cost == 0:
                return t
            if best_cost is None or cost < best_cost:
                best, best_cost = t, cost
        return best

    def _clashes(self, p: int, table: int) -> bool:
        return any(self.table_of[x] == table for x in self.inst.apart_of[p])

    def _overflow(self, p: int, kind: bool, table: int) -> int:
        """Every table with a seat planned for p holds someone p must sit apart from: take
        a seat beyond the even filling (within capacity) rather than break the rule; one
        planned seat elsewhere stays empty instead."""
        options = [
            t
            for t in self.inst.tables_of(kind)
            if len(self.members[t]) < self.inst.capacity[t] and not self._clashes(p, t)
        ]
        return self._pick(p, options, beyond_plan=True) if options else table

    def _fallback(self, p: int, kind: bool) -> int:
        options = [t for t in self.inst.tables_of(kind) if self.free_seats[t] > 0]
        return self._pick(p, options) if options else self.inst.tables_of(kind)[0]


def random_plan(inst: Instance, rng: random.Random) -> np.ndarray:
    """Baseline: pinned people and groups where they must be, everyone else shuffled into
    the free seats of their kind."""
    seat = np.full((inst.future, inst.n), -1, dtype=np.int64)
    for f in range(inst.future):
        builder = RoundBuilder(inst, f, [{} for _ in range(inst.n)], rng, use_quota=False)
        for u, members in enumerate(inst.units):
            if inst.unit_pin[u] >= 0:
                builder._sit(members, inst.unit_pin[u])
        for u, members in enumerate(inst.units):
            if inst.unit_pin[u] < 0:
                kind = inst.person_online[members[0]]
                options = [t for t in inst.tables_of(kind) if builder.free_seats[t] >= len(members)]
                if not options:
                    options = inst.tables_of(kind)
                builder._sit(members, rng.choice(options))
        seat[f] = builder.table_of
    return seat
