"""The report's long work for the background worker: finding themes, rendering files."""

from django.utils.translation import gettext as _

from coproduce.coalitions.models import Coalition
from coproduce.jobs.tasks import attach
from coproduce.workshops.models import Workshop

from . import coalition_report, services
from .document import FORMATS
from .document import render as render_document
from .models import ReportVersion
from .rendering import render


def themes_job(job, progress) -> dict:
    workshop = Workshop.objects.get(pk=job.params["workshop"])
    progress(0.2, _("Reading the table notes"))
    return services.find_themes(services.report_for(workshop))


def render_job(job, progress) -> dict:
    workshop = Workshop.objects.select_related("coalition").get(pk=job.params["workshop"])
    version = ReportVersion.objects.filter(pk=job.params.get("version")).first()
    fmt = job.params["format"]
    progress(0.05, _("Grouping the table notes into themes"))
    services.ensure_themes(services.report_for(workshop))
    progress(0.1, _("Gathering what happened"))
    # The worker runs in the language of whoever asked: a draft is written in it, a published
    # version in its own (see rendering.language_of).
    content = render(workshop, version, fmt, progress=progress)
    chosen = FORMATS[fmt]
    suffix = f"-v{version.number}" if version and not version.is_draft else ""
    attach(job, f"{workshop.slug}-report{suffix}.{chosen.extension}", content, chosen.media_type)
    return {"bytes": len(content)}


def render_coalition_job(job, progress) -> dict:
    coalition = Coalition.objects.get(pk=job.params["coalition"])
    fmt = job.params["format"]
    progress(0.1, _("Gathering what the coalition has done"))
    doc = coalition_report.document(coalition)
    progress(0.5, "")
    content = render_document(doc, fmt)
    chosen = FORMATS[fmt]
    attach(job, f"{coalition.slug}-report.{chosen.extension}", content, chosen.media_type)
    return {"bytes": len(content)}
