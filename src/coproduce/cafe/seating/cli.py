"""`coproduce seat`: plan a World Café from a JSON problem or a people CSV, no database.

    coproduce seat PROBLEM.json [--seed N] [--time-limit S] [--previous PLAN.json]
    coproduce seat --people people.csv --tables 8 --rounds 3 [--sectors a,b,c]

The plan is printed as JSON (or written to --output). Exit status 2 means the input is
invalid, or the café too big to plan within the time limit; the one line on stderr says what
to fix.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Mapping
from pathlib import Path

from coproduce.core.management.arguments import (
    MAX_SEED,
    OneLineParser,
    one_line,
    seconds,
    whole_number,
)

from .limits import MAX_ROUNDS, MAX_TABLE_SEATS, MAX_TABLES, seconds_needed, seconds_to_finish
from .problem import (
    Problem,
    ProblemError,
    largest_table,
    parse_json,
    problem_from_csv,
    problem_from_json,
)
from .problem import read_input as read_text
from .solver import solve

# The search stops at the limit; an hour is more than any café needs.
MIN_SECONDS, MAX_SECONDS = 0.1, 3600.0


def _parser() -> argparse.ArgumentParser:
    parser = OneLineParser(
        prog="coproduce seat",
        description="Seat a World Café: every person at one table per round, as mixed as "
        "possible. Prints the plan as JSON.",
    )
    parser.add_argument("problem", nargs="?", help="problem JSON file (see docs/seating.md)")
    parser.add_argument(
        "--people", help="people CSV: id, name, sector [, host_of, immobile, online]"
    )
    parser.add_argument(
        "--tables", type=whole_number(1, MAX_TABLES), help="number of tables (with --people)"
    )
    parser.add_argument(
        "--rounds", type=whole_number(1, MAX_ROUNDS), help="number of rounds (with --people)"
    )
    parser.add_argument(
        "--capacity",
        type=whole_number(1, MAX_TABLE_SEATS),
        help="seats per table (default: just enough)",
    )
    parser.add_argument(
        "--online-tables",
        type=whole_number(0, MAX_TABLES),
        default=0,
        help="how many of the tables are online rooms (default 0)",
    )
    parser.add_argument(
        "--sectors",
        default="any",
        help="allowed sectors for --people: a comma-separated list, or 'any' (the default)",
    )
    parser.add_argument("--previous", help="previous plan JSON to stay close to (re-plan)")
    parser.add_argument(
        "--seed", type=whole_number(0, MAX_SEED), default=0, help="random seed (default 0)"
    )
    parser.add_argument(
        "--time-limit",
        type=seconds(MIN_SECONDS, MAX_SECONDS),
        default=10.0,
        help=f"seconds to plan at most, from {MIN_SECONDS:g} to {MAX_SECONDS:g} (default 10); "
        "a café too big to plan in that time is refused, saying how long it needs",
    )
    parser.add_argument("--output", help="write the plan here instead of standard output")
    return parser


def _allowed(sectors: str) -> tuple[str, ...] | None:
    if sectors == "any":
        return None
    return tuple(s.strip() for s in sectors.split(",") if s.strip())


def _load(args: argparse.Namespace, parser: argparse.ArgumentParser) -> Problem:
    if args.people:
        if args.problem:
            parser.error("give either a problem JSON or --people, not both")
        if args.tables is None or args.rounds is None:
            parser.error("--people needs --tables and --rounds")
        return problem_from_csv(
            read_text(args.people, "the people CSV"),
            tables=args.tables,
            rounds=args.rounds,
            capacity=args.capacity,
            online_tables=args.online_tables,
            allowed_sectors=_allowed(args.sectors),
        )
    if not args.problem:
        parser.error("give a problem JSON file or --people CSV")
    data = parse_json(read_text(args.problem, "the problem"), args.problem)
    return problem_from_json(data)


def _previous(path: str | None):
    """The previous plan: its JSON object, or a list of rounds (each a list)."""
    if path is None:
        return None
    name = f"the previous plan {path}"
    plan = parse_json(read_text(path, "the previous plan"), name)
    if isinstance(plan, Mapping) or (
        isinstance(plan, list) and all(isinstance(held, list) for held in plan)
    ):
        return plan
    raise ProblemError(f"{name} must be a plan (a JSON object with rounds) or a list of rounds")


def _search_seconds(problem: Problem, time_limit: float) -> float:
    """The time the solver may take so that the whole run keeps `time_limit`: what is left once
    measuring and writing the plan are set aside. Refuses a limit the work around the search
    alone would overrun."""
    people, tables, rounds = len(problem.people), len(problem.tables), problem.rounds
    size = {"people": people, "tables": tables, "rounds": rounds}
    size["table_size"] = largest_table(problem)
    needed = seconds_needed(**size)
    if needed > time_limit:
        raise ProblemError(
            f"planning {people} people at {tables} tables over {rounds} rounds takes about "
            f"{math.ceil(needed)} s, more than --time-limit {time_limit:g}; give --time-limit "
            f"{math.ceil(needed)} or more"
        )
    return time_limit - seconds_to_finish(**size)


def _check_output(path: str | None) -> None:
    """Fail before planning, not after, when the plan could not be written."""
    if path is None:
        return
    target = Path(path)
    if target.is_dir():
        raise ProblemError(f"--output {path} is a folder; give a file name")
    if not target.parent.is_dir():
        raise ProblemError(f"--output {path}: the folder {target.parent} does not exist")


def _write(text: str, path: str | None) -> None:
    if path is None:
        print(text)
        return
    try:
        Path(path).write_text(text + "\n", encoding="utf-8")
    except (OSError, ValueError) as exc:  # ValueError: a NUL in the name
        raise ProblemError(f"cannot write {path}: {getattr(exc, 'strerror', None) or exc}") from exc


def main(argv: list[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    if args_list[:1] == ["seat"]:
        args_list = args_list[1:]
    parser = _parser()
    args = parser.parse_args(args_list)
    try:
        _check_output(args.output)
        problem = _load(args, parser)
        seconds = _search_seconds(problem, args.time_limit)
        plan = solve(problem, seed=args.seed, time_limit=seconds, previous=_previous(args.previous))
        _write(json.dumps(plan.to_json(), indent=2, ensure_ascii=False), args.output)
    except ProblemError as exc:
        print(f"coproduce seat: error: {one_line(exc)}", file=sys.stderr)
        return 2
    return 0
