"""Exact model (OR-Tools CP-SAT) for the people and tables of one kind.

Used for small cafés only: the model has a meeting variable per pair and round, so it grows
with n^2. x[p, t, f] says person p sits at table t in future round f; same[p, q, f] is forced
to 1 when p and q share a table; each pair's repeated meetings cost C(m, 2), written as the
tangent lines of that convex function. One worker and a fixed seed keep runs reproducible.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations

import numpy as np
from ortools.sat.python import cp_model

from .greedy import current_meetings
from .model import Instance

MAX_PEOPLE = 60
MAX_TERMS = 200_000


@dataclass
class ExactResult:
    seat: np.ndarray | None  # full (future, n) plan, other kinds copied from the hint
    optimal: bool
    bound: int  # proven lower bound of the objective
    objective: int | None


def small_enough(inst: Instance, kind: bool) -> bool:
    people = sum(1 for p in range(inst.n) if inst.person_online[p] == kind)
    tables = len(inst.tables_of(kind))
    terms = people * (people - 1) // 2 * tables * inst.future
    return 0 < people <= MAX_PEOPLE and terms <= MAX_TERMS and inst.future > 0


def solve_kind(
    inst: Instance,
    kind: bool,
    hint: np.ndarray | None,
    time_limit: float,
    seed: int = 0,
    objective: str = "lexicographic",
) -> ExactResult:
    """objective: "lexicographic" (pair cost, then sector deviation) or "repeats"."""
    model = _Model(inst, kind, objective)
    if hint is not None:
        model.hint(hint)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = seed
    solver.parameters.max_time_in_seconds = max(0.05, time_limit)
    status = solver.solve(model.model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return ExactResult(None, False, 0, None)
    seat = hint.copy() if hint is not None else np.full((inst.future, inst.n), -1, dtype=np.int64)
    for (p, t, f), var in model.x.items():
        if solver.boolean_value(var):
            seat[f, p] = t
    return ExactResult(
        seat=seat,
        optimal=status == cp_model.OPTIMAL,
        bound=int(round(solver.best_objective_bound)),
        objective=int(round(solver.objective_value)),
    )


class _Model:
    def __init__(self, inst: Instance, kind: bool, objective: str):
        self.inst, self.kind = inst, kind
        self.model = cp_model.CpModel()
        self.people = [p for p in range(inst.n) if inst.person_online[p] == kind]
        self.tables = inst.tables_of(kind)
        self.x: dict[tuple[int, int, int], cp_model.IntVar] = {}
        self._seats()
        self._rules()
        cost, repeats = self._meetings()
        deviation, max_dev = self._sectors()
        if objective == "repeats":
            self.model.minimize(sum(repeats))
            self.weight = 1
        else:
            self.weight = max_dev + 1
            self.model.minimize(self.weight * sum(cost) + sum(deviation))
        self.max_dev = max_dev

    def _seats(self) -> None:
        inst, m = self.inst, self.model
        for f in range(inst.future):
            for p in self.people:
                pin = inst.pinned_table(p)
                row = []
                for t in self.tables:
                    var = m.new_bool_var(f"x{p}_{t}_{f}")
                    self.x[p, t, f] = var
                    row.append(var)
                    if pin >= 0:
                        m.add(var == (1 if t == pin else 0))
                m.add_exactly_one(row)
            for t in self.tables:
                m.add(sum(self.x[p, t, f] for p in self.people) == int(inst.sizes[f, t]))
        self._break_symmetry()

    def _break_symmetry(self) -> None:
        # With nothing to tell travellers apart (no sectors, rules or history), any first
        # round is as good as any other: fix it.
        inst = self.inst
        plain = not inst.held and all(
            inst.sector_of[p] < 0 and not inst.apart_of[p] and len(inst.units[inst.unit_of[p]]) == 1
            for p in self.people
        )
        if not plain:
            return
        travellers = iter(p for p in self.people if inst.pinned_table(p) < 0)
        for t in self.tables:
            room = int(inst.sizes[0, t]) - sum(1 for p in self.people if inst.pinned_table(p) == t)
            for _ in range(room):
                self.model.add(self.x[next(travellers), t, 0] == 1)

    def _rules(self) -> None:
        inst, m = self.inst, self.model
        for members in inst.units:
            if inst.person_online[members[0]] != self.kind:
                continue
            for a, b in zip(members, members[1:], strict=False):
                for f in range(inst.future):
                    for t in self.tables:
                        m.add(self.x[a, t, f] == self.x[b, t, f])
        for a in self.people:
            for b in inst.apart_of[a]:
                if b > a and inst.person_online[b] == self.kind:
                    for f in range(inst.future):
                        for t in self.tables:
                            m.add_bool_or([self.x[a, t, f].Not(), self.x[b, t, f].Not()])

    def _meetings(self):
        inst, m = self.inst, self.model
        met = current_meetings(inst)
        cost_terms, repeat_terms = [], []
        same_of: dict[tuple[int, int], list] = {}
        for a, b in combinations(self.people, 2):
            pa, pb = inst.pinned_table(a), inst.pinned_table(b)
            if b in inst.apart_of[a] or (pa >= 0 and pb >= 0 and pa != pb):
                continue
            fixed = inst.unit_of[a] == inst.unit_of[b] or (pa >= 0 and pa == pb)
            m0 = met[a].get(b, 0)
            if fixed:
                continue  # meets every round whatever the plan: a constant
            same = []
            for f in range(inst.future):
                s = m.new_bool_var(f"s{a}_{b}_{f}")
                for t in self.tables:
                    m.add_bool_or([self.x[a, t, f].Not(), self.x[b, t, f].Not(), s])
                same.append(s)
                same_of.setdefault((a, f), []).append(s)
                same_of.setdefault((b, f), []).append(s)
            top = m0 + inst.future
            count = m.new_int_var(m0, top, f"m{a}_{b}")
            m.add(count == m0 + sum(same))
            pair_cost = m.new_int_var(0, top * (top - 1) // 2, f"c{a}_{b}")
            for k in range(1, top):
                m.add(pair_cost >= k * count - k * (k + 1) // 2)
            repeat = m.new_int_var(0, max(0, top - 1), f"r{a}_{b}")
            m.add(repeat >= count - 1)
            cost_terms.append(pair_cost)
            repeat_terms.append(repeat)
        self._exact_counts(same_of)
        return cost_terms, repeat_terms

    def _exact_counts(self, same_of) -> None:
        # Everyone meets exactly (their table size - 1) people each round; with the
        # one-sided links above this makes every `same` exact and tightens the relaxation.
        inst = self.inst
        for f in range(inst.future):
            for p in self.people:
                links = same_of.get((p, f), [])
                fixed_mates = sum(
                    1
                    for q in self.people
                    if q != p
                    and (
                        inst.unit_of[q] == inst.unit_of[p]
                        or (
                            inst.pinned_table(p) >= 0
                            and inst.pinned_table(p) == inst.pinned_table(q)
                        )
                    )
                )
                size = sum(self.x[p, t, f] * int(inst.sizes[f, t]) for t in self.tables)
                self.model.add(sum(links) + fixed_mates + 1 == size)

    def _sectors(self):
        inst, m = self.inst, self.model
        terms, top = [], 0
        for f in range(inst.future):
            for t in self.tables:
                seated = int(inst.sizes[f, t])
                for c in range(len(inst.sector_names)):
                    low, high = inst.band(c, seated)
                    count = sum(self.x[p, t, f] for p in self.people if inst.sector_of[p] == c)
                    worst = max(low, seated - high)
                    dev = m.new_int_var(0, max(0, worst), f"d{t}_{c}_{f}")
                    m.add(dev >= low - count)
                    m.add(dev >= count - high)
                    terms.append(dev)
                    top += max(0, worst)
        return terms, top

    def hint(self, seat: np.ndarray) -> None:
        for (p, t, f), var in self.x.items():
            self.model.add_hint(var, 1 if seat[f, p] == t else 0)
