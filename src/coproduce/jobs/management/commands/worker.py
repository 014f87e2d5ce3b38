"""`coproduce worker`: django-tasks-db's worker, plus the jobs' regular sweep.

The sweep (jobs/sweep.py) takes back jobs whose worker died and deletes old job files. Every
worker sweeps, from a thread, so it happens with nobody doing anything as long as one worker
runs; two workers sweeping at once do no harm, as each change is a conditional UPDATE.
"""

import logging
import os
import threading
import time

from django.core.management.base import CommandError
from django.db import (
    InterfaceError,
    OperationalError,
    close_old_connections,
    connection,
    connections,
)
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV, run_with_reloader
from django_tasks_db.management.commands import db_worker

from coproduce.core.text import first_line
from coproduce.jobs.sweep import sweep, sweep_interval

logger = logging.getLogger("coproduce.jobs")

# Seconds between attempts while the database cannot be reached (a restart takes a few).
OUTAGE_RETRY_SECONDS = 2.0


def sweep_safely() -> None:
    close_old_connections()  # as the worker does when it wakes: drop a broken connection
    try:
        sweep()
    except Exception:
        # A locked SQLite file, a database restart: the worker goes on; the next sweep retries.
        logger.exception("The job sweep failed; trying again in %.0f s", sweep_interval())


def sweep_until(stopped: threading.Event) -> None:
    """Sweep at once, then every sweep_interval() until stopped."""
    try:
        sweep_safely()
        while not stopped.wait(sweep_interval()):
            sweep_safely()
    finally:
        connection.close()  # this thread's own connection


class SweepingWorker(db_worker.Worker):
    """Sweeps once on start, and every few seconds while it runs; in batch mode, once before
    the jobs. The sweep has its own thread from the start: a step may take a while (the
    library's snapshot, tens of seconds at 100,000 entries), and jobs must not wait for it."""

    def run(self) -> None:
        if self.batch:
            sweep_safely()
            return super().run()
        stopped = threading.Event()
        threading.Thread(target=sweep_until, args=(stopped,), name="job-sweep", daemon=True).start()
        try:
            return self.run_through_outages()
        finally:
            stopped.set()

    def run_through_outages(self) -> None:
        """django-tasks-db's loop ends the worker at the first database error (it forgives
        only a locked SQLite file), so a database restart would leave no worker: maps, emails
        and reports would wait for a person to notice. Drop the broken connections, wait a
        moment, go on. A job cut off meanwhile comes back through its lease (jobs/sweep.py)."""
        while True:
            try:
                return super().run()
            except (OperationalError, InterfaceError) as error:
                if not self.running:  # asked to stop meanwhile
                    raise
                logger.warning(
                    "The database cannot be reached (%s); the worker tries again in %.0f s",
                    first_line(error),
                    OUTAGE_RETRY_SECONDS,
                )
                connections.close_all()
                time.sleep(OUTAGE_RETRY_SECONDS)


class Command(db_worker.Command):
    help = (
        "Run the background worker: tasks from the database queue, and a regular sweep that "
        "starts again the jobs whose worker stopped and deletes expired job files."
    )

    def handle(self, *, verbosity: int, reload: bool, **options) -> None:
        self.configure_logging(verbosity)
        worker = SweepingWorker(**worker_options(**options))
        if reload and not worker.batch:
            if os.environ.get(DJANGO_AUTORELOAD_ENV) == "true":
                worker.configure_signals()  # only the reloaded child runs the worker
            run_with_reloader(worker.run)
        else:
            worker.configure_signals()
            worker.run()


def worker_options(*, queue_name: str, exclude_queues: str, **options) -> dict:
    """The Worker's arguments from the command's options, as db_worker reads them."""
    queue_names = queue_name.split(",")
    excluded_queue_names = exclude_queues.split(",") if exclude_queues else []
    if excluded_queue_names and "*" not in queue_names:
        raise CommandError("--exclude-queues can only be used with --queue-name=*")
    names = ["interval", "batch", "backend_name", "startup_delay", "max_tasks", "worker_id"]
    return {
        "queue_names": queue_names,
        "excluded_queue_names": excluded_queue_names,
        **{name: options[name] for name in names},
    }
