from datetime import timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.utils import timezone, translation

from coproduce.coalitions.permissions import coalition_of

from .models import Job
from .tasks import LANGUAGE, run_job


def start_job(
    *,
    kind: str,
    fingerprint: str,
    title: str,
    subject,
    action: str,
    params=None,
    user=None,
    reuse=True,
) -> Job:
    """Queue a job, or hand back the one queued, running or done for the same fingerprint.

    Whoever may do `action` on `subject` (a café, a conversation, a workshop, a report
    version) may follow the job and take its file: the same question the page that started
    it asked. Reusing by fingerprint is what keeps a finished document until its subject
    changes (the fingerprint carries its state), and stops a double click from doing the work
    twice. A job whose file has expired, or is about to, is not handed back.
    """
    if reuse and (existing := reusable(fingerprint)):
        return existing
    job = Job.objects.create(
        kind=kind,
        fingerprint=fingerprint,
        title=title,
        coalition=coalition_of(subject),
        subject_type=ContentType.objects.get_for_model(subject),
        subject_id=subject.pk,
        action=str(action),
        # The worker says its progress in the language of the person who asked.
        params={**(params or {}), LANGUAGE: translation.get_language()},
        created_by=user if getattr(user, "is_authenticated", False) else None,
    )
    run_job.enqueue(job.pk)
    job.refresh_from_db()
    return job


def reusable(fingerprint: str) -> Job | None:
    """The latest job for this fingerprint that is queued, running, or done with a file that
    has not expired (nor will before the sweep gets to it)."""
    fresh_since = timezone.now() - timedelta(days=settings.JOB_FILE_DAYS)
    return (
        Job.objects.filter(fingerprint=fingerprint, file_expired_at=None)
        .exclude(status=Job.Status.FAILED)
        .filter(Q(finished_at=None) | Q(finished_at__gte=fresh_since))
        .order_by("-created_at")
        .first()
    )
