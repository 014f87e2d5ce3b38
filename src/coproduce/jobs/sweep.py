"""What the worker does regularly, with nobody asking: take back the jobs whose worker stopped,
delete the files of jobs that finished long ago (see docs/jobs.md), queue the workshops'
reminder emails when they are due, queue again the webhook deliveries nobody is trying, and
run the steps capabilities above register (the plan's reminders and digests:
`register_sweep_step`)."""

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from coproduce.webhooks.services import take_back_stranded
from coproduce.workshops.emails import send_due_reminders

from .leases import held, lease_expired, lease_seconds
from .models import Job
from .tasks import run_job

logger = logging.getLogger("coproduce.jobs")

# Rows handled per sweep, so one sweep stays short however much has piled up.
BATCH = 200

_steps: list = []


def register_sweep_step(step) -> None:
    """`step(now)` runs at every sweep; it must be quick when there is nothing to do, and safe
    when several workers sweep at once. A step that fails is logged and the others still run."""
    if step not in _steps:
        _steps.append(step)


def sweep() -> None:
    for job in Job.objects.filter(lease_expired(), status=Job.Status.RUNNING)[:BATCH]:
        take_back(job)
    expire_files()
    # Reminders are due at a clock time, with nobody asking: the sweep is what runs then.
    send_due_reminders()
    now = timezone.now()
    take_back_stranded(now)  # webhook deliveries whose worker stopped mid-attempt
    for step in _steps:
        try:
            step(now)
        except Exception:  # one capability's failure must not stop the sweep
            logger.exception("The sweep step %s failed", getattr(step, "__name__", step))


def sweep_interval() -> float:
    """Seconds between sweeps: a quarter of a lease, so a dead worker's job waits little longer
    than its lease, and at most a minute, so old files go on time."""
    return max(1.0, min(60.0, lease_seconds() / 4))


def take_back(job: Job) -> bool:
    """Queue again a job whose worker stopped, or fail it after JOB_MAX_ATTEMPTS runs.

    The UPDATE checks again that this run still holds the job and that its lease has run out,
    so of two sweeps (two workers) one acts, and a worker that renewed meanwhile keeps its job.
    """
    stopped = held(job).filter(lease_expired())
    if job.attempts >= settings.JOB_MAX_ATTEMPTS:
        if stopped.update(**_failed_for_good(job)) != 1:
            return False  # another sweep did it, or the worker renewed meanwhile
        logger.error("Job %s: its worker stopped %s times; not started again", job.pk, job.attempts)
        return True
    queued = {"status": Job.Status.QUEUED, "lease_expires_at": None, "progress": 0.0, "message": ""}
    with transaction.atomic():  # back in the queue and enqueued, or neither
        if stopped.update(**queued) != 1:
            return False
        _close_dead_task(job)
        run_job.enqueue(job.pk)
    logger.warning("Job %s: its worker stopped (attempt %s); queued again", job.pk, job.attempts)
    return True


def _failed_for_good(job: Job) -> dict:
    return {
        "status": Job.Status.FAILED,
        "failure": Job.Failure.WORKER_STOPPED,
        "error": f"The worker stopped (its lease ran out) in each of {job.attempts} attempts.",
        "message": "",
        "lease_expires_at": None,
        "finished_at": timezone.now(),
    }


def _close_dead_task(job: Job) -> None:
    """Mark the dead worker's task row failed.

    Left alone it would say RUNNING forever and never be pruned (prune_db_task_results removes
    finished rows only). Our Job is what is run again, through a new task row.
    """
    DBTaskResult.objects.filter(
        status=TaskResultStatus.RUNNING,
        task_path=run_job.module_path,
        args_kwargs__args=[job.pk],
    ).update(
        status=TaskResultStatus.FAILED,
        finished_at=timezone.now(),
        exception_class_path="coproduce.jobs.leases.JobLost",
        traceback="The worker stopped while running this task; the job was queued again.",
    )


def expire_files(now: datetime | None = None) -> int:
    """Delete the files of jobs that finished more than JOB_FILE_DAYS ago; the rows stay."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.JOB_FILE_DAYS)
    old = Job.objects.filter(finished_at__lt=cutoff, file_expired_at=None).exclude(file="")
    expired = 0
    for job in old.only("pk", "file")[:BATCH]:
        try:
            job.file.delete(save=False)  # a file already missing is no error
        except OSError:
            logger.exception("Could not delete the file of job %s; trying again later", job.pk)
            continue
        expired += Job.objects.filter(pk=job.pk).update(file="", file_expired_at=now)
    return expired
