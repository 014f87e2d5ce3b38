"""Workshop reports: the published versions of a workshop's report, and one of them as it was
published. Drafts never show here: a version is read by whoever may read it on its page
(everyone who may see the workshop, or the coalition's members only, as the organisers chose)."""

from datetime import datetime

from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_noop
from ninja import Query, Router, Schema
from pydantic import AwareDatetime, Field

from coproduce.coalitions.permissions import Action, Visitor, can
from coproduce.reports.builder import SECTION_KEYS, section_titles
from coproduce.reports.models import ReportVersion
from coproduce.workshops.models import Workshop

from .doors import api_door
from .paging import DEFAULT_LIMIT, MAX_LIMIT, changed_since, paginate
from .responses import answers, listed
from .workshops import find_workshop

router = Router(tags=[gettext_noop("Reports")])


class ReportVersionSummary(Schema):
    number: int
    published_at: datetime
    readers: str = Field(
        description="public: everyone who may see the workshop; members: the coalition's "
        "members only"
    )
    language: str = Field(description="The language the report is written in")
    updated_at: datetime
    url: str = Field(description="The version's page")
    api_url: str


class ReportVersionList(Schema):
    items: list[ReportVersionSummary]
    next: str | None


class ReportSection(Schema):
    key: str
    title: str = Field(description="The section's heading, in the report's language")
    text: str = Field(description="The organisers' own words for the section, as Markdown")


class ReportVersionOut(ReportVersionSummary):
    workshop: str = Field(description="The workshop's slug")
    title: str
    sections: list[ReportSection]
    html: str = Field(description="The report as it read when it was published (HTML)")


def find_report_version(request, slug: str, number: int) -> ReportVersion:
    """A published version only: a draft is not found, as on its page."""
    published = ReportVersion.objects.exclude(published_at=None)
    return get_object_or_404(
        published.select_related("report__workshop__coalition"),
        report__workshop__slug=slug,
        number=number,
    )


def version_summary(request, workshop: Workshop, version: ReportVersion) -> dict:
    return {
        "number": version.number,
        "published_at": version.published_at,
        "readers": version.visibility,
        "language": version.language,
        "updated_at": version.updated_at,
        "url": request.build_absolute_uri(
            reverse("reports:version", args=[workshop.slug, version.number])
        ),
        "api_url": request.build_absolute_uri(
            reverse("api:report_version", args=[workshop.slug, version.number])
        ),
    }


@router.get(
    "/workshops/{slug}/report/",
    response=answers(ReportVersionList),
    summary=gettext_noop("A workshop report's published versions"),
    description=gettext_noop(
        "Each version of the workshop's report that has been published and that you may read, "
        "the first one first. Versions for the coalition's members only are listed for its "
        "members; drafts never are."
    ),
)
@api_door(Action.VIEW, find=find_workshop)
def report_versions(
    request,
    workshop: Workshop,
    cursor: str | None = None,
    limit: int = Query(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT),
    updated_since: AwareDatetime | None = None,
):
    found = ReportVersion.objects.filter(report__workshop=workshop).exclude(published_at=None)
    if not can(Visitor.of(request), Action.MEMBERS_VIEW, workshop):  # as the version page
        found = found.filter(visibility=ReportVersion.Visibility.PUBLIC)
    found = changed_since(found, updated_since)
    page = paginate(found, order="number", cursor=cursor, limit=limit)
    return listed(request, [version_summary(request, workshop, v) for v in page.items], page)


@router.get(
    "/workshops/{slug}/report/versions/{number}/",
    response=answers(ReportVersionOut),
    summary=gettext_noop("One published version of a workshop report"),
    description=gettext_noop(
        "The version as it was published: the organisers' words for each section, and the "
        "whole report as it read then."
    ),
    url_name="report_version",
)
@api_door(Action.VIEW, find=find_report_version)
def report_version(request, version: ReportVersion):
    workshop = version.report.workshop
    with translation.override(version.language):
        titles = {key: str(title) for key, title in section_titles().items()}
    texts = version.texts or {}
    return {
        **version_summary(request, workshop, version),
        "workshop": workshop.slug,
        "title": workshop.title,
        "sections": [
            {"key": key, "title": titles[key], "text": texts[key]}
            for key in SECTION_KEYS
            if isinstance(texts.get(key), str) and texts[key].strip()
        ],
        "html": version.snapshot_html,
    }
