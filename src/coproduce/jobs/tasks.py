import logging
import traceback

from django.core.files.base import ContentFile
from django.tasks import task
from django.utils import timezone

from .models import Job
from .registry import handler_for

logger = logging.getLogger("coproduce.jobs")


def attach(job: Job, name: str, content: bytes, content_type: str) -> None:
    """Keep a file made by a job; it is served (with permission checks) from the job's page."""
    job.file.save(name, ContentFile(content), save=False)
    job.file_name = name
    job.content_type = content_type


def _progress_of(job: Job):
    def progress(fraction: float, message: str = "") -> None:
        fraction = min(max(fraction, 0.0), 1.0)
        Job.objects.filter(pk=job.pk).update(progress=fraction, message=message[:300])
        job.progress, job.message = fraction, message[:300]

    return progress


@task
def run_job(job_id: int) -> str:
    job = Job.objects.filter(pk=job_id, status=Job.Status.QUEUED).first()
    if job is None:  # already taken by another worker, or withdrawn
        return "skipped"
    Job.objects.filter(pk=job.pk).update(status=Job.Status.RUNNING, started_at=timezone.now())
    try:
        result = handler_for(job.kind)(job, _progress_of(job))
    except Exception as error:
        logger.exception("Job %s (%s) failed", job.pk, job.kind)
        job.status, job.error = Job.Status.FAILED, f"{type(error).__name__}: {error}"
        job.message = str(error)[:300]
        logger.debug("%s", traceback.format_exc())
    else:
        job.status, job.result, job.progress = Job.Status.DONE, result, 1.0
    job.finished_at = timezone.now()
    job.save()
    return job.status
