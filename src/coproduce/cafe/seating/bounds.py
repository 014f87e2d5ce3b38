"""What is possible: cheap lower bounds for the minimised metrics and an upper bound for
the fewest distinct people anyone meets, each with a human-readable reason.

The bounds hold for every plan that fills tables evenly the way the engine does (the table
sizes in `Instance.sizes`) and keeps immobile people where the engine pins them (the table
that forces the fewest repeats). Held rounds count as they were.
"""

from __future__ import annotations

import heapq
from collections import Counter
from dataclasses import dataclass, field

from ortools.graph.python import min_cost_flow

from .model import Instance, compile_problem, forced_pairs, history_meetings
from .problem import Problem
from .reasons import Reason


@dataclass
class KindBounds:
    """Bounds for the people and tables of one kind (room or online)."""

    repeat_pairs: int = 0
    pair_cost: int = 0
    sector_deviation: int = 0
    min_distinct_met: int | None = None
    forced_repeats: int = 0  # from pairs that meet every round whatever the plan
    forced_cost: int = 0


@dataclass
class Bounds:
    repeat_pairs: int
    pair_cost: int
    sector_deviation: int
    min_distinct_met: int
    explanations: list[Reason] = field(default_factory=list)
    # Parts the solver may sharpen (e.g. after CP-SAT proves a kind optimal).
    constant_repeats: int = 0
    constant_cost: int = 0
    history_deviation: int = 0
    kinds: dict[bool, KindBounds] = field(default_factory=dict)

    def refresh(self) -> None:
        """Recompute the totals from the constant parts and the per-kind parts."""
        self.repeat_pairs = self.constant_repeats + sum(k.repeat_pairs for k in self.kinds.values())
        self.pair_cost = self.constant_cost + sum(k.pair_cost for k in self.kinds.values())
        self.sector_deviation = self.history_deviation + sum(
            k.sector_deviation for k in self.kinds.values()
        )
        met = [k.min_distinct_met for k in self.kinds.values() if k.min_distinct_met is not None]
        self.min_distinct_met = min(met) if met else 0


def bounds(problem: Problem) -> Bounds:
    return compute_bounds(compile_problem(problem))


def compute_bounds(inst: Instance) -> Bounds:
    explanations: list[Reason] = []
    out = Bounds(0, 0, 0, 0, explanations)
    _pair_bounds(inst, out)
    out.history_deviation = history_deviation(inst)
    if out.history_deviation:
        explanations.append(Reason("held_sector_gap", deviation=out.history_deviation))
    for kind, part in out.kinds.items():
        part.sector_deviation = sum(
            sector_flow(inst, f, kind, *_pinned_sector_counts(inst, kind))[1]
            for f in range(inst.future)
        )
        if part.sector_deviation:
            explanations.append(
                Reason("pinned_sectors", online=kind, deviation=part.sector_deviation)
            )
        part.min_distinct_met = _distinct_bound(inst, kind)
    out.refresh()
    return out


# ---------------------------------------------------------------- repeated meetings


def _pair_bounds(inst: Instance, out: Bounds) -> None:
    met = history_meetings(inst)
    forced = set(forced_pairs(inst))
    kinds = [kind for kind in (False, True) if inst.kinds[kind].people > 0]
    for kind in kinds:
        out.kinds[kind] = KindBounds()
    for a, b in forced:
        part = out.kinds[inst.person_online[a]]
        m = met.get((a, b), 0) + inst.future
        part.repeat_pairs += max(0, m - 1)
        part.pair_cost += m * (m - 1) // 2
        part.forced_repeats += max(0, m - 1)
        part.forced_cost += m * (m - 1) // 2
    # Free pairs (may or may not meet): only those who met before need a look each.
    level: dict[bool, Counter] = {kind: Counter() for kind in kinds}
    for (a, b), m0 in met.items():
        if (a, b) in forced:
            continue
        if a < inst.n and b < inst.n and _can_meet(inst, a, b):
            level[inst.person_online[a]][m0] += 1
        else:
            out.constant_repeats += max(0, m0 - 1)
            out.constant_cost += m0 * (m0 - 1) // 2
    _forced_explanations(inst, out.explanations)
    for kind in kinds:
        pairs = _free_pair_count(inst, kind, forced)
        level[kind][0] = pairs - sum(level[kind].values())
        forced_here = sum(1 for p in forced if inst.person_online[p[0]] == kind)
        _free_pair_bound(inst, kind, level[kind], forced_here, out.kinds[kind], out.explanations)
    hist_repeats = sum(max(0, m - 1) for m in met.values())
    if hist_repeats:
        out.explanations.append(Reason("held_repeats", repeats=hist_repeats))


def _free_pair_count(inst: Instance, kind: bool, forced: set[tuple[int, int]]) -> int:
    """Pairs of one kind that may meet: all pairs less forced ones, apart ones and people
    pinned to different tables (counted without listing every pair)."""
    people = [i for i in range(inst.n) if inst.person_online[i] == kind]
    pinned = Counter(inst.pinned_table(i) for i in people if inst.pinned_table(i) >= 0)
    total_pinned = sum(pinned.values())
    apart_kept = 0
    for i in people:
        for j in inst.apart_of[i]:
            if i < j and inst.person_online[j] == kind and not _pinned_apart(inst, i, j):
                apart_kept += 1
    elsewhere = (total_pinned**2 - sum(k * k for k in pinned.values())) // 2
    forced_here = sum(1 for p in forced if inst.person_online[p[0]] == kind)
    return len(people) * (len(people) - 1) // 2 - forced_here - elsewhere - apart_kept


def _pinned_apart(inst: Instance, a: int, b: int) -> bool:
    ta, tb = inst.pinned_table(a), inst.pinned_table(b)
    return ta >= 0 and tb >= 0 and ta != tb


def _kind_forced(inst: Instance, forced: set[tuple[int, int]], kind: bool) -> list:
    return [p for p in forced if inst.person_online[p[0]] == kind]


def _can_meet(inst: Instance, a: int, b: int) -> bool:
    if inst.person_online[a] != inst.person_online[b] or b in inst.apart_of[a]:
        return False
    return not _pinned_apart(inst, a, b)


def _free_pair_bound(inst, kind, level: Counter, forced_count, part, explanations) -> None:
    """Meetings that free pairs must absorb: spread them as evenly as possible (counting
    bound) and, separately, count forced returns between consecutive rounds (transition
    bound); the larger one holds."""
    if sum(level.values()) <= 0:
        return
    tables = inst.tables_of(kind)
    seat_pairs = sum(
        int(s) * (int(s) - 1) // 2 for f in range(inst.future) for s in inst.sizes[f, tables]
    )
    meetings = max(0, seat_pairs - forced_count * inst.future)
    base_repeats = sum(max(0, m - 1) * k for m, k in level.items())
    fresh = level.get(0, 0)
    counting = max(0, meetings - fresh)
    transition = transition_bound(inst, kind)
    design = design_bound(inst, kind)
    whole = max(transition, design)  # both count whole repeats, not C(m, 2)
    part.repeat_pairs += base_repeats + max(counting, whole)
    part.pair_cost += max(_spread_cost(level, meetings), base_repeats + whole)
    if counting and counting >= whole:
        explanations.append(
            Reason("counting", online=kind, meetings=meetings, fresh=fresh, repeats=counting)
        )
    elif transition and transition >= design:
        explanations.append(Reason("transition", online=kind, repeats=transition))
    elif design:
        rounds = design_rounds(inst, kind)
        explanations.append(Reason("design", online=kind, rounds=rounds, repeats=design))


# Most rounds with no repeated meeting for g tables of s people (the Social Golfer
# Problem), where design theory settles it (the reference's table, OEIS A107431).
MAX_ROUNDS = {
    (3, 3): 4,
    (4, 3): 4,
    (4, 4): 5,
    (5, 3): 7,
    (5, 4): 5,
    (5, 5): 6,
    (6, 3): 8,
    (6, 4): 7,
    (6, 5): 6,
    (6, 6): 3,
    (7, 3): 10,
    (7, 4): 9,
    (8, 3): 11,
    (8, 4): 10,
    (9, 3): 13,
    (10, 3): 14,
    (10, 4): 13,
    (13, 5): 16,
}


def design_rounds(inst: Instance, kind: bool) -> int | None:
    """Known maximum of rounds without repeats, for a plain café of one kind (no hosts,
    rules or history, every table the same size)."""
    tables = inst.tables_of(kind)
    if (
        inst.held
        or any(inst.apart_of)
        or any(len(u) > 1 or inst.unit_pin[k] >= 0 for k, u in enumerate(inst.units))
    ):
        return None
    sizes = {int(s) for f in range(inst.future) for s in inst.sizes[f, tables]}
    if len(sizes) != 1:
        return None
    return MAX_ROUNDS.get((len(tables), sizes.pop()))


def design_bound(inst: Instance, kind: bool) -> int:
    """With at most W rounds free of repeats, w rounds need at least w - W repeats:
    dropping one round per repeated meeting would leave a repeat-free plan."""
    most = design_rounds(inst, kind)
    return max(0, inst.future - most) if most is not None else 0


def _spread_cost(levels: Counter, meetings: int) -> int:
    """Least sum of C(m, 2) when `meetings` extra meetings go to pairs that met m0 times
    (`levels`: how many pairs met m0 times)."""
    cost = sum(m * (m - 1) // 2 * k for m, k in levels.items())
    level = Counter({m: k for m, k in levels.items() if k > 0})
    while meetings > 0 and level:
        k = min(level)
        moved = min(meetings, level[k])
        cost += k * moved
        meetings -= moved
        level[k] -= moved
        if level[k] == 0:
            del level[k]
        level[k + 1] += moved
    return cost


def split_cost(travellers: int, bins: int, pinned: int) -> int:
    """Cheapest split of a table's travellers over `bins` tables: C(n_i, 2) per table plus,
    for those back at their own table, one repeat per pinned person still there."""
    if travellers <= 0 or bins <= 0:
        return 0
    # The k-th traveller at a table costs k more (k already there): the first bin's seats cost
    # pinned, pinned + 1, ..., every other bin's 0, 1, .... The cheapest split takes the
    # `travellers` cheapest seats, all of them below some `level` plus the rest at `level`.
    # Worked out in closed form: a seat-by-seat heap made bounds quadratic in the tables.
    others = bins - 1

    def seats_up_to(cost: int) -> int:
        return others * (cost + 1) + max(0, cost - pinned + 1)

    low, high = 0, pinned + travellers
    while low < high:
        middle = (low + high) // 2
        if seats_up_to(middle) >= travellers:
            high = middle
        else:
            low = middle + 1
    level = low
    below = seats_up_to(level - 1) if level > 0 else 0
    total = others * level * (level - 1) // 2
    if level > pinned:
        total += (pinned + level - 1) * (level - pinned) // 2
    return total + (travellers - below) * level


def transition_bound(inst: Instance, kind: bool) -> int:
    """Sum over future rounds and tables of the cheapest way the previous round's
    travellers of a table can move on (Section 4 of the reference)."""
    tables = inst.tables_of(kind)
    grouped = sum(
        len(m)
        for u, m in enumerate(inst.units)
        if len(m) > 1 and inst.unit_pin[u] < 0 and inst.person_online[m[0]] == kind
    )
    pinned = inst.pinned_at()
    total = 0
    for f in range(inst.future):
        r = inst.held + f
        if r == 0:
            continue
        bins = sum(1 for t in tables if inst.sizes[f, t] > 0)
        if f == 0:
            total += _held_transition(inst, tables, pinned, bins)
            continue
        counts = [(int(inst.sizes[f - 1, t]) - len(pinned[t]), len(pinned[t])) for t in tables]
        total += _least_transition(counts, bins, grouped)
    return total


def _held_transition(inst, tables, pinned, bins) -> int:
    last = inst.history[-1]
    total = 0
    for t in tables:
        stay = sum(1 for i in pinned[t] if last[i] == t)
        travellers = sum(
            1
            for i in range(inst.n)
            if last[i] == t and inst.pinned_table(i) < 0 and len(inst.units[inst.unit_of[i]]) == 1
        )
        total += split_cost(travellers, bins, stay)
    return total


def _least_transition(counts: list[tuple[int, int]], bins: int, grouped: int) -> int:
    """Grouped people do not count as travellers; they may sit anywhere, so take them out
    where they would save the most."""
    travellers = [max(0, k) for k, _ in counts]
    heap = []
    for i, (k, pin) in enumerate(counts):
        if travellers[i] > 0:
            gain = split_cost(k, bins, pin) - split_cost(k - 1, bins, pin)
            heap.append((-gain, i))
    heapq.heapify(heap)
    for _ in range(grouped):
        if not heap:
            break
        _, i = heapq.heappop(heap)
        travellers[i] -= 1
        if travellers[i] > 0:
            pin = counts[i][1]
            gain = split_cost(travellers[i], bins, pin) - split_cost(travellers[i] - 1, bins, pin)
            heapq.heappush(heap, (-gain, i))
    return sum(split_cost(k, bins, pin) for k, (_, pin) in zip(travellers, counts, strict=True))


def _forced_explanations(inst: Instance, explanations: list[Reason]) -> None:
    if inst.future < 2:
        return
    per_pair = inst.future - 1
    for t, members in enumerate(inst.pinned_at()):
        if len(members) < 2:
            continue
        pairs = len(members) * (len(members) - 1) // 2
        explanations.append(
            Reason(
                "pinned_table",
                count=len(members),
                table=inst.table_ids[t],
                people=[inst.ids[i] for i in sorted(members)],
                repeats=pairs * per_pair,
            )
        )
    for u, members in enumerate(inst.units):
        if len(members) > 1 and inst.unit_pin[u] < 0:
            pairs = len(members) * (len(members) - 1) // 2
            people = [inst.ids[i] for i in members]
            explanations.append(Reason("together", people=people, repeats=pairs * per_pair))


# ---------------------------------------------------------------- sector balance


def history_deviation(inst: Instance) -> int:
    total = 0
    for r in range(inst.held):
        seated: dict[int, list[int]] = {}
        for i, t in enumerate(inst.history[r]):
            if t >= 0:
                seated.setdefault(int(t), []).append(i)
        for members in seated.values():
            counts = Counter(inst.sector_of[i] for i in members)
            total += table_deviation(inst, counts, len(members))
    return total


def table_deviation(inst: Instance, counts: Counter | dict, seated: int) -> int:
    total = 0
    for c in range(len(inst.sector_names)):
        low, high = inst.band(c, seated)
        have = counts.get(c, 0)
        total += max(0, low - have) + max(0, have - high)
    return total


def _pinned_sector_counts(inst: Instance, kind: bool) -> tuple[dict, dict]:
    """Sector counts of the people pinned at each table, and the free people per sector."""
    at: dict[int, Counter] = {t: Counter() for t in inst.tables_of(kind)}
    free: Counter = Counter()
    for i in range(inst.n):
        if inst.person_online[i] != kind:
            continue
        table = inst.pinned_table(i)
        if table >= 0:
            at[table][inst.sector_of[i]] += 1
        else:
            free[inst.sector_of[i]] += 1
    return at, free


def sector_flow(
    inst: Instance, f: int, kind: bool, placed: dict[int, Counter], free: Counter
) -> tuple[dict[int, Counter], int]:
    """Fewest sector deviation for round f when `placed` people already sit and the `free`
    people (per sector, -1 = none) take the remaining seats: a min-cost flow whose arc
    costs follow the convex deviation of each table's sector count. Returns the quota of
    each sector at each table and the deviation it reaches."""
    tables = inst.tables_of(kind)
    sectors = list(range(len(inst.sector_names)))
    flow = min_cost_flow.SimpleMinCostFlow()
    sink = len(sectors) + 1 + len(tables)
    sector_node = {c: c for c in sectors} | {-1: len(sectors)}
    table_node = {t: len(sectors) + 1 + k for k, t in enumerate(tables)}
    total_free = sum(free.values())
    arcs: list[tuple[int, int, int]] = []  # (arc, sector, table)
    base = 0
    for t in tables:
        seated = int(inst.sizes[f, t])
        room = seated - sum(placed[t].values())
        if room < 0:
            room = 0
        for c in sectors:
            have = placed[t].get(c, 0)
            low, high = inst.band(c, seated)
            base += max(0, low - have) + max(0, have - high)
            under = max(0, low - have)
            inside = max(0, high - max(low, have))
            for cap, cost in ((under, 0), (inside, 1), (room, 2)):
                if cap > 0 and free.get(c, 0) > 0:
                    arc = flow.add_arc_with_capacity_and_unit_cost(
                        sector_node[c], table_node[t], cap, cost
                    )
                    arcs.append((arc, c, t))
        if free.get(-1, 0) > 0 and room > 0:
            arc = flow.add_arc_with_capacity_and_unit_cost(sector_node[-1], table_node[t], room, 1)
            arcs.append((arc, -1, t))
        flow.add_arc_with_capacity_and_unit_cost(table_node[t], sink, room, 0)
    for c, node in sector_node.items():
        flow.set_node_supply(node, free.get(c, 0))
    flow.set_node_supply(sink, -total_free)
    for t in tables:
        flow.set_node_supply(table_node[t], 0)
    if total_free == 0:
        return {t: Counter() for t in tables}, base
    if flow.solve() != flow.OPTIMAL:
        return {t: Counter() for t in tables}, 0
    quota: dict[int, Counter] = {t: Counter() for t in tables}
    for arc, c, t in arcs:
        amount = flow.flow(arc)
        if amount:
            quota[t][c] += amount
    return quota, base + flow.optimal_cost() - total_free


# ---------------------------------------------------------------- fairness


def _distinct_bound(inst: Instance, kind: bool) -> int | None:
    people = [i for i in range(inst.n) if inst.person_online[i] == kind]
    if not people:
        return None
    tables = inst.tables_of(kind)
    met_before: dict[int, set[int]] = {i: set() for i in people}
    for a, b in history_meetings(inst):
        if a in met_before:
            met_before[a].add(b)
        if b in met_before:
            met_before[b].add(a)
    largest = [max((int(inst.sizes[f, t]) for t in tables), default=0) for f in range(inst.future)]
    pinned_at = inst.pinned_at()
    pinned_count = Counter(inst.pinned_table(i) for i in people if inst.pinned_table(i) >= 0)
    pinned_total = sum(pinned_count.values())
    best = min(
        _person_bound(inst, i, met_before[i], largest, pinned_total, pinned_count, pinned_at)
        for i in people
    )
    # Averages: travellers share the seats left by pinned people.
    free = [i for i in people if inst.pinned_table(i) < 0]
    if free:
        pinned = inst.pinned_at()
        seats = sum(
            (int(inst.sizes[f, t]) - len(pinned[t])) * (int(inst.sizes[f, t]) - 1)
            for f in range(inst.future)
            for t in tables
        )
        seats += sum(len(met_before[i]) for i in free)
        best = min(best, seats // len(free))
    return best


def _person_bound(inst, i, met, largest, pinned_total, pinned_count, pinned_at) -> int:
    """Who a person can still meet: not those pinned elsewhere, apart or already met; and
    per round no more than their table seats, less the mates who always sit with them."""
    table = inst.pinned_table(i)
    kind = inst.person_online[i]
    if table >= 0:
        sizes = [int(inst.sizes[f, table]) for f in range(inst.future)]
        mates = set(pinned_at[table])
        elsewhere = pinned_total - pinned_count.get(table, 0)
    else:
        sizes = largest
        mates = set(inst.units[inst.unit_of[i]])
        elsewhere = 0
    mates.discard(i)
    seats = len(mates - met) + sum(max(0, s - 1 - len(mates)) for s in sizes)
    others = inst.kinds[kind].people - 1 - elsewhere
    for j in met | inst.apart_of[i]:
        if j >= inst.n or inst.person_online[j] != kind:
            continue
        if table >= 0 and _pinned_apart(inst, i, j):
            continue  # already left out as pinned elsewhere
        others -= 1
    return len(met) + min(others, seats)
