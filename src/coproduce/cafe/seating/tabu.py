"""Tabu swap search (after Dotú & Van Hentenryck): within one round, two travellers (or two
groups of the same size) at different tables swap seats. Only people at a "bad" table
(a repeated meeting, a sector outside its band, two people who must sit apart, or, when
re-planning, someone away from their planned table) start a move. A person may not go back
to the table they just left for a few iterations; stagnation restarts from the best plan
with a few random swaps.

Moves are chosen by a weighted cost (repeats weigh more than sector deviation); the best
plan is kept by the lexicographic key (rules, repeats, seats changed, sector deviation).
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass

import numpy as np

from .greedy import add_round, current_meetings
from .model import Instance

W_APART = 1_000_000


@dataclass(frozen=True)
class Weights:
    pair: int = 4
    repeat: int = 2
    dev: int = 1
    change: int = 0


class State:
    """A plan for the future rounds with incremental pair counts and sector counts."""

    def __init__(self, inst: Instance, seat: np.ndarray, weights: Weights = Weights()):
        self.inst, self.weights = inst, weights
        self.future, self.n, self.tables = inst.future, inst.n, inst.tables
        self.sectors = len(inst.sector_names)
        self.sector = [c if c >= 0 else self.sectors for c in inst.sector_of[: inst.n]]
        self.pin = [inst.pinned_table(p) for p in range(inst.n)]
        self.any_apart = any(inst.apart_of)
        self.prev = (
            [list(map(int, row)) for row in inst.previous]
            if (inst.previous is not None and weights.change)
            else None
        )
        self.extra_met = self._departed_met()
        units: dict[tuple[bool, int], list[int]] = {}
        for u, members in enumerate(inst.units):
            if inst.unit_pin[u] < 0:
                units.setdefault((inst.person_online[members[0]], len(members)), []).append(u)
        self.free_units = units
        self.focus: set[int] | None = None  # only these tables start moves (local repair)
        self.load(seat)

    def set_focus(self, tables: set[int] | None) -> None:
        self.focus = tables
        self.bad = {
            (f, t) for f in range(self.future) for t in range(self.tables) if self.table_bad(f, t)
        }

    def _band(self, seated: int, side: int) -> list[int]:
        out = [self.inst.band(c, seated)[side] for c in range(self.sectors)]
        return out + [0 if side == 0 else 1 << 30]

    def _departed_met(self) -> list[int]:
        extra = [0] * self.n
        seen: set[tuple[int, int]] = set()
        for r in range(self.inst.held):
            by_table: dict[int, list[int]] = {}
            for person, table in enumerate(self.inst.history[r]):
                if table >= 0:
                    by_table.setdefault(int(table), []).append(person)
            for seated in by_table.values():
                for a in seated:
                    for b in seated:
                        if a < self.n <= b and (a, b) not in seen:
                            seen.add((a, b))
                            extra[a] += 1
        return extra

    def load(self, seat) -> None:
        self.seat = [list(map(int, row)) for row in seat]
        self.members = [[[] for _ in range(self.tables)] for _ in range(self.future)]
        self.cnt = [
            [[0] * (self.sectors + 1) for _ in range(self.tables)] for _ in range(self.future)
        ]
        for f, row in enumerate(self.seat):
            for p, t in enumerate(row):
                self.members[f][t].append(p)
                self.cnt[f][t][self.sector[p]] += 1
        # Swaps keep table sizes, so each table's sector band is fixed by the start plan
        # (normally the even filling; the greedy may deviate to keep people apart).
        self.lo = [[self._band(len(m), 0) for m in row] for row in self.members]
        self.hi = [[self._band(len(m), 1) for m in row] for row in self.members]
        self.met = current_meetings(self.inst)
        for row in self.seat:
            add_round(self.met, row, self.tables)
        self.pair = sum(m * (m - 1) // 2 for d in self.met for m in d.values()) // 2
        self.rep = sum(m - 1 for d in self.met for m in d.values() if m > 1) // 2
        self.dev = sum(self.table_dev(f, t) for f in range(self.future) for t in range(self.tables))
        self.apart = sum(
            1
            for f in range(self.future)
            for p in range(self.n)
            for x in self.inst.apart_of[p]
            if x > p and self.seat[f][x] == self.seat[f][p]
        )
        self.changes = 0
        if self.prev is not None:
            self.changes = sum(
                1
                for f in range(self.future)
                for p in range(self.n)
                if self.prev[f][p] >= 0 and self.prev[f][p] != self.seat[f][p]
            )
        self.bad = {
            (f, t) for f in range(self.future) for t in range(self.tables) if self.table_bad(f, t)
        }

    def snapshot(self) -> list[list[int]]:
        return [row[:] for row in self.seat]

    def key(self) -> tuple[int, int, int, int, int]:
        return (self.apart, self.pair, self.rep, self.changes, self.dev)

    def cost(self) -> int:
        return self.weigh((self.apart, self.pair, self.rep, self.changes, self.dev))

    def weigh(self, change: tuple[int, int, int, int, int]) -> int:
        w = self.weights
        return (
            W_APART * change[0]
            + w.pair * change[1]
            + w.repeat * change[2]
            + w.change * change[3]
            + w.dev * change[4]
        )

    # ------------------------------------------------------------ bookkeeping

    def table_dev(self, f: int, t: int) -> int:
        cnt, lo, hi = self.cnt[f][t], self.lo[f][t], self.hi[f][t]
        return sum(max(0, lo[c] - cnt[c]) + max(0, cnt[c] - hi[c]) for c in range(self.sectors))

    def table_bad(self, f: int, t: int) -> bool:
        if self.focus is not None and t not in self.focus:
            return False
        seated = self.members[f][t]
        unit_of, pin = self.inst.unit_of, self.pin
        for i, x in enumerate(seated):
            mx = self.met[x]
            for y in seated[i + 1 :]:
                fixed = unit_of[x] == unit_of[y] or (pin[x] >= 0 and pin[x] == pin[y])
                if mx[y] > 1 and not fixed:
                    return True
                if self.any_apart and y in self.inst.apart_of[x]:
                    return True
        if self.sectors and self.table_dev(f, t):
            return True
        if self.prev is not None:
            plan = self.prev[f]
            return any(plan[x] >= 0 and plan[x] != t and pin[x] < 0 for x in seated)
        return False

    def _shift_dev(self, f: int, t: int, out_c: int, in_c: int) -> int:
        cnt, lo, hi = self.cnt[f][t], self.lo[f][t], self.hi[f][t]
        d = 0
        if out_c < self.sectors:
            k = cnt[out_c]
            d += max(0, lo[out_c] - k + 1) + max(0, k - 1 - hi[out_c])
            d -= max(0, lo[out_c] - k) + max(0, k - hi[out_c])
        if in_c < self.sectors:
            k = cnt[in_c] - (1 if in_c == out_c else 0)
            d += max(0, lo[in_c] - k - 1) + max(0, k + 1 - hi[in_c])
            d -= max(0, lo[in_c] - k) + max(0, k - hi[in_c])
        return d

    # ------------------------------------------------------------ moves

    def delta(self, f: int, u_members, v_members) -> tuple[int, int, int, int, int]:
        """(apart, pair cost, repeats, changes, dev) change if two units swap tables in
        round f."""
        if len(u_members) == 1:
            return self._delta_single(f, u_members[0], v_members[0])
        return self._delta_group(f, u_members, v_members)

    def _delta_single(self, f: int, p: int, q: int):
        a, b = self.seat[f][p], self.seat[f][q]
        mp, mq = self.met[p], self.met[q]
        dpair = drep = 0
        for x in self.members[f][a]:
            if x != p:
                gain, loss = mq.get(x, 0), mp[x]
                dpair += gain - loss + 1
                drep += (gain > 0) - (loss > 1)
        for y in self.members[f][b]:
            if y != q:
                gain, loss = mp.get(y, 0), mq[y]
                dpair += gain - loss + 1
                drep += (gain > 0) - (loss > 1)
        dap = 0
        if self.any_apart:
            ap, aq = self.inst.apart_of[p], self.inst.apart_of[q]
            dap = sum((x in aq) - (x in ap) for x in self.members[f][a] if x != p)
            dap += sum((y in ap) - (y in aq) for y in self.members[f][b] if y != q)
        ddev = 0
        cp, cq = self.sector[p], self.sector[q]
        if cp != cq and self.sectors:
            ddev = self._shift_dev(f, a, cp, cq) + self._shift_dev(f, b, cq, cp)
        dch = 0
        if self.prev is not None:
            plan = self.prev[f]
            if plan[p] >= 0:
                dch += (plan[p] != b) - (plan[p] != a)
            if plan[q] >= 0:
                dch += (plan[q] != a) - (plan[q] != b)
        return dap, dpair, drep, dch, ddev

    def _delta_group(self, f: int, us, vs):
        a, b = self.seat[f][us[0]], self.seat[f][vs[0]]
        rest_a = [x for x in self.members[f][a] if x not in us]
        rest_b = [y for y in self.members[f][b] if y not in vs]
        dpair = drep = dap = dch = 0
        for mover, stay, go in ((us, rest_a, rest_b), (vs, rest_b, rest_a)):
            for p in mover:
                mp, ap = self.met[p], self.inst.apart_of[p]
                dpair += sum(mp.get(y, 0) for y in go) - sum(mp[x] - 1 for x in stay)
                drep += sum(1 for y in go if mp.get(y, 0) > 0) - sum(1 for x in stay if mp[x] > 1)
                dap += sum(1 for y in go if y in ap) - sum(1 for x in stay if x in ap)
        if self.prev is not None:
            plan = self.prev[f]
            for mover, old, new in ((us, a, b), (vs, b, a)):
                for p in mover:
                    if plan[p] >= 0:
                        dch += (plan[p] != new) - (plan[p] != old)
        before = self.table_dev(f, a) + self.table_dev(f, b)
        self._move_sectors(f, us, vs, a, b)
        after = self.table_dev(f, a) + self.table_dev(f, b)
        self._move_sectors(f, vs, us, a, b)
        return dap, dpair, drep, dch, after - before

    def _move_sectors(self, f, leaving, coming, a, b) -> None:
        for p in leaving:
            self.cnt[f][a][self.sector[p]] -= 1
            self.cnt[f][b][self.sector[p]] += 1
        for p in coming:
            self.cnt[f][b][self.sector[p]] -= 1
            self.cnt[f][a][self.sector[p]] += 1

    def apply(self, f: int, us, vs, change: tuple[int, int, int, int]) -> None:
        a, b = self.seat[f][us[0]], self.seat[f][vs[0]]
        rest_a = [x for x in self.members[f][a] if x not in us]
        rest_b = [y for y in self.members[f][b] if y not in vs]
        for mover, stay, go, new in ((us, rest_a, rest_b, b), (vs, rest_b, rest_a, a)):
            for p in mover:
                for x in stay:
                    self._meet(p, x, -1)
                for y in go:
                    self._meet(p, y, +1)
                self.seat[f][p] = new
        self._move_sectors(f, us, vs, a, b)
        self.members[f][a] = rest_a + list(vs)
        self.members[f][b] = rest_b + list(us)
        self.apart += change[0]
        self.pair += change[1]
        self.rep += change[2]
        self.changes += change[3]
        self.dev += change[4]
        for g in range(self.future):
            for p in (*us, *vs):
                self._recheck(g, self.seat[g][p])
        self._recheck(f, a)
        self._recheck(f, b)

    def _meet(self, p: int, x: int, step: int) -> None:
        m = self.met[p].get(x, 0) + step
        if m:
            self.met[p][x] = m
            self.met[x][p] = m
        else:
            del self.met[p][x]
            del self.met[x][p]

    def _recheck(self, f: int, t: int) -> None:
        if self.table_bad(f, t):
            self.bad.add((f, t))
        else:
            self.bad.discard((f, t))

    def distinct(self, p: int) -> int:
        return len(self.met[p]) + self.extra_met[p]


@dataclass
class SearchLimits:
    max_iters: int
    deadline: float
    target: tuple[int, int, int, int, int]
    tables_per_iter: int = 6
    partners: int = 60
    stall: int = 400


def search(state: State, rng: random.Random, limits: SearchLimits) -> int:
    """Improve `state` in place; it ends at the best plan found. Returns iterations."""
    inst = state.inst
    best_key, best_cost, best = state.key(), state.cost(), state.snapshot()
    tabu: dict[tuple[int, int, int], int] = {}
    it = since_best = 0
    while it < limits.max_iters and best_key > limits.target and state.bad:
        # Every iteration: on tables of 50 one weighs thousands of swaps (a fifth of a second
        # was measured), and reading the clock costs nothing next to that.
        if time.perf_counter() > limits.deadline:
            break
        move = _best_move(state, rng, limits, tabu, it, best_cost)
        it += 1
        if move is None:
            tabu.clear()
            continue
        f, u, v, change = move
        a, b = state.seat[f][inst.units[u][0]], state.seat[f][inst.units[v][0]]
        state.apply(f, inst.units[u], inst.units[v], change)
        tenure = 4 + rng.randrange(8)
        tabu[(f, u, a)] = it + tenure
        tabu[(f, v, b)] = it + tenure
        if state.key() < best_key:
            best_key, best_cost, best, since_best = state.key(), state.cost(), state.snapshot(), 0
        else:
            since_best += 1
        if since_best > limits.stall:
            state.load(best)
            _perturb(state, rng)
            tabu.clear()
            since_best = 0
    if state.key() != best_key:
        state.load(best)
    return it


def _best_move(state: State, rng: random.Random, limits: SearchLimits, tabu, it, best_cost):
    inst = state.inst
    bad = list(state.bad)
    if len(bad) > limits.tables_per_iter:
        bad = rng.sample(bad, limits.tables_per_iter)
    now = state.cost()
    chosen, chosen_cost, ties = None, None, 0
    for f, t in bad:
        seen_units = {inst.unit_of[p] for p in state.members[f][t]}
        for u in seen_units:
            if inst.unit_pin[u] >= 0:
                continue
            us = inst.units[u]
            pool = state.free_units[(inst.person_online[us[0]], len(us))]
            if len(pool) > limits.partners:
                pool = rng.sample(pool, limits.partners)
            for v in pool:
                vs = inst.units[v]
                b = state.seat[f][vs[0]]
                if b == t:
                    continue
                change = state.delta(f, us, vs)
                cost = state.weigh(change)
                if (tabu.get((f, u, b), -1) > it or tabu.get((f, v, t), -1) > it) and (
                    now + cost >= best_cost
                ):
                    continue
                if chosen_cost is None or cost < chosen_cost:
                    chosen, chosen_cost, ties = (f, u, v, change), cost, 1
                elif cost == chosen_cost:
                    ties += 1
                    if rng.randrange(ties) == 0:
                        chosen = (f, u, v, change)
    return chosen


def _perturb(state: State, rng: random.Random) -> None:
    inst = state.inst
    pools = [pool for pool in state.free_units.values() if len(pool) > 1]
    if not pools or state.future == 0:
        return
    for _ in range(max(2, state.n // 20)):
        pool = rng.choice(pools)
        f = rng.randrange(state.future)
        u, v = rng.sample(pool, 2)
        us, vs = inst.units[u], inst.units[v]
        if state.seat[f][us[0]] != state.seat[f][vs[0]]:
            change = state.delta(f, us, vs)
            if change[0] <= 0:
                state.apply(f, us, vs, change)


def polish_fairness(
    state: State, rng: random.Random, deadline: float, attempts: int, target: int
) -> None:
    """Raise the fewest distinct people anyone meets with swaps that keep the key, until
    it reaches `target` (its upper bound)."""
    inst = state.inst
    movable = [
        p for p in range(state.n) if state.pin[p] < 0 and len(inst.units[inst.unit_of[p]]) == 1
    ]
    if not movable or state.future == 0:
        return
    for _ in range(attempts):
        if time.perf_counter() > deadline:  # an attempt looks at everyone: check each time
            return
        distinct = [state.distinct(p) for p in range(state.n)]
        low = min(distinct)
        if low >= target:
            return
        worst = [p for p in movable if distinct[p] == low]
        if not worst:
            return
        at_low = distinct.count(low)
        if not _lift(state, rng, rng.choice(worst), low, at_low):
            continue


def _lift(state: State, rng: random.Random, p: int, low: int, at_low: int) -> bool:
    inst = state.inst
    pool = state.free_units[(inst.person_online[p], 1)]
    for _ in range(40):
        f = rng.randrange(state.future)
        v = rng.choice(pool)
        q = inst.units[v][0]
        a, b = state.seat[f][p], state.seat[f][q]
        if a == b:
            continue
        change = state.delta(f, (p,), (q,))
        if change[:2] > (0, 0) or change[1] == 0 and change[2:] > (0, 0, 0):
            continue
        touched = {p, q, *state.members[f][a], *state.members[f][b]}
        state.apply(f, (p,), (q,), change)
        after = [state.distinct(x) for x in touched]
        new_low = min(after)
        if new_low > low or (new_low == low and _count_low(state, low) < at_low) or change[1] < 0:
            return True
        back = state.delta(f, (q,), (p,))
        state.apply(f, (q,), (p,), back)
    return False


def _count_low(state: State, low: int) -> int:
    return sum(1 for p in range(state.n) if state.distinct(p) == low)
