"""Start-up of a web process: this checkout against an earlier commit, side by side.

    .venv/bin/python bench/startup/run.py [--baseline COMMIT] [--runs 5]

Each run is a fresh interpreter that sets Django up and loads every URL pattern (what a
gunicorn worker does before its first request), then reports the seconds it took, its peak
memory and which heavy libraries it imported. The baseline is checked out into a temporary
git worktree and imported from there (PYTHONPATH goes before the editable install), with the
same virtual environment, so only the code differs.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("ortools", "sklearn", "scipy", "weasyprint", "docx", "pandas", "pyarrow", "numpy", "PIL")
PROBE = f"""
import os, sys, time, resource, json
started = time.perf_counter()
import django
django.setup()
from django.urls import get_resolver
get_resolver().url_patterns
seconds = time.perf_counter() - started
import coproduce
print(json.dumps({{
    "seconds": seconds,
    "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    "heavy": [m for m in {HEAVY!r} if m in sys.modules],
    "from": coproduce.__file__,
}}))
"""


def measure(source: Path, runs: int, data: Path) -> dict:
    env = {
        **os.environ,
        "PYTHONPATH": str(source / "src"),
        "DJANGO_SETTINGS_MODULE": "coproduce.settings",
        "COPRODUCE_DATA_DIR": str(data),
    }
    env.pop("DATABASE_URL", None)
    samples = []
    for _ in range(runs):
        done = subprocess.run(
            [sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, check=True
        )
        samples.append(json.loads(done.stdout.strip().splitlines()[-1]))
    assert all(Path(s["from"]).is_relative_to(source) for s in samples), samples[0]["from"]
    return {
        "seconds": statistics.median(s["seconds"] for s in samples),
        "peak_mb": statistics.median(s["peak_mb"] for s in samples),
        "heavy": samples[-1]["heavy"],
    }


def main() -> int:
    parser = argparse.ArgumentParser()
    # The last commit before heavy imports were made lazy (issue 11).
    parser.add_argument("--baseline", default="733cd8b")
    parser.add_argument("--runs", type=int, default=5)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as work:
        tree = Path(work) / "baseline"
        subprocess.run(
            ["git", "-C", str(ROOT), "worktree", "add", "--detach", str(tree), options.baseline],
            check=True,
            capture_output=True,
        )
        try:
            # Interleaved, so a busy moment of the machine falls on both alike.
            rows = {"baseline": [], "now": []}
            for _ in range(options.runs):
                rows["baseline"].append(measure(tree, 1, Path(work) / "data"))
                rows["now"].append(measure(ROOT, 1, Path(work) / "data"))
        finally:
            subprocess.run(
                ["git", "-C", str(ROOT), "worktree", "remove", "--force", str(tree)], check=True
            )
    summary = {
        name: {
            "seconds": statistics.median(r["seconds"] for r in runs),
            "peak_mb": statistics.median(r["peak_mb"] for r in runs),
            "heavy": runs[-1]["heavy"],
        }
        for name, runs in rows.items()
    }
    base, now = summary["baseline"], summary["now"]
    print(f"Median of {options.runs} fresh interpreters each; baseline {options.baseline}.\n")
    print("| | start-up s | peak memory MB | heavy libraries imported |")
    print("|---|---:|---:|---|")
    for name, row in summary.items():
        heavy = ", ".join(row["heavy"]) or "none"
        print(f"| {name} | {row['seconds']:.2f} | {row['peak_mb']:.0f} | {heavy} |")
    print(
        f"\nNow / baseline: start-up x{now['seconds'] / base['seconds']:.2f}, "
        f"memory x{now['peak_mb'] / base['peak_mb']:.2f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
