"""Registrations as a spreadsheet, streamed, so ten thousand rows never time out.

UTF-8 with a byte order mark (Excel reads accents right only with it), formulas made harmless
by `core.csvfiles`, times in the workshop's own time zone. Email addresses only for those who
plan the workshop (its organisers); facilitators at the desk get the same file without them.
"""

from collections.abc import Iterator

from django.db.models import Count
from django.http import StreamingHttpResponse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from coproduce.coalitions.permissions import Action, can
from coproduce.core import csvfiles
from coproduce.core.doors import door
from coproduce.people.sectors import Sector

from .models import Registration, Workshop
from .views import find_workshop

BOM = "\ufeff"
CHUNK = 2000  # rows fetched from the database at a time
SPREADSHEET_TIME = "%Y-%m-%d %H:%M"


class _Line:
    """A file-like object whose write() returns what it was given: one CSV line at a time."""

    def write(self, value: str) -> str:
        return value


def _when(value, workshop: Workshop) -> str:
    return value.astimezone(workshop.tz).strftime(SPREADSHEET_TIME) if value else ""


def _sector_label(code: str) -> str:
    try:
        return str(Sector(code).label)
    except ValueError:  # a sector since retired: show what was stored
        return code


def registration_rows(workshop: Workshop, *, with_email: bool) -> Iterator[list]:
    header = [_("Name")]
    if with_email:
        header.append(_("Email"))
    header += [
        _("Organisation"),
        _("Sector"),
        _("Status"),
        _("Registered at"),
        _("Checked in at"),
    ]
    yield header
    statuses = dict(Registration.Status.choices)
    registrations = (
        workshop.registrations.select_related("person__organisation")
        .order_by("display_name", "pk")
        .iterator(chunk_size=CHUNK)
    )
    for registration in registrations:
        person = registration.person
        row = [registration.display_name]
        if with_email:
            row.append(person.email if person else "")
        row += [
            person.organisation.name if person and person.organisation else "",
            _sector_label(registration.sector),
            str(statuses.get(registration.status, registration.status)),
            _when(registration.created_at, workshop),
            _when(registration.checked_in_at, workshop),
        ]
        yield row


def csv_stream(rows: Iterator[list]) -> Iterator[str]:
    """The lines of the file; written in the request's language, though the server reads the
    stream after the request's own handling (and its language) is over."""
    language = translation.get_language()
    writer = csvfiles.writer(_Line())
    yield BOM
    with translation.override(language):
        for row in rows:
            yield writer.writerow(row)


def csv_response(rows: Iterator[list], filename: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(csv_stream(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@door(get=Action.RUN_WORKSHOP, find=find_workshop)
def registrations_csv(request, workshop):
    with_email = can(request.user, Action.PLAN_WORKSHOP, workshop)
    filename = "{}-{}.csv".format(workshop.slug, pgettext("file name", "registrations"))
    return csv_response(registration_rows(workshop, with_email=with_email), filename)


def coalition_workshops(coalition, visitor) -> list[dict]:
    """The coalition's workshops for the whole-coalition export; registrations by sector for
    those who may see what is shared with members (counts only, never who)."""
    members = can(visitor, Action.MEMBERS_VIEW, coalition)
    workshops = list(Workshop.objects.filter(coalition=coalition).order_by("starts_at", "pk"))
    counts: dict[int, dict[str, int]] = {}
    if members:
        rows = (
            Registration.objects.filter(
                workshop__in=workshops, status=Registration.Status.REGISTERED
            )
            .values_list("workshop_id", "sector")
            .annotate(n=Count("pk"))
        )
        for workshop_id, sector, n in rows:
            counts.setdefault(workshop_id, {})[sector or Sector.NOT_GIVEN] = n
    return [
        _workshop_part(workshop, counts.get(workshop.pk, {}), members) for workshop in workshops
    ]


def _workshop_part(workshop: Workshop, counts: dict[str, int], members: bool) -> dict:
    part = {
        "slug": workshop.slug,
        "title": workshop.title,
        "starts_at": workshop.starts_at.isoformat(),
        "ends_at": workshop.ends_at.isoformat(),
        "venue": workshop.venue,
    }
    if members:
        part["registrations_by_sector"] = counts
    return part
