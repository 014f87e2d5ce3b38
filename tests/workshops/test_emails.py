"""Emails to registered people: confirmation with a calendar file, reminders, the report,
cancel and unsubscribe links that work without logging in, and failures the desk sees."""

import smtplib
from datetime import UTC, datetime, time, timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from factories import (
    GuestFactory,
    MembershipFactory,
    PersonFactory,
    RegistrationFactory,
    WorkshopFactory,
)
from icalendar import Calendar

from coproduce.coalitions.models import Role
from coproduce.jobs.sweep import sweep
from coproduce.reports import services as report_services
from coproduce.workshops import emails, services
from coproduce.workshops.models import EmailDelivery, EmailOptOut, Registration

pytestmark = pytest.mark.django_db

# 18:00 in Madrid on 10 June 2031 (summer time: UTC+2).
STARTS = datetime(2031, 6, 10, 16, 0, tzinfo=UTC)


@pytest.fixture
def workshop():
    return WorkshopFactory(
        title="Mixing tables",
        time_zone="Europe/Madrid",
        starts_at=STARTS,
        ends_at=STARTS + timedelta(hours=2),
        venue="Civic centre",
    )


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    """Queued emails go to the worker when the registration is saved: run them then."""

    def run(action):
        with django_capture_on_commit_callbacks(execute=True):
            return action()

    return run


def register(client, workshop, person, on_commit, **data):
    client.force_login(person)
    url = reverse("workshops:register", args=[workshop.slug])
    return on_commit(lambda: client.post(url, {"sector": "residents", **data}))


def ics_of(message) -> Calendar:
    (attachment,) = [a for a in message.attachments if a.mimetype == "text/calendar"]
    return Calendar.from_ical(attachment.content)


def test_registering_sends_a_confirmation_with_the_calendar_and_links(client, workshop, on_commit):
    person = PersonFactory(full_name="Ana Ruiz", email="ana@example.org")
    register(client, workshop, person, on_commit)

    (message,) = mail.outbox
    assert message.to == ["ana@example.org"]
    assert "Mixing tables" in message.subject
    assert "Tuesday 10 June 2031, 18:00–20:00 (Europe/Madrid)" in message.body  # not UTC
    event = ics_of(message).walk("VEVENT")[0]
    assert event["DTSTART"].params["TZID"] == "Europe/Madrid"
    assert event.decoded("DTSTART") == STARTS
    registration = Registration.objects.get(person=person)
    # The links name this registration (their tokens hold the second they were signed, so
    # they are read back rather than made again).
    cancel = reverse("workshops:cancel_by_link", args=["TOKEN"]).split("TOKEN")[0]
    token = message.body.split(cancel, 1)[1].split("/", 1)[0]
    assert emails.registration_for_cancel(token) == registration
    unsubscribe = reverse("workshops:unsubscribe", args=["TOKEN"]).split("TOKEN")[0]
    token = message.extra_headers["List-Unsubscribe"].split(unsubscribe, 1)[1].split("/", 1)[0]
    assert emails.registration_for_unsubscribe(token) == registration
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    delivery = EmailDelivery.objects.get()
    assert (delivery.kind, delivery.status) == ("confirmation", "sent")


def test_the_confirmation_is_written_in_the_language_of_registration(client, workshop, on_commit):
    client.cookies["django_language"] = "es"
    register(client, workshop, PersonFactory(), on_commit)
    (message,) = mail.outbox
    # Rendered with Spanish active: the date in Spanish, still in the workshop's zone.
    assert "martes" in message.body and "junio" in message.body
    assert "18:00–20:00 (Europe/Madrid)" in message.body
    assert Registration.objects.get().language == "es"


def test_guests_give_no_address_and_get_no_email(client, workshop, on_commit):
    url = reverse("workshops:join", args=[workshop.join_code])
    response = on_commit(
        lambda: client.post(url, {"display_name": "Guest Ana", "sector": "residents"})
    )
    assert response.status_code == 302
    assert Registration.objects.filter(guest__isnull=False).count() == 1
    assert mail.outbox == []
    assert not EmailDelivery.objects.exists()


def test_a_send_that_fails_leaves_the_registration_and_shows_on_the_desk(
    client, workshop, on_commit, monkeypatch
):
    def bounce(self, *args, **kwargs):
        raise smtplib.SMTPRecipientsRefused({"ana@example.invalid": (550, b"No such user")})

    monkeypatch.setattr("django.core.mail.EmailMessage.send", bounce)
    person = PersonFactory(full_name="Ana Ruiz", email="ana@example.invalid")
    response = register(client, workshop, person, on_commit)

    assert response.status_code == 302
    assert Registration.objects.get(person=person).status == Registration.Status.REGISTERED
    delivery = EmailDelivery.objects.get()
    assert delivery.status == "failed" and "550" in delivery.error

    organiser = MembershipFactory(coalition=workshop.coalition, role=Role.ORGANISER).person
    desk = Client()
    desk.force_login(organiser)
    page = desk.get(reverse("workshops:desk", args=[workshop.slug])).content.decode()
    assert "Email to Ana Ruiz could not be sent" in page
    assert "550" not in page  # the server's words stay out of the page


def test_asking_for_the_report_at_registration_is_kept(client, workshop, on_commit):
    register(client, workshop, PersonFactory(), on_commit, wants_report="on")
    assert Registration.objects.get().wants_report is True


# Cancel link -----------------------------------------------------------------------------------


def test_the_cancel_link_asks_first_then_cancels(client, workshop):
    registration = RegistrationFactory(workshop=workshop, guest=None, person=PersonFactory())
    url = reverse("workshops:cancel_by_link", args=[emails.cancel_token(registration)])

    page = client.get(url)
    assert page.status_code == 200
    assert "Yes, cancel my place" in page.content.decode()
    registration.refresh_from_db()
    assert registration.status == Registration.Status.REGISTERED  # a GET changes nothing

    done = client.post(url)
    assert "your place is cancelled" in done.content.decode()
    registration.refresh_from_db()
    assert registration.status == Registration.Status.CANCELLED

    again = client.post(url)
    assert "already cancelled" in again.content.decode()


@pytest.mark.parametrize("damage", [lambda t: t[:-2] + "xx", lambda t: "nonsense", lambda t: "a:b"])
def test_a_changed_cancel_link_changes_nothing(client, workshop, damage):
    registration = RegistrationFactory(workshop=workshop)
    url = reverse("workshops:cancel_by_link", args=[damage(emails.cancel_token(registration))])
    response = client.post(url)
    assert response.status_code == 404
    assert "This link does not work" in response.content.decode()
    registration.refresh_from_db()
    assert registration.status == Registration.Status.REGISTERED


def test_a_cancel_link_to_another_purpose_does_not_cancel(client, workshop):
    registration = RegistrationFactory(workshop=workshop)
    url = reverse("workshops:cancel_by_link", args=[emails.unsubscribe_token(registration)])
    assert client.post(url).status_code == 404
    registration.refresh_from_db()
    assert registration.status == Registration.Status.REGISTERED


def test_a_cancel_link_stops_working_once_the_workshop_ended(client):
    past = WorkshopFactory(starts_at=timezone.now() - timedelta(days=2))
    registration = RegistrationFactory(workshop=past)
    url = reverse("workshops:cancel_by_link", args=[emails.cancel_token(registration)])
    response = client.post(url)
    assert response.status_code == 404
    assert "has ended" in response.content.decode()
    registration.refresh_from_db()
    assert registration.status == Registration.Status.REGISTERED


# Unsubscribe -----------------------------------------------------------------------------------


def _person_registration(workshop, **fields):
    return RegistrationFactory(workshop=workshop, guest=None, person=PersonFactory(), **fields)


def test_unsubscribing_from_a_workshop_without_logging_in(client, workshop):
    registration = _person_registration(workshop)
    url = reverse("workshops:unsubscribe", args=[emails.unsubscribe_token(registration)])
    assert "Stop emails about this workshop" in client.get(url).content.decode()
    registration.refresh_from_db()
    assert registration.emails_stopped is False

    for _ in range(2):  # twice: the same answer, nothing breaks
        response = client.post(url, {"scope": "workshop"})
        assert "no more emails about" in response.content.decode()
    registration.refresh_from_db()
    assert registration.emails_stopped is True
    assert registration.status == Registration.Status.REGISTERED
    assert not EmailOptOut.objects.exists()
    assert emails.send_confirmation(registration) is None


def test_unsubscribing_from_everything_covers_other_workshops(client, workshop):
    registration = _person_registration(workshop)
    other = RegistrationFactory(guest=None, person=registration.person)
    url = reverse("workshops:unsubscribe", args=[emails.unsubscribe_token(registration)])
    client.post(url, {"scope": "all"})
    assert EmailOptOut.objects.filter(email=registration.person.email).exists()
    assert emails.may_email(other) is False


def test_one_click_unsubscribe_from_a_mail_program_needs_no_form(workshop):
    registration = _person_registration(workshop)
    url = reverse("workshops:unsubscribe", args=[emails.unsubscribe_token(registration)])
    mail_program = Client(enforce_csrf_checks=True)
    response = mail_program.post(url, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    registration.refresh_from_db()
    assert registration.emails_stopped is True


def test_a_changed_unsubscribe_link_changes_nothing(client, workshop):
    registration = _person_registration(workshop)
    token = emails.unsubscribe_token(registration)
    response = client.post(reverse("workshops:unsubscribe", args=[token + "x"]), {"scope": "all"})
    assert response.status_code == 404
    registration.refresh_from_db()
    assert registration.emails_stopped is False
    assert not EmailOptOut.objects.exists()


def test_an_old_unsubscribe_link_has_expired(client, workshop, monkeypatch):
    registration = _person_registration(workshop)
    token = emails.unsubscribe_token(registration)
    monkeypatch.setattr(emails, "UNSUBSCRIBE_MAX_AGE", timedelta(seconds=-1))
    response = client.post(reverse("workshops:unsubscribe", args=[token]), {"scope": "all"})
    assert response.status_code == 404
    assert "expired" in response.content.decode()


# Reminders -------------------------------------------------------------------------------------

# The day before at 10:00 in Madrid (UTC+2 in June) is 08:00 UTC on 9 June.
DUE = datetime(2031, 6, 9, 8, 0, tzinfo=UTC)


def _early_registration(workshop, **fields):
    return _person_registration(workshop, created_at=DUE - timedelta(days=5), **fields)


def test_the_reminder_goes_the_day_before_at_ten_in_the_workshops_zone(workshop, on_commit):
    registration = _early_registration(workshop)
    assert emails.reminder_due_at(workshop) == DUE
    assert on_commit(lambda: emails.send_due_reminders(DUE - timedelta(minutes=1))) == 0
    assert on_commit(lambda: emails.send_due_reminders(DUE)) == 1

    (message,) = mail.outbox
    assert message.to == [registration.person.email]
    assert "Tomorrow" in message.subject
    assert "18:00" in message.body
    assert ics_of(message).walk("VEVENT")[0]["DTSTART"].params["TZID"] == "Europe/Madrid"
    registration.refresh_from_db()
    assert registration.reminder_sent_at == DUE


def test_the_reminder_goes_once_however_often_the_sweep_runs(workshop, on_commit):
    _early_registration(workshop)
    sent = [
        on_commit(lambda at=DUE + timedelta(minutes=m): emails.send_due_reminders(at))
        for m in (0, 1)
    ]
    assert sent == [1, 0]
    assert len(mail.outbox) == 1


def test_a_reminder_missed_on_the_day_before_is_not_sent_on_the_day(workshop, on_commit):
    """The worker was down all evening: at 00:30 in Madrid "tomorrow" would be wrong."""
    _early_registration(workshop)
    the_day = datetime(2031, 6, 9, 22, 30, tzinfo=UTC)  # 00:30 on 10 June in Madrid
    assert on_commit(lambda: emails.send_due_reminders(the_day)) == 0
    assert mail.outbox == []
    late_evening = datetime(2031, 6, 9, 21, 30, tzinfo=UTC)  # 23:30 on 9 June: still the eve
    assert on_commit(lambda: emails.send_due_reminders(late_evening)) == 1


def test_a_reminder_claimed_by_another_worker_is_not_sent_again(workshop, on_commit):
    registration = _early_registration(workshop)
    # Another worker claimed it between our read and our update.
    Registration.objects.filter(pk=registration.pk).update(reminder_sent_at=DUE)
    assert on_commit(lambda: emails.send_due_reminders(DUE)) == 0
    assert mail.outbox == []


def test_no_reminder_for_guests_late_registrations_cancellations_or_when_switched_off(
    workshop, on_commit
):
    RegistrationFactory(workshop=workshop)  # a guest: no address
    _person_registration(workshop, created_at=DUE + timedelta(hours=1))  # registered after
    _early_registration(workshop, status=Registration.Status.CANCELLED)
    _early_registration(workshop, emails_stopped=True)
    assert on_commit(lambda: emails.send_due_reminders(DUE)) == 0

    quiet = WorkshopFactory(starts_at=STARTS, reminder_time=None)
    _early_registration(quiet)
    assert on_commit(lambda: emails.send_due_reminders(DUE)) == 0
    assert mail.outbox == []


def test_a_reminder_time_set_on_the_workshop_is_used(workshop, on_commit):
    workshop.reminder_time = time(18, 30)
    workshop.save()
    _early_registration(workshop)
    evening = datetime(2031, 6, 9, 16, 30, tzinfo=UTC)  # 18:30 in Madrid
    assert on_commit(lambda: emails.send_due_reminders(evening - timedelta(seconds=1))) == 0
    assert on_commit(lambda: emails.send_due_reminders(evening)) == 1


def test_the_workers_sweep_and_the_command_send_due_reminders(on_commit):
    tomorrow = timezone.now() + timedelta(days=1)
    workshop = WorkshopFactory(starts_at=tomorrow, time_zone="UTC", reminder_time=time(0, 0))
    long_ago = timezone.now() - timedelta(days=3)
    _person_registration(workshop, created_at=long_ago)
    on_commit(sweep)
    assert len(mail.outbox) == 1

    _person_registration(workshop, created_at=long_ago)
    on_commit(lambda: call_command("send_reminders"))
    assert len(mail.outbox) == 2
    on_commit(lambda: call_command("send_reminders"))
    assert len(mail.outbox) == 2


# The report ------------------------------------------------------------------------------------


def _publish(workshop, visibility="public"):
    report = report_services.report_for(workshop)
    draft = report_services.draft_of(report)
    return report_services.publish(draft, visibility=visibility, html="<p>Report</p>")


def test_those_who_asked_hear_that_the_report_is_published(workshop, on_commit):
    asked = _person_registration(workshop, wants_report=True)
    _person_registration(workshop)  # did not ask
    RegistrationFactory(workshop=workshop, wants_report=True)  # a guest: no address
    version = on_commit(lambda: _publish(workshop))

    (message,) = mail.outbox
    assert message.to == [asked.person.email]
    assert reverse("reports:version", args=[workshop.slug, version.number]) in message.body
    assert message.attachments == []
    assert "List-Unsubscribe" in message.extra_headers


def test_a_members_only_report_is_announced_to_members_only(workshop, on_commit):
    outsider = _person_registration(workshop, wants_report=True)
    member = _person_registration(workshop, wants_report=True)
    MembershipFactory(coalition=workshop.coalition, person=member.person, role=Role.MEMBER)
    on_commit(lambda: _publish(workshop, visibility="members"))
    assert [m.to for m in mail.outbox] == [[member.person.email]]
    assert outsider.person.email not in str([m.to for m in mail.outbox])


# The workshop form -----------------------------------------------------------------------------


def test_the_reminder_time_is_edited_on_the_workshop_form(client, workshop):
    organiser = MembershipFactory(coalition=workshop.coalition, role=Role.ORGANISER).person
    client.force_login(organiser)
    url = reverse("workshops:edit", args=[workshop.slug])
    data = {
        "title": workshop.title,
        "time_zone": "Europe/Madrid",
        "starts_at": "2031-06-10T18:00",
        "ends_at": "2031-06-10T20:00",
        "venue": "Civic centre",
        "reminder_time": "25:99",
    }
    response = client.post(url, data)
    assert response.status_code == 200
    assert "reminder_time" in response.context["form"].errors
    workshop.refresh_from_db()
    assert workshop.reminder_time == time(10, 0)  # nothing saved

    client.post(url, {**data, "reminder_time": "08:15"})
    workshop.refresh_from_db()
    assert workshop.reminder_time == time(8, 15)
    client.post(url, {**data, "reminder_time": ""})
    workshop.refresh_from_db()
    assert workshop.reminder_time is None


def test_a_guest_factory_registration_has_no_address():
    assert emails.address_of(RegistrationFactory(guest=GuestFactory())) == ""


def test_moving_the_workshop_sends_a_new_reminder_for_the_new_day(workshop, on_commit):
    registration = _early_registration(workshop)
    on_commit(lambda: emails.send_due_reminders(DUE))
    services.update_workshop(
        workshop, starts_at=STARTS + timedelta(days=7), ends_at=STARTS + timedelta(days=7, hours=2)
    )
    registration.refresh_from_db()
    assert registration.reminder_sent_at is None
    assert on_commit(lambda: emails.send_due_reminders(DUE + timedelta(days=7))) == 1
    assert len(mail.outbox) == 2
    services.update_workshop(workshop, venue="Another room")  # same day: nothing to send
    assert on_commit(lambda: emails.send_due_reminders(DUE + timedelta(days=7, hours=1))) == 0
