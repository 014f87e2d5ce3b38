"""Charters out as data: the `charters` part of the whole-coalition export, and the CSV of a
version's signatures for its organisers.

What each visitor gets follows the pages: published versions for whoever may see the
coalition, drafts (unpublished versions) only for its members, private signatures only for
those who may edit the charter (organisers; the operator sees everything), and unconfirmed
signatures for nobody (their address was never shown to be theirs).
"""

from django.db.models import Prefetch
from django.http import JsonResponse, StreamingHttpResponse
from django.utils.translation import gettext as _

from coproduce.coalitions.permissions import Action, can
from coproduce.core import csvfiles
from coproduce.people.sectors import sector_label

from . import publishing
from .models import Charter, Commitment, Signature, Version
from .publishing_rules import sees_drafts

BOM = "\ufeff"
SPREADSHEET_TIME = "%Y-%m-%d %H:%M"


def coalition_charters(coalition, visitor) -> list[dict]:
    """The `charters` part: each charter with its versions and their signatures."""
    if not can(visitor, Action.VIEW, coalition):
        return []
    members = sees_drafts(visitor, coalition)
    everything = can(visitor, Action.EDIT_CHARTER, coalition)
    signatures = publishing.shown(Signature.objects.all())
    if not everything:
        signatures = signatures.filter(public=True)
    signatures = signatures.order_by("created_at", "pk").prefetch_related(
        Prefetch("commitments", queryset=Commitment.objects.order_by("position", "pk"))
    )
    versions = Version.objects.order_by("number").prefetch_related(
        Prefetch("signatures", queryset=signatures)
    )
    if not members:
        versions = versions.filter(published_at__isnull=False)
    charters = (
        Charter.objects.filter(coalition=coalition)
        .order_by("created_at", "pk")
        .prefetch_related(Prefetch("versions", queryset=versions))
    )
    found = []
    for charter in charters:
        shown = [_version(version) for version in charter.versions.all()]
        if shown or members:
            found.append({"title": charter.title, "versions": shown})
    return found


def _version(version: Version, signatures=None) -> dict:
    return {
        "number": version.number,
        "title": version.title,
        "published": version.is_published,
        "published_at": version.published_at.isoformat() if version.published_at else None,
        "principles": [
            {
                "title": p.get("title", ""),
                "meaning": p.get("meaning", ""),
                "asks": p.get("asks", ""),
            }
            for p in version.principles or []
        ],
        "signatures": [
            _signature(signature)
            for signature in (version.signatures.all() if signatures is None else signatures)
        ],
    }


def _signature(signature: Signature) -> dict:
    return {
        "organisation": signature.organisation_name or None,
        "name": signature.name,
        "role": signature.role or None,
        "sector": signature.sector,
        "public": signature.public,
        "withdrawn": signature.withdrawn_at is not None,
        "sample": signature.is_sample,
        "commitments": [commitment.text for commitment in signature.commitments.all()],
    }


# --- the organisers' spreadsheet ----------------------------------------------------------------


class _Line:
    def write(self, value: str) -> str:
        return value


def _when(value) -> str:
    return value.strftime(SPREADSHEET_TIME) if value else ""


def signature_rows(version: Version):
    yield [
        _("Organisation"),
        _("Name"),
        _("Role"),
        _("Sector"),
        _("Email"),
        _("Public"),
        _("Confirmed at (UTC)"),
        _("Withdrawn at (UTC)"),
        _("Commitments"),
    ]
    rows = publishing.with_commitments(publishing.shown(version.signatures.all()))
    rows = rows.order_by("created_at", "pk")
    for signature in rows:
        yield [
            signature.organisation_name,
            signature.name,
            signature.role,
            sector_label(signature.sector),
            signature.email,
            _("yes") if signature.public else _("no"),
            _when(signature.confirmed_at),
            _when(signature.withdrawn_at),
            "\n".join(commitment.text for commitment in signature.commitments.all()),
        ]


def _csv_response(rows, name: str) -> StreamingHttpResponse:
    writer = csvfiles.writer(_Line())

    def stream():
        yield BOM
        for row in rows:
            yield writer.writerow(row)

    response = StreamingHttpResponse(stream(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response


def _file_name(prefix: str, version: Version) -> str:
    return f"{prefix}-{version.charter.coalition.slug}-{version.charter_id}-v{version.number}"


def signatures_csv_response(version: Version) -> StreamingHttpResponse:
    return _csv_response(signature_rows(version), _file_name("signatures", version))


# --- the public call, for anyone who may see it -------------------------------------------------


def _public(version: Version):
    """Public signatures that count: no addresses, nothing private, nothing unconfirmed."""
    rows = publishing.counted(version.signatures.filter(public=True))
    return publishing.with_commitments(rows).order_by("created_at", "pk")


def public_rows(version: Version):
    yield [_("Organisation"), _("Name"), _("Role"), _("Sector"), _("Commitments")]
    for signature in _public(version):
        yield [
            signature.organisation_name,
            signature.name,
            signature.role,
            sector_label(signature.sector),
            "\n".join(commitment.text for commitment in signature.commitments.all()),
        ]


def public_csv_response(version: Version) -> StreamingHttpResponse:
    return _csv_response(public_rows(version), _file_name("call", version))


def public_json_response(version: Version) -> JsonResponse:
    data = _version(version, signatures=_public(version))
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False, "indent": 2})
    response["Content-Disposition"] = f'inline; filename="{_file_name("call", version)}.json"'
    return response
