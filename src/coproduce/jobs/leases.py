"""A running job's lease: taken in one conditional UPDATE, renewed while its worker lives.

A worker that dies (SIGKILL, out of memory, a reboot) stops renewing; the worker's regular
sweep (`sweep.py`) then takes the job back. `attempts` counts the runs and names the current
one, so a run that lost its lease can no longer write to the job (see docs/jobs.md).
"""

import logging
import threading
from datetime import datetime, timedelta

from django.conf import settings
from django.db import DatabaseError, connection
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from .models import Job

logger = logging.getLogger("coproduce.jobs")


class JobLost(Exception):
    """This run's lease ran out and the job was taken back; the run must stop writing."""


def lease_seconds() -> float:
    return settings.JOB_LEASE_SECONDS


def lease_until() -> datetime:
    return timezone.now() + timedelta(seconds=lease_seconds())


def claim(job_id: int) -> Job | None:
    """Take a queued job for this run, or None if another worker has it (or it was withdrawn).

    The status test and the change are one UPDATE, so of two workers racing for the job the
    database lets exactly one match it.
    """
    claimed = Job.objects.filter(pk=job_id, status=Job.Status.QUEUED).update(
        status=Job.Status.RUNNING,
        started_at=timezone.now(),
        lease_expires_at=lease_until(),
        attempts=F("attempts") + 1,
    )
    return Job.objects.get(pk=job_id) if claimed == 1 else None


def held(job: Job) -> QuerySet:
    """The job's row, as long as this run (its attempt) still holds it."""
    return Job.objects.filter(pk=job.pk, status=Job.Status.RUNNING, attempts=job.attempts)


def renew(job: Job, **fields) -> None:
    """Renew the lease, saving any progress fields with it; JobLost if the run lost the job."""
    if held(job).update(lease_expires_at=lease_until(), **fields) != 1:
        raise JobLost(job.pk)


def lease_expired() -> Q:
    # A running job without a lease was started before leases existed: its worker is gone.
    return Q(lease_expires_at__lt=timezone.now()) | Q(lease_expires_at=None)


class Heartbeat:
    """Renews a running job's lease from a thread, three times per lease.

    A step may report no progress for a long time (the seating search, WeasyPrint laying out
    a long PDF), and how long grows with the data, so no lease could be "long enough" for
    every step. The thread lives and dies with its worker process: while the process runs, the
    lease stays fresh; once it is killed, the lease runs out.
    """

    def __init__(self, job: Job):
        self.job = job
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._beat, name=f"job-{job.pk}-lease", daemon=True)

    def __enter__(self) -> "Heartbeat":
        self.thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self.stopped.set()
        self.thread.join()

    def _beat(self) -> None:
        try:
            while not self.stopped.wait(lease_seconds() / 3):
                self._renew_once()
        finally:
            connection.close()  # this thread's own connection

    def _renew_once(self) -> None:
        try:
            renew(self.job)
        except JobLost:
            self.stopped.set()  # the handler learns it at its next progress call or its end
        except DatabaseError:
            # A locked SQLite file or a dropped connection: the lease has slack for the next beat.
            logger.warning("Could not renew the lease of job %s", self.job.pk, exc_info=True)
            connection.close()
