"""The portfolio: construction where one fits, greedy + tabu otherwise, CP-SAT for small
parts that are still above their bound, then a fairness polish. Also re-planning on the day
and evaluating a given plan against the bounds."""

from __future__ import annotations

import random
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .bounds import Bounds, compute_bounds
from .constructions import construct, relabel
from .exact import small_enough, solve_kind
from .greedy import greedy_plan
from .metrics import Quality, quality, violations
from .model import Instance, compile_problem, history_meetings
from .problem import Id, Problem, ProblemError, Round, parse_rounds, rounds_json_one
from .reasons import Reason
from .tabu import SearchLimits, State, Weights, polish_fairness, search


@dataclass(frozen=True)
class Metric:
    value: int
    bound: int

    def to_json(self) -> dict[str, int]:
        return {"value": self.value, "bound": self.bound}


@dataclass
class Plan:
    problem: Problem
    rounds: list[Round]
    repeat_pairs: Metric
    pair_cost: Metric
    sector_deviation: Metric
    min_distinct_met: Metric
    explanations: list[Reason] = field(default_factory=list)
    seats_changed: int | None = None
    method: str = ""
    seed: int = 0
    seconds: float = 0.0

    @property
    def optimal(self) -> bool:
        minimised = (self.repeat_pairs, self.pair_cost, self.sector_deviation)
        return all(m.value <= m.bound for m in minimised) and (
            self.min_distinct_met.value >= self.min_distinct_met.bound
        )

    def metrics_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "repeat_pairs": self.repeat_pairs.to_json(),
            "pair_cost": self.pair_cost.to_json(),
            "sector_deviation": self.sector_deviation.to_json(),
            "min_distinct_met": self.min_distinct_met.to_json(),
            "optimal": self.optimal,
            "explanations": [str(reason) for reason in self.explanations],
            "reasons": [reason.to_json() for reason in self.explanations],
        }
        if self.seats_changed is not None:
            out["seats_changed"] = self.seats_changed
        return out

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "rounds": [rounds_json_one(r) for r in self.rounds],
            "metrics": self.metrics_json(),
            "solver": {"method": self.method, "seed": self.seed, "seconds": round(self.seconds, 4)},
        }
        if self.seats_changed is not None:
            out["seats_changed"] = self.seats_changed
        return out


PlanLike = Plan | Sequence[Round] | Mapping[str, Any]


def previous_rounds(previous: PlanLike | None) -> list[Round] | None:
    """A previous plan given as a Plan, its JSON, or a list of rounds."""
    if previous is None:
        return None
    if isinstance(previous, Plan):
        return list(previous.rounds)
    if isinstance(previous, Mapping):
        return parse_rounds(previous.get("rounds"), "previous plan")
    rounds = list(previous)
    if rounds and isinstance(rounds[0], list):
        return parse_rounds(rounds, "previous plan")
    return [dict(r) for r in rounds]


# ---------------------------------------------------------------- solving


@dataclass
class _Best:
    state: State
    method: str


def solve(
    problem: Problem,
    seed: int = 0,
    time_limit: float = 10.0,
    previous: PlanLike | None = None,
    max_iters: int | None = None,
) -> Plan:
    """Seat the café. Stops early when every metric meets its bound. Deterministic for a
    given seed whenever the search stops before the time limit (see `max_iters`)."""
    start = time.perf_counter()
    deadline = start + max(0.0, time_limit)
    planned = previous_rounds(previous)
    inst = compile_problem(problem, planned)
    found = compute_bounds(inst)
    if inst.future == 0:
        return _plan(
            inst, found, np.zeros((0, inst.n), dtype=np.int64), "history only", seed, start, planned
        )
    weights = Weights(change=3 if planned is not None else 0)
    target = _target(inst, found)
    if planned is not None:
        # Seat changes rank above sector balance, and a swap changes seats: once repeats are
        # at their bound with no seat changed, the re-plan is as good as it gets.
        target = (*target[:4], 1 << 40)
    budget = [max_iters if max_iters is not None else 1 << 62]
    best = None
    if not _tight(inst):
        # Realistic cafés: the greedy start almost always meets the bounds at once.
        best = _local_search(inst, weights, seed, deadline, target, [min(budget[0], 200)])
        budget[0] -= 200
    if best is None or best.state.key() > target:
        best = _better(best, _construct(inst, weights, seed, deadline, target))
    if best is None or best.state.key() > target:
        later = 0 if best is None else 1  # do not repeat the quick first run
        best = _better(best, _local_search(inst, weights, seed, deadline, target, budget, later))
    best = _exact(inst, best, found, seed, start, deadline, time_limit)
    _repair_kinds(inst, best, found, seed, deadline)
    polish_fairness(
        best.state,
        random.Random(seed),
        deadline,
        attempts=200 + 2 * inst.n,
        target=found.min_distinct_met,
    )
    found = _bounds_for_sizes(inst, best.state, found)
    return _plan(
        inst, found, np.array(best.state.seat, dtype=np.int64), best.method, seed, start, planned
    )


def _bounds_for_sizes(inst: Instance, state: State, found: Bounds) -> Bounds:
    """The greedy may fill a table beyond the even filling to keep two people apart; the
    bounds are then recomputed for the table sizes the plan actually has."""
    sizes = np.array([[len(m) for m in row] for row in state.members], dtype=np.int64)
    if np.array_equal(sizes, inst.sizes):
        return found
    inst.sizes = sizes
    again = compute_bounds(inst)
    again.explanations.append(Reason("uneven_tables"))
    return again


def replan(
    problem: Problem,
    previous: PlanLike,
    seed: int = 0,
    time_limit: float = 10.0,
    max_iters: int | None = None,
) -> Plan:
    """Re-plan the rounds after `problem.history`, keeping as many of the `previous` plan's
    seats as possible (people no longer in `problem.people` are gone, new ones arrive)."""
    if previous is None:
        raise ProblemError("re-planning needs the previous plan")
    return solve(problem, seed=seed, time_limit=time_limit, previous=previous, max_iters=max_iters)


def _target(inst: Instance, found: Bounds) -> tuple[int, int, int, int, int]:
    """The State key that would meet every bound: the State counts only pairs of people
    still here and only the rounds still to plan."""
    gone = sum(
        m * (m - 1) // 2
        for (a, b), m in history_meetings(inst).items()
        if a >= inst.n or b >= inst.n
    )
    gone_repeats = sum(
        m - 1
        for (a, b), m in history_meetings(inst).items()
        if (a >= inst.n or b >= inst.n) and m > 1
    )
    return (
        0,
        found.pair_cost - gone,
        found.repeat_pairs - gone_repeats,
        0,
        found.sector_deviation - found.history_deviation,
    )


def _better(a: _Best | None, b: _Best | None) -> _Best | None:
    if a is None:
        return b
    if b is None:
        return a
    return b if b.state.key() < a.state.key() else a


def _construct(inst, weights, seed, deadline, target) -> _Best | None:
    if inst.previous is not None:
        return None
    built = construct(inst)
    if built is None:
        return None
    seat, method = built
    state = State(inst, seat, weights)
    rng = random.Random(seed)
    relabel(state, rng, deadline, attempts=20000 + 400 * inst.n)
    if state.key() > target:
        # Keep the design's repeats; let the search trade nothing for sector balance.
        search(
            state, rng, SearchLimits(max_iters=2000 + 20 * inst.n, deadline=deadline, target=target)
        )
    return _Best(state, method)


def _tight(inst: Instance) -> bool:
    """Rounds x table size close to the number of people: few meetings to spare."""
    for filling in inst.kinds.values():
        if filling.people < 2 or not filling.tables:
            continue
        largest = max(filling.base[t] + filling.can_grow[t] for t in filling.tables)
        if inst.future * (largest - 1) * 2 >= filling.people - 1:
            return True
    return False


def _local_search(inst, weights, seed, deadline, target, budget, first=0) -> _Best | None:
    if first > 0 and time.perf_counter() >= deadline:
        return None  # a restart's greedy start alone would overrun the time limit
    best: _Best | None = None
    attempt = first
    share = 0.5 if any(small_enough(inst, k) for k in (False, True)) else 1.0
    stop = time.perf_counter() + share * max(0.0, deadline - time.perf_counter())
    while budget[0] > 0:
        rng = random.Random(seed * 7919 + attempt)
        state = State(inst, greedy_plan(inst, rng), weights)
        # A re-plan starts next to a good plan: a short search is enough.
        run = min(budget[0], 4000 + 40 * inst.n if inst.previous is None else 500 + 5 * inst.n)
        used = search(state, rng, SearchLimits(max_iters=run, deadline=stop, target=target))
        budget[0] -= max(1, used)
        label = "greedy + tabu" if attempt == 0 else f"greedy + tabu (restart {attempt})"
        best = _better(best, _Best(state, label))
        attempt += 1
        if best.state.key() <= target or time.perf_counter() >= stop or inst.previous is not None:
            break
    return best


def _kind_values(state: State, kind: bool) -> tuple[int, int]:
    """(pair cost, sector deviation) of the people and tables of one kind."""
    inst = state.inst
    pair = sum(
        m * (m - 1) // 2
        for p in range(inst.n)
        if inst.person_online[p] == kind
        for q, m in state.met[p].items()
        if q > p
    )
    dev = sum(state.table_dev(f, t) for f in range(inst.future) for t in inst.tables_of(kind))
    return pair, dev


def _exact(inst, best: _Best, found: Bounds, seed, start, deadline, time_limit) -> _Best:
    """CP-SAT on small kinds still above their bound; a proof of optimality raises the bound."""
    if inst.previous is not None:
        return best
    # Smallest part first: it is the likeliest to be solved to optimality.
    order = sorted(found.kinds, key=lambda k: inst.kinds[k].people)
    for number, kind in enumerate(order):
        part = found.kinds[kind]
        if not small_enough(inst, kind):
            continue
        const_cost, const_repeats = _kind_constants(inst, kind)
        pair, dev = _kind_values(best.state, kind)
        if pair - const_cost <= part.pair_cost and dev <= part.sector_deviation:
            continue
        left = deadline - time.perf_counter()
        if left < 0.2:
            break
        share = 0.8 * left / (len(order) - number)
        result = solve_kind(inst, kind, np.array(best.state.seat), share, seed)
        if result.seat is None:
            continue
        candidate = State(inst, result.seat, best.state.weights)
        if candidate.key() < best.state.key():
            best = _Best(candidate, best.method + " + CP-SAT")
        top = _max_dev(inst, kind)
        free_lb = -(-(result.bound - top) // (top + 1))
        if part.forced_cost + free_lb > part.pair_cost:
            part.pair_cost = part.forced_cost + free_lb
            found.explanations.append(Reason("searched_spread", online=kind))
        _prove_repeats(
            inst, kind, part, best, seed, deadline, const_repeats, found.explanations, share
        )
        found.refresh()
    return best


def _repair_kinds(inst: Instance, best: _Best, found: Bounds, seed: int, deadline: float) -> None:
    """Rooms and online tables share nobody, so a part still above its bounds gets a search
    of its own: the other part's unavoidable repeats no longer draw the moves."""
    if len(found.kinds) < 2:
        return
    state = best.state
    for kind in sorted(found.kinds, key=lambda k: inst.kinds[k].people):
        part = found.kinds[kind]
        const_cost, _ = _kind_constants(inst, kind)
        pair, dev = _kind_values(state, kind)
        if pair - const_cost <= part.pair_cost and dev <= part.sector_deviation:
            continue
        left = deadline - time.perf_counter()
        if left < 0.05:
            break
        state.set_focus(set(inst.tables_of(kind)))
        limits = SearchLimits(
            max_iters=2000 + 20 * inst.n,
            deadline=time.perf_counter() + left / 2,
            target=(0, 0, 0, 0, 0),
        )
        search(state, random.Random(seed + 1), limits)
        state.set_focus(None)


def _kind_constants(inst: Instance, kind: bool) -> tuple[int, int]:
    """History cost of same-kind pairs that can no longer meet (apart, pinned apart)."""
    cost = repeats = 0
    for (a, b), m in history_meetings(inst).items():
        if a >= inst.n or b >= inst.n or inst.person_online[a] != kind:
            continue
        if inst.person_online[b] != kind:
            continue
        pa, pb = inst.pinned_table(a), inst.pinned_table(b)
        if b in inst.apart_of[a] or (pa >= 0 and pb >= 0 and pa != pb):
            cost += m * (m - 1) // 2
            repeats += max(0, m - 1)
    return cost, repeats


def _max_dev(inst: Instance, kind: bool) -> int:
    top = 0
    for f in range(inst.future):
        for t in inst.tables_of(kind):
            seated = int(inst.sizes[f, t])
            for c in range(len(inst.sector_names)):
                low, high = inst.band(c, seated)
                top += max(0, max(low, seated - high))
    return top


def _prove_repeats(
    inst, kind, part, best: _Best, seed, deadline, const_repeats, explanations, share
) -> None:
    """Repeated meetings are not the main objective, so their bound gets its own short
    CP-SAT run when the plan is above it."""
    if part.repeat_pairs >= _kind_repeats(best.state, kind) - const_repeats:
        return
    left = deadline - time.perf_counter()
    if left < 0.2:
        return
    result = solve_kind(
        inst, kind, np.array(best.state.seat), min(share, 0.8 * left), seed, "repeats"
    )
    if result.seat is not None and part.forced_repeats + result.bound > part.repeat_pairs:
        part.repeat_pairs = part.forced_repeats + result.bound
        explanations.append(Reason("searched_repeats", online=kind, repeats=part.repeat_pairs))


def _kind_repeats(state: State, kind: bool) -> int:
    inst = state.inst
    return sum(
        m - 1
        for p in range(inst.n)
        if inst.person_online[p] == kind
        for q, m in state.met[p].items()
        if q > p and m > 1
    )


# ---------------------------------------------------------------- output


def _future_rounds(inst: Instance, seat: np.ndarray) -> list[Round]:
    rounds: list[Round] = []
    hosts = {p for p in range(inst.n) if inst.problem.people[p].host_of is not None}
    for f in range(inst.future):
        seating: dict[Id, list[Id]] = {tid: [] for tid in inst.table_ids}
        order = sorted(range(inst.n), key=lambda p: (p not in hosts, p))
        for p in order:
            seating[inst.table_ids[int(seat[f, p])]].append(inst.ids[p])
        rounds.append({t: tuple(people) for t, people in seating.items()})
    return rounds


def seats_changed(problem: Problem, rounds: list[Round], previous: list[Round]) -> int:
    """Seats of people still here, in rounds not yet held, that differ from the previous
    plan (late arrivals had no planned seat and do not count)."""
    changed = 0
    for r in range(len(problem.history), min(len(rounds), len(previous))):
        was = {pid: t for t, seated in previous[r].items() for pid in seated}
        now = {pid: t for t, seated in rounds[r].items() for pid in seated}
        changed += sum(1 for pid, t in now.items() if pid in was and was[pid] != t)
    return changed


def _plan(inst, found: Bounds, seat, method, seed, start, planned) -> Plan:
    rounds = list(inst.problem.history) + _future_rounds(inst, seat)
    return _assemble(inst.problem, rounds, found, method, seed, start, planned)


def _assemble(problem, rounds, found: Bounds, method, seed, start, planned) -> Plan:
    got: Quality = quality(problem, rounds)
    explanations = list(found.explanations)
    broken = violations(problem, rounds)
    explanations.extend(Reason("rule_broken", rule=text) for text in broken)
    plan = Plan(
        problem=problem,
        rounds=rounds,
        repeat_pairs=Metric(got.repeat_pairs, found.repeat_pairs),
        pair_cost=Metric(got.pair_cost, found.pair_cost),
        sector_deviation=Metric(got.sector_deviation, found.sector_deviation),
        min_distinct_met=Metric(got.min_distinct_met, found.min_distinct_met),
        explanations=explanations,
        seats_changed=seats_changed(problem, rounds, planned) if planned is not None else None,
        method=method,
        seed=seed,
        seconds=time.perf_counter() - start,
    )
    if plan.optimal:
        plan.explanations.append(Reason("optimal"))
    return plan


def evaluate(
    problem: Problem, rounds: Sequence[Round] | Sequence[list], previous: PlanLike | None = None
) -> Plan:
    """Metrics and bounds of a given plan (all rounds, held ones included)."""
    start = time.perf_counter()
    given = previous_rounds(list(rounds)) or []
    planned = previous_rounds(previous)
    found = compute_bounds(compile_problem(problem, planned))
    return _assemble(problem, given, found, "evaluated", 0, start, planned)
