"""Time coproduce.reports.themes.find_themes on 200 / 2,000 / 20,000 generated notes.

    /work/main/.venv/bin/python bench/themes/run.py [--sizes 200 2000 20000] [--seed 0]

Notes come from a fixed-seed generator: six planted topics (a few topic words per note)
buried in background words drawn from a Zipf-like vocabulary of ~3,000 words, 12-40 words per
note, so vocabularies and note lengths look like a real harvest rather than a toy one. BLAS and
OpenMP are pinned to one thread (threadpoolctl), as find_themes itself does. Prints a Markdown
table: wall and CPU time (median and best of several runs, module and scikit-learn already
imported), themes found and adjusted Rand index against the planted topics. CPU time is the
steadier figure on a shared machine.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from typing import Any

TOPICS = {
    "mobility": "bus tram bike lanes traffic cycling metro pedestrians parking commute streets "
    "buses trains mobility sidewalks crossings speed cars scooters routes stations timetable "
    "congestion",
    "housing": "rent housing tenants landlords eviction affordable apartments homes cooperative "
    "mortgage vacancy flats renovation squatting tourist rentals prices neighbourhood "
    "gentrification leases",
    "green": "trees parks gardens biodiversity shade climate heat greenery allotments compost "
    "rivers wetlands birds flowers soil water rain heatwave planting orchards",
    "policy": "strategy action plan council policy budget legislation municipal roadmap "
    "governance framework ordinance mayor regulation funding targets indicators monitoring "
    "evaluation mandate",
    "methods": "workshops facilitation mapping interviews surveys prototyping storytelling "
    "walks assemblies deliberation toolkit canvas games sketches personas feedback "
    "listening circles photovoice",
    "care": "elderly children carers loneliness health wellbeing schools nurseries volunteers "
    "clinics disability accessibility families youth migrants support kindness",
}
FUNCTION = (
    "we the city people need more should our and to a of in think really important is are "
    "for with that this it be can have will not on at by from as or but about all"
)


@dataclass(frozen=True)
class Harvest:
    notes: list[tuple[int, str]]
    truth: list[int]


def _background(rng: random.Random, size: int = 3000) -> list[str]:
    syllables = "ba be bi bo ca ce co da de di do fa fe ga go la le li lo ma me mi mo na ne no "
    syllables += "pa pe po ra re ri ro sa se si so ta te ti to va ve vi"
    parts = syllables.split()
    made = {"".join(rng.choice(parts) for _ in range(rng.randint(2, 4))) for _ in range(size)}
    return FUNCTION.split() + sorted(made)


def harvest(n: int, seed: int = 0) -> Harvest:
    """n notes from a fixed-seed generator; truth[i] is note i's planted topic."""
    rng = random.Random(seed)
    background = _background(rng)
    weights = [1.0 / (rank + 1) for rank in range(len(background))]  # Zipf-like
    topics = [words.split() for words in TOPICS.values()]
    notes, truth = [], []
    for i in range(n):
        t = rng.randrange(len(topics))
        words = rng.sample(topics[t], rng.randint(3, 7))
        words += rng.choices(background, weights, k=rng.randint(9, 33))
        rng.shuffle(words)
        notes.append((i, " ".join(words).capitalize() + "."))
        truth.append(t)
    return Harvest(notes, truth)


def _import_seconds() -> tuple[float, bool]:
    """Cold import of the module in a fresh interpreter, and whether it pulled in sklearn."""
    code = (
        "import sys,time; t=time.perf_counter(); import coproduce.reports.themes; "
        "print(time.perf_counter()-t, 'sklearn' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    seconds, sklearn = out.stdout.split()
    return float(seconds), sklearn == "True"


def _cold_call_seconds(seed: int) -> float:
    code = (
        "import sys, time; sys.path.insert(0, sys.argv[1]); from run import harvest; "
        "notes = harvest(200, int(sys.argv[2])).notes; t = time.perf_counter(); "
        "from coproduce.reports.themes import find_themes; find_themes(notes); "
        "print(time.perf_counter() - t)"
    )
    here = os.path.dirname(os.path.abspath(__file__))
    out = subprocess.run(
        [sys.executable, "-c", code, here, str(seed)], capture_output=True, text=True, check=True
    )
    return float(out.stdout)


@dataclass(frozen=True)
class Row:
    n: int
    times: list[float]
    cpu: float
    result: Any
    ari: float


def _runs(n: int) -> int:
    return 15 if n <= 500 else 5 if n <= 5000 else 2


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[200, 2000, 20000])
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    from sklearn import __version__ as sklearn_version
    from sklearn.metrics import adjusted_rand_score
    from threadpoolctl import threadpool_limits

    from coproduce.reports.themes import find_themes

    import_s, pulled = _import_seconds()
    load_before = os.getloadavg()
    rows = []
    with threadpool_limits(limits=1):
        find_themes(harvest(50, args.seed).notes, seed=args.seed)  # warm: first sklearn calls
        for n in args.sizes:
            data = harvest(n, args.seed)
            times, cpu = [], []
            for _ in range(_runs(n)):
                start, start_cpu = time.perf_counter(), time.process_time()
                result = find_themes(data.notes, seed=args.seed)
                times.append(time.perf_counter() - start)
                cpu.append(time.process_time() - start_cpu)
            where = {nid: k for k, th in enumerate(result.themes) for nid in th.note_ids}
            ari = adjusted_rand_score(data.truth, [where[i] for i, _ in data.notes])
            rows.append(Row(n, times, statistics.median(cpu), result, ari))
    load_after = os.getloadavg()

    print(
        f"Python {platform.python_version()}, scikit-learn {sklearn_version}, "
        f"{platform.machine()}, {os.cpu_count()} CPUs, 1 BLAS/OpenMP thread, seed {args.seed}"
    )
    print(
        f"Load average (1/5/15 min) before: {_fmt_load(load_before)}; "
        f"after: {_fmt_load(load_after)}"
    )
    print(
        f"Cold `import coproduce.reports.themes`: {import_s * 1000:.0f} ms "
        f"(scikit-learn imported: {'yes' if pulled else 'no'})\n"
    )
    print(
        f"Cold first call, 200 notes in a fresh process (imports numpy, SciPy, scikit-learn): "
        f"{_cold_call_seconds(args.seed):.2f} s\n"
    )
    print(
        "| notes | runs | wall median (s) | wall best (s) | CPU median (s) | themes (k) "
        "| silhouette | ARI vs planted |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|")
    for row in rows:
        g = row.result.groups[0]
        sil = f"{g.silhouette:.3f}" if g.silhouette is not None else "-"
        print(
            f"| {row.n:,} | {len(row.times)} | {statistics.median(row.times):.3f} "
            f"| {min(row.times):.3f} | {row.cpu:.3f} | {g.k} | {sil} | {row.ari:.3f} |"
        )


def _fmt_load(load: tuple[float, float, float]) -> str:
    return " / ".join(f"{x:.2f}" for x in load)


if __name__ == "__main__":
    main()
