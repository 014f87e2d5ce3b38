"""Job files: deleted JOB_FILE_DAYS after the job finished (the row stays and says so), never
handed back once expired, and a full disk fails the job with words a person can act on."""

import errno
import html
from datetime import timedelta

import pytest
from django.core.files.storage import FileSystemStorage
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from factories import MembershipFactory

from coproduce.coalitions.models import Role
from coproduce.coalitions.permissions import Action
from coproduce.jobs import registry
from coproduce.jobs.models import Job
from coproduce.jobs.services import start_job
from coproduce.jobs.sweep import expire_files
from coproduce.jobs.tasks import attach

pytestmark = pytest.mark.django_db

DISK_FULL = "There was no room left on the server's disk to keep the file."


def make_report(job, progress):
    progress(0.5, "Writing")
    attach(job, "report.txt", b"The report", "text/plain")
    return {}


registry.register("test.make_report", make_report)


@pytest.fixture
def organiser(client):
    membership = MembershipFactory(role=Role.ORGANISER)
    client.force_login(membership.person)
    return membership


def start(coalition, fingerprint="report:1") -> Job:
    job = start_job(
        kind="test.make_report",
        fingerprint=fingerprint,
        title="Report",
        subject=coalition,
        action=Action.PLAN_WORKSHOP,
    )
    job.refresh_from_db()
    return job


def finished_days_ago(job: Job, days: float) -> None:
    Job.objects.filter(pk=job.pk).update(finished_at=timezone.now() - timedelta(days=days))


def full_disk(storage, name, content):
    raise OSError(errno.ENOSPC, "No space left on device")


def test_old_files_are_deleted_and_the_page_says_so(settings, client, organiser):
    settings.JOB_FILE_DAYS = 30
    old, recent = start(organiser.coalition, "a"), start(organiser.coalition, "b")
    old_file, recent_file = old.file.name, recent.file.name
    finished_days_ago(old, 31)
    finished_days_ago(recent, 29)
    assert expire_files() == 1
    old.refresh_from_db()
    recent.refresh_from_db()
    storage = old.file.storage
    assert not storage.exists(old_file) and storage.exists(recent_file)
    assert (old.file, old.file_name, old.status) == ("", "report.txt", "done")
    assert old.file_expired_at is not None and recent.file_expired_at is None
    page = client.get(old.get_absolute_url()).text
    assert "The file report.txt was kept for 30 days" in page and "Download" not in page
    assert "Started again" not in page, "one run: nothing to say about restarts"
    assert client.get(reverse("jobs:download", args=[old.pk])).status_code == 404
    assert client.get(reverse("jobs:download", args=[recent.pk])).status_code == 200


@pytest.mark.django_db(transaction=True)
def test_the_worker_deletes_old_files_with_nobody_asking(settings, organiser):
    job = start(organiser.coalition)
    finished_days_ago(job, settings.JOB_FILE_DAYS + 1)
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    call_command("worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    job.refresh_from_db()
    assert job.file_expired_at is not None and not job.file


def test_an_expired_file_is_never_handed_back_a_new_job_makes_it_again(settings, organiser):
    first = start(organiser.coalition)
    finished_days_ago(first, settings.JOB_FILE_DAYS + 1)
    not_yet_swept = start(organiser.coalition)
    assert not_yet_swept.pk != first.pk and not_yet_swept.file
    finished_days_ago(not_yet_swept, settings.JOB_FILE_DAYS + 1)
    expire_files()
    again = start(organiser.coalition)
    assert again.pk not in (first.pk, not_yet_swept.pk)
    assert again.file.read() == b"The report"
    assert start(organiser.coalition).pk == again.pk, "a fresh file is still reused"


def test_a_full_disk_fails_the_job_with_a_reason_and_nothing_else_breaks(
    monkeypatch, client, organiser
):
    monkeypatch.setattr(FileSystemStorage, "_save", full_disk)
    job = start(organiser.coalition)
    assert (job.status, job.failure, job.file) == ("failed", "disk_full", "")
    assert "No space left on device" in job.error, "the administrator sees what happened"
    page = client.get(job.get_absolute_url())
    text = html.unescape(page.text)
    assert page.status_code == 200 and DISK_FULL in text
    assert "No space left" not in text and "Errno" not in text
    assert "Traceback" not in text and "error-text" not in text
    monkeypatch.undo()
    again = start(organiser.coalition)
    assert again.pk != job.pk and again.status == "done" and again.file.read() == b"The report"
    assert client.get(organiser.coalition.get_absolute_url()).status_code == 200
