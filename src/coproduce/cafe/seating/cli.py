"""`coproduce seat`: plan a World Café from a JSON problem or a people CSV, no database.

    coproduce seat PROBLEM.json [--seed N] [--time-limit S] [--previous PLAN.json]
    coproduce seat --people people.csv --tables 8 --rounds 3 [--sectors a,b,c]

The plan is printed as JSON (or written to --output). Exit status 2 means the problem is
invalid; the message on stderr says what to fix.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .problem import ProblemError, load_problem, problem_from_csv
from .solver import solve


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="coproduce seat",
        description="Seat a World Café: every person at one table per round, as mixed as "
        "possible. Prints the plan as JSON.",
    )
    parser.add_argument("problem", nargs="?", help="problem JSON file (see docs/seating.md)")
    parser.add_argument(
        "--people", help="people CSV: id, name, sector [, host_of, immobile, online]"
    )
    parser.add_argument("--tables", type=int, help="number of tables (with --people)")
    parser.add_argument("--rounds", type=int, help="number of rounds (with --people)")
    parser.add_argument("--capacity", type=int, help="seats per table (default: just enough)")
    parser.add_argument(
        "--online-tables",
        type=int,
        default=0,
        help="how many of the tables are online rooms (default 0)",
    )
    parser.add_argument(
        "--sectors",
        default="any",
        help="allowed sectors for --people: a comma-separated list, or 'any' (the default)",
    )
    parser.add_argument("--previous", help="previous plan JSON to stay close to (re-plan)")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    parser.add_argument(
        "--time-limit", type=float, default=10.0, help="seconds to search at most (default 10)"
    )
    parser.add_argument("--output", help="write the plan here instead of standard output")
    return parser


def _allowed(sectors: str) -> tuple[str, ...] | None:
    if sectors == "any":
        return None
    return tuple(s.strip() for s in sectors.split(",") if s.strip())


def _load(args: argparse.Namespace, parser: argparse.ArgumentParser):
    if args.people:
        if args.problem:
            parser.error("give either a problem JSON or --people, not both")
        if args.tables is None or args.rounds is None:
            parser.error("--people needs --tables and --rounds")
        try:
            text = Path(args.people).read_text(encoding="utf-8-sig")
        except OSError as exc:
            raise ProblemError(f"cannot read {args.people}: {exc.strerror}") from exc
        return problem_from_csv(
            text,
            tables=args.tables,
            rounds=args.rounds,
            capacity=args.capacity,
            online_tables=args.online_tables,
            allowed_sectors=_allowed(args.sectors),
        )
    if not args.problem:
        parser.error("give a problem JSON file or --people CSV")
    try:
        return load_problem(args.problem)
    except OSError as exc:
        raise ProblemError(f"cannot read {args.problem}: {exc.strerror}") from exc


def _previous(path: str | None):
    if path is None:
        return None
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise ProblemError(f"cannot read the previous plan {path}: {exc}") from exc


def main(argv: list[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    if args_list[:1] == ["seat"]:
        args_list = args_list[1:]
    parser = _parser()
    args = parser.parse_args(args_list)
    try:
        problem = _load(args, parser)
        plan = solve(
            problem, seed=args.seed, time_limit=args.time_limit, previous=_previous(args.previous)
        )
    except ProblemError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    text = json.dumps(plan.to_json(), indent=2, ensure_ascii=False)
    if args.output:
        Path(args.output).write_text(text + "\n", encoding="utf-8")
    else:
        print(text)
    return 0
