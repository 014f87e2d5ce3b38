"""The report's long work for the background worker: finding themes, rendering files."""

from django.utils.translation import gettext as _

from coproduce.jobs.tasks import attach
from coproduce.workshops.models import Workshop

from . import services
from .documents import FORMATS, render
from .models import ReportVersion


def themes_job(job, report) -> dict:
    workshop = Workshop.objects.get(pk=job.params["workshop"])
    report(0.2, _("Reading the table notes"))
    return services.find_themes(services.report_for(workshop))


def render_job(job, report) -> dict:
    workshop = Workshop.objects.select_related("coalition").get(pk=job.params["workshop"])
    version = ReportVersion.objects.filter(pk=job.params.get("version")).first()
    fmt = job.params["format"]
    report(0.05, _("Grouping the table notes into themes"))
    services.ensure_themes(services.report_for(workshop))
    report(0.1, _("Gathering what happened"))
    content = render(workshop, version, fmt, progress=report)
    extension, content_type = FORMATS[fmt]
    suffix = f"-v{version.number}" if version and not version.is_draft else ""
    attach(job, f"{workshop.slug}-report{suffix}.{extension}", content, content_type)
    return {"bytes": len(content)}
