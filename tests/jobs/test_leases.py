"""Jobs survive their workers: one claim per run, a lease renewed while the worker lives, the
job taken back when the lease runs out, at most JOB_MAX_ATTEMPTS runs."""

import threading
import time
from datetime import timedelta

import pytest
from concurrency import at_once
from django.core.management import call_command
from django.db import connection
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from factories import CoalitionFactory, MembershipFactory

from coproduce.coalitions.models import Role
from coproduce.coalitions.permissions import Action
from coproduce.jobs import registry
from coproduce.jobs.leases import JobLost, claim
from coproduce.jobs.models import Job
from coproduce.jobs.services import start_job
from coproduce.jobs.sweep import sweep
from coproduce.jobs.tasks import _progress_of, attach, run_job

pytestmark = pytest.mark.django_db

DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

runs: list[int] = []


def count_runs(job, progress):
    runs.append(job.attempts)
    progress(0.5, "Halfway")
    return {"attempt": job.attempts}


def die_on_first_attempt(job, progress):
    """The first run keeps working after its lease ran out and the sweep took the job back, as
    a worker frozen for longer than its lease would; later runs finish."""
    attach(job, "late.txt", f"attempt {job.attempts}".encode(), "text/plain")
    if job.attempts == 1:
        runs.append(job.file.name)
        Job.objects.filter(pk=job.pk).update(lease_expires_at=timezone.now() - timedelta(1))
        sweep()
        progress(0.9, "Still here")
    return {"attempt": job.attempts}


def quiet_for_longer_than_a_lease(job, progress):
    """A long step with no progress call (a seating search, a big PDF), then a sweep."""
    time.sleep(3 * job_lease())
    sweep()
    return {"attempt": job.attempts}


def job_lease() -> float:
    from django.conf import settings

    return settings.JOB_LEASE_SECONDS


registry.register("test.count_runs", count_runs)
registry.register("test.die_on_first_attempt", die_on_first_attempt)
registry.register("test.quiet", quiet_for_longer_than_a_lease)


@pytest.fixture(autouse=True)
def _fresh_runs():
    runs.clear()


def start(kind="test.count_runs", coalition=None):
    return start_job(
        kind=kind,
        fingerprint=f"{kind}:{time.monotonic_ns()}",
        title="Test job",
        subject=coalition or CoalitionFactory(),
        action=Action.PLAN_WORKSHOP,
    )


def queued_job(coalition=None) -> Job:
    return Job.objects.create(
        kind="test.count_runs",
        fingerprint="q",
        title="Queued",
        coalition=coalition or CoalitionFactory(),
        action="plan_workshop",
    )


def run_worker() -> None:
    call_command("worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)


def worker_died(job: Job) -> None:
    """What a worker killed in the middle leaves: the job running under an expired lease."""
    Job.objects.filter(pk=job.pk).update(lease_expires_at=timezone.now() - timedelta(seconds=1))


def test_a_queued_job_is_claimed_by_one_run_only():
    job = queued_job()
    claimed = claim(job.pk)
    assert (claimed.status, claimed.attempts) == ("running", 1)
    assert claimed.lease_expires_at > timezone.now()
    assert claim(job.pk) is None
    assert run_job.call(job.pk) == "skipped"
    assert runs == []


@pytest.mark.django_db(transaction=True)
def test_workers_racing_for_a_job_run_it_once():
    job = queued_job()
    start_line = threading.Barrier(4)
    outcomes = []

    def race(_):
        start_line.wait()
        outcomes.append(run_job.call(job.pk))
        connection.close()

    at_once(race, 1, 2, 3, 4)
    assert sorted(outcomes) == ["done", "skipped", "skipped", "skipped"]
    assert runs == [1]


@pytest.mark.django_db(transaction=True)
def test_the_worker_takes_back_a_job_whose_worker_died_and_runs_it_again(settings, client):
    settings.TASKS = DATABASE_QUEUE
    membership = MembershipFactory(role=Role.ORGANISER)
    job = start(coalition=membership.coalition)
    dead_task = DBTaskResult.objects.get()
    dead_task.claim("the-worker-that-died")
    claim(job.pk)
    worker_died(job)
    run_worker()
    job.refresh_from_db()
    assert (job.status, job.attempts, job.result, runs) == ("done", 2, {"attempt": 2}, [2])
    dead_task.refresh_from_db()
    assert dead_task.status == TaskResultStatus.FAILED
    client.force_login(membership.person)
    assert "Started again after the worker stopped." in client.get(job.get_absolute_url()).text


def test_a_job_whose_lease_is_fresh_is_left_alone():
    job = queued_job()
    claim(job.pk)
    sweep()
    job.refresh_from_db()
    assert (job.status, job.attempts, runs) == ("running", 1, [])


def test_after_the_last_attempt_the_job_fails_with_words_a_person_understands(settings, client):
    settings.JOB_MAX_ATTEMPTS = 3
    settings.TASKS = DATABASE_QUEUE
    membership = MembershipFactory(role=Role.ORGANISER)
    job = queued_job(membership.coalition)
    Job.objects.filter(pk=job.pk).update(status="running", attempts=2, progress=0.4)
    worker_died(job)
    sweep()
    assert claim(job.pk).attempts == 3
    worker_died(job)
    sweep()
    job.refresh_from_db()
    assert (job.status, job.failure, job.attempts, runs) == ("failed", "worker_stopped", 3, [])
    client.force_login(membership.person)
    page = client.get(job.get_absolute_url()).text
    assert "The worker stopped 3 times while doing this" in page
    assert "lease" not in page and "error-text" not in page


@pytest.mark.django_db(transaction=True)
def test_a_run_that_lost_its_lease_cannot_overwrite_the_job(settings):
    settings.TASKS = DATABASE_QUEUE
    job = start(kind="test.die_on_first_attempt")
    assert run_job.call(job.pk) == "lost"
    job.refresh_from_db()
    assert (job.status, job.attempts, job.message, job.file) == ("queued", 1, "", "")
    assert not job.file.storage.exists(runs[0]), "the lost run's file is deleted"
    run_worker()
    job.refresh_from_db()
    assert (job.status, job.attempts, job.result) == ("done", 2, {"attempt": 2})
    assert job.file.read() == b"attempt 2"


@pytest.mark.django_db(transaction=True)
def test_a_long_step_without_progress_keeps_its_lease(settings):
    """The heartbeat renews the lease while the handler is busy; the sweep finds it fresh."""
    settings.JOB_LEASE_SECONDS = 1.5
    job = start(kind="test.quiet")
    job.refresh_from_db()
    assert (job.status, job.attempts, job.result) == ("done", 1, {"attempt": 1})
    assert job.lease_expires_at is None


def test_progress_after_the_job_was_taken_back_stops_the_run():
    job = claim(queued_job().pk)
    Job.objects.filter(pk=job.pk).update(status="queued")
    with pytest.raises(JobLost):
        _progress_of(job)(0.3, "Too late")
    assert Job.objects.get(pk=job.pk).message == ""


def a_worker(worker_command, name):
    return worker_command.SweepingWorker(
        **worker_command.worker_options(
            queue_name="default",
            exclude_queues="",
            interval=0.1,
            batch=False,
            backend_name="default",
            startup_delay=False,
            max_tasks=None,
            worker_id=name,
        )
    )


def test_jobs_start_while_the_first_sweep_is_still_running(monkeypatch):
    """A sweep step may take a while (the library's snapshot): the worker takes jobs
    meanwhile. Were the first sweep run before the jobs, the loop would never let it end."""
    from django_tasks_db.management.commands import db_worker

    from coproduce.jobs.management.commands import worker as worker_command

    looping, ended = threading.Event(), []

    def slow_sweep():
        ended.append(looping.wait(10))  # held until the worker's loop runs

    def loop(self):
        looping.set()

    monkeypatch.setattr(worker_command, "sweep", slow_sweep)
    monkeypatch.setattr(db_worker.Worker, "run", loop)
    a_worker(worker_command, "first-sweep-test").run()
    for _ in range(100):  # the sweep's thread records its end
        if ended:
            break
        time.sleep(0.05)
    assert ended[:1] == [True]


def test_the_worker_carries_on_through_a_database_outage(monkeypatch, caplog):
    """django-tasks-db's loop ends at the first database error; ours waits and goes on."""
    from django.db import OperationalError
    from django_tasks_db.management.commands import db_worker

    from coproduce.jobs.management.commands import worker as worker_command

    attempts = []

    def loop_that_meets_an_outage(self):
        attempts.append(1)
        if len(attempts) < 3:
            raise OperationalError("connection failed: Connection refused")

    monkeypatch.setattr(db_worker.Worker, "run", loop_that_meets_an_outage)
    monkeypatch.setattr(worker_command, "OUTAGE_RETRY_SECONDS", 0)
    runner = a_worker(worker_command, "outage-test")
    with caplog.at_level("WARNING", logger="coproduce.jobs"):
        runner.run_through_outages()
    assert len(attempts) == 3
    assert "cannot be reached" in caplog.text

    runner.running = False  # stopping: the error is not swallowed
    attempts.clear()
    with pytest.raises(OperationalError):
        runner.run_through_outages()
