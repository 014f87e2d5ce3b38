"""Baselines run side by side with the engine: a random shuffle, a simple greedy and a
plain CP-SAT model with the same time limit."""

from __future__ import annotations

import random
import time
from dataclasses import dataclass

import numpy as np

from coproduce.cafe.seating.exact import solve_kind
from coproduce.cafe.seating.greedy import greedy_plan, random_plan
from coproduce.cafe.seating.metrics import quality, violations
from coproduce.cafe.seating.model import compile_problem
from coproduce.cafe.seating.problem import Problem
from coproduce.cafe.seating.solver import _future_rounds

# The CP-SAT baseline has one constraint per pair, table and round; past this it is not
# even built (it would take longer to build than the time limit).
CPSAT_MAX_TERMS = 300_000


@dataclass
class Result:
    name: str
    repeats: int | None = None
    pair_cost: int | None = None
    deviation: int | None = None
    min_met: int | None = None
    seconds: float = 0.0
    broken: int = 0
    note: str = ""

    @property
    def score(self) -> int | None:
        """pair cost + sector deviation: one number to compare (lower is better)."""
        if self.pair_cost is None:
            return None
        return self.pair_cost + self.deviation


def _result(name: str, problem: Problem, inst, seat: np.ndarray, start: float) -> Result:
    rounds = list(problem.history) + _future_rounds(inst, seat)
    got = quality(problem, rounds)
    return Result(
        name,
        got.repeat_pairs,
        got.pair_cost,
        got.sector_deviation,
        got.min_distinct_met,
        time.perf_counter() - start,
        len(violations(problem, rounds)),
    )


def random_shuffle(problem: Problem, seed: int = 0) -> Result:
    start = time.perf_counter()
    inst = compile_problem(problem)
    return _result("random", problem, inst, random_plan(inst, random.Random(seed)), start)


def simple_greedy(problem: Problem, seed: int = 0) -> Result:
    """Round by round, each person to the open table where they meet the fewest people
    again; no sector quota, no search."""
    start = time.perf_counter()
    inst = compile_problem(problem)
    seat = greedy_plan(inst, random.Random(seed), use_quota=False)
    return _result("greedy", problem, inst, seat, start)


def cpsat(problem: Problem, time_limit: float, seed: int = 0) -> Result:
    start = time.perf_counter()
    inst = compile_problem(problem)
    kinds = [k for k in (False, True) if inst.kinds[k].people]
    terms = sum(
        inst.kinds[k].people
        * (inst.kinds[k].people - 1)
        // 2
        * len(inst.tables_of(k))
        * inst.future
        for k in kinds
    )
    if terms > CPSAT_MAX_TERMS:
        return Result("CP-SAT", note=f"not run: model would need {terms:,} pair constraints")
    seat = np.full((inst.future, inst.n), -1, dtype=np.int64)
    for k in kinds:
        share = time_limit * inst.kinds[k].people / inst.n
        result = solve_kind(inst, k, None, share, seed)
        if result.seat is None:
            return Result(
                "CP-SAT",
                seconds=time.perf_counter() - start,
                note="no plan found in the time limit",
            )
        for p in range(inst.n):
            if inst.person_online[p] == k:
                seat[:, p] = result.seat[:, p]
    return _result("CP-SAT", problem, inst, seat, start)
