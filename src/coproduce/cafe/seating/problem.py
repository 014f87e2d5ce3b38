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
import reprlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .limits import MAX_INPUT_BYTES, MAX_PEOPLE, MAX_TABLE_SEATS, even_table_size, size_problem

# A person or table id as written in the problem (JSON allows both forms).
Id = str | int

TRUE_WORDS = frozenset({"1", "true", "yes", "y", "x"})
FALSE_WORDS = frozenset({"", "0", "false", "no", "n"})


class ProblemError(ValueError):
    """The problem cannot be seated as written; the message says what to fix, in English.

    Obstacles a café on the site can meet also carry a `code` and `values` (ids and
    numbers), so that the site can say them in the reader's language with people's names."""

    def __init__(self, message: str, code: str = "", **values: Any):
        super().__init__(message)
        self.code, self.values = code, values


# Input quoted in a message stays short and on one line, whatever the file held.
_shown = reprlib.Repr(maxlevel=2, maxlist=4, maxdict=4, maxstring=60, maxother=60).repr


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
        raise ProblemError(f"rounds must be a whole number, got {_shown(problem.rounds)}")
    if problem.rounds < 1:
        raise ProblemError(f"rounds must be at least 1, got {problem.rounds}")
    _check_size(len(problem.people), len(problem.tables), problem.rounds, largest_table(problem))
    object.__setattr__(problem, "table_index", _index_tables(problem.tables))
    object.__setattr__(problem, "person_index", _index_people(problem.people))
    _check_people(problem)
    _check_hosts(problem)
    _check_seats(problem)
    _check_pairs(problem)
    _check_history(problem)


def largest_table(problem: Problem) -> int:
    """People at the fullest table when room and online people fill their tables evenly."""
    return max(
        even_table_size(
            sum(1 for p in problem.people if bool(p.online) == online),
            sum(1 for t in problem.tables if bool(t.online) == online),
        )
        for online in (False, True)
    )


def _check_size(people: int, tables: int, rounds: int, table_size: int | None = None) -> None:
    found = size_problem(people=people, tables=tables, rounds=rounds, table_size=table_size)
    if found:
        raise ProblemError(found, "too_big")


def _check_id(value: Any, what: str) -> None:
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise ProblemError(f"{what} id must be a string or a whole number, got {_shown(value)}")
    if isinstance(value, str) and not value.strip():
        raise ProblemError(f"{what} id must not be empty")


def _index_tables(tables: Sequence[Table]) -> dict[Id, int]:
    if not tables:
        raise ProblemError("there are no tables", "no_tables")
    index: dict[Id, int] = {}
    for table in tables:
        _check_id(table.id, "table")
        if table.id in index:
            raise ProblemError(f"duplicate table id {table.id!r}")
        cap = table.capacity
        if isinstance(cap, bool) or not isinstance(cap, int) or cap < 1:
            raise ProblemError(
                f"table {table.id!r}: capacity must be at least 1, got {_shown(cap)}"
            )
        if cap > MAX_TABLE_SEATS:
            raise ProblemError(
                f"table {table.id!r}: capacity must be at most {MAX_TABLE_SEATS}, got {cap}"
            )
        index[table.id] = len(index)
    return index


def _index_people(people: Sequence[Person]) -> dict[Id, int]:
    if not people:
        raise ProblemError("there are no people to seat", "no_people")
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
        _check_id(person.host_of, f"person {person.id!r}: host_of table")
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
                f"host {person.id!r} is {where} but their table {table.id!r} is {kind}",
                "host_elsewhere",
                person=person.id,
                table=table.id,
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
                raise ProblemError(f"{rule}: expected a pair of person ids, got {_shown(pair)}")
            for pid in pair:
                _check_id(pid, f"{rule}: person")
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
            raise ProblemError(
                f"person {a!r} must sit both together with and apart from {b!r}",
                "together_and_apart",
                people=[a, b],
            )
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
            f"{', '.join(repr(h) for h in sorted(hosts, key=str))}",
            "together_hosts",
            people=[p.id for p in people],
        )
    if len({p.online for p in people}) > 1:
        raise ProblemError(
            f"people who must sit together ({names}) are both online and in the room",
            "together_online_and_room",
            people=[p.id for p in people],
        )
    online = people[0].online
    if hosts:
        table = problem.tables[problem.table_index[hosts.pop()]]
        if table.capacity < len(people):
            raise ProblemError(
                f"table {table.id!r} seats {table.capacity} but its host must sit with "
                f"{len(people)} people ({names})",
                "together_too_many_for_host",
                table=table.id,
                seats=table.capacity,
                people=[p.id for p in people],
            )
        return
    hosted = {p.host_of for p in problem.people if p.host_of is not None}
    largest = max(
        (t.capacity - (t.id in hosted) for t in problem.tables if t.online == online), default=0
    )
    if largest < len(people):
        raise ProblemError(
            f"{len(people)} people must sit together ({names}) but no table has that many "
            "seats free (next to its host)",
            "together_too_many",
            people=[p.id for p in people],
        )


def _check_seats(problem: Problem) -> None:
    for online in (False, True):
        kind = "online" if online else "in the room"
        people = sum(1 for p in problem.people if p.online == online)
        seats = sum(t.capacity for t in problem.tables if t.online == online)
        if people > seats:
            raise ProblemError(
                f"{people} people {kind} but only {seats} seats at tables {kind}",
                "too_few_seats",
                online=online,
                count=people,
                seats=seats,
            )


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
    raise ProblemError(f"{what} must be true or false, got {_shown(value)}")


def _pairs(raw: Any, rule: str) -> list[tuple[Id, Id]]:
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise ProblemError(f"{rule} must be a list of pairs of person ids")
    out = []
    for pair in raw:
        if not isinstance(pair, list | tuple) or len(pair) != 2:
            raise ProblemError(f"{rule}: expected a pair of person ids, got {_shown(pair)}")
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
            table, people = entry["table"], entry["people"]
            _check_id(table, f"{what} round {number}: table")
            if table in seating:
                raise ProblemError(f"{what} round {number}: table {table!r} twice")
            if not isinstance(people, list):
                raise ProblemError(f"{what} round {number}: people must be a list of person ids")
            for pid in people:
                _check_id(pid, f"{what} round {number}: person")
            seating[table] = tuple(people)
        rounds.append(seating)
    return rounds


def _json_list(data: Mapping[str, Any], key: str) -> list:
    value = data[key]
    if value is None:
        return []
    if not isinstance(value, list):
        raise ProblemError(f"{key} must be a list, got {_shown(value)}")
    return value


def problem_from_json(
    data: Mapping[str, Any], allowed_sectors: Iterable[str] | None = None
) -> Problem:
    if not isinstance(data, Mapping):
        raise ProblemError("the problem must be a JSON object")
    for key in ("rounds", "tables", "people"):
        if key not in data:
            raise ProblemError(f"the problem has no {key!r}")
    raw_tables, raw_people, rounds = (
        _json_list(data, "tables"),
        _json_list(data, "people"),
        data["rounds"],
    )
    if isinstance(rounds, int) and not isinstance(rounds, bool):
        _check_size(len(raw_people), len(raw_tables), rounds)  # before anything is built
    tables = [_table_from_json(raw) for raw in raw_tables]
    people = [_person_from_json(raw) for raw in raw_people]
    sectors = data.get("sectors", allowed_sectors)
    return Problem(
        rounds=rounds,
        tables=tuple(tables),
        people=tuple(people),
        together=tuple(_pairs(data.get("together"), "together")),
        apart=tuple(_pairs(data.get("apart"), "apart")),
        history=tuple(parse_rounds(data.get("history"), "history")),
        allowed_sectors=_sector_list(sectors),
    )


def _sector_list(sectors: Any) -> tuple[str, ...] | None:
    if sectors is None:
        return None
    sectors = list(sectors) if isinstance(sectors, tuple) else sectors
    if not isinstance(sectors, list) or not all(isinstance(s, str) for s in sectors):
        raise ProblemError(f"sectors must be a list of names, got {_shown(sectors)}")
    return tuple(sectors)


def _table_from_json(raw: Any) -> Table:
    if not isinstance(raw, Mapping) or "id" not in raw:
        raise ProblemError(f"each table needs an id, got {_shown(raw)}")
    _check_id(raw["id"], "table")
    return Table(
        id=raw["id"],
        capacity=raw.get("capacity"),
        online=_as_bool(raw.get("online"), f"table {raw['id']!r}: online"),
    )


def _person_from_json(raw: Any) -> Person:
    if not isinstance(raw, Mapping) or "id" not in raw:
        raise ProblemError(f"each person needs an id, got {_shown(raw)}")
    pid = raw["id"]
    _check_id(pid, "person")
    sector, name = raw.get("sector"), raw.get("name")
    if sector is not None and not isinstance(sector, str):
        raise ProblemError(f"person {pid!r}: sector must be text, got {_shown(sector)}")
    if name is not None and not isinstance(name, str):
        raise ProblemError(f"person {pid!r}: name must be text, got {_shown(name)}")
    return Person(
        id=pid,
        name=name or "",
        sector=sector or None,
        host_of=raw.get("host_of"),
        immobile=_as_bool(raw.get("immobile"), f"person {pid!r}: immobile"),
        online=_as_bool(raw.get("online"), f"person {pid!r}: online"),
    )


def read_input(path: str | Path, what: str = "") -> str:
    """A UTF-8 input file as text, or a ProblemError naming the file and what is wrong.

    At most MAX_INPUT_BYTES are read, so a huge file (or /dev/zero) is refused before it fills
    the memory."""
    name = f"{what} {path}".strip()
    try:
        with open(path, "rb") as file:
            data = file.read(MAX_INPUT_BYTES + 1)
    except (OSError, ValueError) as exc:  # ValueError: a NUL in the name
        raise ProblemError(f"cannot read {name}: {getattr(exc, 'strerror', None) or exc}") from exc
    if len(data) > MAX_INPUT_BYTES:
        raise ProblemError(
            f"{name} is larger than {MAX_INPUT_BYTES // 2**20} MB, the most this engine reads"
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ProblemError(
            f"{name} is not UTF-8 text (byte {exc.start + 1}); save it as UTF-8"
        ) from exc


def parse_json(text: str, name: str) -> Any:
    """JSON from text, or a ProblemError saying where it is broken."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ProblemError(f"{name}: not valid JSON (line {exc.lineno}: {exc.msg})") from exc
    except RecursionError as exc:
        raise ProblemError(f"{name}: the JSON is nested too deeply") from exc


def load_problem(path: str | Path) -> Problem:
    return problem_from_json(parse_json(read_input(path), str(path)))


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
    try:
        return _read_people(reader, allowed_sectors)
    except csv.Error as exc:
        raise ProblemError(f"line {reader.line_num}: unreadable CSV ({exc})") from exc


def _read_people(reader: csv.DictReader, allowed_sectors: Iterable[str] | None) -> list[Person]:
    columns = [c.strip() for c in reader.fieldnames or []]
    missing = [c for c in CSV_REQUIRED if c not in columns]
    if missing:
        raise ProblemError(f"line 1: the CSV has no column {', '.join(missing)}")
    allowed = tuple(allowed_sectors) if allowed_sectors is not None else None
    people: list[Person] = []
    first_line: dict[str, int] = {}
    for row in reader:
        line = reader.line_num
        if len(people) == MAX_PEOPLE:
            raise ProblemError(
                f"line {line}: the CSV lists more than {MAX_PEOPLE} people, the most the "
                "seating engine can plan"
            )
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
    _check_size(len(people), tables, rounds)  # before the tables are built
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
        if capacity > MAX_TABLE_SEATS:
            raise ProblemError(
                f"{len(people)} people at {tables} tables would sit {capacity} to a table; "
                f"the most is {MAX_TABLE_SEATS}: give more --tables"
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
