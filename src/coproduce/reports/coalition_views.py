"""The coalition's report: read on the site, downloaded in every format (made in the
background, like the workshop report's files)."""

from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _

from coproduce.coalitions.permissions import Action
from coproduce.coalitions.views import find_coalition
from coproduce.core.doors import door
from coproduce.jobs.services import start_job

from . import coalition_report
from .document import FORMATS, to_html


@door(get=Action.VIEW, find=find_coalition)
def coalition(request, coalition):
    doc = coalition_report.document(coalition)
    context = {
        "coalition": coalition,
        "article": to_html(doc, standalone=False),
        "formats": list(FORMATS),
    }
    return render(request, "reports/coalition.html", context)


@door(post=Action.VIEW, find=find_coalition)
def coalition_download(request, coalition, fmt):
    if fmt not in FORMATS:
        raise Http404
    # Built here as well as in the worker: what it says is the file's fingerprint, so the same
    # report is made once and a changed one (a new signature, a new day) is made again.
    said = coalition_report.fingerprint(coalition_report.document(coalition))
    language = translation.get_language()
    job = start_job(
        kind="reports.render_coalition",
        fingerprint=f"coalition:{coalition.pk}:report:{fmt}:{language}:{said}",
        title=_("Report of “%(title)s” (%(format)s)")
        % {"title": coalition.name, "format": fmt.upper()},
        subject=coalition,
        action=Action.VIEW,
        params={"coalition": coalition.pk, "format": fmt},
        user=request.user,
    )
    return redirect(job)
