"""The real stack for a bench run: a database of its own, `coproduce serve`, and its processes.

Shared by bench/load/run.py and bench/faults/run.py. Everything made here is removed at the end:
the database is dropped, the data folder deleted, every process started is stopped by its id.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
BIN = Path(sys.executable).parent
TICKS = os.sysconf("SC_CLK_TCK")


def ensure_tools() -> None:
    """httpx (the load's client) and py-spy (the profiler) belong to the bench, not the project:
    installed into this venv the first time, never listed in pyproject."""
    missing = []
    if importlib.util.find_spec("httpx") is None:
        missing.append("httpx")
    if not (BIN / "py-spy").exists():
        missing.append("py-spy")
    if missing:
        print(f"Installing {' '.join(missing)} into {BIN.parent} ...", file=sys.stderr)
        subprocess.run([sys.executable, "-m", "pip", "install", "-q", *missing], check=True)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def git_state() -> dict:
    def git(*args: str) -> str:
        return subprocess.run(
            ["git", *args], cwd=ROOT, capture_output=True, text=True, check=False
        ).stdout.strip()

    changed = [line for line in git("status", "--porcelain").splitlines() if line.strip()]
    return {"commit": git("rev-parse", "HEAD"), "uncommitted_files": len(changed)}


# The database -----------------------------------------------------------------------------------


class Database:
    """A database of the bench's own on a PostgreSQL server, dropped when the bench ends."""

    def __init__(self, host: str = "127.0.0.1", port: int = 5432, user: str = "postgres"):
        self.host, self.port, self.user = host, port, user
        self.name = f"coproduce_load_{secrets.token_hex(4)}"

    @property
    def url(self) -> str:
        return f"postgres://{self.user}@{self.host}:{self.port}/{self.name}"

    def _args(self) -> list[str]:
        return ["-h", self.host, "-p", str(self.port), "-U", self.user]

    def create(self) -> None:
        subprocess.run(["createdb", *self._args(), self.name], check=True)

    def drop(self) -> None:
        subprocess.run(
            ["dropdb", *self._args(), "--if-exists", "--force", self.name],
            check=False,
            capture_output=True,
        )


def environment(database_url: str, data_dir: Path, **extra: str) -> dict:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "COPRODUCE_DATA_DIR": str(data_dir),
        "DJANGO_SETTINGS_MODULE": "coproduce.settings",
        # With REDIS_URL, each run keeps its own keys: a run's rate-limit counts (100 guests
        # from one address) must not carry over into the next run within the hour.
        "CACHE_KEY_PREFIX": Path(urlsplit(database_url).path).name,
        **extra,
    }
    env.pop("PRODUCTION", None)
    return env


def prepare(env: dict, *, phones: int, voters: int, facilitators: int, out: Path) -> dict:
    """Migrate and seed; the scenario (ids, keys, sessions) is kept in `out` for the checks."""
    subprocess.run([str(BIN / "coproduce"), "migrate", "-v0"], env=env, check=True)
    seeded = subprocess.run(
        [
            sys.executable,
            str(HERE / "scenario.py"),
            "seed",
            "--phones",
            str(phones),
            "--voters",
            str(voters),
            "--facilitators",
            str(facilitators),
        ],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    out.write_text(seeded.stdout.strip().splitlines()[-1])
    return json.loads(out.read_text())


def scenario_command(env: dict, *args: str) -> dict:
    done = subprocess.run(
        [sys.executable, str(HERE / "scenario.py"), *args],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


# The server -----------------------------------------------------------------------------------


class Server:
    """`coproduce serve --workers 2`: gunicorn with two workers, and a task worker beside it."""

    def __init__(self, env: dict, log: Path, workers: int = 2):
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.log_path = log
        self.log = log.open("w")
        # The access log with each request's status, time in ms, method, path and whether
        # htmx sent it: the server's own view of the latencies (see `server_times`).
        env = {**env, "GUNICORN_CMD_ARGS": f"--access-logformat '{ACCESS_FORMAT}'"}
        self.process = subprocess.Popen(
            [str(BIN / "coproduce"), "serve", "--workers", str(workers), "--port", str(self.port)],
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )

    def wait_ready(self, seconds: float = 60) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"coproduce serve exited ({self.process.returncode})")
            try:
                with urllib.request.urlopen(self.base_url + "/", timeout=5) as answer:
                    if answer.status == 200:
                        return
            except OSError:
                time.sleep(0.3)
        raise RuntimeError("coproduce serve did not answer within a minute")

    def processes(self) -> dict[str, list[int]]:
        """The process ids: serve itself, gunicorn's master and workers, the task worker."""
        found = {"serve": [self.process.pid], "gunicorn master": [], "gunicorn workers": []}
        found["task worker"] = []
        for pid in children(self.process.pid):
            command = cmdline(pid)
            if "gunicorn" in command:
                found["gunicorn master"].append(pid)
                found["gunicorn workers"] += children(pid)
            elif "worker" in command:
                found["task worker"].append(pid)
        return found

    def stop(self) -> None:
        every = [pid for pids in self.processes().values() for pid in pids]
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
        for pid in every:  # anything serve left behind, by its own id
            if alive(pid):
                os.kill(pid, signal.SIGKILL)
        self.log.close()


ACCESS_FORMAT = "%(s)s %(D)s %(m)s %(U)s %({hx-request}i)s"  # D: microseconds
ACCESS_LINE = re.compile(r"^(\d{3}) (\d+) ([A-Z]+) (\S+) (\S+)$")


def access_log(path: Path, start: int = 0) -> list[tuple[int, float, str, str, bool]]:
    """(status, milliseconds, method, path, htmx) for every request the server logged, from
    byte `start` of the log on."""
    with path.open("rb") as log:
        log.seek(start)
        text = log.read().decode(errors="replace")
    found = []
    for line in text.splitlines():
        if match := ACCESS_LINE.match(line):
            status, microseconds, method, url, htmx = match.groups()
            found.append((int(status), int(microseconds) / 1000, method, url, htmx == "true"))
    return found


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return sorted(found)


def cmdline(pid: int) -> str:
    try:
        return (Path("/proc") / str(pid) / "cmdline").read_text().replace("\0", " ")
    except OSError:
        return ""


def alive(pid: int) -> bool:
    try:
        state = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


# CPU ---------------------------------------------------------------------------------------------


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time a process has used so far (0 once it is gone)."""
    try:
        fields = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / TICKS


def postgres_backends(database: str) -> dict[int, float]:
    """CPU seconds so far of each PostgreSQL backend serving `database` (its process title
    names it); the server's own background processes, shared by all databases, are left out."""
    return {
        int(entry.name): cpu_seconds(int(entry.name))
        for entry in Path("/proc").iterdir()
        if entry.name.isdigit() and f" {database} " in cmdline(int(entry.name))
    }


def machine_cpu_seconds() -> dict[str, float]:
    """CPU seconds so far, all CPUs together: busy (user, system, interrupts) and stolen by
    the hypervisor for other machines."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    user, nice, system, _idle, _iowait, irq, softirq, steal = values[:8]
    return {
        "busy": (user + nice + system + irq + softirq) / TICKS,
        "stolen": steal / TICKS,
    }


def remove(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)
