"""Run the whole seating benchmark suite in one process, on one thread, and print (and
write) a Markdown table.

    OPENBLAS_NUM_THREADS=1 python bench/seating/run.py [--only A1,B3] [--no-big]
        [--no-baselines] [--output bench/seating/results.md]
"""

from __future__ import annotations

import os

# Pin every numeric library to one thread before NumPy is imported.
for _var in (
    "OPENBLAS_NUM_THREADS",
    "OMP_NUM_THREADS",
    "MKL_NUM_THREADS",
    "NUMEXPR_NUM_THREADS",
    "VECLIB_MAXIMUM_THREADS",
):
    os.environ[_var] = "1"

import argparse  # noqa: E402
import platform  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))

from baselines import Result, cpsat, random_shuffle, simple_greedy  # noqa: E402
from instances import Case, day_of, suite  # noqa: E402

from coproduce.cafe.seating import replan, solve, violations  # noqa: E402


def shape(case: Case) -> str:
    p = case.problem
    n, g = len(p.people), len(p.tables)
    caps = sorted({t.capacity for t in p.tables})
    return f"{n}/{g}/{'/'.join(map(str, caps))}/{p.rounds}"


def cell(metric) -> str:
    return f"{metric.value}/{metric.bound}"


def run_ours(case: Case, seed: int) -> tuple[dict, object]:
    start = time.perf_counter()
    if case.replan_of is None:
        plan = solve(case.problem, seed=seed, time_limit=case.time_limit)
        extra = ""
    else:
        first = solve(case.replan_of, seed=seed, time_limit=case.time_limit)
        day, gone, late = day_of(case.replan_of, first.rounds)
        start = time.perf_counter()  # time the re-plan only
        plan = replan(day, first, seed=seed, time_limit=case.time_limit)
        planned = (len(case.replan_of.people) - len(gone)) * (day.rounds - len(day.history))
        share = 100 * plan.seats_changed / planned
        extra = f"seats changed {plan.seats_changed}/{planned} ({share:.1f} %)"
        case.problem = day
    seconds = time.perf_counter() - start
    broken = len(violations(case.problem, plan.rounds))
    return {"seconds": seconds, "broken": broken, "extra": extra}, plan


def ratio(ours: float | None, theirs: float | None) -> str:
    if ours is None or theirs is None:
        return "–"
    if theirs == 0:
        return "1.00" if ours == 0 else "∞"
    return f"{ours / theirs:.2f}"


def base_cell(result: Result) -> str:
    if result.pair_cost is None:
        return result.note or "–"
    return f"{result.repeats}/{result.pair_cost}/{result.deviation} ({result.seconds:.2f} s)"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--only", help="comma-separated case ids")
    parser.add_argument("--no-big", action="store_true", help="skip the 1,000+ people cases")
    parser.add_argument("--no-baselines", action="store_true")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--output", default=str(Path(__file__).with_name("results.md")))
    args = parser.parse_args(argv)
    only = set(args.only.split(",")) if args.only else None
    cases = [c for c in suite(include_big=not args.no_big) if only is None or c.id in only]
    ours_rows, base_rows = [], []
    started = time.perf_counter()
    for case in cases:
        info, plan = run_ours(case, args.seed)
        score = plan.pair_cost.value + plan.sector_deviation.value
        ours_rows.append(
            f"| {case.id} | {shape(case)} | {case.known} | {cell(plan.repeat_pairs)} | "
            f"{cell(plan.pair_cost)} | {cell(plan.sector_deviation)} | "
            f"{cell(plan.min_distinct_met)} | {'yes' if plan.optimal else 'no'} | "
            f"{info['broken']} | {info['seconds']:.3f} | {plan.method} | {info['extra']} |"
        )
        print(ours_rows[-1], flush=True)
        if args.no_baselines or case.replan_of is not None:
            continue
        rnd = random_shuffle(case.problem, args.seed)
        grd = simple_greedy(case.problem, args.seed)
        cps = cpsat(case.problem, case.time_limit, args.seed)
        base_rows.append(
            f"| {case.id} | {score} | {base_cell(rnd)} | {base_cell(grd)} | {base_cell(cps)} | "
            f"{ratio(score, rnd.score)} | {ratio(score, grd.score)} | {ratio(score, cps.score)} "
            f"| {ratio(info['seconds'], grd.seconds)} | "
            f"{ratio(info['seconds'], cps.seconds if cps.score is not None else None)} |"
        )
        print(base_rows[-1], flush=True)
    total = time.perf_counter() - started
    text = render(ours_rows, base_rows, total)
    Path(args.output).write_text(text, encoding="utf-8")
    print(text)
    return 0


def render(ours_rows: list[str], base_rows: list[str], total: float) -> str:
    load = os.getloadavg() if hasattr(os, "getloadavg") else ("?",)
    head = [
        "# Seating benchmark results",
        "",
        f"Machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, one thread; load average at the end "
        f"{', '.join(f'{x:.2f}' for x in load)}; whole run {total:.0f} s.",
        "",
        "Values are value/bound (bounds: lower for repeats, pair cost and sector deviation; "
        "upper for the fewest distinct people anyone meets).",
        "",
        "| ID | n/tables/seats/rounds | reference | repeats | pair cost | sector dev | "
        "min met | optimal | rules broken | time s | method | notes |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
        *ours_rows,
        "",
    ]
    if base_rows:
        head += [
            "Baselines: repeats/pair cost/sector deviation (time). Ratios are ours / theirs; "
            "the objective ratio compares pair cost + sector deviation (lower is better, "
            "1.00 when both are 0), the time ratio compares run times.",
            "",
            "| ID | our pair cost + dev | random shuffle | simple greedy | CP-SAT | "
            "objective vs random | vs greedy | vs CP-SAT | time vs greedy | time vs CP-SAT |",
            "|---|---|---|---|---|---|---|---|---|---|",
            *base_rows,
            "",
        ]
    return "\n".join(head)


if __name__ == "__main__":
    raise SystemExit(main())
