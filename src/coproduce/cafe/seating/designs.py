"""Resolvable designs stored as base blocks plus the group that develops them.

Both designs below are resolvable group divisible designs of type 2^u: the people come in
"partner" pairs, partners never share a table, any other two people share a table exactly
once, and every round (parallel class) seats everyone. They were found once, offline, by a
search that assumed the automorphism group described here (our own search: a small CP-SAT
model over the orbits of blocks); the search is not part of the engine. At run time the base
blocks are only developed, which takes well under a millisecond, and the result is checked
before it is used.

Points are (g, i): g in an abelian group G = Z_m1 x Z_m2 x ..., i in {0, ..., levels - 1};
they are numbered i * |G| + (g in mixed radix, last coordinate fastest). G acts by
(g, i) + s = (g + s, i), and the partner of (g, i) is (g + e, i) for a fixed involution e,
so G maps partner pairs to partner pairs. Each round is fixed by a subgroup H of G: it is the
union of the H-orbits of a few base blocks, and its translates by one representative of each
coset of H are further rounds (a translate by an element of H gives the same round again).

4-RGDD of type 2^16: 32 people, 8 tables of 4, 10 rounds (8-4-10 Social Golfer)
--------------------------------------------------------------------------------
10 x 8 x 6 = 480 = C(32, 2) - 16 meetings, so all of them are new. Aguado (2004) first
showed that such a schedule exists; this one is our own.

* G = Z_8 x Z_2, two levels, points ((a, b), i) numbered 16 i + 2 a + b; e = (0, 1), so
  partners are the numbers 2k and 2k + 1.
* Family A: H = <(4, 0), (0, 1)> (order 4), base blocks
      {(0,0|0), (1,0|0), (0,0|1), (1,1|1)}  and  {(2,0|0), (7,1|0), (3,0|1), (6,0|1)}
  (writing (a,b|i)); each H-orbit has 4 blocks, so the two make a round of 8 tables; its
  translates by (s, 0), s = 0..3, are rounds 1-4.
* Family B: the same H, base blocks
      {(0,0|0), (5,0|0), (7,1|0), (2,1|1)}  and  {(2,0|0), (0,0|1), (5,1|1), (7,0|1)};
  translates by (s, 0), s = 0..3: rounds 5-8.
* Family C: H = <(2, 0), (0, 1)> (order 8), base blocks
      {(0,0|0), (2,0|0), (4,0|0), (6,0|0)}   (an orbit of 2 blocks),
      {(1,0|0), (5,1|0), (3,0|1), (7,1|1)}   (an orbit of 4),
      {(0,0|1), (2,0|1), (4,0|1), (6,0|1)}   (an orbit of 2);
  translates by (s, 0), s = 0, 1: rounds 9-10.

An 11th round can be added with the fewest repeats possible: each table seats two partner
pairs, 2 new meetings and 4 repeats per table, 32 in all, which is the counting bound for
8-4-11 (11 x 48 meetings for 496 pairs).

Nearly Kirkman triple system NKTS(18): 18 people, 6 tables of 3, 8 rounds (6-3-8)
-------------------------------------------------------------------------------
8 x 6 x 3 = 144 = C(18, 2) - 9 meetings.

* G = Z_6, three levels, points (x, i) numbered 6 i + x; e = 3, so partners are (x, i)
  and (x + 3, i).
* Family A: H trivial, one round of base blocks
      {0|0, 2|0, 1|1}, {1|0, 4|1, 3|2}, {3|0, 2|2, 4|2},
      {4|0, 0|1, 2|1}, {5|0, 5|1, 5|2}, {3|1, 0|2, 1|2}
  (writing x|i); its translates by s = 0..5 are rounds 1-6.
* Family B: H = <2> (order 3), base blocks {0|0, 1|0, 4|2} and {0|1, 5|1, 1|2} (orbits of
  3 blocks each); translates by s = 0, 1: rounds 7-8.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from functools import cache
from itertools import combinations
from math import prod

Element = tuple[int, ...]  # an element of G
Point = tuple[Element, int]  # (g, level)


@dataclass(frozen=True)
class Family:
    stabiliser: tuple[Element, ...]  # generators of H
    translates: tuple[Element, ...]  # one element of G per coset of H
    base: tuple[tuple[Point, ...], ...]


@dataclass(frozen=True)
class Design:
    """A resolvable design given by its group, partner involution and base blocks."""

    name: str
    moduli: tuple[int, ...]  # G = Z_m1 x Z_m2 x ...
    levels: int
    partner: Element  # the involution e
    families: tuple[Family, ...]

    @property
    def points(self) -> int:
        return prod(self.moduli) * self.levels

    def number(self, point: Point) -> int:
        g, level = point
        index = 0
        for value, modulus in zip(g, self.moduli, strict=True):
            index = index * modulus + value % modulus
        return level * prod(self.moduli) + index

    def shift(self, point: Point, by: Element) -> Point:
        g, level = point
        return tuple((x + y) % m for x, y, m in zip(g, by, self.moduli, strict=True)), level

    def partners(self) -> list[tuple[int, int]]:
        pairs = set()
        for level in range(self.levels):
            for g in _elements(self.moduli):
                a = self.number((g, level))
                b = self.number(self.shift((g, level), self.partner))
                pairs.add((min(a, b), max(a, b)))
        return sorted(pairs)

    def orbit(self, block: tuple[Point, ...], generators: tuple[Element, ...]) -> set:
        """All images of a block under the subgroup the generators span."""
        start = frozenset(block)
        seen, todo = {start}, [start]
        while todo:
            current = todo.pop()
            for by in generators:
                image = frozenset(self.shift(pt, by) for pt in current)
                if image not in seen:
                    seen.add(image)
                    todo.append(image)
        return seen

    def develop(self) -> list[list[tuple[int, ...]]]:
        """The rounds: per family, the H-orbits of the base blocks form one round, and its
        translate by each coset representative of G/H is a round."""
        rounds: list[list[tuple[int, ...]]] = []
        for family in self.families:
            blocks = set().union(*(self.orbit(b, family.stabiliser) for b in family.base))
            for by in family.translates:
                rounds.append(
                    sorted(
                        tuple(sorted(self.number(self.shift(pt, by)) for pt in block))
                        for block in blocks
                    )
                )
        return rounds


def _elements(moduli: tuple[int, ...]) -> list[Element]:
    out: list[Element] = [()]
    for m in moduli:
        out = [g + (x,) for g in out for x in range(m)]
    return out


def design_problems(
    rounds: list[list[tuple[int, ...]]],
    points: int,
    block_size: int,
    missing: list[tuple[int, int]],
) -> list[str]:
    """Why `rounds` is not a resolvable design on 0..points-1 with blocks of `block_size`
    in which the `missing` pairs never meet and every other pair meets exactly once
    (an empty list when it is one)."""
    problems = []
    meets: Counter[tuple[int, int]] = Counter()
    for r, blocks in enumerate(rounds):
        if sorted(p for block in blocks for p in block) != list(range(points)):
            problems.append(f"round {r} is not a partition of the points")
        if any(len(block) != block_size for block in blocks):
            problems.append(f"round {r} has a block that is not of size {block_size}")
        for block in blocks:
            meets.update(combinations(sorted(block), 2))
    absent = {(min(pair), max(pair)) for pair in missing}
    for pair in combinations(range(points), 2):
        want = 0 if pair in absent else 1
        if meets[pair] != want:
            problems.append(f"pair {pair} meets {meets[pair]} times, not {want}")
    return problems


GOLFER_32 = Design(
    name="resolvable 4-GDD of type 2^16",
    moduli=(8, 2),
    levels=2,
    partner=(0, 1),
    families=(
        Family(
            stabiliser=((4, 0), (0, 1)),
            translates=((0, 0), (1, 0), (2, 0), (3, 0)),
            base=(
                (((0, 0), 0), ((1, 0), 0), ((0, 0), 1), ((1, 1), 1)),
                (((2, 0), 0), ((7, 1), 0), ((3, 0), 1), ((6, 0), 1)),
            ),
        ),
        Family(
            stabiliser=((4, 0), (0, 1)),
            translates=((0, 0), (1, 0), (2, 0), (3, 0)),
            base=(
                (((0, 0), 0), ((5, 0), 0), ((7, 1), 0), ((2, 1), 1)),
                (((2, 0), 0), ((0, 0), 1), ((5, 1), 1), ((7, 0), 1)),
            ),
        ),
        Family(
            stabiliser=((2, 0), (0, 1)),
            translates=((0, 0), (1, 0)),
            base=(
                (((0, 0), 0), ((2, 0), 0), ((4, 0), 0), ((6, 0), 0)),
                (((1, 0), 0), ((5, 1), 0), ((3, 0), 1), ((7, 1), 1)),
                (((0, 0), 1), ((2, 0), 1), ((4, 0), 1), ((6, 0), 1)),
            ),
        ),
    ),
)

NKTS_18 = Design(
    name="nearly Kirkman triple system NKTS(18)",
    moduli=(6,),
    levels=3,
    partner=(3,),
    families=(
        Family(
            stabiliser=(),
            translates=((0,), (1,), (2,), (3,), (4,), (5,)),
            base=(
                (((0,), 0), ((2,), 0), ((1,), 1)),
                (((1,), 0), ((4,), 1), ((3,), 2)),
                (((3,), 0), ((2,), 2), ((4,), 2)),
                (((4,), 0), ((0,), 1), ((2,), 1)),
                (((5,), 0), ((5,), 1), ((5,), 2)),
                (((3,), 1), ((0,), 2), ((1,), 2)),
            ),
        ),
        Family(
            stabiliser=((2,),),
            translates=((0,), (1,)),
            base=(
                (((0,), 0), ((1,), 0), ((4,), 2)),
                (((0,), 1), ((5,), 1), ((1,), 2)),
            ),
        ),
    ),
)


@cache
def design_rounds(design: Design) -> tuple[tuple[tuple[int, ...], ...], ...]:
    """The developed rounds of a stored design, after checking that they form the design
    (raises AssertionError if the stored blocks were ever damaged)."""
    rounds = design.develop()
    size = len(design.families[0].base[0])
    problems = design_problems(rounds, design.points, size, design.partners())
    if problems:
        raise AssertionError(f"stored design {design.name!r} is invalid: {problems[:3]}")
    return tuple(tuple(blocks) for blocks in rounds)


def golfer_8_4_10() -> tuple[tuple[tuple[int, ...], ...], ...]:
    """The 10 rounds of the 4-RGDD of type 2^16 on 0..31 (partners 2k, 2k + 1)."""
    return design_rounds(GOLFER_32)


def nkts_18() -> tuple[tuple[tuple[int, ...], ...], ...]:
    """The 8 rounds of the NKTS(18) on 0..17 (partners 6i + x, 6i + x + 3)."""
    return design_rounds(NKTS_18)


def partner_round() -> tuple[tuple[int, ...], ...]:
    """For the 32-point design: each table seats two partner pairs, {4j, ..., 4j + 3}."""
    return tuple(tuple(range(4 * j, 4 * j + 4)) for j in range(8))
