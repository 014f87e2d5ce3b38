"""Charters, as their pages show them: a coalition's charters (the drafts for its members, the
published calls to action for everyone who may see it), one draft with its principles and
versions (members only, in a public coalition too), one version as its call-to-action page
shows it, and the public signatures of a published version. Signatures shown privately, the
signatories' addresses and signatures not yet confirmed never show here (the organisers'
spreadsheet is on the site)."""

from datetime import datetime

from django.db.models import F, Prefetch, Q
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext_noop
from ninja import Query, Router, Schema
from pydantic import AwareDatetime, Field

from coproduce.charters import publishing, selectors
from coproduce.charters.models import Charter, Version
from coproduce.coalitions.models import Coalition
from coproduce.coalitions.permissions import Action, Visitor, can
from coproduce.people.sectors import sector_key, sector_label

from .coalitions import find_coalition
from .doors import api_door
from .paging import DEFAULT_LIMIT, MAX_LIMIT, changed_since, paginate
from .responses import answers, listed

router = Router(tags=[gettext_noop("Charters")])


class CharterPrinciple(Schema):
    title: str
    meaning: str
    asks: str = Field(description="What it asks of those who sign")


class CharterPublishedVersion(Schema):
    number: int
    title: str
    published_at: datetime
    url: str = Field(description="The call to action's page")
    api_url: str
    signatures: str = Field(description="The API list of its public signatures")


class CharterDraftFigures(Schema):
    principles: int
    versions: int
    open_proposals: int = Field(description="Changes members proposed that wait for a decision")


class CharterSummary(Schema):
    id: int
    title: str
    draft: CharterDraftFigures | None = Field(
        description="The draft, for the coalition's members only"
    )
    published: list[CharterPublishedVersion]
    updated_at: datetime = Field(description="Its last new version or publication you may know of")
    api_url: str | None = Field(description="The draft, for the coalition's members only")


class CharterList(Schema):
    items: list[CharterSummary]
    next: str | None


class CharterVersionRow(Schema):
    number: int
    title: str
    what_changed: str
    made_at: datetime
    published_at: datetime | None = Field(description="None: not published")
    api_url: str


class CharterOut(Schema):
    id: int
    coalition: str
    title: str
    preamble: str = Field(description="Markdown")
    credit: str
    status: str = Field(
        description="draft: never published; published: its latest version is published; "
        "changed_since_published: published, and changed since"
    )
    principles: list[CharterPrinciple]
    versions: list[CharterVersionRow]
    created_at: datetime
    updated_at: datetime
    url: str


class SignaturesBySector(Schema):
    sector: str
    label: str
    signatures: int


class CharterVersionOut(Schema):
    charter: int
    number: int
    title: str
    preamble: str
    principles: list[CharterPrinciple]
    published: bool
    published_at: datetime | None
    replaced_by: int | None = Field(description="The newer published version, if any")
    signatures_total: int = Field(description="Confirmed signatures that count, private ones too")
    by_sector: list[SignaturesBySector]
    short_url: str | None
    url: str
    signatures: str | None = Field(description="The API list of its public signatures")


class CharterSignature(Schema):
    organisation: str | None = Field(description="None: someone signing for themselves")
    name: str
    role: str | None
    sector: str
    sector_label: str
    withdrawn: bool
    sample: bool = Field(description="Sample data, not a real signature")
    commitments: list[str]


class CharterSignatureList(Schema):
    items: list[CharterSignature]
    next: str | None


def find_charter(request, slug: str, charter_id: int) -> Charter:
    return get_object_or_404(
        Charter.objects.select_related("coalition"), pk=charter_id, coalition__slug=slug
    )


def find_charter_version(request, slug: str, charter_id: int, number: int) -> Version:
    return selectors.find_version(request, slug, charter_id, number)


def find_published_version(request, slug: str, charter_id: int, number: int) -> Version:
    return selectors.find_published(request, slug, charter_id, number)


def _args(version: Version) -> list:
    return [version.charter.coalition.slug, version.charter_id, version.number]


def _principles(rows) -> list[dict]:
    return [
        {"title": p.get("title", ""), "meaning": p.get("meaning", ""), "asks": p.get("asks", "")}
        for p in rows or []
    ]


def _published(request, coalition: Coalition, version: Version) -> dict:
    args = [coalition.slug, version.charter_id, version.number]
    return {
        "number": version.number,
        "title": version.title,
        "published_at": version.published_at,
        "url": request.build_absolute_uri(reverse("charters:call", args=args)),
        "api_url": request.build_absolute_uri(reverse("api:charter_version", args=args)),
        "signatures": request.build_absolute_uri(reverse("api:charter_signatures", args=args)),
    }


@router.get(
    "/coalitions/{slug}/charters/",
    response=answers(CharterList),
    summary=gettext_noop("A coalition's charters"),
    description=gettext_noop(
        "Each charter you may know of, the oldest first: for the coalition's members every "
        "draft with its figures, for everyone else the charters with a published call to "
        "action. Each lists its published versions. updated_since keeps the charters with a "
        "new version or publication since."
    ),
)
@api_door(Action.VIEW, find=find_coalition)
def charters(
    request,
    coalition: Coalition,
    cursor: str | None = None,
    limit: int = Query(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT),
    updated_since: AwareDatetime | None = None,
):
    members = can(Visitor.of(request), Action.MEMBERS_VIEW, coalition)  # as the list page
    published = Version.objects.filter(charter__coalition=coalition, published_at__isnull=False)
    if members:
        found = selectors.charters_of(coalition)
    else:
        found = Charter.objects.filter(coalition=coalition, pk__in=published.values("charter_id"))
    if updated_since is not None:
        recent = changed_since(published.annotate(updated_at=F("published_at")), updated_since)
        wanted = Q(pk__in=recent.values("charter_id"))
        if members:
            own = changed_since(Charter.objects.filter(coalition=coalition), updated_since)
            wanted |= Q(pk__in=own.values("pk"))
        found = found.filter(wanted)
    found = found.prefetch_related(
        Prefetch("versions", queryset=published.order_by("number"), to_attr="published")
    )
    page = paginate(found, order="pk", cursor=cursor, limit=limit)
    items = []
    for charter in page.items:
        shown = charter.published
        times = [v.published_at for v in shown] + ([charter.updated_at] if members else [])
        items.append(
            {
                "id": charter.pk,
                "title": charter.title if members else shown[-1].title,
                "draft": {
                    "principles": charter.n_principles,
                    "versions": charter.n_versions,
                    "open_proposals": charter.n_open,
                }
                if members
                else None,
                "published": [_published(request, coalition, v) for v in shown],
                "updated_at": max(times),
                "api_url": request.build_absolute_uri(
                    reverse("api:charter", args=[coalition.slug, charter.pk])
                )
                if members
                else None,
            }
        )
    return listed(request, items, page)


def _status(versions: list[Version]) -> str:
    if not any(v.is_published for v in versions):
        return "draft"
    return "published" if versions[-1].is_published else "changed_since_published"


@router.get(
    "/coalitions/{slug}/charters/{charter_id}/",
    response=answers(CharterOut),
    summary=gettext_noop("One charter's draft, its principles and versions"),
    description=gettext_noop(
        "The draft as it reads now and every version of it, published or not: for the "
        "coalition's members only, in a public coalition too."
    ),
    url_name="charter",
)
@api_door(Action.VIEW, find=find_charter)
def charter(request, charter: Charter):
    slug = charter.coalition.slug
    versions = list(charter.versions.order_by("number"))
    return {
        "id": charter.pk,
        "coalition": slug,
        "title": charter.title,
        "preamble": charter.preamble,
        "credit": charter.credit,
        "status": _status(versions),
        "principles": [
            {"title": p.title, "meaning": p.meaning, "asks": p.asks}
            for p in charter.principles.order_by("position", "pk")
        ],
        "versions": [
            {
                "number": v.number,
                "title": v.title,
                "what_changed": v.what_changed,
                "made_at": v.made_at,
                "published_at": v.published_at,
                "api_url": request.build_absolute_uri(
                    reverse("api:charter_version", args=[slug, charter.pk, v.number])
                ),
            }
            for v in versions
        ],
        "created_at": charter.created_at,
        "updated_at": charter.updated_at,
        "url": request.build_absolute_uri(reverse("charters:detail", args=[slug, charter.pk])),
    }


@router.get(
    "/coalitions/{slug}/charters/{charter_id}/versions/{number}/",
    response=answers(CharterVersionOut),
    summary=gettext_noop("One version of a charter, as its call to action"),
    description=gettext_noop(
        "Its words, and how many signed it by sector. A published version is read by everyone "
        "who may see the coalition; a version not published yet by its members only."
    ),
    url_name="charter_version",
)
@api_door(Action.VIEW, find=find_charter_version)
def charter_version(request, version: Version):
    counts = publishing.sector_counts(version)
    latest = publishing.latest_published(version.charter)
    code = version.short_code if version.is_published else None
    args = _args(version)
    return {
        "charter": version.charter_id,
        "number": version.number,
        "title": version.title,
        "preamble": version.preamble,
        "principles": _principles(version.principles),
        "published": version.is_published,
        "published_at": version.published_at,
        "replaced_by": latest.number if latest and latest.number > version.number else None,
        "signatures_total": sum(c.count for c in counts),
        "by_sector": [{"sector": c.key, "label": c.label, "signatures": c.count} for c in counts],
        "short_url": request.build_absolute_uri(reverse("charters:short_link", args=[code]))
        if code
        else None,
        "url": request.build_absolute_uri(reverse("charters:call", args=args)),
        "signatures": request.build_absolute_uri(reverse("api:charter_signatures", args=args))
        if version.is_published
        else None,
    }


@router.get(
    "/coalitions/{slug}/charters/{charter_id}/versions/{number}/signatures/",
    response=answers(CharterSignatureList),
    summary=gettext_noop("Who signed a published call to action"),
    description=gettext_noop(
        "The public signatures of the version, as its page shows them: confirmed ones, those "
        "withdrawn since marked so, the first signed first. Never an address, nor a signature "
        "its signatory asked to keep private. updated_since keeps those confirmed or "
        "withdrawn since."
    ),
    url_name="charter_signatures",
)
@api_door(Action.VIEW, find=find_published_version)
def charter_signatures(
    request,
    version: Version,
    cursor: str | None = None,
    limit: int = Query(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT),
    updated_since: AwareDatetime | None = None,
):
    found = publishing.public_signatures(version)
    found = found.annotate(updated_at=Coalesce("withdrawn_at", "confirmed_at"))
    found = changed_since(found, updated_since)
    page = paginate(found, order="pk", cursor=cursor, limit=limit)
    items = [
        {
            "organisation": signature.organisation_name or None,
            "name": signature.name,
            "role": signature.role or None,
            "sector": sector_key(signature.sector),
            "sector_label": sector_label(signature.sector),
            "withdrawn": signature.withdrawn_at is not None,
            "sample": signature.is_sample,
            "commitments": [c.text for c in signature.commitments.all()],
        }
        for signature in page.items
    ]
    return listed(request, items, page)
