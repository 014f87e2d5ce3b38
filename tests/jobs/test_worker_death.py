"""A worker killed with SIGKILL in the middle of a report: a second worker takes the job back
once its lease has run out, and the report still arrives.

Real `coproduce worker` processes share the test database with this test: on PostgreSQL by
its name, on SQLite by its file (settings.py gives tests a file, not shared memory).
"""

import html
import os
import signal
import subprocess
import sys
import time
from urllib.parse import quote

import pytest
from django.db import connection
from django.tasks import TaskResultStatus
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from coproduce.jobs.models import Job
from coproduce.jobs.tasks import PAUSE_ENV
from coproduce.workshops import demo

pytestmark = pytest.mark.django_db(transaction=True)

# A short lease, so the second worker takes the job back soon after the first one died; a
# pause after each progress call, so the report is still being made when its worker is killed.
WORKER_ENV = {"JOB_LEASE_SECONDS": "5", PAUSE_ENV: "2", "CAFE_SOLVER_SECONDS": "1"}
# Not a limit on how long the work may take: how long nothing may change before we give up.
STALL_SECONDS = 120


def database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    user = quote(db["USER"] or "", safe="") + (
        f":{quote(db['PASSWORD'], safe='')}" if db["PASSWORD"] else ""
    )
    return f"postgres://{user}@{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def workers(settings, tmp_path):
    """Starts `coproduce worker` processes on the test database; stops those still running."""
    env = {
        **os.environ,
        **WORKER_ENV,
        "DATABASE_URL": database_url(),
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
    }
    started = []

    def start() -> subprocess.Popen:
        log = tmp_path / f"worker-{len(started) + 1}.log"
        command = [sys.executable, "-m", "coproduce.cli", "worker", "--no-reload"]
        with log.open("wb") as out:
            process = subprocess.Popen(
                [*command, "--no-startup-delay", "--interval", "0.2"],
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        started.append((process, log))
        return process

    start.logs = lambda: "\n".join(f"--- {log.name}\n{log.read_text()}" for _, log in started)
    yield start
    for process, _ in started:
        if process.poll() is None:
            process.terminate()
            process.wait(timeout=30)


def wait_for(job: Job, condition, worker, workers) -> tuple:
    """Poll the job until `condition(state)`; fail if it stops changing, or the worker exits."""
    last, changed_at = None, time.monotonic()
    while not condition(state := job_state(job)):
        if state != last:
            last, changed_at = state, time.monotonic()
        if worker.poll() is not None:
            pytest.fail(f"The worker exited ({worker.returncode}); job {state}\n{workers.logs()}")
        if time.monotonic() - changed_at > STALL_SECONDS:
            pytest.fail(f"No change in {STALL_SECONDS} s; job {state}\n{workers.logs()}")
        time.sleep(0.1)
    return state


def job_state(job: Job) -> tuple:
    fields = ("status", "progress", "attempts", "message")
    return Job.objects.filter(pk=job.pk).values_list(*fields).get()


def test_a_report_whose_worker_was_killed_still_arrives(settings, client, workers):
    demo.load_demo()  # with the tests' immediate tasks: the café plan is made at once
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    client.login(email=demo.ORGANISER_EMAIL, password=demo.ORGANISER_PASSWORD)
    client.post(reverse("reports:download", args=[demo.WORKSHOP_SLUG, "pdf"]))
    job = Job.objects.get(kind="reports.render")

    first = workers()
    wait_for(job, lambda s: s[0] == "running" and s[1] > 0, first, workers)
    os.kill(first.pid, signal.SIGKILL)
    first.wait()
    status, progress, attempts, _ = job_state(job)
    assert (status, attempts) == ("running", 1), "the job must be killed in the middle"
    assert 0 < progress < 1

    second = workers()
    wait_for(job, lambda s: s[0] in ("done", "failed"), second, workers)
    job.refresh_from_db()
    assert (job.status, job.attempts, job.error) == ("done", 2, ""), workers.logs()
    assert job.file.read(5) == b"%PDF-" and job.file_name.endswith(".pdf")
    page = html.unescape(client.get(job.get_absolute_url()).text)
    assert "Started again after the worker stopped." in page
    assert reverse("jobs:download", args=[job.pk]) in page
    # The killed worker's task row no longer claims to be running.
    assert DBTaskResult.objects.filter(status=TaskResultStatus.FAILED).count() == 1
