"""PostgreSQL stopped and started again under load: clean 503s meanwhile, recovery on its own.

    .venv/bin/python bench/faults/run.py [--down 10] [--before 10] [--after 20]
        [--phones 60] [--voters 20] [--no-health-checks] [--out bench/out/faults/results.json]

Never touches the machine's PostgreSQL: it makes a throwaway cluster of its own (initdb and
pg_ctl, run as the `postgres` user, on a free port, its socket in a temporary folder), a
database in it, and `coproduce serve --workers 2` pointed at it. A light room (phones polling,
voters voting, a facilitator; bench/load/crowd.py) arrives, and then:

    before   seconds of normal service
    stop     pg_ctl stop -m fast (backends are cut off mid-query)
    down     seconds with no database
    start    pg_ctl start; the moment a connection succeeds is "PostgreSQL is back"
    after    seconds of service again

Measured: every answer that was not the page's normal one (it must be a 503 carrying the retry
page and Retry-After, never a traceback nor a dropped connection); the time from "PostgreSQL is
back" to the first normal answer and to the moment after which every request got its normal
answer (target: 5 s); whether the web and worker processes are the same ones (same ids) at the
end; whether the task worker survived; and that no vote answered as saved was lost or doubled.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "load"))

import stack  # noqa: E402

PG_BIN = Path("/usr/lib/postgresql/15/bin")
RECOVERY_TARGET_SECONDS = 5.0


class Cluster:
    """A PostgreSQL cluster of the bench's own, run by the postgres user (initdb refuses root)."""

    def __init__(self, folder: Path):
        self.folder, self.port = folder, stack.free_port()
        self.data, self.sockets, self.log = folder / "data", folder / "sockets", folder / "pg.log"

    def _as_postgres(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        return subprocess.run(
            ["runuser", "-u", "postgres", "--", *args],
            cwd=self.folder,
            check=check,
            capture_output=True,
            text=True,
        )

    def create(self) -> None:
        self.sockets.mkdir()
        subprocess.run(["chown", "-R", "postgres:postgres", str(self.folder)], check=True)
        initdb = [str(PG_BIN / "initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres"]
        self._as_postgres(*initdb, "--no-sync")
        self.start()

    def start(self) -> None:
        options = f"-p {self.port} -k {self.sockets} -c listen_addresses=127.0.0.1"
        pg_ctl = [str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-l", str(self.log)]
        self._as_postgres(*pg_ctl, "-o", options, "-w", "start")

    def stop(self, check: bool = True) -> None:
        self._as_postgres(
            str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop", check=check
        )

    def accepts_connections(self) -> bool:
        import psycopg

        address = {"host": "127.0.0.1", "port": self.port, "user": "postgres"}
        try:
            psycopg.connect(**address, dbname="postgres", connect_timeout=1).close()
        except psycopg.OperationalError:
            return False
        return True


class Fault:
    """The outage, run beside the room; it notes when each step happened (room seconds)."""

    def __init__(self, cluster: Cluster, before: float, down: float):
        self.cluster, self.before, self.down = cluster, before, down
        self.moments: dict[str, float] = {}

    async def run(self, room) -> None:
        await room.until(room.arrival + self.before)
        self.moments["stop asked"] = room.now()
        await asyncio.to_thread(self.cluster.stop)
        self.moments["stopped"] = room.now()
        await room.until(self.moments["stop asked"] + self.down)
        self.moments["start asked"] = room.now()
        starting = asyncio.create_task(asyncio.to_thread(self.cluster.start))
        while not await asyncio.to_thread(self.cluster.accepts_connections):
            await asyncio.sleep(0.05)
        self.moments["back"] = room.now()
        self.back_at = time.time()  # wall clock, to compare with the task queue's times
        await starting


def main() -> int:
    options = _options()
    stack.ensure_tools()
    import crowd  # after ensure_tools: it needs httpx

    folder = Path(tempfile.mkdtemp(prefix="coproduce-faults-"))
    folder.chmod(0o711)  # the postgres user passes through to its cluster, sees nothing else
    cluster = Cluster(folder / "cluster")
    cluster.folder.mkdir()
    work = folder / "work"
    work.mkdir()
    try:
        cluster.create()
        database = stack.Database(port=cluster.port)
        database.create()
        extra = {"LOG_LEVEL": "WARNING"}
        if options.no_health_checks:
            extra["DB_HEALTH_CHECKS"] = "false"
        env = stack.environment(database.url, work / "data", **extra)
        scenario = stack.prepare(
            env,
            phones=options.phones,
            voters=options.voters,
            facilitators=1,
            out=work / "scenario.json",
        )
        results = _measure(options, crowd, cluster, env, scenario, work)
    finally:
        cluster.stop(check=False)
        stack.remove(folder)
    options.out.parent.mkdir(parents=True, exist_ok=True)
    options.out.write_text(json.dumps(results, indent=2))
    print(markdown(results))
    print(f"\nFigures written to {options.out}")
    return 0 if results["passed"] else 1


def _measure(options, crowd, cluster, env, scenario, work) -> dict:
    """Serve, let the room in, take the database away and back; read what happened."""
    server = stack.Server(env, work / "serve.log")
    try:
        server.wait_ready()
        pids_before = server.processes()
        fault = Fault(cluster, options.before, options.down)
        room = asyncio.run(
            crowd.run_room(
                server.base_url,
                scenario,
                phones=options.phones,
                voters=options.voters,
                facilitators=1,
                arrival=options.arrival,
                seconds=options.before + options.down + options.after,
                during=fault.run,
            )
        )
        # Read while the server still runs: after stop() every process is gone.
        pids_after = {
            role: [p for p in pids if stack.alive(p)] for role, pids in server.processes().items()
        }
        alive = {role: [p for p in pids if stack.alive(p)] for role, pids in pids_before.items()}
        # Votes after the restart ask for new opinion maps: the worker must have made some.
        tasks_after = stack.scenario_command(env, "tasks-since", str(fault.back_at))["finished"]
        worker_log = _worker_log(work / "serve.log", pids_before)
    finally:
        server.stop()
    results = _results(options, room, fault, pids_before, pids_after, alive, env, work)
    results["tasks_finished_after_back"] = tasks_after
    results["passed"] = results["passed"] and tasks_after > 0
    return {
        **results,
        "task_worker_log": worker_log,
        "error_log_lines": _error_lines(work / "serve.log"),
    }


def _options():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--arrival", type=float, default=5)
    parser.add_argument("--before", type=float, default=10)
    parser.add_argument("--down", type=float, default=10)
    parser.add_argument("--after", type=float, default=20)
    parser.add_argument("--phones", type=int, default=60)
    parser.add_argument("--voters", type=int, default=20)
    parser.add_argument(
        "--no-health-checks", action="store_true", help="run with DB_HEALTH_CHECKS=false"
    )
    parser.add_argument(
        "--out", type=Path, default=stack.ROOT / "bench" / "out" / "faults" / "results.json"
    )
    return parser.parse_args()


# Results -----------------------------------------------------------------------------------


def _results(options, room, fault, pids_before, pids_after, alive, env, work) -> dict:
    moments = fault.moments
    records = [r for r in room.records if r.started >= room.arrival]
    outage = [r for r in records if moments["stop asked"] <= r.started < moments["back"]]
    # Asked after pg_ctl said "stopped" and before it was asked to start: surely no database.
    down = [r for r in records if moments["stopped"] <= r.started < moments["start asked"]]
    failed = [r for r in records if not r.ok]
    unclean = [r for r in failed if not (r.status == 503 and r.retry_page)]
    back = moments["back"]
    first_ok = min(
        (r.started + r.seconds for r in records if r.ok and r.started >= back), default=None
    )
    last_failure = max((r.started for r in failed), default=None)
    all_ok_after = 0.0 if last_failure is None else max(0.0, last_failure - back)
    posted = {"votes": room.votes, "unsure_votes": room.unsure_votes, "notes": room.notes}
    (work / "posted.json").write_text(json.dumps(posted))
    scenario = str(work / "scenario.json")
    kept = stack.scenario_command(env, "check", scenario, str(work / "posted.json"))
    same = {role: pids_before[role] == alive[role] for role in pids_before}
    # The task worker may also have been started again by serve: a worker runs at the end.
    worker_runs = bool(pids_after["task worker"])  # alive when the room left (read before stop)
    recovered = first_ok is not None and all_ok_after <= RECOVERY_TARGET_SECONDS
    return {
        **stack.git_state(),
        "setup": {
            "phones": options.phones,
            "voters": options.voters,
            "facilitators": 1,
            "down_seconds": options.down,
            "health_checks": not options.no_health_checks,
        },
        "moments": {k: round(v, 2) for k, v in moments.items()},
        "requests": len(records),
        "during_outage": _statuses(outage),
        "surely_down": _statuses(down),
        "failed_answers": _statuses(failed),
        "unclean_failures": _statuses(unclean),
        "tracebacks": sum(1 for r in records if r.traceback),
        "first_normal_answer_after_back_s": None if first_ok is None else round(first_ok - back, 2),
        "all_normal_after_back_s": round(all_ok_after, 2),
        "same_processes": same,
        "task_worker_running_at_the_end": worker_runs,
        "pids_before": pids_before,
        "pids_after": pids_after,
        "kept": kept,
        "passed": not unclean
        and set(_statuses(down)) <= {"503 retry page"}
        and recovered
        and all(same[r] for r in ("serve", "gunicorn master", "gunicorn workers"))
        and worker_runs
        and kept["votes_lost"] == 0
        and kept["duplicate_vote_rows"] == 0,
    }


def _statuses(records) -> dict[str, int]:
    counts: dict[str, int] = {}
    for r in records:
        label = f"{r.status} retry page" if r.retry_page else str(r.status)
        counts[label] = counts.get(label, 0) + 1
    return counts


def _worker_log(log: Path, pids: dict) -> list[str]:
    """If the task worker stopped, why: the exceptions of the tracebacks in the server log. The
    web processes log one-line warnings for a missing database, never tracebacks, and their
    lines interleave with the worker's, so only the exception lines are taken."""
    if all(stack.alive(pid) for pid in pids["task worker"]):
        return []
    lines = log.read_text(errors="replace").splitlines()
    return [line for line in lines if EXCEPTION_LINE.match(line)][-4:] or ["(no traceback)"]


EXCEPTION_LINE = re.compile(r"^[A-Za-z_][\w.]*(Error|Exception|Shutdown|Exit): ")


def _error_lines(log: Path) -> dict[str, int]:
    """Log records at ERROR level, by logger: each would be mailed to ADMINS when set."""
    counts: dict[str, int] = {}
    for line in log.read_text(errors="replace").splitlines():
        if (found := LOGGED.match(line)) and found.group(1) in {"ERROR", "CRITICAL"}:
            counts[found.group(2)] = counts.get(found.group(2), 0) + 1
    return counts


LOGGED = re.compile(r"^\S+ \S+ (\w+) ([\w.]+): ")


def markdown(results: dict) -> str:
    setup, moments = results["setup"], results["moments"]
    yes = {True: "yes", False: "**no**"}
    lines = [
        f"## PostgreSQL stopped for {setup['down_seconds']:.0f} s under load "
        f"({setup['phones']} phones, {setup['voters']} voters, 1 facilitator; "
        f"health checks {'on' if setup['health_checks'] else 'off'})",
        "",
        f"Commit `{results['commit']}`"
        + (
            f" with {results['uncommitted_files']} uncommitted files in the working tree."
            if results["uncommitted_files"]
            else "."
        ),
        "",
        "| moment (seconds into the run) | s |",
        "|---|---:|",
        *(f"| {name} | {value} |" for name, value in moments.items()),
        "",
        "| measure | value |",
        "|---|---|",
        f"| requests after arrival | {results['requests']} |",
        f"| answers to requests sent from 'stop asked' to 'back' | {results['during_outage']} |",
        f"| answers to requests sent from 'stopped' to 'start asked' | {results['surely_down']} |",
        f"| every answer that was not the normal one | {results['failed_answers'] or 'none'} |",
        f"| of which not a clean 503 retry page | {results['unclean_failures'] or 'none'} |",
        f"| bodies with a traceback | {results['tracebacks']} |",
        f"| error records in the server log (mailed to ADMINS when set) | "
        f"{results['error_log_lines'] or 'none'} |",
        f"| first normal answer after PostgreSQL was back | "
        f"{results['first_normal_answer_after_back_s']} s |",
        f"| every request normal again after | {results['all_normal_after_back_s']} s "
        f"(target ≤ {RECOVERY_TARGET_SECONDS:.0f} s) |",
        *(
            f"| same {role} process(es) at the end | {yes[same]} |"
            for role, same in results["same_processes"].items()
        ),
        f"| a task worker runs at the end (the same, or started again) | "
        f"{yes[results['task_worker_running_at_the_end']]} |",
        f"| background tasks it finished after PostgreSQL was back | "
        f"{results['tasks_finished_after_back']} |",
        f"| votes answered as saved but lost | {results['kept']['votes_lost']} |",
        f"| duplicate vote rows | {results['kept']['duplicate_vote_rows']} |",
        "",
        f"Passed: {yes[results['passed']]}.",
    ]
    if results["task_worker_log"]:
        lines += [
            "",
            "Why the task worker stopped (the exceptions in its tracebacks):",
            "",
            "```",
            *results["task_worker_log"],
            "```",
        ]
    return "\n".join(lines)


if __name__ == "__main__":
    if os.geteuid() != 0:
        sys.exit("bench/faults/run.py runs initdb as the postgres user: run it as root.")
    sys.exit(main())
