"""The benchmark cafés of the reference (A1-A10, B1-B7, C1-C8, D1-D5) plus the size runs,
generated with fixed seeds so every run sees the same problems."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from coproduce.cafe.seating import Person, Problem, Table

STD = {"public_service": 0.3, "research": 0.2, "civil_society": 0.3, "residents": 0.2}
SKEWED = {"public_service": 0.55, "research": 0.15, "civil_society": 0.2, "residents": 0.1}


@dataclass
class Case:
    id: str
    problem: Problem
    known: str  # the reference's known optimum / bound, as text
    time_limit: float = 10.0
    replan_of: Problem | None = None  # D4: the original problem planned first
    late: list[str] = field(default_factory=list)
    gone: list[str] = field(default_factory=list)


def sectors_for(n: int, mix: dict[str, float] | None, rng: random.Random) -> list[str | None]:
    if mix is None:
        return [None] * n
    out: list[str | None] = []
    for name, share in mix.items():
        out += [name] * round(share * n)
    while len(out) < n:
        out.append(next(iter(mix)))
    out = out[:n]
    rng.shuffle(out)
    return out


def cafe(
    n: int,
    tables: int,
    capacity: int,
    rounds: int,
    mix=None,
    hosts=True,
    seed=1,
    host_sector: str | None = None,
    online_tables: int = 0,
    online_people: int = 0,
    prefix: str = "P",
) -> Problem:
    rng = random.Random(seed)
    sectors = sectors_for(n - online_people, mix, rng) + [None] * online_people
    table_list = [
        Table(f"T{i + 1}", capacity, online=i >= tables - online_tables) for i in range(tables)
    ]
    people = []
    room_tables = [t for t in table_list if not t.online]
    online_list = [t for t in table_list if t.online]
    for i in range(n):
        online = i >= n - online_people
        host_of = None
        if hosts:
            if online and i - (n - online_people) < len(online_list):
                host_of = online_list[i - (n - online_people)].id
            elif not online and i < len(room_tables):
                host_of = room_tables[i].id
        sector = sectors[i]
        if host_of is not None and host_sector is not None and not online:
            sector = host_sector
        people.append(Person(f"{prefix}{i + 1}", sector=sector, host_of=host_of, online=online))
    if host_sector is not None:
        people = _rebalance(people, host_sector, mix, rng)
    return Problem(rounds=rounds, tables=tuple(table_list), people=tuple(people))


def _rebalance(people: list[Person], host_sector: str, mix, rng) -> list[Person]:
    """Keep the sector mix when every host is from one sector: travellers make up for it."""
    target = {s: round(share * len(people)) for s, share in mix.items()}
    have = {s: sum(1 for p in people if p.sector == s) for s in mix}
    out = list(people)
    travellers = [i for i, p in enumerate(out) if p.host_of is None]
    rng.shuffle(travellers)
    for i in travellers:
        s = out[i].sector
        if have[s] > target[s]:
            need = next((t for t in mix if have[t] < target[t]), None)
            if need is None:
                break
            out[i] = Person(out[i].id, sector=need)
            have[s] -= 1
            have[need] += 1
    return out


def sgp(groups: int, size: int, weeks: int) -> Problem:
    return cafe(groups * size, groups, size, weeks, mix=None, hosts=False)


def with_rules(problem: Problem, immobile=0, apart=0, together=0, seed=7) -> Problem:
    rng = random.Random(seed)
    travellers = [p for p in problem.people if p.host_of is None]
    chosen = rng.sample(travellers, immobile + 2 * together + 2 * apart)
    still = {p.id for p in chosen[:immobile]}
    people = tuple(
        Person(p.id, p.name, p.sector, p.host_of, p.id in still, p.online) for p in problem.people
    )
    rest = chosen[immobile:]
    pairs_together = [(rest[2 * i].id, rest[2 * i + 1].id) for i in range(together)]
    rest = rest[2 * together :]
    pairs_apart = [(rest[2 * i].id, rest[2 * i + 1].id) for i in range(apart)]
    return Problem(
        rounds=problem.rounds,
        tables=problem.tables,
        people=people,
        together=tuple(pairs_together),
        apart=tuple(pairs_apart),
    )


def suite(include_big: bool = True) -> list[Case]:
    cases = [
        Case("A1", sgp(5, 3, 7), "E=0 (Kirkman)", 60),
        Case("A2", sgp(4, 4, 5), "E=0 (AG(2,4))", 60),
        Case("A3", sgp(6, 3, 8), "E=0 (NKTS(18)); hard", 60),
        Case("A4", sgp(5, 5, 6), "E=0 (AG(2,5))", 60),
        Case("A5", sgp(8, 4, 10), "E=0 (Aguado 2004); hard", 60),
        Case("A6", sgp(10, 4, 13), "E=0 (resolvable (40,4,1))", 60),
        Case("A7", sgp(4, 3, 5), "E>=1 (max w is 4)", 20),
        Case("A8", sgp(6, 6, 4), "E>=1 (6-6 max is 3)", 20),
        Case("A9", sgp(8, 4, 11), "E>=32 (T-P)", 20),
        Case("A10", sgp(10, 10, 5), "E=0 open; 4 rounds E=0 known", 20),
        Case("B1", cafe(40, 8, 5, 3, STD), "0/0"),
        Case("B2", cafe(37, 8, 5, 3, STD), "0/0 (uneven)"),
        Case("B3", cafe(120, 24, 5, 4, STD), "0/0"),
        Case("B4", cafe(120, 24, 5, 4, SKEWED), "0/0 (skewed)"),
        Case(
            "B5",
            cafe(120, 24, 5, 4, STD, host_sector="public_service"),
            "0/0 (hosts all civil servants)",
        ),
        Case("B7", cafe(60, 12, 5, 3, STD), "0/0, no topic table twice"),
        Case("C1", cafe(20, 4, 5, 3), "E*=8"),
        Case("C2", cafe(20, 4, 5, 4), "E*=12"),
        Case("C3", cafe(25, 5, 5, 5, STD), "E=0; dev best 7"),
        Case("C4", cafe(40, 8, 5, 8, STD), "E=0; dev best 55"),
        Case("C5", cafe(49, 7, 7, 7, STD), "E=0; dev best 15"),
        Case("C6", cafe(30, 5, 6, 5), "E>=20; best 53"),
        Case("C7", cafe(36, 6, 6, 6), "open; LS best 127"),
        Case("C8", cafe(24, 6, 4, 4), "E=0"),
        Case("D1", with_rules(cafe(120, 24, 5, 4, STD), immobile=6, apart=20), "E*=18"),
        Case("D3", with_rules(cafe(120, 24, 5, 4, STD), together=5), "E>=15"),
        Case(
            "D5", cafe(40, 8, 5, 3, STD, online_tables=2, online_people=10), "E*=18 (online part)"
        ),
    ]
    d4 = cafe(120, 24, 5, 4, STD, seed=4)
    cases.append(Case("D4", d4, "E=0, <=1% seats changed", replan_of=d4))
    if include_big:
        cases.insert(16, Case("B6", cafe(1000, 200, 5, 5, STD), "0/0"))
        cases.append(
            Case("D2", with_rules(cafe(1000, 200, 5, 5, STD), immobile=40, apart=200), "E*=160")
        )
        cases.append(Case("S5000", cafe(5000, 1000, 5, 5, STD), "0/0, under 10 s"))
    return cases


def day_of(problem: Problem, plan_rounds, seed: int = 4):
    """D4: after round 1, six planned people never came and four arrive late."""
    rng = random.Random(seed)
    travellers = [p for p in problem.people if p.host_of is None]
    gone = {p.id for p in rng.sample(travellers, 6)}
    held = {t: tuple(x for x in people if x not in gone) for t, people in plan_rounds[0].items()}
    late = [
        Person(f"L{i + 1}", sector=s)
        for i, s in enumerate(["public_service", "research", "civil_society", "residents"])
    ]
    people = tuple(p for p in problem.people if p.id not in gone) + tuple(late)
    return (
        Problem(rounds=problem.rounds, tables=problem.tables, people=people, history=(held,)),
        sorted(gone),
        [p.id for p in late],
    )
