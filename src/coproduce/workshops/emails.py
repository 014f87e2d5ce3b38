"""Emails to registered people: confirmation, the reminder the day before, the published report.

Each message is a row (`EmailDelivery`) queued for the worker, written in the registrant's
language and the workshop's time zone, and sent with an unsubscribe link that works without
logging in. A send that fails leaves the registration as it was and marks the row failed, which
the desk shows. Guests give no email address, so they get no email.
"""

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMessage
from django.db import transaction
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from coproduce.core.text import first_line

from . import calendar
from .models import EmailDelivery, EmailOptOut, Registration, Workshop

logger = logging.getLogger("coproduce.workshops")

CANCEL_SALT = "coproduce.workshops.cancel"
UNSUBSCRIBE_SALT = "coproduce.workshops.unsubscribe"
UNSUBSCRIBE_MAX_AGE = timedelta(days=400)  # a year of emails, and some
# Registrations looked at per reminder sweep, so one sweep stays short.
REMINDER_BATCH = 500


class BadLink(Exception):
    """A cancel or unsubscribe link that was changed, has expired, or names nothing."""


# Links -----------------------------------------------------------------------------------------


def cancel_token(registration: Registration) -> str:
    return signing.dumps(registration.pk, salt=CANCEL_SALT, compress=True)


def unsubscribe_token(registration: Registration) -> str:
    return signing.dumps(registration.pk, salt=UNSUBSCRIBE_SALT, compress=True)


def registration_for_cancel(token: str) -> Registration:
    """A cancel link works until the workshop ends (then there is nothing left to cancel)."""
    registration = _registration_for(token, CANCEL_SALT, max_age=None)
    if registration.workshop.has_ended:
        raise BadLink(_("This workshop has ended, so its registration can no longer change."))
    return registration


def registration_for_unsubscribe(token: str) -> Registration:
    return _registration_for(token, UNSUBSCRIBE_SALT, max_age=UNSUBSCRIBE_MAX_AGE)


def _registration_for(token: str, salt: str, max_age) -> Registration:
    try:
        pk = signing.loads(token, salt=salt, max_age=max_age)
    except signing.SignatureExpired:
        raise BadLink(_("This link has expired.")) from None
    except signing.BadSignature:
        raise BadLink(_("This link is not complete or has been changed.")) from None
    registration = (
        Registration.objects.select_related("workshop__coalition", "person")
        .filter(pk=pk if isinstance(pk, int) else None)
        .first()
    )
    if registration is None:
        raise BadLink(_("This registration no longer exists."))
    return registration


def site_link(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


# Who gets email --------------------------------------------------------------------------------


def address_of(registration: Registration) -> str:
    """The address to write to, or "" for a guest (guests give no address)."""
    return registration.person.email if registration.person_id else ""


def may_email(registration: Registration) -> bool:
    address = address_of(registration)
    if not address or registration.emails_stopped:
        return False
    return not EmailOptOut.objects.filter(email=address.lower()).exists()


def stop_emails(registration: Registration, *, everything: bool) -> None:
    """Unsubscribe from this workshop's emails, or from all; doing it twice changes nothing."""
    Registration.objects.filter(pk=registration.pk).update(emails_stopped=True)
    registration.emails_stopped = True
    address = address_of(registration).lower()
    if everything and address:
        EmailOptOut.objects.get_or_create(email=address)


def has_stopped_everything(registration: Registration) -> bool:
    address = address_of(registration).lower()
    return bool(address) and EmailOptOut.objects.filter(email=address).exists()


# Queueing --------------------------------------------------------------------------------------


def queue(registration: Registration, kind: str, link: str = "") -> EmailDelivery | None:
    """Record the message and hand it to the worker once the registration is saved."""
    if not may_email(registration):
        return None
    delivery = EmailDelivery.objects.create(registration=registration, kind=kind, link=link)
    transaction.on_commit(lambda: deliver.enqueue(delivery.pk))
    return delivery


def send_confirmation(registration: Registration) -> EmailDelivery | None:
    return queue(registration, EmailDelivery.Kind.CONFIRMATION)


def send_report_published(registrations, report_path: str) -> int:
    """Tell those who asked that the report is out; `registrations` may all read it."""
    sent = 0
    for registration in registrations:
        if registration.wants_report and queue(
            registration, EmailDelivery.Kind.REPORT, link=report_path
        ):
            sent += 1
    return sent


def reminder_due_at(workshop: Workshop) -> datetime | None:
    """The day before the workshop, at its reminder time, in its own time zone."""
    if workshop.reminder_time is None:
        return None
    day_before = workshop.starts_at.astimezone(workshop.tz).date() - timedelta(days=1)
    return datetime.combine(day_before, workshop.reminder_time, tzinfo=workshop.tz)


def send_due_reminders(now: datetime | None = None) -> int:
    """Queue every reminder that is due and not yet sent; safe to run from several workers.

    Each registration is claimed by one conditional UPDATE before its message is queued, so a
    reminder goes out once however many sweeps run at the same moment. It goes only on the day
    before (in the workshop's zone): a worker that was down overnight, or a workshop moved to
    later today, sends none rather than a "tomorrow" that is wrong. People who registered
    after the reminder time have just had their confirmation and get no reminder.
    """
    now = now or timezone.now()
    soon = Workshop.objects.filter(
        starts_at__gt=now, starts_at__lte=now + timedelta(days=2), reminder_time__isnull=False
    )
    queued = 0
    for workshop in soon:
        due = reminder_due_at(workshop)
        if due is None or now < due or now.astimezone(workshop.tz).date() != due.date():
            continue  # the email says "tomorrow": on the day itself it would be wrong
        waiting = workshop.registrations.filter(
            status=Registration.Status.REGISTERED,
            person__isnull=False,
            reminder_sent_at=None,
            created_at__lte=due,
        ).select_related("person")
        for registration in waiting[:REMINDER_BATCH]:
            claimed = Registration.objects.filter(pk=registration.pk, reminder_sent_at=None)
            with transaction.atomic():
                if claimed.update(reminder_sent_at=now) != 1:
                    continue  # another worker has it
                registration.workshop = workshop
                if queue(registration, EmailDelivery.Kind.REMINDER):
                    queued += 1
    return queued


# Sending ---------------------------------------------------------------------------------------

SUBJECTS = {
    EmailDelivery.Kind.CONFIRMATION: lambda w: _("You are registered: %(title)s") % {"title": w},
    EmailDelivery.Kind.REMINDER: lambda w: _("Tomorrow: %(title)s") % {"title": w},
    EmailDelivery.Kind.REPORT: lambda w: _("The report is published: %(title)s") % {"title": w},
}


@task
def deliver(delivery_id: int) -> str:
    """Send one queued email; a failure is recorded for the desk, never raised."""
    delivery = (
        EmailDelivery.objects.select_related(
            "registration__workshop__coalition", "registration__person"
        )
        .filter(pk=delivery_id, status=EmailDelivery.Status.QUEUED)
        .first()
    )
    if delivery is None:
        return "gone"  # already sent, or the registration was deleted
    registration = delivery.registration
    if not may_email(registration):
        delivery.delete()  # unsubscribed while it waited
        return "unsubscribed"
    try:
        build_message(delivery).send()
    except Exception as error:  # the SMTP server refused it, the address bounced at once
        logger.warning("Email %s could not be sent: %s", delivery.pk, first_line(error))
        return _finish(delivery, EmailDelivery.Status.FAILED, first_line(error)[:300])
    return _finish(delivery, EmailDelivery.Status.SENT)


def _finish(delivery: EmailDelivery, status: str, error: str = "") -> str:
    EmailDelivery.objects.filter(pk=delivery.pk).update(
        status=status, error=error, finished_at=timezone.now()
    )
    return status


def build_message(delivery: EmailDelivery) -> EmailMessage:
    """The message in the registrant's language, its times in the workshop's time zone."""
    registration = delivery.registration
    workshop = registration.workshop
    language = registration.language or settings.LANGUAGE_CODE
    unsubscribe = site_link(
        reverse("workshops:unsubscribe", args=[unsubscribe_token(registration)])
    )
    with translation.override(language), timezone.override(workshop.tz):
        context = {
            "registration": registration,
            "workshop": workshop,
            "workshop_url": site_link(workshop.get_absolute_url()),
            "cancel_url": site_link(
                reverse("workshops:cancel_by_link", args=[cancel_token(registration)])
            ),
            "report_url": site_link(delivery.link) if delivery.link else "",
            "unsubscribe_url": unsubscribe,
            "time_zone": workshop.time_zone.replace("_", " "),
            # A date format per language ("Tuesday 10 June 2031", "martes 10 de junio de 2031").
            "date_format": pgettext("date format in emails", "l j F Y"),
        }
        subject = SUBJECTS[delivery.kind](workshop.title)
        body = render_to_string(f"workshops/email/{delivery.kind}.txt", context)
    message = EmailMessage(
        subject=subject,
        body=body,
        to=[address_of(registration)],
        headers={
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    if delivery.kind != EmailDelivery.Kind.REPORT:
        ics = calendar.workshop_ics(workshop, context["workshop_url"])
        message.attach(f"{workshop.slug}.ics", ics, "text/calendar")
    return message


# What the desk shows ---------------------------------------------------------------------------


def failures(workshop: Workshop, limit: int = 20) -> list[EmailDelivery]:
    """The latest emails to this workshop's registrants that could not be sent (one query)."""
    return list(
        EmailDelivery.objects.filter(
            registration__workshop=workshop, status=EmailDelivery.Status.FAILED
        )
        .select_related("registration")
        .order_by("-created_at", "-pk")[:limit]
    )
