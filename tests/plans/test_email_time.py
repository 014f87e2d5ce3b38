"""The organisers' page that sets when the coalition's plan emails go out: a time of day in
the coalition's own time zone, which the sweep then keeps. Broken input is refused on its
field with nothing saved lost; only organisers reach it; a GET changes nothing."""

import zoneinfo
from datetime import date, datetime, time, timedelta

import pytest
from django.core import mail
from django.urls import reverse
from factories import CoalitionFactory, MembershipFactory, OrganisationFactory, PersonFactory

from coproduce.coalitions.models import Role
from coproduce.plans import reminders, services
from coproduce.plans.models import EmailTime
from coproduce.plans.services import ActionDraft

pytestmark = pytest.mark.django_db

NEW_YORK = zoneinfo.ZoneInfo("America/New_York")
TODAY = date(2027, 3, 10)


@pytest.fixture
def w():
    coalition = CoalitionFactory(slug="gm", time_zone="America/New_York")
    charity = OrganisationFactory()
    coalition.organisations.add(charity)
    organiser = MembershipFactory(coalition=coalition, role=Role.ORGANISER).person
    owner = MembershipFactory(
        coalition=coalition, person=PersonFactory(organisation=charity), role=Role.MEMBER
    ).person
    plan = services.start_plan(coalition, title="Our plan", by=organiser)
    goal = services.add_goal(plan, title="Homes")
    services.add_action(
        goal, ActionDraft(title="Open the hub", owners=[charity], due_on=TODAY + timedelta(days=3))
    )

    class World:
        pass

    world = World()
    world.__dict__.update(locals())
    return world


URL = reverse("plans:email_time", args=["gm"])


def _saved():
    return list(EmailTime.objects.values_list("coalition__slug", "send_at"))


def test_the_page_says_what_the_time_does_and_in_which_zone(client, w):
    client.force_login(w.organiser)
    response = client.get(URL)
    page = response.content.decode()
    assert response.status_code == 200
    assert "monthly digest" in page and "America/New York" in page
    assert 'value="09:00"' in page and 'type="time"' in page
    assert "Now they go out at 09:00." in page
    assert _saved() == []  # a GET changes nothing


def test_an_organiser_sets_the_time_and_the_sweep_keeps_it(client, w):
    client.force_login(w.organiser)
    response = client.post(URL, {"send_at": "07:30"})
    assert response.status_code == 302 and response.url == URL
    assert _saved() == [("gm", time(7, 30))]
    page = client.get(URL).content.decode()
    assert "plan emails now go out at 07:30" in page and 'value="07:30"' in page
    client.post(URL, {"send_at": "18:05"})  # again: the same row, changed
    assert _saved() == [("gm", time(18, 5))]
    day = TODAY
    assert reminders.sweep(datetime(day.year, day.month, day.day, 18, 4, tzinfo=NEW_YORK)) == 0
    assert reminders.sweep(datetime(day.year, day.month, day.day, 18, 5, tzinfo=NEW_YORK)) == 1
    assert [m.to for m in mail.outbox] == [[w.owner.email]]


@pytest.mark.parametrize(
    "typed",
    ["", "25:00", "12:60", "nine", "9", "-1:00", "<script>alert(1)</script>", "07:30" * 40],
)
def test_a_bad_time_is_refused_on_its_field_and_the_saved_one_is_kept(client, w, typed):
    EmailTime.objects.create(coalition=w.coalition, send_at=time(8, 15))
    client.force_login(w.organiser)
    response = client.post(URL, {"send_at": typed})
    assert response.status_code == 200
    (error,) = response.context["form"].errors["send_at"]
    assert "time of day" in error
    page = response.content.decode()
    assert "Nothing was saved yet" in page
    assert "<script>alert(1)" not in page
    assert _saved() == [("gm", time(8, 15))]


def test_a_missing_field_is_refused_too(client, w):
    client.force_login(w.organiser)
    response = client.post(URL, {})
    assert "Say at what time of day" in response.context["form"].errors["send_at"][0]
    assert _saved() == []


def test_seconds_are_dropped(client, w):
    client.force_login(w.organiser)
    client.post(URL, {"send_at": "06:45:59"})
    assert _saved() == [("gm", time(6, 45))]


def test_only_organisers_reach_it_and_the_plan_page_links_it_for_them(client, w):
    plan_url = reverse("plans:detail", args=["gm", w.plan.pk])
    client.force_login(w.owner)
    assert client.get(URL).status_code == 403
    assert client.post(URL, {"send_at": "07:00"}).status_code == 403
    assert URL not in client.get(plan_url).content.decode()
    client.logout()
    assert client.post(URL, {"send_at": "07:00"}).status_code in (302, 403)
    assert _saved() == []
    client.force_login(w.organiser)
    assert URL in client.get(plan_url).content.decode()
