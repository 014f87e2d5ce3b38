"""CPU per request, by kind of request: the web process's and PostgreSQL's, measured apart.

    .venv/bin/python bench/load/cost.py [--repeat 300]

The load run (run.py) says how long people waited; this says where a request's CPU goes, on
a quiet machine, so that a change to the hot paths can be judged in a minute rather than in a
2.5-minute room whose figures move with whatever else the machine does. It seeds the same
scenario as run.py into a database of its own on the machine's PostgreSQL, then asks each page
`--repeat` times through Django's test client in one process (no gunicorn: its share is the
same for every request and shows in run.py's profile), reading this process's CPU time and the
PostgreSQL backend's from /proc around each batch.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import stack  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=300)
    parser.add_argument("--phones", type=int, default=300)
    parser.add_argument("--profile", type=Path, help="write a cProfile file per kind here")
    options = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="coproduce-cost-"))
    database = stack.Database()
    database.create()
    try:
        env = stack.environment(database.url, work / "data", LOG_LEVEL="WARNING")
        if options.profile:
            options.profile.mkdir(parents=True, exist_ok=True)
            env["COST_PROFILE_DIR"] = str(options.profile.resolve())
        stack.prepare(env, phones=options.phones, voters=100, facilitators=5, out=work / "s.json")
        measured = subprocess.run(
            [
                sys.executable,
                str(stack.HERE / "scenario.py"),
                "cost",
                str(work / "s.json"),
                str(options.repeat),
            ],
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
        results = json.loads(measured.stdout.strip().splitlines()[-1])
    finally:
        database.drop()
        stack.remove(work)
    print("| request | web CPU ms | PostgreSQL CPU ms | total ms | queries |")
    print("|---|---:|---:|---:|---:|")
    for name, row in results.items():
        print(
            f"| {name} | {row['web_ms']:.2f} | {row['postgres_ms']:.2f} | "
            f"{row['web_ms'] + row['postgres_ms']:.2f} | {row['queries']} |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
