"""My workshops: what I run, join or joined, upcoming first, each with its next step."""

from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from factories import (
    PASSWORD,
    CoalitionFactory,
    MembershipFactory,
    PersonFactory,
    RegistrationFactory,
    WorkshopFactory,
)

from coproduce import mine
from coproduce.cafe import services as cafe_services
from coproduce.coalitions.models import Role
from coproduce.reports import services as report_services
from coproduce.workshops.models import AgendaItem

pytestmark = pytest.mark.django_db

MY = reverse("mine")


def test_login_lands_on_my_workshops(client):
    person = PersonFactory()
    response = client.post(
        reverse("people:login"), {"username": person.email, "password": PASSWORD}
    )
    assert response.status_code == 302 and response["Location"] == MY


def test_sign_up_ends_on_my_workshops_saying_how_to_start(client):
    password = "a-long-Passw0rd-for-tests"
    response = client.post(
        reverse("people:signup"),
        {
            "full_name": "Nuria Vidal",
            "email": "nuria@example.org",
            "sector": "research",
            "password1": password,
            "password2": password,
        },
        follow=True,
    )
    assert response.redirect_chain[-1][0] == MY + "?welcome=1"
    page = response.content.decode()
    assert "Create a coalition or join one" in page
    assert reverse("coalitions:create") in page


def test_anonymous_visitors_are_asked_to_log_in(client):
    response = client.get(MY)
    assert response.status_code == 302 and reverse("people:login") in response["Location"]


def _step(page: str, title: str) -> str:
    """The text from a workshop's title to the end of its card."""
    start = page.index(title)
    return page[start : page.index("</li>", start)]


def test_each_workshop_with_its_next_step_upcoming_first(client):
    now = timezone.now()
    person = PersonFactory()
    coalition = CoalitionFactory()
    MembershipFactory(coalition=coalition, person=person, role=Role.MEMBER)
    WorkshopFactory(
        coalition=coalition, title="Open to register", starts_at=now + timedelta(days=20)
    )
    mine_soon = WorkshopFactory(
        title="Registered soon", starts_at=now + timedelta(days=20, hours=1)
    )
    RegistrationFactory(workshop=mine_soon, guest=None, person=person)
    past = WorkshopFactory(title="Done and reported", starts_at=now - timedelta(days=10))
    RegistrationFactory(workshop=past, guest=None, person=person)
    report = report_services.report_for(past)
    report_services.publish(report_services.draft_of(report), visibility="public", html="<p/>")
    unpublished = WorkshopFactory(title="Done, no report", starts_at=now - timedelta(days=3))
    RegistrationFactory(workshop=unpublished, guest=None, person=person)
    WorkshopFactory(title="Someone else's workshop")

    client.force_login(person)
    page = client.get(MY).content.decode()

    assert "Someone else&#x27;s workshop" not in page and "Someone else's" not in page
    assert (
        page.index("Open to register")
        < page.index("Registered soon")
        < page.index("Done, no report")
        < page.index("Done and reported")
    )
    assert "Register" in _step(page, "Open to register")
    assert "See you on" in _step(page, "Registered soon")
    assert reverse("reports:version", args=[past.slug, 1]) in _step(page, "Done and reported")
    assert "Read the report" in _step(page, "Done and reported")
    assert "The report is not published yet" in _step(page, "Done, no report")


def test_a_running_cafe_sends_me_to_my_table(client):
    now = timezone.now()
    person = PersonFactory()
    workshop = WorkshopFactory(title="Happening", starts_at=now - timedelta(minutes=30))
    RegistrationFactory(workshop=workshop, guest=None, person=person)
    item = AgendaItem.objects.create(workshop=workshop, title="Café", kind="world_cafe", minutes=60)
    cafe = cafe_services.cafe_for(item)
    type(cafe).objects.filter(pk=cafe.pk).update(current_round=1)

    client.force_login(person)
    step = _step(client.get(MY).content.decode(), "Happening")
    assert "Café running now – go to your table" in step
    assert reverse("cafe:mine", args=[cafe.pk]) in step


def test_what_i_run_says_so_and_opens_the_desk_on_the_day(client):
    now = timezone.now()
    person = PersonFactory()
    coalition = CoalitionFactory()
    MembershipFactory(coalition=coalition, person=person, role=Role.FACILITATOR)
    workshop = WorkshopFactory(
        coalition=coalition, title="I facilitate", starts_at=now - timedelta(minutes=5)
    )
    client.force_login(person)
    step = _step(client.get(MY).content.decode(), "I facilitate")
    assert "You run it" in step
    assert reverse("workshops:desk", args=[workshop.slug]) in step


def test_see_you_names_the_day_in_the_workshops_time_zone():
    workshop = WorkshopFactory(time_zone="America/New_York")
    now = datetime(2031, 6, 9, 12, 0, tzinfo=UTC)  # a Monday
    thursday = datetime(2031, 6, 12, 18, 0, tzinfo=UTC)  # 14:00 in New York
    assert mine.see_you(thursday, workshop, now) == "See you Thursday at 14:00"
    assert mine.see_you(now + timedelta(hours=2), workshop, now) == "See you today at 10:00"
    later = datetime(2031, 7, 1, 18, 0, tzinfo=UTC)
    assert mine.see_you(later, workshop, now).startswith("See you on ")


def test_the_page_reads_the_same_number_of_rows_however_many_workshops(client):
    person = PersonFactory()
    coalition = CoalitionFactory()
    MembershipFactory(coalition=coalition, person=person, role=Role.ORGANISER)
    client.force_login(person)

    def queries(n: int) -> int:
        for _ in range(n):
            WorkshopFactory(coalition=coalition)
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            assert client.get(MY).status_code == 200
        return len(captured)

    assert queries(2) == queries(20)


def test_a_members_only_report_is_not_offered_to_a_registrant_who_is_not_a_member(client):
    person = PersonFactory()
    past = WorkshopFactory(title="Done, members' report", starts_at=timezone.now() - timedelta(2))
    RegistrationFactory(workshop=past, guest=None, person=person)
    report = report_services.report_for(past)
    report_services.publish(report_services.draft_of(report), visibility="members", html="<p/>")
    client.force_login(person)
    page = client.get(MY).content.decode()
    assert reverse("reports:version", args=[past.slug, 1]) not in page
    assert "The report is not published yet" in _step(page, "Done, members")
    MembershipFactory(coalition=past.coalition, person=person, role=Role.MEMBER)
    page = client.get(MY).content.decode()
    assert reverse("reports:version", args=[past.slug, 1]) in _step(page, "Done, members")
