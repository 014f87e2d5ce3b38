from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render

from coproduce.coalitions.permissions import Action
from coproduce.core.doors import door

from .models import Job


def find_job(request, job_id: int) -> Job:
    return get_object_or_404(Job.objects.select_related("coalition"), pk=job_id)


@door(get=Action.VIEW, find=find_job)
def detail(request, job):
    """A job's progress; htmx asks again every second until it has finished."""
    template = (
        "jobs/detail.html#status" if request.headers.get("HX-Request") else "jobs/detail.html"
    )
    return render(request, template, {"job": job})


@door(get=Action.VIEW, find=find_job)
def download(request, job):
    if job.status != Job.Status.DONE or not job.file:
        raise Http404
    return FileResponse(
        job.file.open("rb"),
        as_attachment=True,
        filename=job.file_name,
        content_type=job.content_type,
    )
