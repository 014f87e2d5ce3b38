"""Emailing a workshop's participants what came of it: the organiser asks on GET (how many
people it reaches), sends on POST; one email per person, in their language, listing the
actions traced to the workshop, with a link to "My workshops" and one to stop these emails.
Guests, people who stopped emails, who are not registered or (in a private coalition) are not
members get nothing, and nobody gets it twice the same day."""

import zoneinfo
from datetime import date, datetime, timedelta
from unittest import mock

import pseudo
import pytest
from django.conf import settings as django_settings
from django.core import mail
from django.test import Client
from django.urls import reverse
from factories import (
    CoalitionFactory,
    MembershipFactory,
    OrganisationFactory,
    PersonFactory,
    RegistrationFactory,
    WorkshopFactory,
)

from coproduce.coalitions.models import Role, Visibility
from coproduce.conversations import services as conversation_services
from coproduce.plans import outcomes_email, reminders, services
from coproduce.plans.models import EmailKind, EmailOptOut, Kind, OutcomesEmail
from coproduce.plans.services import ActionDraft
from coproduce.workshops.models import EmailOptOut as WorkshopOptOut
from coproduce.workshops.models import Registration

pytestmark = pytest.mark.django_db

LONDON = zoneinfo.ZoneInfo("Europe/London")


@pytest.fixture
def w():
    coalition = CoalitionFactory(name="Greater Manchester")
    council = OrganisationFactory(name="City Council")
    charity = OrganisationFactory(name="Community Trust")
    coalition.organisations.add(council, charity)
    organiser = MembershipFactory(coalition=coalition, role=Role.ORGANISER).person
    member = MembershipFactory(coalition=coalition, role=Role.MEMBER).person
    workshop = WorkshopFactory(coalition=coalition, title="Homes workshop")
    conversation = conversation_services.open_conversation(
        coalition=coalition,
        workshop=workshop,
        question="What should the city do next?",
        seed_statements=["Build homes people can afford", "Ask tenants first"],
    )
    first, second = conversation.statements.order_by("pk")
    plan = services.start_plan(coalition, title="Our plan", by=organiser)
    goal = services.add_goal(plan, title="Homes for everyone")
    hub = services.add_action(
        goal,
        ActionDraft(
            title="Open the tenants' hub",
            owners=[council, charity],
            due_on=date(2027, 5, 1),
            status="in_progress",
            progress=40,
        ),
    )
    services.link_source(hub, Kind.STATEMENT, first)
    survey = services.add_action(
        goal, ActionDraft(title="Survey every tenant", owners=[charity], progress=0)
    )
    services.link_source(survey, Kind.STATEMENT, second)
    # An action of the plan that did not come from this workshop: never listed.
    services.add_action(goal, ActionDraft(title="Unrelated action", owners=[council]))

    def register(name, **fields):
        person = PersonFactory(full_name=name, email=f"{name.lower()}@example.org")
        RegistrationFactory(
            workshop=workshop, person=person, guest=None, display_name=name, **fields
        )
        return person

    people = {
        "ana": register("Ana"),
        "stopped": register("Stopped", emails_stopped=True),
        "all_off": register("Alloff"),
        "plan_off": register("Planoff"),
        "cancelled": register("Cancelled", status=Registration.Status.CANCELLED),
        "inactive": register("Inactive"),
    }
    WorkshopOptOut.objects.create(email="alloff@example.org")
    EmailOptOut.objects.create(person=people["plan_off"], kind=EmailKind.OUTCOMES)
    people["inactive"].is_active = False
    people["inactive"].save()
    guest = RegistrationFactory(workshop=workshop)  # a guest: no address
    return {
        "coalition": coalition,
        "organiser": organiser,
        "member": member,
        "workshop": workshop,
        "hub": hub,
        "survey": survey,
        "guest": guest,
        **people,
    }


def _url(w) -> str:
    return reverse("plans:tell_outcomes", args=[w["coalition"].slug, w["workshop"].slug])


def _organiser(client, w):
    client.force_login(w["organiser"])
    return client


def _only_email():
    (message,) = mail.outbox
    return message


# -- asking, then sending ----------------------------------------------------------------------


def test_the_answers_page_offers_the_button_for_the_workshop(client, w):
    page = _organiser(client, w).get(reverse("plans:answers", args=[w["coalition"].slug]))
    text = page.content.decode()
    assert "Email the participants what came of it" in text
    assert _url(w) in text
    assert "2 actions came of it" in text


def test_get_says_how_many_people_get_it_and_changes_nothing(client, w):
    page = _organiser(client, w).get(_url(w))
    text = page.content.decode()
    assert page.status_code == 200
    assert "1 person can get it" in text
    assert "Open the tenants&#x27; hub" in text and "Survey every tenant" in text
    assert "Unrelated action" not in text
    assert "Email 1 person" in text
    assert mail.outbox == []
    assert not OutcomesEmail.objects.exists()


def test_post_emails_each_person_who_can_get_it_once(client, w):
    response = _organiser(client, w).post(_url(w), follow=True)
    assert "The email is on its way to 1 person." in response.content.decode()
    message = _only_email()
    assert message.to == ["ana@example.org"]
    assert message.subject == "What came of Homes workshop"
    body = message.body
    assert "Hello Ana," in body
    assert "Open the tenants' hub" in body  # plain text: not escaped
    assert "Owned by City Council, Community Trust" in body
    assert "In progress · 40% done · due 1 May 2027" in body
    assert "Survey every tenant" in body and "Not started · 0% done" in body
    assert "Unrelated action" not in body
    assert f"{django_settings.SITE_URL}{reverse('mine')}" in body
    # The "turn off" link names Ana and this kind of email (its token holds the time it was
    # signed, so it is read back rather than made again).
    start = f"{django_settings.SITE_URL}/plans/emails/stop/"
    token = body.split(start, 1)[1].split("/", 1)[0]
    stop = reminders.stop_for(token)
    assert (stop.person, stop.kinds) == (w["ana"], ["outcomes"])
    assert token in message.extra_headers["List-Unsubscribe"]
    claim = OutcomesEmail.objects.get()
    assert (claim.person, claim.workshop, claim.sent_at is not None) == (
        w["ana"],
        w["workshop"],
        True,
    )


def test_nobody_else_gets_it(client, w):
    """Guests, stopped workshop emails, all workshop emails off, this kind off, cancelled,
    inactive, members who did not register: none of them."""
    _organiser(client, w).post(_url(w))
    assert [m.to for m in mail.outbox] == [["ana@example.org"]]
    told = set(OutcomesEmail.objects.values_list("person", flat=True))
    assert told == {w["ana"].pk}


def test_pressing_twice_the_same_day_sends_nothing_new_and_says_so(client, w):
    _organiser(client, w).post(_url(w))
    again = client.post(_url(w), follow=True).content.decode()
    assert len(mail.outbox) == 1
    assert "already emailed today: nothing new was sent" in again
    page = client.get(_url(w)).content.decode()
    assert "1 person was already emailed today" in page
    assert "Nobody is waiting for this email now" in page
    assert '<form method="post">' not in page


def test_a_later_day_may_send_again_and_says_when_it_went_last(w):
    first = datetime(2027, 3, 10, 9, 0, tzinfo=LONDON)
    assert outcomes_email.queue(w["workshop"], now=first) == 1
    assert outcomes_email.queue(w["workshop"], now=first + timedelta(hours=5)) == 0
    later = first + timedelta(days=3)
    tell = outcomes_email.what_to_tell(w["workshop"], now=later)
    assert (tell.last_day, tell.last_count, tell.waiting) == (date(2027, 3, 10), 1, 1)
    assert not tell.moved_since
    services.post_update(w["hub"], by=w["organiser"], text="Keys handed over", progress=60)
    assert outcomes_email.what_to_tell(w["workshop"], now=later).moved_since
    assert outcomes_email.queue(w["workshop"], now=later) == 1
    assert len(mail.outbox) == 2
    assert "60% done" in mail.outbox[1].body


def test_the_page_says_when_it_went_last(client, w):
    OutcomesEmail.objects.create(
        workshop=w["workshop"],
        person=w["ana"],
        day=date(2026, 1, 5),
        sent_at=datetime(2026, 1, 5, 10, 0, tzinfo=LONDON),
    )
    page = _organiser(client, w).get(_url(w)).content.decode()
    assert "Last time, on 5 January 2026, 1 person got it." in page
    assert "Some of these actions have changed since." in page


def test_a_workshop_nothing_came_of_sends_nothing(client, w):
    other = WorkshopFactory(coalition=w["coalition"], title="Quiet workshop")
    RegistrationFactory(workshop=other, person=w["ana"], guest=None, display_name="Ana")
    url = reverse("plans:tell_outcomes", args=[w["coalition"].slug, other.slug])
    page = _organiser(client, w).get(url).content.decode()
    assert "No action has come of this workshop yet" in page
    done = client.post(url, follow=True).content.decode()
    assert "No action has come of this workshop yet: nothing was sent." in done
    assert mail.outbox == [] and not OutcomesEmail.objects.exists()


def test_stopping_from_the_link_in_it_stops_the_next_one(client, w):
    _organiser(client, w).post(_url(w))
    OutcomesEmail.objects.all().delete()  # as if on a later day
    anon = Client()
    stop = reverse("plans:stop_emails", args=[reminders.stop_token(w["ana"], ["outcomes"])])
    assert "what came of a workshop you took part in" in anon.get(stop).content.decode()
    anon.post(stop)
    assert EmailOptOut.objects.filter(person=w["ana"], kind="outcomes").exists()
    assert outcomes_email.queue(w["workshop"]) == 0
    assert len(mail.outbox) == 1


def test_someone_who_stops_while_it_waits_gets_nothing(w, settings):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    assert outcomes_email.queue(w["workshop"]) == 1
    Registration.objects.filter(person=w["ana"]).update(emails_stopped=True)
    claim = OutcomesEmail.objects.get()
    assert outcomes_email.send_outcomes.call(claim.pk) == "not sent"
    assert mail.outbox == [] and not OutcomesEmail.objects.exists()


def test_a_task_that_runs_twice_sends_once(w, settings):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    outcomes_email.queue(w["workshop"])
    claim = OutcomesEmail.objects.get()
    assert outcomes_email.send_outcomes.call(claim.pk) == "sent"
    assert outcomes_email.send_outcomes.call(claim.pk) == "already sent"
    assert len(mail.outbox) == 1


def test_a_refused_send_is_logged_and_not_recorded(w, settings):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    outcomes_email.queue(w["workshop"])
    claim = OutcomesEmail.objects.get()
    with mock.patch("django.core.mail.EmailMessage.send", side_effect=OSError("refused")):
        assert outcomes_email.send_outcomes.call(claim.pk) == "failed"
    assert not OutcomesEmail.objects.exists()  # not told: a new press tries again


# -- a private coalition -----------------------------------------------------------------------


def test_in_a_private_coalition_only_members_are_told(client, w):
    w["coalition"].visibility = Visibility.PRIVATE
    w["coalition"].save()
    member = w["member"]
    RegistrationFactory(workshop=w["workshop"], person=member, guest=None, display_name="M")
    page = _organiser(client, w).get(_url(w)).content.decode()
    assert "1 person can get it" in page
    assert "only its members are told" in page
    client.post(_url(w))
    assert [m.to for m in mail.outbox] == [[member.email]]


# -- who may ---------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["member", "ana", "nobody"])
def test_only_organisers_may_ask_or_send(client, w, who):
    if who != "nobody":
        client.force_login(w[who])
    for response in (client.get(_url(w)), client.post(_url(w))):
        assert response.status_code in (302, 403, 404)
        if response.status_code == 302:
            assert "/login/" in response["Location"]
    assert mail.outbox == [] and not OutcomesEmail.objects.exists()


def test_a_private_coalitions_page_is_not_found_by_outsiders(client, w):
    w["coalition"].visibility = Visibility.PRIVATE
    w["coalition"].save()
    client.force_login(w["ana"])  # registered, not a member
    assert client.get(_url(w)).status_code in (403, 404)
    assert client.post(_url(w)).status_code in (403, 404)
    assert mail.outbox == []


def test_a_workshop_of_another_coalition_is_not_found(client, w):
    elsewhere = WorkshopFactory(title="Somewhere else")
    url = reverse("plans:tell_outcomes", args=[w["coalition"].slug, elsewhere.slug])
    assert _organiser(client, w).get(url).status_code == 404
    assert client.post(url).status_code == 404


def test_the_post_needs_the_forms_token(w):
    client = Client(enforce_csrf_checks=True)
    client.force_login(w["organiser"])
    assert client.post(_url(w)).status_code == 403
    assert mail.outbox == [] and not OutcomesEmail.objects.exists()


# -- languages -------------------------------------------------------------------------------


def test_each_person_is_written_to_in_their_language(client, w):
    w["ana"].language = "es"
    w["ana"].save()
    _organiser(client, w).post(_url(w))
    body = _only_email().body
    assert "Hola, Ana:" in body
    assert "En marcha" in body
    assert "mayo" in body
    assert "Hello" not in body


def test_the_email_and_the_pages_are_translated(w, settings, client):
    with pseudo.installed(settings):
        data = pseudo.user_data()
        came = outcomes_email.came_of(w["workshop"])
        w["ana"].language = pseudo.CODE
        message = outcomes_email.build_message(w["ana"], w["workshop"], came)
        found = [f"email: {f}" for f in pseudo.unmarked(f"{message.subject}\n{message.body}", data)]
        client.force_login(w["organiser"])
        client.cookies["django_language"] = pseudo.CODE
        answers = reverse("plans:answers", args=[w["coalition"].slug])
        OutcomesEmail.objects.create(
            workshop=w["workshop"],
            person=w["ana"],
            day=date(2026, 1, 5),
            sent_at=datetime(2026, 1, 5, tzinfo=LONDON),
        )
        for response in (
            client.get(_url(w)),
            client.get(answers),
            client.post(_url(w), follow=True),
        ):
            html = response.content.decode()
            found += [f"page: {f}" for f in pseudo.unmarked_on_page(html, data)]
    assert found == [], "Not translated:\n" + "\n".join(found)


def test_when_nobody_can_get_it_the_page_says_so(client, w):
    Registration.objects.filter(person=w["ana"]).update(emails_stopped=True)
    page = _organiser(client, w).get(_url(w)).content.decode()
    assert "0 people can get it" in page and "Nobody is waiting for this email now" in page
    done = client.post(_url(w), follow=True).content.decode()
    assert "Nobody can be emailed about this workshop: nothing was sent." in done
    assert mail.outbox == [] and not OutcomesEmail.objects.exists()
