"""A World Café seating problem: tables, people, rules and the rounds already held.

Everything here is plain data plus validation. A `Problem` that exists is valid: the
constructor checks every rule that the solver relies on and raises `ProblemError` with a
message that names the person, table or CSV line at fault.
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# A person or table id as written in the problem (JSON allows both forms).
Id = str | int

TRUE_WORDS = frozenset({"1", "true", "yes", "y", "x"})
FALSE_WORDS = frozenset({"", "0", "false", "no", "n"})


class ProblemError(ValueError):
    """The problem cannot be seated as written; the message says what to fix."""


@dataclass(frozen=True)
class Table:
    id: Id
    capacity: int
    online: bool = False


@dataclass(frozen=True)
class Person:
    id: Id
    name: str = ""
    sector: str | None = None
    host_of: Id | None = None  # table id: the host sits there every round
    immobile: bool = False  # stays at one table (the solver's choice) every round
    online: bool = False  # joins online, so only online tables


# One held or planned round: table id -> the people seated there.
Round = dict[Id, tuple[Id, ...]]


@dataclass(frozen=True)
class Problem:
    rounds: int
    tables: tuple[Table, ...]
    people: tuple[Person, ...]
    together: tuple[tuple[Id, Id], ...] = ()
    apart: tuple[tuple[Id, Id], ...] = ()
    history: tuple[Round, ...] = ()
    # The sectors people may have; None accepts any. The engine keeps no list of its own: the
    # platform passes its sectors (coproduce.people.sectors), the command line --sectors.
    allowed_sectors: tuple[str, ...] | None = None
    table_index: dict[Id, int] = field(init=False, repr=False, compare=False)
    person_index: dict[Id, int] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "tables", tuple(self.tables))
        object.__setattr__(self, "people", tuple(self.people))
        object.__setattr__(self, "together", tuple(tuple(p) for p in self.together))
        object.__setattr__(self, "apart", tuple(tuple(p) for p in self.apart))
        object.__setattr__(self, "history", tuple(dict(r) for r in self.history))
        _validate(self)

    @property
    def departed(self) -> tuple[Id, ...]:
        """People seated in a held round who are no longer in `people` (they have left)."""
        seen: dict[Id, None] = {}
        for held in self.history:
            for seated in held.values():
                for pid in seated:
                    if pid not in self.person_index:
                        seen[pid] = None
        return tuple(seen)

    def to_json(self) -> dict[str, Any]:
        return {
            "rounds": self.rounds,
            "tables": [
                {"id": t.id, "capacity": t.capacity, "online": t.online} for t in self.tables
            ],
            "people": [_person_json(p) for p in self.people],
            "together": [list(p) for p in self.together],
            "apart": [list(p) for p in self.apart],
            "history": [rounds_json_one(r) for r in self.history],
        }


def _person_json(person: Person) -> dict[str, Any]:
    out: dict[str, Any] = {"id": person.id}
    if person.name:
        out["name"] = person.name
    if person.sector is not None:
        out["sector"] = person.sector
    if person.host_of is not None:
        out["host_of"] = person.host_of
    if person.immobile:
        out["immobile"] = True
    if person.online:
        out["online"] = True
    return out


def rounds_json_one(seating: Round) -> list[dict[str, Any]]:
    return [{"table": t, "people": list(p)} for t, p in seating.items()]


# ---------------------------------------------------------------- validation


def _validate(problem: Problem) -> None:
    if isinstance(problem.rounds, bool) or not isinstance(problem.rounds, int):
        raise ProblemError(f"rounds must be a whole number, got {problem.rounds!r}")
    if problem.rounds < 1:
        raise ProblemError(f"rounds must be at least 1, got {problem.rounds}")
    object.__setattr__(problem, "table_index", _index_tables(problem.tables))
    object.__setattr__(problem, "person_index", _index_people(problem.people))
    _check_people(problem)
    _check_hosts(problem)
    _check_seats(problem)
    _check_pairs(problem)
    _check_history(problem)


def _check_id(value: Any, what: str) -> None:
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise ProblemError(f"{what} id must be a string or a whole number, got {value!r}")
    if isinstance(value, str) and not value.strip():
        raise ProblemError(f"{what} id must not be empty")


def _index_tables(tables: Sequence[Table]) -> dict[Id, int]:
    if not tables:
        raise ProblemError("there are no tables")
    index: dict[Id, int] = {}
    for table in tables:
        _check_id(table.id, "table")
        if table.id in index:
            raise ProblemError(f"duplicate table id {table.id!r}")
        cap = table.capacity
        if isinstance(cap, bool) or not isinstance(cap, int) or cap < 1:
            raise ProblemError(f"table {table.id!r}: capacity must be at least 1, got {cap!r}")
        index[table.id] = len(index)
    return index


def _index_people(people: Sequence[Person]) -> dict[Id, int]:
    if not people:
        raise ProblemError("there are no people to seat")
    index: dict[Id, int] = {}
    for person in people:
        _check_id(person.id, "person")
        if person.id in index:
            raise ProblemError(f"duplicate person id {person.id!r}")
        index[person.id] = len(index)
    return index


def _check_people(problem: Problem) -> None:
    allowed = problem.allowed_sectors
    for person in problem.people:
        if person.sector is not None and allowed is not None and person.sector not in allowed:
            raise ProblemError(
                f"person {person.id!r}: unknown sector {person.sector!r} "
                f"(allowed: {', '.join(allowed)})"
            )


def _check_hosts(problem: Problem) -> None:
    host_at: dict[Id, Id] = {}
    for person in problem.people:
        if person.host_of is None:
            continue
        if person.host_of not in problem.table_index:
            raise ProblemError(
                f"person {person.id!r} hosts table {person.host_of!r}, which does not exist"
            )
        if person.host_of in host_at:
            raise ProblemError(
                f"table {person.host_of!r} has two hosts: {host_at[person.host_of]!r} "
                f"and {person.id!r}"
            )
        host_at[person.host_of] = person.id
        table = problem.tables[problem.table_index[person.host_of]]
        if table.online != person.online:
            where = "online" if person.online else "in the room"
            kind = "online" if table.online else "in the room"
            raise ProblemError(
                f"host {person.id!r} is {where} but their table {table.id!r} is {kind}"
            )


def together_groups(problem: Problem) -> list[list[int]]:
    """People who must sit together, merged through shared members (person indices)."""
    parent = list(range(len(problem.people)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for a, b in problem.together:
        parent[root(problem.person_index[a])] = root(problem.person_index[b])
    groups: dict[int, list[int]] = {}
    for i in range(len(problem.people)):
        groups.setdefault(root(i), []).append(i)
    return list(groups.values())


def _check_pairs(problem: Problem) -> None:
    for rule, pairs in (("together", problem.together), ("apart", problem.apart)):
        for pair in pairs:
            if len(pair) != 2:
                raise ProblemError(f"{rule}: expected a pair of person ids, got {list(pair)!r}")
            for pid in pair:
                if pid not in problem.person_index:
                    raise ProblemError(f"{rule}: unknown person {pid!r}")
            if pair[0] == pair[1]:
                raise ProblemError(f"{rule}: person {pair[0]!r} is paired with themselves")
    group_of: dict[int, int] = {}
    groups = together_groups(problem)
    for g, members in enumerate(groups):
        for i in members:
            group_of[i] = g
    for a, b in problem.apart:
        if group_of[problem.person_index[a]] == group_of[problem.person_index[b]]:
            raise ProblemError(f"person {a!r} must sit both together with and apart from {b!r}")
    for members in groups:
        _check_group(problem, members)


def _check_group(problem: Problem, members: list[int]) -> None:
    if len(members) < 2:
        return
    people = [problem.people[i] for i in members]
    names = ", ".join(repr(p.id) for p in people)
    hosts = {p.host_of for p in people if p.host_of is not None}
    if len(hosts) > 1:
        raise ProblemError(
            f"people who must sit together ({names}) host different tables: "
            f"{', '.join(repr(h) for h in sorted(hosts, key=str))}"
        )
    if len({p.online for p in people}) > 1:
        raise ProblemError(
            f"people who must sit together ({names}) are both online and in the room"
        )
    online = people[0].online
    if hosts:
        table = problem.tables[problem.table_index[hosts.pop()]]
        if table.capacity < len(people):
            raise ProblemError(
                f"table {table.id!r} seats {table.capacity} but its host must sit with "
                f"{len(people)} people ({names})"
            )
        return
    hosted = {p.host_of for p in problem.people if p.host_of is not None}
    largest = max(
        (t.capacity - (t.id in hosted) for t in problem.tables if t.online == online), default=0
    )
    if largest < len(people):
        raise ProblemError(
            f"{len(people)} people must sit together ({names}) but no table has that many "
            "seats free (next to its host)"
        )


def _check_seats(problem: Problem) -> None:
    for online in (False, True):
        kind = "online" if online else "in the room"
        people = sum(1 for p in problem.people if p.online == online)
        seats = sum(t.capacity for t in problem.tables if t.online == online)
        if people > seats:
            raise ProblemError(f"{people} people {kind} but only {seats} seats at tables {kind}")


def _check_history(problem: Problem) -> None:
    if len(problem.history) > problem.rounds:
        raise ProblemError(
            f"history has {len(problem.history)} rounds but the café has only {problem.rounds}"
        )
    for number, held in enumerate(problem.history, start=1):
        seen: dict[Id, Id] = {}
        for table_id, seated in held.items():
            if table_id not in problem.table_index:
                raise ProblemError(f"history round {number}: unknown table {table_id!r}")
            for pid in seated:
                _check_id(pid, "person")
                if pid in seen:
                    raise ProblemError(
                        f"history round {number}: person {pid!r} sits at both "
                        f"{seen[pid]!r} and {table_id!r}"
                    )
                seen[pid] = table_id


# ---------------------------------------------------------------- JSON


def _as_bool(value: Any, what: str) -> bool:
    if isinstance(value, bool):
        return value
    if value is None:
        return False
    raise ProblemError(f"{what} must be true or false, got {value!r}")


def _pairs(raw: Any, rule: str) -> list[tuple[Id, Id]]:
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise ProblemError(f"{rule} must be a list of pairs of person ids")
    out = []
    for pair in raw:
        if not isinstance(pair, list | tuple) or len(pair) != 2:
            raise ProblemError(f"{rule}: expected a pair of person ids, got {pair!r}")
        out.append((pair[0], pair[1]))
    return out


def parse_rounds(raw: Any, what: str) -> list[Round]:
    """Rounds in the plan's JSON form: a list per round of {table, people}."""
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise ProblemError(f"{what} must be a list of rounds")
    rounds: list[Round] = []
    for number, held in enumerate(raw, start=1):
        if not isinstance(held, list):
            raise ProblemError(f"{what} round {number} must be a list of {{table, people}}")
        seating: Round = {}
        for entry in held:
            if not isinstance(entry, Mapping) or "table" not in entry or "people" not in entry:
                raise ProblemError(f"{what} round {number}: each entry needs table and people")
            if entry["table"] in seating:
                raise ProblemError(f"{what} round {number}: table {entry['table']!r} twice")
            seating[entry["table"]] = tuple(entry["people"])
        rounds.append(seating)
    return rounds


def problem_from_json(
    data: Mapping[str, Any], allowed_sectors: Iterable[str] | None = None
) -> Problem:
    if not isinstance(data, Mapping):
        raise ProblemError("the problem must be a JSON object")
    for key in ("rounds", "tables", "people"):
        if key not in data:
            raise ProblemError(f"the problem has no {key!r}")
    tables = []
    for raw in data["tables"] or []:
        if not isinstance(raw, Mapping) or "id" not in raw:
            raise ProblemError(f"each table needs an id, got {raw!r}")
        tables.append(
            Table(
                id=raw["id"],
                capacity=raw.get("capacity"),
                online=_as_bool(raw.get("online"), f"table {raw['id']!r}: online"),
            )
        )
    people = [_person_from_json(raw) for raw in data["people"] or []]
    sectors = data.get("sectors", allowed_sectors)
    return Problem(
        rounds=data["rounds"],
        tables=tuple(tables),
        people=tuple(people),
        together=tuple(_pairs(data.get("together"), "together")),
        apart=tuple(_pairs(data.get("apart"), "apart")),
        history=tuple(parse_rounds(data.get("history"), "history")),
        allowed_sectors=tuple(sectors) if sectors is not None else None,
    )


def _person_from_json(raw: Any) -> Person:
    if not isinstance(raw, Mapping) or "id" not in raw:
        raise ProblemError(f"each person needs an id, got {raw!r}")
    pid = raw["id"]
    sector = raw.get("sector")
    if sector is not None and not isinstance(sector, str):
        raise ProblemError(f"person {pid!r}: sector must be text, got {sector!r}")
    return Person(
        id=pid,
        name=str(raw.get("name") or ""),
        sector=sector or None,
        host_of=raw.get("host_of"),
        immobile=_as_bool(raw.get("immobile"), f"person {pid!r}: immobile"),
        online=_as_bool(raw.get("online"), f"person {pid!r}: online"),
    )


def load_problem(path: str | Path) -> Problem:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise ProblemError(f"{path}: not valid JSON (line {exc.lineno}: {exc.msg})") from exc
    return problem_from_json(data)


# ---------------------------------------------------------------- CSV

CSV_REQUIRED = ("id", "name", "sector")
CSV_OPTIONAL = ("host_of", "immobile", "online")


def _csv_bool(value: str, column: str, line: int) -> bool:
    word = value.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ProblemError(f"line {line}: {column} must be yes or no, got {value!r}")


def people_from_csv(text: str, allowed_sectors: Iterable[str] | None = None) -> list[Person]:
    """People from CSV text with columns id, name, sector and optional host_of, immobile,
    online. Any sector is accepted unless `allowed_sectors` lists them. Line numbers in errors
    count the header as line 1."""
    reader = csv.DictReader(io.StringIO(text))
    columns = [c.strip() for c in reader.fieldnames or []]
    missing = [c for c in CSV_REQUIRED if c not in columns]
    if missing:
        raise ProblemError(f"line 1: the CSV has no column {', '.join(missing)}")
    allowed = tuple(allowed_sectors) if allowed_sectors is not None else None
    people: list[Person] = []
    first_line: dict[str, int] = {}
    for row in reader:
        line = reader.line_num
        row = {(k or "").strip(): (v or "") for k, v in row.items()}
        pid = row["id"].strip()
        if not pid:
            raise ProblemError(f"line {line}: empty id")
        if pid in first_line:
            raise ProblemError(
                f"line {line}: duplicate id {pid!r} (first on line {first_line[pid]})"
            )
        first_line[pid] = line
        sector = row["sector"].strip() or None
        if sector is not None and allowed is not None and sector not in allowed:
            raise ProblemError(
                f"line {line}: person {pid!r} has unknown sector {sector!r} "
                f"(allowed: {', '.join(allowed)})"
            )
        people.append(
            Person(
                id=pid,
                name=row["name"].strip(),
                sector=sector,
                host_of=row.get("host_of", "").strip() or None,
                immobile=_csv_bool(row.get("immobile", ""), "immobile", line),
                online=_csv_bool(row.get("online", ""), "online", line),
            )
        )
    if not people:
        raise ProblemError("the CSV lists no people")
    return people


def problem_from_csv(
    text: str,
    tables: int,
    rounds: int,
    capacity: int | None = None,
    online_tables: int = 0,
    allowed_sectors: Iterable[str] | None = None,
) -> Problem:
    """The common case: a people CSV plus a number of tables (ids T1, T2, ...; online ones
    after the room ones). Capacity defaults to the fewest seats that fit everyone."""
    people = people_from_csv(text, allowed_sectors)
    if tables < 1:
        raise ProblemError(f"--tables must be at least 1, got {tables}")
    if online_tables < 0 or online_tables > tables:
        raise ProblemError(f"--online-tables must be between 0 and {tables}")
    room_tables = tables - online_tables
    ids = [f"T{i + 1}" for i in range(tables)]
    people = [_host_by_number(p, ids) for p in people]
    room = sum(1 for p in people if not p.online)
    online = len(people) - room
    if capacity is None:
        capacity = max(
            math.ceil(room / room_tables) if room_tables else 1,
            math.ceil(online / online_tables) if online_tables else 1,
            1,
        )
    table_list = tuple(
        Table(id=ids[i], capacity=capacity, online=i >= room_tables) for i in range(tables)
    )
    allowed = tuple(allowed_sectors) if allowed_sectors is not None else None
    return Problem(rounds=rounds, tables=table_list, people=tuple(people), allowed_sectors=allowed)


def _host_by_number(person: Person, ids: list[str]) -> Person:
    # In a CSV, "3" is a friendlier way to write table "T3".
    host = person.host_of
    if host is None or host in ids:
        return person
    if isinstance(host, str) and host.isdigit() and 1 <= int(host) <= len(ids):
        return Person(**{**person.__dict__, "host_of": ids[int(host) - 1]})
    return person
