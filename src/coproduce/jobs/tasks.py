import errno
import logging
import os
import time

from django.conf import settings
from django.core.files.base import ContentFile
from django.tasks import task
from django.utils import timezone, translation

from .leases import Heartbeat, JobLost, claim, held, renew
from .models import Job
from .registry import handler_for

logger = logging.getLogger("coproduce.jobs")

# Seconds to wait after each progress call. Only for tests that must catch a job in the middle
# (tests/jobs/test_worker_death.py sets it for the worker it starts); unset in real use.
PAUSE_ENV = "COPRODUCE_JOB_PAUSE_SECONDS"
# The language of the person who started a job, kept in its params: the worker has no request
# to take a language from, and its progress messages and files are for that person.
LANGUAGE = "language"


def attach(job: Job, name: str, content: bytes, content_type: str) -> None:
    """Keep a file made by a job; it is served (with permission checks) from the job's page."""
    job.file.save(name, ContentFile(content), save=False)
    job.file_name = name
    job.content_type = content_type


def _progress_of(job: Job):
    pause = float(os.environ.get(PAUSE_ENV) or 0)

    def progress(fraction: float, message: str = "") -> None:
        fraction = min(max(fraction, 0.0), 1.0)
        renew(job, progress=fraction, message=message[:300])
        job.progress, job.message = fraction, message[:300]
        if pause:
            time.sleep(pause)

    return progress


@task
def run_job(job_id: int) -> str:
    job = claim(job_id)
    if job is None:  # already taken by another worker, or withdrawn
        return "skipped"
    with Heartbeat(job):
        ending = _run(job)
    if ending is None or not _record(job, ending):
        # The lease ran out and the job went back to the queue: another run owns it now.
        logger.warning("Job %s lost its lease (attempt %s); work dropped", job.pk, job.attempts)
        _drop_file(job)
        return "lost"
    return ending["status"]


def _run(job: Job) -> dict | None:
    """Run the job's handler: the fields that say how it ended, or None if the run lost it."""
    try:
        with translation.override(job.params.get(LANGUAGE) or settings.LANGUAGE_CODE):
            result = handler_for(job.kind)(job, _progress_of(job))
    except JobLost:
        return None
    except Exception as error:
        logger.exception("Job %s (%s) failed", job.pk, job.kind)
        return _failed(error)
    return {"status": Job.Status.DONE, "result": result, "progress": 1.0}


def _failed(error: Exception) -> dict:
    # The technical error is kept for the administrator; a full disk gets words a person can
    # act on instead, shown on the job's page.
    disk_full = isinstance(error, OSError) and error.errno == errno.ENOSPC
    return {
        "status": Job.Status.FAILED,
        "error": f"{type(error).__name__}: {error}",
        "failure": Job.Failure.DISK_FULL if disk_full else Job.Failure.NONE,
        "message": "" if disk_full else str(error)[:300],
    }


def _record(job: Job, ending: dict) -> bool:
    """Save how the job ended, if this run still holds it."""
    files = {"file": job.file.name or "", "file_name": job.file_name}
    fields = {**ending, **files, "content_type": job.content_type}
    return held(job).update(lease_expires_at=None, finished_at=timezone.now(), **fields) == 1


def _drop_file(job: Job) -> None:
    if job.file:
        job.file.delete(save=False)
