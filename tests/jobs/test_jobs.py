import pytest
from django.core.management import call_command
from django.urls import reverse
from factories import CoalitionFactory, MembershipFactory, PersonFactory

from coproduce.coalitions.models import Role, Visibility
from coproduce.coalitions.permissions import Action
from coproduce.jobs import registry
from coproduce.jobs.models import Job
from coproduce.jobs.services import start_job
from coproduce.jobs.tasks import attach

pytestmark = pytest.mark.django_db


def make_file(job, report):
    report(0.5, "Halfway")
    attach(job, "hello.txt", f"Hello {job.params['name']}".encode(), "text/plain")
    return {"words": 2}


def explode(job, report):
    raise ValueError("table 9 does not exist")


registry.register("test.make_file", make_file)
registry.register("test.explode", explode)


def start(
    coalition, kind="test.make_file", fingerprint="k1", action=Action.PLAN_WORKSHOP, **kwargs
):
    return start_job(
        kind=kind,
        fingerprint=fingerprint,
        title="Test job",
        subject=coalition,
        action=action,
        params={"name": "Ana"},
        **kwargs,
    )


def test_job_runs_reports_progress_and_keeps_its_file(client):
    membership = MembershipFactory(role=Role.ORGANISER)
    job = start(membership.coalition)
    job.refresh_from_db()
    assert (job.status, job.progress, job.result) == ("done", 1.0, {"words": 2})
    assert job.message == "Halfway"
    client.force_login(membership.person)
    response = client.get(reverse("jobs:download", args=[job.pk]))
    assert b"".join(response.streaming_content) == b"Hello Ana"
    assert 'filename="hello.txt"' in response["Content-Disposition"]


def test_same_fingerprint_reuses_the_finished_job_and_a_new_one_runs_again():
    coalition = CoalitionFactory()
    first = start(coalition)
    assert start(coalition).pk == first.pk
    assert start(coalition, fingerprint="k2").pk != first.pk
    assert Job.objects.count() == 2


def test_failure_is_recorded_and_shown_and_a_retry_runs_again(client):
    membership = MembershipFactory(role=Role.ORGANISER)
    job = start(membership.coalition, kind="test.explode")
    job.refresh_from_db()
    assert job.status == "failed"
    assert "table 9 does not exist" in job.error
    client.force_login(membership.person)
    page = client.get(job.get_absolute_url()).content.decode()
    assert "It did not work" in page and "table 9 does not exist" in page
    assert start(membership.coalition, kind="test.explode").pk != job.pk


def test_progress_page_polls_until_finished(client):
    membership = MembershipFactory(role=Role.ORGANISER)
    job = Job.objects.create(
        kind="test.make_file",
        fingerprint="q",
        title="Queued",
        coalition=membership.coalition,
        action="plan_workshop",
    )
    client.force_login(membership.person)
    partial = client.get(job.get_absolute_url(), headers={"HX-Request": "true"}).content.decode()
    assert 'hx-trigger="every 1s"' in partial and "<html" not in partial
    Job.objects.filter(pk=job.pk).update(status="done")
    assert "hx-trigger" not in client.get(job.get_absolute_url()).content.decode()


@pytest.mark.parametrize(
    ("who", "status"), [("outsider", 404), ("member", 404), ("organiser", 200)]
)
def test_job_pages_follow_the_permissions_of_their_subject(client, who, status):
    """A job is for whoever may do its action on its subject; to anyone else it does not
    exist, so a member without the role learns nothing from guessing job numbers."""
    coalition = CoalitionFactory(visibility=Visibility.PRIVATE)
    job = start(coalition)
    if who == "outsider":
        client.force_login(PersonFactory())
    else:
        client.force_login(MembershipFactory(coalition=coalition, role=Role(who)).person)
    assert client.get(job.get_absolute_url()).status_code == status
    assert client.get(reverse("jobs:download", args=[job.pk])).status_code == status


@pytest.mark.django_db(transaction=True)
def test_database_worker_runs_a_job(settings):
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }
    job = start(CoalitionFactory(), fingerprint="worker")
    assert Job.objects.get(pk=job.pk).status == "queued"
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    assert Job.objects.get(pk=job.pk).status == "done"
