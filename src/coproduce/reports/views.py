from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control

from coproduce.coalitions.permissions import Action, can
from coproduce.core.doors import door
from coproduce.jobs.services import start_job
from coproduce.workshops.selectors import find_workshop

from . import document, services
from .builder import SECTION_KEYS, default_texts
from .document import FORMATS
from .forms import PublishForm, SectionTextsForm
from .gather import fingerprint, gather
from .models import ReportVersion
from .rendering import article_html, language_of
from .sections import workshop_fingerprint


@door(get=Action.PUBLIC)
@cache_control(max_age=3600, public=True)
def report_css(request):
    """The report's own styles for the site's preview and published pages: a file, since the
    Content Security Policy forbids inline styles. Page-wide rules stay with the documents."""
    rules = [
        line
        for line in document.report_css().splitlines()
        if not line.startswith(("html ", "body ")) and "body {" not in line
    ]
    return HttpResponse("\n".join(rules), content_type="text/css; charset=utf-8")


def find_version(request, slug: str, number: int) -> ReportVersion:
    return get_object_or_404(
        ReportVersion.objects.exclude(published_at=None).select_related(
            "report__workshop__coalition"
        ),
        report__workshop__slug=slug,
        number=number,
    )


@door(get=Action.PLAN_WORKSHOP, post=Action.PLAN_WORKSHOP, find=find_workshop)
def edit(request, workshop):
    """Edit the draft's text section by section, preview it, download it, publish it."""
    # Reading the page writes nothing: the report and its next draft exist once saved.
    report = services.report_of(workshop)
    draft = services.draft_preview(report, request.user)
    data = gather(workshop)  # once: the form's defaults and the preview both come from it
    initial = {**default_texts(data), **draft.texts}
    form = SectionTextsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        draft = services.draft_of(services.report_for(workshop), request.user)
        services.save_texts(draft, {key: form.cleaned_data[key] for key in SECTION_KEYS})
        messages.success(request, _("Saved. The preview below shows the report as it reads now."))
        return redirect("reports:edit", workshop.slug)
    context = {
        "workshop": workshop,
        "coalition": workshop.coalition,
        "report": report,
        "draft": draft,
        "form": form,
        # published in the language the organiser works in, unless they choose another
        "publish_form": PublishForm(
            instance=draft, initial={"language": translation.get_language()}
        ),
        "preview": article_html(workshop, draft, data=data, report=report),
        "versions": report.versions.exclude(published_at=None) if report.pk else [],
        "formats": list(FORMATS),
        "notes_without_themes": not report.themes and bool(services.harvest_notes(workshop)),
    }
    return render(request, "reports/edit.html", context)


@door(post=Action.PLAN_WORKSHOP, find=find_workshop)
def publish(request, workshop):
    report = services.report_for(workshop)
    draft = services.draft_of(report, request.user)
    form = PublishForm(request.POST, instance=ReportVersion.objects.get(pk=draft.pk))
    if not form.is_valid():
        messages.error(request, _("Choose who can read it."))
        return redirect("reports:edit", workshop.slug)
    language = form.cleaned_data["language"] or translation.get_language()
    with translation.override(language):  # the frozen page reads in the chosen language
        html = article_html(workshop, draft)
    try:
        services.publish(
            draft, visibility=form.cleaned_data["visibility"], html=html, language=language
        )
    except services.ReportError as error:  # published by someone else a moment ago
        messages.error(request, str(error))
        return redirect("reports:edit", workshop.slug)
    messages.success(
        request, _("Version %(n)s is published on the coalition's page.") % {"n": draft.number}
    )
    return redirect("reports:version", workshop.slug, draft.number)


@door(get=Action.VIEW, find=find_version)
def version(request, published):
    """A published version, exactly as it read when it was published."""
    workshop = published.report.workshop
    others = published.report.versions.exclude(published_at=None)
    if not can(request.user, Action.MEMBERS_VIEW, workshop):
        others = others.filter(visibility=ReportVersion.Visibility.PUBLIC)
    context = {
        "workshop": workshop,
        "coalition": workshop.coalition,
        "version": published,
        "versions": others,
        "can_plan": can(request.user, Action.PLAN_WORKSHOP, workshop),
        "formats": list(FORMATS),
    }
    return render(request, "reports/version.html", context)


def _render_job(request, workshop, version, fmt: str, subject, action: Action):
    """Make the file in the background and show its progress; a finished file is kept and
    served again until anything in the workshop or the report changes."""
    if fmt not in FORMATS:
        raise Http404
    report = services.report_of(workshop)
    language = language_of(version)  # one file per language a draft is asked for in
    fingerprint_of_file = (
        f"workshop:{workshop.pk}:report:{fmt}:{language}:v{version.pk}:"
        f"{version.updated_at.isoformat()}:{report.themes_changed_at}:{fingerprint(workshop)}"
        f":{workshop_fingerprint(workshop)}"
    )
    job = start_job(
        kind="reports.render",
        fingerprint=fingerprint_of_file,
        title=_("Report of “%(title)s” (%(format)s)")
        % {"title": workshop.title, "format": fmt.upper()},
        subject=subject,
        action=action,
        params={"workshop": workshop.pk, "version": version.pk, "format": fmt},
        user=request.user,
    )
    return redirect(job)


@door(post=Action.PLAN_WORKSHOP, find=find_workshop)
def download(request, workshop, fmt):
    """The draft as a file, for those who write it."""
    draft = services.draft_of(services.report_for(workshop), request.user)
    return _render_job(request, workshop, draft, fmt, workshop, Action.PLAN_WORKSHOP)


@door(post=Action.VIEW, find=find_version)
def download_version(request, published, fmt):
    """A published version as a file, for whoever may read it."""
    workshop = published.report.workshop
    return _render_job(request, workshop, published, fmt, published, Action.VIEW)
