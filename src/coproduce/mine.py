"""My workshops: what someone runs, is registered for or took part in, each with its next step,
and what came of the workshops they took part in (the actions traced to them).

It lives with the site's own pages because one line can need three capabilities at once (the
workshop, its café running now, its published report).
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import F, Q
from django.shortcuts import render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from coproduce.cafe.models import Participant
from coproduce.coalitions.models import Membership, Role
from coproduce.coalitions.permissions import Action, can
from coproduce.core.doors import SIGNED_IN, door
from coproduce.plans import outcomes
from coproduce.reports.models import ReportVersion
from coproduce.workshops.models import Registration, Workshop

RUNNING_ROLES = (Role.ORGANISER, Role.FACILITATOR)
PAST_SHOWN = 20
UPCOMING_SHOWN = 50
A_WEEK = timedelta(days=6)


@dataclass
class Line:
    workshop: Workshop
    role: str  # what I am at this workshop, in words
    step: str  # the next step, in words
    link: str  # where that step happens
    is_action: bool = True  # False: something to know ("See you Thursday"), not to do


@door(get=SIGNED_IN)
def my_workshops(request):
    person, now = request.user, timezone.now()
    runs = set(
        Membership.objects.filter(person=person, role__in=RUNNING_ROLES).values_list(
            "coalition_id", flat=True
        )
    )
    member_of = set(Membership.objects.filter(person=person).values_list("coalition_id", flat=True))
    registered = {
        r.workshop_id: r
        for r in Registration.objects.filter(person=person, status=Registration.Status.REGISTERED)
    }
    mine = Q(pk__in=registered) | Q(coalition_id__in=runs)
    upcoming_in_my_coalitions = Q(coalition_id__in=member_of, ends_at__gte=now)
    workshops = Workshop.objects.filter(mine | upcoming_in_my_coalitions).select_related(
        "coalition"
    )
    upcoming = list(workshops.filter(ends_at__gte=now).order_by("starts_at")[:UPCOMING_SHOWN])
    past = list(workshops.filter(ends_at__lt=now).order_by("-starts_at")[:PAST_SHOWN])
    cafes = _running_cafes(person, [w.pk for w in upcoming if w.starts_at <= now])
    reports = _published_reports(person, [w.pk for w in past])
    context = {
        "upcoming": [_line(w, now, runs, registered, cafes, reports) for w in upcoming],
        "past": [_line(w, now, runs, registered, cafes, reports) for w in past],
        "came": _what_came(person, registered, past + upcoming),
        "welcome": request.GET.get("welcome") == "1",
        "has_coalition": bool(member_of),
    }
    return render(request, "people/mine.html", context)


def _what_came(person, registered: dict, workshops: list) -> list[tuple]:
    """[(workshop, [outcomes.Came])] for the workshops this person registered for, the
    actions they may see only (a private coalition's plan is for its members)."""
    taken_part = [w for w in workshops if w.pk in registered]
    found = outcomes.from_workshops([w.pk for w in taken_part], person)
    shown = []
    for workshop in taken_part:
        came = [c for c in found.get(workshop.pk, []) if can(person, Action.VIEW, c.action)]
        if came:
            shown.append((workshop, came))
    return shown


def _running_cafes(person, workshop_ids: list[int]) -> dict[int, int]:
    """{workshop id: café id} of the cafés running now in which this person has a place."""
    places = Participant.objects.filter(
        registration__person=person,
        registration__workshop_id__in=workshop_ids,
        cafe__current_round__gte=1,
        cafe__current_round__lte=F("cafe__rounds"),
    ).values_list("registration__workshop_id", "cafe_id")
    return dict(places)


def _published_reports(person, workshop_ids: list[int]) -> dict[int, tuple[str, int]]:
    """{workshop id: (slug, number)} of each workshop's latest published report version that
    this person may read (a members-only version is not offered to a registrant who is not a
    member: the link would lead nowhere, and would say that it exists)."""
    versions = (
        ReportVersion.objects.filter(report__workshop_id__in=workshop_ids)
        .exclude(published_at=None)
        .select_related("report__workshop__coalition")
        .order_by("number")
    )
    return {
        version.report.workshop_id: (version.report.workshop.slug, version.number)
        for version in versions
        if can(person, Action.VIEW, version)
    }


def _line(workshop, now, runs, registered, cafes, reports) -> Line:
    url = workshop.get_absolute_url()
    running = workshop.coalition_id in runs
    if running:
        role = _("You run it")
    elif workshop.pk in registered:
        role = _("You are registered")
    else:
        role = _("In your coalition")
    if workshop.ends_at < now:
        if workshop.pk in reports:
            slug, number = reports[workshop.pk]
            return Line(
                workshop,
                role,
                _("Read the report"),
                reverse("reports:version", args=[slug, number]),
            )
        if running:
            return Line(
                workshop, role, _("Write the report"), reverse("reports:edit", args=[workshop.slug])
            )
        return Line(workshop, role, _("The report is not published yet"), url, False)
    if workshop.starts_at <= now:
        if workshop.pk in cafes:
            link = reverse("cafe:mine", args=[cafes[workshop.pk]])
            return Line(workshop, role, _("Café running now – go to your table"), link)
        if running:
            return Line(
                workshop,
                role,
                _("Happening now – open the check-in desk"),
                reverse("workshops:desk", args=[workshop.slug]),
            )
        return Line(workshop, role, _("Happening now – go to the workshop"), url)
    if not running and workshop.pk not in registered:
        return Line(workshop, role, _("Register"), url)
    return Line(workshop, role, see_you(workshop.starts_at, workshop, now), url, False)


def see_you(starts: datetime, workshop: Workshop, now: datetime) -> str:
    """ "See you Thursday at 14:00" within a week, else with the date, in the workshop's zone."""
    local = starts.astimezone(workshop.tz)
    time = local.strftime("%H:%M")
    if local.date() == now.astimezone(workshop.tz).date():
        return _("See you today at %(time)s") % {"time": time}
    if starts - now < A_WEEK:
        day = formats.date_format(local, "l")
        return _("See you %(day)s at %(time)s") % {"day": day, "time": time}
    date = formats.date_format(local, "DATE_FORMAT")
    return _("See you on %(date)s at %(time)s") % {"date": date, "time": time}
