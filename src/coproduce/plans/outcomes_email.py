"""Tell a workshop's participants, by email, what came of it: the actions of the coalition's
plan traced to the workshop (`outcomes.from_workshops`), each with its owners, status,
progress and due date, and a link to their "My workshops" page where they can follow them.

An organiser presses the button (`queue`); each person is claimed first (`OutcomesEmail`, one
row per workshop, person and day in the workshop's time zone, whose unique key makes a second
claim that day fail), then one task per person sends one email in the person's language. So
pressing twice the same day, or two organisers pressing at once, tells nobody twice; a later
day may tell them again, the page saying how many were told last time and when.

Who: people registered with an account (guests give no address), with an email address, who
did not stop this workshop's emails or all workshop emails (`workshops.emails.may_email`),
did not turn this kind of plan email off, and may see the plan (a private coalition's plan is
for its members). The task checks all of it again before it sends.
"""

import logging
from dataclasses import dataclass
from datetime import date, datetime

from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Exists, Max, OuterRef, Q
from django.db.models.functions import Lower
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from coproduce.coalitions.models import Membership, Visibility
from coproduce.coalitions.permissions import Action as Do
from coproduce.coalitions.permissions import can
from coproduce.core.text import first_line
from coproduce.people.services import language_of
from coproduce.workshops.emails import may_email, site_link
from coproduce.workshops.models import EmailOptOut as WorkshopOptOut
from coproduce.workshops.models import Registration, Workshop

from .models import EmailKind, EmailOptOut, OutcomesEmail
from .outcomes import Came, from_workshops, owner_names
from .reminders import message_to, stop_token

logger = logging.getLogger("coproduce.plans")


# -- what there is to tell, and to whom --------------------------------------------------------


def came_of(workshop: Workshop) -> list[Came]:
    """The actions of the workshop's own coalition that came from it, in the plan's order."""
    found = from_workshops([workshop.pk]).get(workshop.pk, [])
    return [c for c in found if c.action.goal.plan.coalition_id == workshop.coalition_id]


def recipients(workshop: Workshop):
    """The registrations whose person would be told now (one query)."""
    stopped_everything = WorkshopOptOut.objects.filter(email=Lower(OuterRef("person__email")))
    turned_off = EmailOptOut.objects.filter(person=OuterRef("person"), kind=EmailKind.OUTCOMES)
    member = Membership.objects.filter(
        coalition=OuterRef("workshop__coalition"), person=OuterRef("person")
    )
    sees_plan = (
        Q(workshop__coalition__visibility=Visibility.PUBLIC)
        | Q(person__is_superuser=True)
        | Exists(member)
    )
    return (
        Registration.objects.filter(
            sees_plan,
            ~Exists(stopped_everything),
            ~Exists(turned_off),
            workshop=workshop,
            status=Registration.Status.REGISTERED,
            person__isnull=False,
            person__is_active=True,
            emails_stopped=False,
        )
        .exclude(person__email="")
        .select_related("person", "workshop")
    )


def today_for(workshop: Workshop, now: datetime) -> date:
    return now.astimezone(workshop.tz).date()


@dataclass
class Tell:
    """What pressing the button would do now, for the page that asks first."""

    workshop: Workshop
    came: list[Came]
    reach: int  # people who would be told, leaving aside who was told today
    waiting: int  # of them, not told yet today: pressing now emails these
    told_today: int
    last_day: date | None  # the last earlier day it was sent, and to how many
    last_count: int
    moved_since: bool  # an action changed (or came) after that last send


def what_to_tell(workshop: Workshop, now: datetime | None = None) -> Tell:
    """A few queries, whatever the number of registrations."""
    now = now or timezone.now()
    day = today_for(workshop, now)
    came = came_of(workshop)
    people = set(recipients(workshop).values_list("person_id", flat=True))
    sent = OutcomesEmail.objects.filter(workshop=workshop, sent_at__isnull=False)
    told_today = set(
        OutcomesEmail.objects.filter(workshop=workshop, day=day).values_list("person_id", flat=True)
    )
    last = sent.filter(day__lt=day).aggregate(day=Max("day"), at=Max("sent_at"))
    last_count = sent.filter(day=last["day"]).count() if last["day"] else 0
    latest_change = max((max(c.action.updated_at, c.action.created_at) for c in came), default=None)
    return Tell(
        workshop=workshop,
        came=came,
        reach=len(people),
        waiting=len(people - told_today) if came else 0,
        told_today=len(told_today),
        last_day=last["day"],
        last_count=last_count,
        moved_since=bool(last["at"] and latest_change and latest_change > last["at"]),
    )


def queue(workshop: Workshop, now: datetime | None = None) -> int:
    """Claim everyone not told today and queue one email each; how many were queued."""
    now = now or timezone.now()
    if not came_of(workshop):
        return 0
    day = today_for(workshop, now)
    people = list(recipients(workshop).values_list("person_id", flat=True))
    with transaction.atomic():  # claimed and queued, or neither
        OutcomesEmail.objects.bulk_create(
            [
                OutcomesEmail(workshop=workshop, person_id=p, day=day, created_at=now)
                for p in people
            ],
            ignore_conflicts=True,
            batch_size=1000,
        )
        # What this press inserted: rows claimed earlier today were ignored.
        mine = list(
            OutcomesEmail.objects.filter(
                workshop=workshop, day=day, created_at=now, sent_at__isnull=True
            ).values_list("pk", flat=True)
        )
        for pk in mine:
            send_outcomes.enqueue(pk)
    return len(mine)


# -- sending -----------------------------------------------------------------------------------


@task
def send_outcomes(claim_id: int) -> str:
    """Send one person the email about one workshop; never raises."""
    claim = (
        OutcomesEmail.objects.select_related("workshop__coalition", "person")
        .filter(pk=claim_id, sent_at__isnull=True)
        .first()
    )
    if claim is None:
        return "already sent"
    person, workshop = claim.person, claim.workshop
    registration = (
        Registration.objects.select_related("person", "workshop")
        .filter(workshop=workshop, person=person, status=Registration.Status.REGISTERED)
        .first()
    )
    wanted = (
        person.is_active
        and registration is not None
        and may_email(registration)
        and not EmailOptOut.objects.filter(person=person, kind=EmailKind.OUTCOMES).exists()
    )
    came = [c for c in came_of(workshop) if can(person, Do.VIEW, c.action)] if wanted else []
    if not came:  # stopped, cancelled or left while it waited, or nothing left to tell
        OutcomesEmail.objects.filter(pk=claim.pk, sent_at__isnull=True).delete()
        return "not sent"
    # Of two tasks given the same claim, one gets it.
    if not OutcomesEmail.objects.filter(pk=claim.pk, sent_at__isnull=True).update(
        sent_at=timezone.now()
    ):
        return "already sent"
    try:
        build_message(person, workshop, came).send()
    except Exception as error:  # the mail server refused it: logged, never raised
        logger.warning("An email about a workshop's outcomes failed: %s", first_line(error))
        OutcomesEmail.objects.filter(pk=claim.pk).delete()  # not told: a new press retries
        return "failed"
    return "sent"


def build_message(person, workshop: Workshop, came: list[Came]) -> EmailMessage:
    """The email, in the person's language, dates as the workshop's time zone has them."""
    stop = site_link(reverse("plans:stop_emails", args=[stop_token(person, [EmailKind.OUTCOMES])]))
    coalition = workshop.coalition
    with translation.override(language_of(person)), timezone.override(workshop.tz):
        context = {
            "person": person,
            "workshop": workshop,
            "items": [
                {
                    "action": c.action,
                    "owners": owner_names(c.action),
                    "url": site_link(reverse("plans:action", args=[coalition.slug, c.action.pk])),
                }
                for c in came
            ],
            "mine_url": site_link(reverse("mine")),
            "stop_url": stop,
        }
        subject = _("What came of %(workshop)s") % {"workshop": workshop.title}
        body = render_to_string("plans/email/outcomes.txt", context)
    return message_to(person, subject, body, stop)


# -- the workshops the answers page offers -----------------------------------------------------

LISTED_WORKSHOPS = 50


@dataclass
class Row:
    workshop: Workshop
    actions: int
    last_day: date | None  # the last day its participants were emailed


def workshops_to_tell(coalition) -> list[Row]:
    """The coalition's workshops that actions came from, latest first, with the last day their
    participants were told (a fixed number of queries)."""
    ids = Workshop.objects.filter(coalition=coalition).values_list("pk", flat=True)
    found = {
        pk: [c for c in came if c.action.goal.plan.coalition_id == coalition.pk]
        for pk, came in from_workshops(ids).items()
    }
    found = {pk: came for pk, came in found.items() if came}
    workshops = Workshop.objects.filter(pk__in=found).order_by("-starts_at", "pk")
    workshops = list(workshops[:LISTED_WORKSHOPS])
    last = dict(
        OutcomesEmail.objects.filter(workshop__in=workshops, sent_at__isnull=False)
        .values("workshop")
        .annotate(last=Max("day"))
        .values_list("workshop", "last")
    )
    return [Row(w, len(found[w.pk]), last.get(w.pk)) for w in workshops]
