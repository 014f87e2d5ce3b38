"""A full room under load: 300 phones, 100 voters and 5 facilitators against `coproduce serve`.

    .venv/bin/python bench/load/run.py [--seconds 60] [--phones 300] [--voters 100]
        [--facilitators 5] [--arrival 10] [--no-profile] [--out bench/out/load/results.json]

Starts everything itself, on this machine: a PostgreSQL database of its own on the server at
127.0.0.1:5432 (created, then dropped), a data folder of its own, migrations, a seeded café (300
participants at 60 tables with a plan, round 1 under way) and a conversation of 40 statements,
then `coproduce serve --workers 2` on a free port (gunicorn and a task worker). The room arrives
in the first `--arrival` seconds, then is measured for `--seconds` (see crowd.py for what each
person does). Meanwhile py-spy samples both gunicorn workers for 10 s, and the CPU time of every
party is read from /proc. Afterwards: the SQL queries each kind of page runs, and a check that
every vote and note answered as saved is in the database exactly once.

Prints Markdown and writes the figures as JSON. Exit status 1 when the target is missed: phone
polls p95 under 100 ms and no error. Set REDIS_URL to keep sessions in Redis as production does.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import resource
import signal
import subprocess
import sys
import tempfile
import time
import timeit
from pathlib import Path
from subprocess import DEVNULL

sys.path.insert(0, str(Path(__file__).resolve().parent))

import stack  # noqa: E402

TARGET_P95_MS = 100.0
PROFILE_SECONDS = 10
POSTGRES_CPU = "PostgreSQL backends of the bench's database"
PROFILE_RATE = 50  # samples per second and thread: py-spy itself takes CPU from the 2 we have


def main() -> int:
    options = _options()
    stack.ensure_tools()
    import crowd  # after ensure_tools: it needs httpx

    work = Path(tempfile.mkdtemp(prefix="coproduce-load-"))
    database = stack.Database()
    database.create()
    try:
        env = stack.environment(database.url, work / "data", LOG_LEVEL="WARNING")
        started = time.monotonic()
        scenario = stack.prepare(
            env,
            phones=options.phones,
            voters=options.voters,
            facilitators=options.facilitators,
            out=work / "scenario.json",
        )
        prepared = time.monotonic() - started
        results = _measure(options, crowd, env, scenario, work, database, prepared)
    finally:
        database.drop()
        if options.keep:
            print(f"Kept {work} (server log, scenario, profiles)", file=sys.stderr)
        else:
            stack.remove(work)
    options.out.parent.mkdir(parents=True, exist_ok=True)
    options.out.write_text(json.dumps(results, indent=2))
    print(markdown(results))
    print(f"\nFigures written to {options.out}")
    return 0 if results["target_met"] else 1


def _measure(options, crowd, env, scenario, work, database, prepared) -> dict:
    """Serve, measure one phone alone, then the room; the figures once the server is down."""
    server = stack.Server(env, work / "serve.log")
    try:
        server.wait_ready()
        alone = _alone(crowd, server, scenario, work, not options.no_profile)
        watch = Watch(server, database.name, work, profile=not options.no_profile)
        room = asyncio.run(
            crowd.run_room(
                server.base_url,
                scenario,
                phones=options.phones,
                voters=options.voters,
                facilitators=options.facilitators,
                arrival=options.arrival,
                seconds=options.seconds,
                during=watch.run,
            )
        )
    finally:
        server.stop()
    return {**_results(options, crowd, room, watch, env, work, prepared), "one_phone_alone": alone}


def _options():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--arrival", type=float, default=30, help="seconds to arrive in")
    parser.add_argument("--phones", type=int, default=300)
    parser.add_argument("--voters", type=int, default=100)
    parser.add_argument("--facilitators", type=int, default=5)
    parser.add_argument("--no-profile", action="store_true", help="do not run py-spy")
    parser.add_argument("--keep", action="store_true", help="keep the work folder (server log)")
    parser.add_argument(
        "--out", type=Path, default=stack.ROOT / "bench" / "out" / "load" / "results.json"
    )
    return parser.parse_args()


ALONE_POLLS = 200


def _alone(crowd, server, scenario, work: Path, profile: bool) -> dict:
    """Before the room arrives: one phone polling back to back, the web workers' CPU per poll,
    and (py-spy, 200 Hz) where that CPU goes."""
    workers = server.processes()["gunicorn workers"]
    # Warm up first: each worker imports the views and templates on its first requests.
    asyncio.run(crowd.alone(server.base_url, scenario, 20))
    runs = start_py_spy(workers, work, "alone", 200) if profile else []
    before = sum(stack.cpu_seconds(p) for p in workers)
    times = asyncio.run(crowd.alone(server.base_url, scenario, ALONE_POLLS))
    cpu = sum(stack.cpu_seconds(p) for p in workers) - before
    profiles = finish_py_spy(runs, interrupt=True)
    return {
        "polls": ALONE_POLLS,
        "p50_ms": round(crowd.percentile(times, 0.5), 1),
        "p95_ms": round(crowd.percentile(times, 0.95), 1),
        "worker_cpu_ms_per_poll": round(1000 * cpu / (ALONE_POLLS + 3), 1),
        "profile": read_profiles(profiles) if profiles else None,
    }


class Watch:
    """Beside the room: CPU time of every party over the measured window, and py-spy."""

    def __init__(self, server, database: str, work: Path, *, profile: bool):
        self.server, self.database, self.work, self.profile = server, database, work, profile
        self.cpu: dict[str, float] = {}
        self.profiles: list[Path] = []

    async def run(self, room) -> None:
        await room.until(room.arrival)
        self.log_start = self.server.log_path.stat().st_size  # the measured window's requests
        pids = self.server.processes()
        before = self._cpu(pids)
        backends = asyncio.create_task(self._postgres(room))
        if self.profile:
            await room.until(room.arrival + (room.seconds - PROFILE_SECONDS) / 2)
            await self._py_spy(pids["gunicorn workers"])
        await room.until(room.end)
        after = self._cpu(pids)
        self.cpu = {name: round(after[name] - before[name], 1) for name in before}
        self.cpu[POSTGRES_CPU] = round(await backends, 1)
        ours = sum(v for k, v in self.cpu.items() if not k.startswith("whole machine"))
        self.cpu["everything else on the machine (other sessions, PostgreSQL's own)"] = round(
            self.cpu["whole machine, busy"] - ours, 1
        )
        self.pids = pids

    def _cpu(self, pids) -> dict[str, float]:
        own = os.times()
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        machine = stack.machine_cpu_seconds()
        return {
            "gunicorn workers": sum(stack.cpu_seconds(p) for p in pids["gunicorn workers"]),
            "gunicorn master": sum(stack.cpu_seconds(p) for p in pids["gunicorn master"]),
            "task worker": sum(stack.cpu_seconds(p) for p in pids["task worker"]),
            "load generator (this script)": own.user + own.system,
            "py-spy": children.ru_utime + children.ru_stime,
            "whole machine, busy": machine["busy"],
            "whole machine, stolen by the hypervisor": machine["stolen"],
        }

    async def _postgres(self, room) -> float:
        """Backends come and go (a connection lives CONN_MAX_AGE seconds), taking their CPU
        time with them: each is read every half second and counted up to its last reading."""
        first = stack.postgres_backends(self.database)
        last = dict(first)
        while room.now() < room.end:
            await asyncio.sleep(0.5)
            last.update(stack.postgres_backends(self.database))
        return sum(seconds - first.get(pid, 0.0) for pid, seconds in last.items())

    async def _py_spy(self, workers: list[int]) -> None:
        runs = start_py_spy(workers, self.work, "room", PROFILE_RATE, seconds=PROFILE_SECONDS)
        self.profiles = await asyncio.to_thread(finish_py_spy, runs)


def start_py_spy(pids, folder: Path, name: str, rate: int, seconds: float | None = None):
    """py-spy on each process, sampling only the thread that holds the GIL (where the CPU
    goes), without pausing the process (--nonblocking: a few samples are lost instead)."""
    runs = []
    for pid in pids:
        out = folder / f"py-spy-{name}-{pid}.txt"
        command = [str(stack.BIN / "py-spy"), "record", "--pid", str(pid), "--rate", str(rate)]
        command += ["--format", "raw", "--gil", "--nonblocking", "--output", str(out)]
        if seconds is not None:
            command += ["--duration", str(seconds)]
        runs.append((subprocess.Popen(command, stdout=DEVNULL, stderr=DEVNULL), out))
    return runs


def finish_py_spy(runs, interrupt: bool = False) -> list[Path]:
    """Wait for py-spy (or stop it: on SIGINT it writes what it has) and name its files."""
    for process, _ in runs:
        if interrupt:
            process.send_signal(signal.SIGINT)
        process.wait(timeout=60)
    return [out for _, out in runs]


# Where the time goes ---------------------------------------------------------------------------

# A sample belongs to the innermost frame that names one of these (checked leaf first), so a
# query run while a template renders counts as database work, not as template work.
CATEGORIES = [
    ("psycopg", "PostgreSQL driver (psycopg: sending queries, reading rows)"),
    ("django/db/", "ORM (building SQL, making model objects)"),
    ("django/template", "templates"),
    ("django/contrib/sessions", "sessions"),
    ("django/contrib/auth", "authentication"),
    ("django/contrib/messages", "messages"),
    ("django/middleware", "middleware"),
    ("whitenoise", "middleware"),
    ("django/urls", "URL routing"),
    # Signals count for whoever sent them: mostly pre_init and post_init, sent for every model
    # object made (so ORM), and request_finished.
    ("django/dispatch", None),
    ("django/core/handlers", "Django's request handler"),
    ("django/utils/translation", "translation"),
    ("django/http", "HTTP requests and responses"),
    ("logging", "logging"),
    ("gunicorn", "gunicorn (sockets, HTTP parsing, access log)"),
    ("coproduce/", "coproduce's own code"),
    ("django/", "other Django"),
]


def _category(frames: list[str]) -> str:
    for frame in reversed(frames):
        mark, name = next(((m, n) for m, n in CATEGORIES if m in frame), (None, None))
        if mark is not None and name is not None:
            return name
    return "other (standard library)"


DATABASE_WORK = {CATEGORIES[0][1], CATEGORIES[1][1]}  # the driver and the ORM


def read_profiles(paths: list[Path]) -> dict:
    stacks: list[tuple[list[str], int]] = []
    for path in paths:
        if path.exists():
            for line in path.read_text().splitlines():
                frames, _, count = line.rpartition(" ")
                if frames and count.isdigit():
                    stacks.append((frames.split(";"), int(count)))
    total = sum(count for _, count in stacks) or 1
    categories: dict[str, int] = {}
    views: dict[str, int] = {}
    leaves: dict[str, int] = {}
    askers: dict[str, int] = {}
    for frames, count in stacks:
        category = _category(frames)
        categories[category] = categories.get(category, 0) + count
        view = next((f for f in frames if "coproduce/" in f and "views.py" in f), None)
        view = view and view.split(":")[0] + ")"  # the function, whatever line is running
        if view:
            views[view] = views.get(view, 0) + count
        leaves[frames[-1]] = leaves.get(frames[-1], 0) + count
        if category in DATABASE_WORK:
            # The line of ours that asked: the innermost frame of coproduce's own code.
            ours = next((f for f in reversed(frames) if "coproduce/" in f), "(no line of ours)")
            askers[ours] = askers.get(ours, 0) + count

    def shares(counts: dict[str, int], top: int) -> list[tuple[str, float]]:
        ranked = sorted(counts.items(), key=lambda item: -item[1])[:top]
        return [(name, round(100 * count / total, 1)) for name, count in ranked]

    return {
        "samples": total,
        "categories": shares(categories, 20),
        "views": shares(views, 10),
        "hottest_frames": shares(leaves, 10),
        "database_work_asked_by": shares(askers, 10),
    }


# Results -----------------------------------------------------------------------------------


def _results(options, crowd, room, watch, env, work, prepared) -> dict:
    steady = [r for r in room.records if r.started >= room.arrival]
    arriving = [r for r in room.records if r.started < room.arrival]
    posted = {
        "votes": room.votes,
        "unsure_votes": room.unsure_votes,
        "notes": room.notes,
        "unsure_notes": room.unsure_notes,
    }
    (work / "posted.json").write_text(json.dumps(posted))
    scenario_file = str(work / "scenario.json")
    checked = stack.scenario_command(env, "check", scenario_file, str(work / "posted.json"))
    queries = stack.scenario_command(env, "queries", scenario_file)
    pages = crowd.by_kind(steady)
    poll = pages.get("phone poll", {})
    errors = crowd.errors_by_status(room.records)
    lag = sorted(room.lag)
    kept = all(checked[k] == 0 for k in checked if k.endswith(("lost", "duplicated", "value")))
    kept = kept and checked["duplicate_vote_rows"] == 0 and checked["votes_unaccounted"] == 0
    return {
        **stack.git_state(),
        "machine": _machine(),
        "setup": {
            "phones": options.phones,
            "voters": options.voters,
            "facilitators": options.facilitators,
            "arrival_seconds": options.arrival,
            "measured_seconds": options.seconds,
            "server": "coproduce serve --workers 2: gunicorn gthread, 8 threads each; task worker",
            "redis": bool(os.environ.get("REDIS_URL")),
            "migrate_and_seed_seconds": round(prepared, 1),
        },
        "requests_per_second": round(len(steady) / options.seconds, 1),
        "server_cpu_ms_per_request": round(
            1000 * (watch.cpu["gunicorn workers"] + watch.cpu[POSTGRES_CPU]) / max(len(steady), 1),
            1,
        ),
        "pages": pages,
        "arrival_pages": crowd.by_kind(arriving),
        "server_side": crowd.server_side(stack.access_log(watch.server.log_path, watch.log_start)),
        "errors_by_status": errors,
        "kept": checked,
        "nothing_lost_or_duplicated": kept,
        "queries_per_page": queries,
        "cpu_seconds": watch.cpu,
        "event_loop_lag_ms": {
            "p50": round(crowd.percentile(lag, 0.5) * 1000, 1),
            "p99": round(crowd.percentile(lag, 0.99) * 1000, 1),
        },
        "profile": read_profiles(watch.profiles) if watch.profiles else None,
        "target_met": bool(poll) and poll["p95_ms"] < TARGET_P95_MS and not errors and kept,
    }


def _machine() -> dict:
    version = subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-tAc", "show server_version", "postgres"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    # A yardstick to compare machines by: how long this Python takes for a simple loop.
    loop = min(timeit.repeat("sum(range(10**6))", number=1, repeat=5))
    return {
        "cpus": os.cpu_count(),
        "python_sum_range_1e6_ms": round(loop * 1000, 1),
        "python": platform.python_version(),
        "postgresql": version,
        "kernel": platform.release(),
    }


def markdown(results: dict) -> str:
    setup, alone = results["setup"], results["one_phone_alone"]
    lines = [
        f"## A full room: {setup['phones']} phones, {setup['voters']} voters, "
        f"{setup['facilitators']} facilitators, {setup['measured_seconds']:.0f} s",
        "",
        f"Commit `{results['commit']}`"
        + (
            f" with {results['uncommitted_files']} uncommitted files in the working tree"
            if results["uncommitted_files"]
            else ""
        )
        + f"; {results['machine']['cpus']} CPUs shared by server, PostgreSQL and load; "
        f"PostgreSQL {results['machine']['postgresql']}, Python {results['machine']['python']} "
        f"(`sum(range(10**6))` in {results['machine']['python_sum_range_1e6_ms']} ms); "
        f"Redis sessions: {'yes' if setup['redis'] else 'no'}.",
        "",
        f"**{results['requests_per_second']} requests per second** over the measured window; "
        f"errors by status: {results['errors_by_status'] or 'none'}. Web workers and PostgreSQL "
        f"together spent {results['server_cpu_ms_per_request']} ms of CPU per request: two "
        f"CPUs of their own would serve at most "
        f"{2000 / max(results['server_cpu_ms_per_request'], 0.1):.0f} requests per second.",
        "",
        f"One phone alone, {alone['polls']} polls back to back before the room arrives: "
        f"p50 {alone['p50_ms']} ms, p95 {alone['p95_ms']} ms, "
        f"{alone['worker_cpu_ms_per_poll']} ms of web-worker CPU per poll.",
        "",
        _table(results["pages"], "page kind (measured window)"),
        "",
        _server_table(results["server_side"]),
        "",
        _table(results["arrival_pages"], "arriving (first seconds)"),
        "",
        "| nothing lost or duplicated | count |",
        "|---|---:|",
        *(f"| {name.replace('_', ' ')} | {value} |" for name, value in results["kept"].items()),
        "",
        "| queries per request (after the load) | queries |",
        "|---|---:|",
        *(f"| {name} | {v['queries']} |" for name, v in results["queries_per_page"].items()),
        "",
        f"| CPU seconds over the {setup['measured_seconds']:.0f} s window | seconds | share of "
        "2 CPUs |",
        "|---|---:|---:|",
        *(
            f"| {name} | {seconds} | {100 * seconds / setup['measured_seconds'] / 2:.0f}% |"
            for name, seconds in results["cpu_seconds"].items()
        ),
        "",
        f"Load generator's event loop woke late by {results['event_loop_lag_ms']['p50']} ms "
        f"(median), {results['event_loop_lag_ms']['p99']} ms (p99): that much of each latency "
        "is the client's.",
    ]
    if results["profile"]:
        title = (
            f"py-spy --gil, both gunicorn workers, {PROFILE_SECONDS} s of the room at "
            f"{PROFILE_RATE} Hz"
        )
        lines += _profile_lines(results["profile"], title)
    if alone["profile"]:
        title = "py-spy --gil, one phone alone (its polls only), 200 Hz"
        lines += _profile_lines(alone["profile"], title)
    met = "met" if results["target_met"] else "NOT met"
    lines += [
        "",
        f"Target (phone polls p95 < {TARGET_P95_MS:.0f} ms, no error, nothing lost): {met}.",
    ]
    return "\n".join(lines)


def _table(pages: dict, title: str) -> str:
    rows = [
        f"| {title} | requests | p50 ms | p95 ms | p99 ms | max ms | errors |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for kind, v in sorted(pages.items()):
        rows.append(
            f"| {kind} | {v['requests']} | {v['p50_ms']} | {v['p95_ms']} | {v['p99_ms']} | "
            f"{v['max_ms']} | {v['errors']} |"
        )
    return "\n".join(rows)


def _server_table(pages: dict) -> str:
    rows = [
        "| as the server logged them (gunicorn request time) | requests | p50 ms | p95 ms | "
        "p99 ms |",
        "|---|---:|---:|---:|---:|",
    ]
    for kind, v in sorted(pages.items()):
        rows.append(f"| {kind} | {v['requests']} | {v['p50_ms']} | {v['p95_ms']} | {v['p99_ms']} |")
    return "\n".join(rows)


def _profile_lines(profile: dict, title: str) -> list[str]:
    lines = [
        "",
        f"{title}: samples of the thread holding the GIL ({profile['samples']}):",
        "",
        "| where the workers' CPU goes | share |",
        "|---|---:|",
        *(f"| {name} | {share}% |" for name, share in profile["categories"]),
        "",
        "| view (inclusive) | share |",
        "|---|---:|",
        *(f"| `{name}` | {share}% |" for name, share in profile["views"]),
        "",
        "| ORM and driver time, by the line of coproduce that asked | share |",
        "|---|---:|",
        *(f"| `{name}` | {share}% |" for name, share in profile["database_work_asked_by"]),
        "",
        "| hottest frames (self) | share |",
        "|---|---:|",
        *(f"| `{name}` | {share}% |" for name, share in profile["hottest_frames"]),
    ]
    return lines


if __name__ == "__main__":
    sys.exit(main())
