"""Emails about the plan: a reminder a week before an action is due, another when it becomes
overdue, and a monthly digest of what changed for the coalition's organisers.

The worker's sweep (`sweep(now)`, registered in apps.py; `coproduce plan_reminders` for cron)
finds what is due with a fixed number of queries whatever the count, claims it by inserting
`Notice` rows in bulk (the unique keys decide who claimed, however many workers sweep at
once), and queues one task per person with the notices they were given. The task claims them
again under a row lock before it sends, so a person queued twice is still emailed once, and
sends one email listing them all, in the coalition's time zone, with a link that turns off
each kind of email it carries.

A send the mail server refuses is tried again by a later sweep: after 15 minutes, then an
hour, then four hours; after the fourth failed try it is logged and given up. The retry goes
through the same claim under lock, so it cannot email anyone twice either.

Who: for an action, its lead (while a member) and the members whose organisation owns it now;
for a digest, the coalition's organisers. Never an inactive account, never someone who turned
that kind off, never anyone outside the coalition. When: only after the coalition's send time
(`EmailTime`, 09:00 without one) in its own time zone. In what: the person's language
(`people.services.language_of`).
"""

import logging
import zoneinfo
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q, Subquery
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from coproduce.coalitions.models import Coalition, Membership, Role
from coproduce.core.text import first_line
from coproduce.people.services import language_of
from coproduce.workshops.emails import site_link

from .models import (
    Action,
    EmailKind,
    EmailOptOut,
    EmailTime,
    Notice,
    Ownership,
    Plan,
    Status,
    Update,
)

logger = logging.getLogger("coproduce.plans")

DUE_SOON_DAYS = 7  # "due soon": due today or within the next 7 days
# An overdue reminder goes the day after the due date; a worker that was down catches up for
# this many days, but a plan written down late does not email about long-past dates.
OVERDUE_CATCH_UP_DAYS = 7
# The digest goes on the first sweep of a month after the send time; a worker that was down
# catches up within these first days of the month.
DIGEST_DAYS = 7
DEFAULT_SEND_AT = time(9, 0)
LISTED = 10  # items listed per part of a digest; the rest are counted
FINISHED = (Status.DONE, Status.DROPPED)
REMINDERS = (EmailKind.DUE_SOON, EmailKind.OVERDUE)

# After a send the mail server refused: wait this long before the next try (after the first
# failure, the second, the third); the try after the last wait is the final one.
RETRY_AFTER = (timedelta(minutes=15), timedelta(hours=1), timedelta(hours=4))
MAX_ATTEMPTS = len(RETRY_AFTER) + 1
RETRY_BATCH = 1000  # notices queued again per sweep, so a sweep stays short

STOP_SALT = "coproduce.plans.stop_emails"
STOP_MAX_AGE = timedelta(days=400)


class BadLink(Exception):
    """A "turn off" link that was changed, has expired, or names nobody."""


# -- the "turn off" links --------------------------------------------------------------------


def stop_token(person, kinds) -> str:
    return signing.dumps([person.pk, *sorted(kinds)], salt=STOP_SALT, compress=True)


@dataclass
class Stop:
    """What a "turn off" link names: a person and one or more kinds of plan email."""

    person: object
    kinds: list[str]

    @property
    def labels(self) -> list[str]:
        return [str(EmailKind(kind).label) for kind in self.kinds]

    def already_off(self) -> bool:
        found = EmailOptOut.objects.filter(person=self.person, kind__in=self.kinds).count()
        return found == len(self.kinds)


def stop_for(token: str) -> Stop:
    try:
        value = signing.loads(token, salt=STOP_SALT, max_age=STOP_MAX_AGE)
    except signing.SignatureExpired:
        raise BadLink(_("This link has expired.")) from None
    except signing.BadSignature:
        raise BadLink(_("This link is not complete or has been changed.")) from None
    if not (isinstance(value, list) and len(value) >= 2 and isinstance(value[0], int)):
        raise BadLink(_("This link is not complete or has been changed."))
    kinds = sorted({kind for kind in value[1:] if kind in EmailKind.values})
    if len(kinds) != len(value) - 1:
        raise BadLink(_("This link is not complete or has been changed."))
    person = get_user_model().objects.filter(pk=value[0]).first()
    if person is None:
        raise BadLink(_("This account no longer exists."))
    return Stop(person=person, kinds=kinds)


def stop_emails(stop: Stop) -> None:
    """Turn these kinds off for the person; doing it twice changes nothing."""
    EmailOptOut.objects.bulk_create(
        [EmailOptOut(person=stop.person, kind=kind) for kind in stop.kinds],
        ignore_conflicts=True,
    )


# -- when: each coalition's clock --------------------------------------------------------------


def _clocks(now: datetime) -> dict[int, datetime]:
    """The local time of each coalition with a plan that is past its send time today (one
    query)."""
    send_at = EmailTime.objects.filter(coalition=OuterRef("pk")).values("send_at")[:1]
    rows = (
        Coalition.objects.filter(Exists(Plan.objects.filter(coalition=OuterRef("pk"))))
        .annotate(send_at=Subquery(send_at))
        .values_list("pk", "time_zone", "send_at")
    )
    clocks = {}
    for pk, zone, at in rows:
        local = now.astimezone(_zone(zone))
        if local.time() >= (at or DEFAULT_SEND_AT):
            clocks[pk] = local
    return clocks


def send_time(coalition: Coalition) -> time:
    """When the coalition's plan emails go out each day, in its own time zone."""
    found = EmailTime.objects.filter(coalition=coalition).values_list("send_at", flat=True)
    return found.first() or DEFAULT_SEND_AT


def set_send_time(coalition: Coalition, at: time) -> time:
    """Set it (to the minute: the sweep looks at the clock about once a minute)."""
    at = at.replace(second=0, microsecond=0, tzinfo=None)
    EmailTime.objects.update_or_create(coalition=coalition, defaults={"send_at": at})
    return at


def zone_of(coalition: Coalition):
    return _zone(coalition.time_zone)


def _zone(name: str):
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def _by_day(clocks: dict[int, datetime]) -> dict[date, list[int]]:
    days = defaultdict(list)
    for pk, local in clocks.items():
        days[local.date()].append(pk)
    return days


# -- finding and claiming --------------------------------------------------------------------


def _window(kind: str, today: date) -> tuple[date, date]:
    if kind == EmailKind.DUE_SOON:
        return today, today + timedelta(days=DUE_SOON_DAYS)
    return today - timedelta(days=OVERDUE_CATCH_UP_DAYS), today - timedelta(days=1)


def _due(kind: str, days: dict[date, list[int]]):
    wanted = Q(pk__in=[])
    for today, coalitions in days.items():
        first, last = _window(kind, today)
        wanted |= Q(goal__plan__coalition__in=coalitions, due_on__gte=first, due_on__lte=last)
    return Action.objects.filter(wanted).exclude(status__in=FINISHED)


def _not_yet(kind: str, person: str, action: str = "pk", due_on: str = "due_on"):
    """Neither told already nor turned off (for the person at `person` of the outer row)."""
    told = Notice.objects.filter(
        person=OuterRef(person), kind=kind, action=OuterRef(action), due_on=OuterRef(due_on)
    )
    off = EmailOptOut.objects.filter(person=OuterRef(person), kind=kind)
    return ~Exists(told) & ~Exists(off)


def _reminders(kind: str, days: dict[date, list[int]]) -> set[tuple[int, int, date]]:
    """(person, action, due date) for every reminder of this kind not yet claimed: two
    queries, however many actions and people."""
    due = _due(kind, days)
    member = Membership.objects.filter(
        coalition=OuterRef("goal__plan__coalition"), person=OuterRef("lead")
    )
    leads = due.filter(Exists(member), lead__is_active=True).filter(_not_yet(kind, "lead"))
    found = set(leads.order_by().values_list("lead_id", "pk", "due_on"))
    owners = (
        Ownership.objects.filter(
            until__isnull=True,
            action__in=due.values("pk"),
            organisation__people__is_active=True,
            organisation__people__memberships__coalition=F("action__goal__plan__coalition"),
        )
        .annotate(person_id=F("organisation__people"), due_on=F("action__due_on"))
        .filter(_not_yet(kind, "person_id", "action_id", "due_on"))
    )
    found.update(owners.order_by().values_list("person_id", "action_id", "due_on"))
    return found


def _month_start(day: date) -> date:
    return day.replace(day=1)


def _previous_month(day: date) -> date:
    return _month_start(_month_start(day) - timedelta(days=1))


def month_window(month: date, zone) -> tuple[datetime, datetime]:
    """The month starting on `month`, from midnight to midnight in the coalition's zone."""
    following = _month_start(month + timedelta(days=31))
    start = datetime.combine(month, time(0), tzinfo=zone)
    return start, datetime.combine(following, time(0), tzinfo=zone)


def _digests(clocks: dict[int, datetime]) -> set[tuple[int, int, date]]:
    """(organiser, coalition, month) for each coalition whose plans changed last month: one
    query per time zone in use, early in the month only."""
    groups = defaultdict(list)
    for pk, local in clocks.items():
        if local.day <= DIGEST_DAYS:
            groups[(local.tzinfo.key, _previous_month(local.date()))].append(pk)
    found = set()
    for (zone, month), coalitions in groups.items():
        start, end = month_window(month, _zone(zone))
        last_day = end.date() - timedelta(days=1)
        changed = Action.objects.filter(
            Q(created_at__gte=start, created_at__lt=end)
            | Q(updated_at__gte=start, updated_at__lt=end)
            | (Q(due_on__gte=month, due_on__lte=last_day) & ~Q(status__in=FINISHED)),
            goal__plan__coalition=OuterRef("pk"),
        )
        handed = Ownership.objects.filter(
            action__goal__plan__coalition=OuterRef("pk"), since__gte=start, since__lt=end
        )
        told = Notice.objects.filter(
            person=OuterRef("person"), kind=EmailKind.DIGEST, coalition=OuterRef("coalition")
        ).filter(month=month)
        off = EmailOptOut.objects.filter(person=OuterRef("person"), kind=EmailKind.DIGEST)
        organisers = Membership.objects.filter(
            Exists(
                Coalition.objects.filter(pk=OuterRef("coalition")).filter(
                    Exists(changed) | Exists(handed)
                )
            ),
            ~Exists(told),
            ~Exists(off),
            coalition__in=coalitions,
            role=Role.ORGANISER,
            person__is_active=True,
            joined_at__lt=end,
        )
        pairs = organisers.order_by().values_list("person_id", "coalition_id")
        found.update((person, coalition, month) for person, coalition in pairs)
    return found


def sweep(now: datetime | None = None) -> int:
    """Queue again what failed and waited long enough, claim every reminder and digest that is
    due, and queue one email per person; the number of notices queued. Safe when several
    workers sweep at once."""
    now = now or timezone.now()
    retried = retry_failed(now)
    clocks = _clocks(now)
    if not clocks:
        return retried
    days = _by_day(clocks)
    claims = [
        Notice(person_id=p, kind=kind, action_id=a, due_on=d, created_at=now)
        for kind in REMINDERS
        for p, a, d in _reminders(kind, days)
    ]
    claims += [
        Notice(person_id=p, kind=EmailKind.DIGEST, coalition_id=c, month=m, created_at=now)
        for p, c, m in _digests(clocks)
    ]
    if not claims:
        return retried
    people = defaultdict(list)
    with transaction.atomic():  # claimed and queued, or neither
        Notice.objects.bulk_create(claims, ignore_conflicts=True, batch_size=1000)
        # What this sweep inserted: a sweep racing it has another `now`, and its rows were
        # ignored (a task given notices that are no longer unsent sends nothing).
        mine = Notice.objects.filter(created_at=now, sent_at__isnull=True)
        for pk, person in mine.values_list("pk", "person_id").order_by("person_id", "pk"):
            people[person].append(pk)
        for person, notices in people.items():
            send_notices.enqueue(person, notices)
    return retried + sum(len(notices) for notices in people.values())


def retry_failed(now: datetime) -> int:
    """Queue again the notices whose send failed and whose wait is over, one task per person;
    how many. Of two sweeps at once on PostgreSQL, one takes each notice (row locks, skipped
    by the other); on SQLite both may queue it, and the task's claim under lock lets one send."""
    with transaction.atomic():
        due = list(
            Notice.objects.select_for_update(skip_locked=True)
            .filter(retry_at__isnull=False, retry_at__lte=now, sent_at__isnull=True)
            .order_by("retry_at", "pk")
            .values_list("pk", "person_id")[:RETRY_BATCH]
        )
        if not due:
            return 0
        taken = Notice.objects.filter(pk__in=[pk for pk, _person in due], sent_at__isnull=True)
        taken.update(retry_at=None)
        people = defaultdict(list)
        for pk, person in due:
            people[person].append(pk)
        for person, notices in people.items():
            send_notices.enqueue(person, sorted(notices))
    return len(due)


# -- sending ---------------------------------------------------------------------------------


def _claim(person_id: int, notice_ids: list[int], now: datetime) -> list[int]:
    """Mark the person's unsent notices sent, under a row lock: of two tasks given the same
    notices, one gets them. Each claim is a try; a notice given up is not claimed again."""
    with transaction.atomic():
        mine = list(
            Notice.objects.select_for_update(skip_locked=True)
            .filter(
                pk__in=notice_ids,
                person_id=person_id,
                sent_at__isnull=True,
                attempts__lt=MAX_ATTEMPTS,
            )
            .values_list("pk", flat=True)
        )
        Notice.objects.filter(pk__in=mine).update(
            sent_at=now, attempts=F("attempts") + 1, retry_at=None
        )
    return mine


def _failed(claimed: list[int], now: datetime) -> None:
    """The mail server refused the email: unsent again, to be tried after a wait, or given up
    (and logged) after the last try. One update per number of tries (at most four)."""
    tries = Notice.objects.filter(pk__in=claimed).values_list("attempts", flat=True)
    for attempts in sorted(set(tries)):
        same = Notice.objects.filter(pk__in=claimed, attempts=attempts)
        if attempts < MAX_ATTEMPTS:
            same.update(sent_at=None, retry_at=now + RETRY_AFTER[max(attempts, 1) - 1])
        else:
            given_up = same.update(sent_at=None, retry_at=None)
            logger.error(
                "%s plan email notice(s) not sent after %s tries; given up", given_up, attempts
            )


@task
def send_notices(person_id: int, notice_ids: list[int]) -> str:
    """Send the person one email with everything these notices tell; never raises."""
    person = get_user_model().objects.filter(pk=person_id, is_active=True).first()
    if person is None:
        return "gone"
    off = set(EmailOptOut.objects.filter(person=person).values_list("kind", flat=True))
    if off:  # turned off while the email waited: dropped
        Notice.objects.filter(pk__in=notice_ids, sent_at__isnull=True, kind__in=off).delete()
    now = timezone.now()
    claimed = _claim(person_id, notice_ids, now)
    if not claimed:
        return "already sent"
    notices = Notice.objects.filter(pk__in=claimed).select_related(
        "action__goal__plan__coalition", "coalition"
    )
    message = build_message(person, list(notices))
    if message is None:
        return "nothing left"  # every action was finished or moved while the email waited
    try:
        message.send()
    except Exception as error:  # the mail server refused it: logged, never raised
        logger.warning("A plan email could not be sent: %s", first_line(error))
        _failed(claimed, now)
        return "failed"
    return "sent"


@dataclass
class Reminder:
    action: Action
    coalition: Coalition
    url: str


@dataclass
class Digest:
    coalition: Coalition
    month: date
    url: str
    parts: list = field(default_factory=list)  # (heading, count, [lines])


def _reminder(notice: Notice) -> Reminder | None:
    action = notice.action
    if action is None or action.status in FINISHED or action.due_on != notice.due_on:
        return None
    coalition = action.goal.plan.coalition
    return Reminder(
        action=action,
        coalition=coalition,
        url=site_link(reverse("plans:action", args=[coalition.slug, action.pk])),
    )


def build_message(person, notices: list[Notice], language: str = "") -> EmailMessage | None:
    """One email for the person, in their language unless another is given, or None when
    nothing in it still holds."""
    with translation.override(language or language_of(person)):
        soon = [r for n in notices if n.kind == EmailKind.DUE_SOON if (r := _reminder(n))]
        late = [r for n in notices if n.kind == EmailKind.OVERDUE if (r := _reminder(n))]
        digests = [d for n in notices if n.kind == EmailKind.DIGEST if (d := digest(n))]
        if not (soon or late or digests):
            return None
        kinds = [
            kind for kind, items in ((EmailKind.DUE_SOON, soon), (EmailKind.OVERDUE, late)) if items
        ]
        kinds += [EmailKind.DIGEST] if digests else []
        zone = _zone((soon + late + digests)[0].coalition.time_zone)
        with timezone.override(zone):
            context = {
                "person": person,
                "soon": sorted(soon, key=lambda r: (r.action.due_on, r.action.pk)),
                "late": sorted(late, key=lambda r: (r.action.due_on, r.action.pk)),
                "digests": digests,
                "stop": {
                    kind: site_link(reverse("plans:stop_emails", args=[stop_token(person, [kind])]))
                    for kind in kinds
                },
            }
            body = render_to_string("plans/email/notices.txt", context)
        subject = _subject(soon, late, digests)
    everything = site_link(reverse("plans:stop_emails", args=[stop_token(person, kinds)]))
    return message_to(person, subject, body, everything)


def message_to(person, subject: str, body: str, stop_url: str) -> EmailMessage:
    """A plan email to the person whose mail program offers to stop it in one click (the
    link turns off the kinds it was made for)."""
    return EmailMessage(
        subject=subject,
        body=body,
        to=[person.email],
        headers={
            "List-Unsubscribe": f"<{stop_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )


def _subject(soon: list, late: list, digests: list) -> str:
    if late:
        return ngettext("An action is overdue", "%(count)s actions are overdue", len(late)) % {
            "count": len(late)
        }
    if soon:
        return ngettext(
            "An action is due within a week",
            "%(count)s actions are due within a week",
            len(soon),
        ) % {"count": len(soon)}
    if len(digests) == 1:
        return _("What changed last month in the plans of %(coalition)s") % {
            "coalition": digests[0].coalition.name
        }
    return _("What changed last month in your coalitions’ plans")


# -- the digest ------------------------------------------------------------------------------


def digest(notice: Notice) -> Digest | None:
    """What changed in the coalition's plans in the notice's month (a few queries)."""
    coalition = notice.coalition
    if coalition is None or notice.month is None:
        return None
    zone = _zone(coalition.time_zone)
    start, end = month_window(notice.month, zone)
    today = notice.created_at.astimezone(zone).date()  # when it was claimed
    actions = Action.objects.filter(goal__plan__coalition=coalition).select_related("goal__plan")
    in_month = {"updated_at__gte": start, "updated_at__lt": end}
    updates = Update.objects.filter(
        action__goal__plan__coalition=coalition, written_at__gte=start, written_at__lt=end
    ).select_related("action")
    handed = Ownership.objects.filter(
        action__goal__plan__coalition=coalition,
        since__gte=start,
        since__lt=end,
        since__gt=F("action__created_at"),
    ).select_related("action", "organisation")
    overdue = actions.filter(due_on__lt=today).exclude(status__in=FINISHED)
    parts = [
        (
            _("Updates posted"),
            updates.count(),
            [
                f"{u.action.title}: {first_line(u.text)}"
                for u in updates.order_by("-written_at")[:LISTED]
            ],
        ),
        (
            _("Actions done"),
            actions.filter(status=Status.DONE, **in_month).count(),
            [a.title for a in actions.filter(status=Status.DONE, **in_month)[:LISTED]],
        ),
        (
            _("Actions dropped, and why"),
            actions.filter(status=Status.DROPPED, **in_month).count(),
            [
                f"{a.title}: {first_line(a.reason)}"
                for a in actions.filter(status=Status.DROPPED, **in_month)[:LISTED]
            ],
        ),
        (
            _("New actions"),
            actions.filter(created_at__gte=start, created_at__lt=end).count(),
            [a.title for a in actions.filter(created_at__gte=start, created_at__lt=end)[:LISTED]],
        ),
        (
            _("Hand-overs"),
            handed.count(),
            [
                _("%(action)s: now owned by %(organisation)s")
                % {"action": h.action.title, "organisation": h.organisation.name}
                for h in handed.order_by("since")[:LISTED]
            ],
        ),
        (
            _("Actions overdue now"),
            overdue.count(),
            [a.title for a in overdue.order_by("due_on", "pk")[:LISTED]],
        ),
    ]
    parts = [(heading, count, lines) for heading, count, lines in parts if count]
    if not parts:
        return None
    return Digest(
        coalition=coalition,
        month=notice.month,
        url=site_link(reverse("plans:list", args=[coalition.slug])),
        parts=[(heading, count, lines, count - len(lines)) for heading, count, lines in parts],
    )
