from django.db.models import Q

from .models import Job
from .tasks import run_job


def start_job(
    *, kind: str, key: str, title: str, coalition, action: str, params=None, user=None, reuse=True
) -> Job:
    """Queue a job, or hand back the one already queued, running or done for the same key.

    Reusing by key is what keeps a finished document until its subject changes (the key
    carries a version), and stops a double click from doing the work twice.
    """
    if reuse:
        existing = (
            Job.objects.filter(key=key)
            .filter(~Q(status=Job.Status.FAILED))
            .order_by("-created_at")
            .first()
        )
        if existing:
            return existing
    job = Job.objects.create(
        kind=kind,
        key=key,
        title=title,
        coalition=coalition,
        action=str(action),
        params=params or {},
        created_by=user if getattr(user, "is_authenticated", False) else None,
    )
    run_job.enqueue(job.pk)
    job.refresh_from_db()
    return job
