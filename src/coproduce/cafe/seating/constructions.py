"""Algebraic seatings with no repeated meeting, for the tight instances local search misses.

* Affine planes AG(2, q) over any finite field GF(q), q a prime power (2, 3, 4, 5, 7, 8, 9,
  11, ...): the points are people, the lines of one parallel class are the tables of one
  round, and two points share exactly one line. With one host per table, the hosts are the
  points of one horizontal line, which meets every other line once, so each round's table
  is "the line through its host". Taking s of the q horizontal rows gives tables of s.
* Packings of PG(3, q) (q = 2, 3): the lines of projective 3-space split into q^2+q+1
  spreads (each a partition of the points), a resolvable design with q^3+q^2+q+1 people at
  q^2+1 tables of q+1 for q^2+q+1 rounds: Kirkman's schoolgirls (15 people, 7 rounds) and
  40 people at 10 tables of 4 for 13 rounds. The packing comes from a small exact-cover
  model solved once by CP-SAT.
* Resolvable designs stored as base blocks and developed by a group (`designs.py`): a
  4-GDD of type 2^16 (Z_8 x Z_2) seats 32 people at 8 tables of 4 for 10 rounds with no
  repeat (the 8-4-10 Social Golfer problem; for 11 rounds a round of partner pairs adds
  the 32 repeats the counting bound forces), and a nearly Kirkman triple system NKTS(18)
  (Z_6) seats 18 people at 6 tables of 3 for 8 rounds.

After a construction, people are relabelled (travellers swap whole routes, which keeps the
design) to balance sectors.
"""

from __future__ import annotations

import math
import random
import time
from collections import Counter
from functools import cache
from itertools import product

import numpy as np
from ortools.sat.python import cp_model

from .designs import GOLFER_32, NKTS_18, design_rounds, partner_round
from .model import Instance


class GaloisField:
    """GF(p^k) with elements 0..q-1 (base-p digits are polynomial coefficients)."""

    def __init__(self, q: int):
        p, k = prime_power(q)
        self.q, self.p, self.k = q, p, k
        modulus = _irreducible(p, k)
        self.add = [[_poly_add(a, b, p, k) for b in range(q)] for a in range(q)]
        self.mul = [[_poly_mul(a, b, p, k, modulus) for b in range(q)] for a in range(q)]

    def primitive(self) -> int:
        for g in range(2, self.q) if self.q > 2 else [1]:
            x, order = g, 1
            while x != 1:
                x, order = self.mul[x][g], order + 1
            if order == self.q - 1:
                return g
        return 1

    def power(self, a: int, e: int) -> int:
        out = 1
        for _ in range(e):
            out = self.mul[out][a]
        return out


def prime_power(q: int) -> tuple[int, int]:
    """(p, k) with q = p^k, or raise ValueError."""
    if q < 2:
        raise ValueError(f"{q} is not a prime power")
    p = next(d for d in range(2, q + 1) if q % d == 0)
    k, rest = 0, q
    while rest % p == 0:
        rest //= p
        k += 1
    if rest != 1:
        raise ValueError(f"{q} is not a prime power")
    return p, k


def is_prime_power(q: int) -> bool:
    try:
        prime_power(q)
    except ValueError:
        return False
    return True


def _digits(a: int, p: int, k: int) -> list[int]:
    return [(a // p**i) % p for i in range(k)]


def _number(digits: list[int], p: int) -> int:
    return sum(d * p**i for i, d in enumerate(digits))


def _poly_add(a: int, b: int, p: int, k: int) -> int:
    return _number(
        [(x + y) % p for x, y in zip(_digits(a, p, k), _digits(b, p, k), strict=True)], p
    )


def _poly_mul(a: int, b: int, p: int, k: int, modulus: list[int]) -> int:
    da, db = _digits(a, p, k), _digits(b, p, k)
    prod = [0] * (2 * k - 1)
    for i, x in enumerate(da):
        for j, y in enumerate(db):
            prod[i + j] = (prod[i + j] + x * y) % p
    # Reduce by the monic modulus x^k + m_{k-1} x^{k-1} + ... + m_0.
    for deg in range(2 * k - 2, k - 1, -1):
        c = prod[deg]
        if c:
            prod[deg] = 0
            for i in range(k):
                prod[deg - k + i] = (prod[deg - k + i] - c * modulus[i]) % p
    return _number(prod[:k], p)


def _irreducible(p: int, k: int) -> list[int]:
    """Lowest coefficients of a monic irreducible polynomial of degree k (k = 1: x)."""
    if k == 1:
        return [0]
    for coeffs in product(range(p), repeat=k):
        if coeffs[0] == 0:
            continue
        if not any(_has_factor(list(coeffs), p, k, d) for d in range(1, k // 2 + 1)):
            return list(coeffs)
    raise ValueError(f"no irreducible polynomial of degree {k} over GF({p})")


def _has_factor(coeffs: list[int], p: int, k: int, d: int) -> bool:
    target = coeffs + [1]
    for low in product(range(p), repeat=d):
        divisor = list(low) + [1]
        rest = target[:]
        for deg in range(k, d - 1, -1):
            c = rest[deg]
            if c:
                for i in range(d + 1):
                    rest[deg - d + i] = (rest[deg - d + i] - c * divisor[i]) % p
        if not any(rest):
            return True
    return False


# ---------------------------------------------------------------- affine planes


def affine_rounds(q: int, rows: int, rounds: int, hosted: bool) -> list[list[list[tuple]]]:
    """Rounds of AG(2, q) restricted to `rows` horizontal rows: each round is a list of
    tables, each a list of points (x, y). With `hosted`, table t holds point (t, 0)."""
    field = GaloisField(q)
    ys = list(range(rows))
    classes: list[list[list[tuple]]] = [[[(c, y) for y in ys] for c in range(q)]]  # vertical
    for m in range(1, q):
        lines = []
        for x0 in range(q):  # the line through (x0, 0) with slope m
            b = x0_intercept(field, m, x0)
            lines.append(
                [(x, y) for y in ys for x in range(q) if field.add[field.mul[m][x]][b] == y]
            )
        classes.append(lines)
    if not hosted and rows == q:
        classes.append([[(x, y) for x in range(q)] for y in range(q)])  # horizontal
    return classes[:rounds]


def x0_intercept(field: GaloisField, m: int, x0: int) -> int:
    """b with m*x0 + b = 0, so the line y = m x + b passes through (x0, 0)."""
    neg = next(b for b in range(field.q) if field.add[field.mul[m][x0]][b] == 0)
    return neg


def affine_max_rounds(q: int, rows: int, hosted: bool) -> int:
    return q + (1 if not hosted and rows == q else 0)


# ---------------------------------------------------------------- PG(3, q) packings


@cache
def packing_rounds(q: int) -> list[list[list[int]]] | None:
    """The q^2+q+1 spreads of a packing of PG(3, q) (q prime), as lists of lines of point
    indices, or None if the search fails. The packing is an exact cover: every line in one
    spread, every point on one line of each spread; CP-SAT finds one in well under a second
    for q = 2 and 3 (lines through one point go to different spreads, which breaks the
    symmetry between spreads)."""
    points = _projective_points(q)
    index = {pt: i for i, pt in enumerate(points)}
    lines = _projective_lines(points, index, q)
    spreads = q * q + q + 1
    model = cp_model.CpModel()
    used = {
        (ell, k): model.new_bool_var(f"l{ell}_{k}")
        for ell in range(len(lines))
        for k in range(spreads)
    }
    for ell in range(len(lines)):
        model.add_exactly_one(used[ell, k] for k in range(spreads))
    for p in range(len(points)):
        through = [ell for ell, line in enumerate(lines) if p in line]
        for k in range(spreads):
            model.add_exactly_one(used[ell, k] for ell in through)
    for k, ell in enumerate(ell for ell, line in enumerate(lines) if 0 in line):
        model.add(used[ell, k] == 1)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = 0
    solver.parameters.max_time_in_seconds = 30.0
    if solver.solve(model) not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    return [
        [sorted(lines[ell]) for ell in range(len(lines)) if solver.boolean_value(used[ell, k])]
        for k in range(spreads)
    ]


def _normalise(v: tuple, q: int) -> tuple:
    lead = next(x for x in v if x)
    inverse = next(i for i in range(1, q) if (lead * i) % q == 1)
    return tuple((x * inverse) % q for x in v)


def _projective_points(q: int) -> list[tuple]:
    return sorted({_normalise(v, q) for v in product(range(q), repeat=4) if any(v)})


def _projective_lines(points, index, q: int) -> list[frozenset[int]]:
    lines: set[frozenset[int]] = set()
    for i, a in enumerate(points):
        for b in points[i + 1 :]:
            span = set()
            for s, t in product(range(q), repeat=2):
                v = tuple((s * x + t * y) % q for x, y in zip(a, b, strict=True))
                if any(v):
                    span.add(index[_normalise(v, q)])
            lines.add(frozenset(span))
    return sorted(lines, key=sorted)


# ---------------------------------------------------------------- applying to a café


def construct(inst: Instance) -> tuple[np.ndarray, str] | None:
    """A seating for the whole café from a design if one fits, else None. The seating has no
    repeated meeting, except for 8 tables of 4 over 11 rounds, where it has the 32 the
    counting bound forces."""
    shape = _shape(inst)
    if shape is None:
        return None
    tables, size, hosted, short = shape
    g, rounds = len(tables), inst.future
    if short:
        return None if hosted else _stored_design(inst, tables, size, short)
    if is_prime_power(g) and size <= g and rounds <= affine_max_rounds(g, size, hosted):
        return _from_points(
            inst, tables, affine_rounds(g, size, rounds, hosted), hosted, [(x, 0) for x in range(g)]
        ), f"affine plane AG(2,{g})"
    for q in (2, 3):
        if not hosted and g == q * q + 1 and size == q + 1 and rounds <= q * q + q + 1:
            packing = packing_rounds(q)
            if packing is not None:
                return _from_points(inst, tables, packing[:rounds], False, []), (
                    f"packing of PG(3,{q})"
                )
    return None if hosted else _stored_design(inst, tables, size, 0)


def _stored_design(
    inst: Instance, tables: list[int], size: int, short: int
) -> tuple[np.ndarray, str] | None:
    """The designs of `designs.py`: 8 tables of 4 for up to 10 rounds (11 with a round of
    partner pairs), 6 tables of 3 for up to 8 rounds. One or two people fewer also fit: the
    last point is left out, and for two also its partner; partners never meet, so in every
    round each of them leaves a different table one short, and those tables are the ones
    the even filling makes small in that round."""
    rounds = inst.future
    for design, g, k in ((GOLFER_32, 8, 4), (NKTS_18, 6, 3)):
        if len(tables) != g or size != k or short > 2:
            continue
        schedule = [list(blocks) for blocks in design_rounds(design)]
        method = design.name
        if design is GOLFER_32 and rounds == len(schedule) + 1 and not short:
            schedule.append(list(partner_round()))
            method += " + partner round"
        if rounds > len(schedule):
            return None
        last = design.points - 1
        partner = dict(design.partners())
        gone = {last, next(a for a, b in partner.items() if b == last)}
        gone = set(sorted(gone, reverse=True)[:short])
        chosen = []
        for f, blocks in enumerate(schedule[:rounds]):
            kept = [tuple(p for p in block if p not in gone) for block in blocks]
            full = [b for b in kept if len(b) == size]
            cut = [b for b in kept if len(b) < size]
            chosen.append([cut.pop() if inst.sizes[f, t] < size else full.pop() for t in tables])
        if short:
            method += f" without {short} point{'s' if short > 1 else ''}"
        return _from_points(inst, tables, chosen, False, []), method
    return None


def _shape(inst: Instance) -> tuple[list[int], int, bool, int] | None:
    """(tables, table size, hosted, tables one seat short per round) for a plain café of
    one kind whose tables all seat the same number, or at most two fewer people than that
    (then the even filling leaves that many tables one short in every round)."""
    if inst.held or inst.future == 0 or any(inst.apart_of):
        return None
    if any(len(m) > 1 for m in inst.units) or len(set(inst.person_online)) > 1:
        return None
    kind = inst.person_online[0]
    tables = [t for t in inst.tables_of(kind) if inst.sizes[0, t] > 0]
    sizes = {int(s) for f in range(inst.future) for s in inst.sizes[f, tables]}
    size = max(sizes)
    short = len(tables) * size - inst.n
    if (
        sizes - {size, size - 1}
        or short > 2
        or (short and size - 1 < 2)
        or any(
            inst.sizes[f, t]
            for f in range(inst.future)
            for t in inst.tables_of(kind)
            if t not in tables
        )
    ):
        return None
    pinned = [inst.unit_pin[u] for u in range(len(inst.units)) if inst.unit_pin[u] >= 0]
    hosted = sorted(pinned) == sorted(tables) and all(
        inst.unit_hosted[u] or inst.unit_pin[u] < 0 for u in range(len(inst.units))
    )
    if pinned and not hosted:
        return None
    return tables, size, hosted, short


def _from_points(inst, tables, rounds, hosted: bool, host_points) -> np.ndarray:
    """Map people to points (hosts to their host points) and tables to lines."""
    # Row by row (y, then x): each horizontal row meets every table once a round, so filling
    # rows with one sector at a time spreads every sector evenly over the tables.
    points = sorted(
        {pt for tables_ in rounds for line in tables_ for pt in line},
        key=lambda pt: (pt[1], pt[0]) if isinstance(pt, tuple) else (pt,),
    )
    person_at: dict = {}
    if hosted:
        for t_pos, t in enumerate(tables):
            host = next(p for p in range(inst.n) if inst.pinned_table(p) == t)
            person_at[host_points[t_pos]] = host
    size = Counter(inst.sector_of)
    travellers = iter(
        sorted(
            (p for p in range(inst.n) if inst.pinned_table(p) < 0),
            key=lambda p: (-size[inst.sector_of[p]], inst.sector_of[p], p),
        )
    )
    for pt in points:
        if pt not in person_at:
            person_at[pt] = next(travellers)
    seat = np.full((inst.future, inst.n), -1, dtype=np.int64)
    for f, lines in enumerate(rounds):
        for pos, line in enumerate(lines):
            table = tables[pos]
            if hosted:
                host_pt = next(pt for pt in line if pt in host_points)
                table = tables[host_points.index(host_pt)]
            for pt in line:
                seat[f, person_at[pt]] = table
    return seat


def relabel(state, rng: random.Random, deadline: float, attempts: int) -> None:
    """Swap whole routes of two travellers of different sectors: the design, and so the
    repeat count, stays the same while the sector deviation changes. Simulated annealing
    (worse swaps accepted early on, with falling probability) ends at the best seen."""
    movable = [p for p in range(state.n) if state.pin[p] < 0]
    if len(movable) < 2 or not state.sectors:
        return
    best_dev, best = state.dev, state.snapshot()
    for attempt in range(attempts):
        if state.dev == 0 or (attempt % 64 == 0 and time.perf_counter() > deadline):
            break
        p, q = rng.sample(movable, 2)
        if state.sector[p] == state.sector[q]:
            continue
        rounds = [f for f in range(state.future) if state.seat[f][p] != state.seat[f][q]]
        gain = sum(
            state._shift_dev(f, state.seat[f][p], state.sector[p], state.sector[q])
            + state._shift_dev(f, state.seat[f][q], state.sector[q], state.sector[p])
            for f in rounds
        )
        heat = 1.5 * (1 - attempt / attempts) + 0.01
        if gain <= 0 or rng.random() < math.exp(-gain / heat):
            for f in rounds:
                state.apply(f, (p,), (q,), state.delta(f, (p,), (q,)))
            if state.dev < best_dev:
                best_dev, best = state.dev, state.snapshot()
    if state.dev > best_dev:
        state.load(best)
