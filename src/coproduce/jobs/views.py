from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render

from coproduce.coalitions.permissions import Action, authorize

from .models import Job


def _job(request, job_id) -> Job:
    job = get_object_or_404(Job.objects.select_related("coalition"), pk=job_id)
    authorize(request, Action(job.action), job.coalition)
    return job


def detail(request, job_id):
    """A job's progress; htmx asks again every second until it has finished."""
    job = _job(request, job_id)
    template = (
        "jobs/detail.html#status" if request.headers.get("HX-Request") else "jobs/detail.html"
    )
    return render(request, template, {"job": job})


def download(request, job_id):
    job = _job(request, job_id)
    if job.status != Job.Status.DONE or not job.file:
        raise Http404
    return FileResponse(
        job.file.open("rb"),
        as_attachment=True,
        filename=job.file_name,
        content_type=job.content_type,
    )
