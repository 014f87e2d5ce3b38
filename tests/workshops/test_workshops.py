from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from factories import (
    CoalitionFactory,
    GuestFactory,
    MembershipFactory,
    PersonFactory,
    RegistrationFactory,
    WorkshopFactory,
)
from icalendar import Calendar

from coproduce.coalitions.models import Role
from coproduce.people.models import Guest
from coproduce.workshops import services
from coproduce.workshops.models import AgendaItem, Registration, Workshop

pytestmark = pytest.mark.django_db


@pytest.fixture
def organiser():
    return MembershipFactory(role=Role.ORGANISER)


def workshop_data(**overrides):
    return {
        "title": "Mixing tables",
        "time_zone": "Europe/Madrid",
        "starts_at": "2031-03-10T18:00",
        "ends_at": "2031-03-10T20:00",
        "venue": "Civic centre",
        "capacity": "40",
        "summary": "",
        "methodology": "",
        **overrides,
    }


def test_create_workshop_stores_utc_from_local_time(client, organiser):
    client.force_login(organiser.person)
    url = reverse("workshops:create", args=[organiser.coalition.slug])
    response = client.post(url, workshop_data())
    workshop = Workshop.objects.get()
    assert response["Location"] == reverse("workshops:programme", args=[workshop.slug, "agenda"])
    # 18:00 in Madrid in March (CET, UTC+1) is 17:00 UTC.
    assert workshop.starts_at == datetime(2031, 3, 10, 17, 0, tzinfo=UTC)
    assert workshop.duration_minutes == 120
    edit = client.get(reverse("workshops:edit", args=[workshop.slug])).content.decode()
    assert 'value="2031-03-10T18:00"' in edit


def test_end_before_start_is_refused_next_to_the_end_field(client, organiser):
    client.force_login(organiser.person)
    url = reverse("workshops:create", args=[organiser.coalition.slug])
    response = client.post(url, workshop_data(ends_at="2031-03-10T17:00"))
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "ends_at": ["The workshop must end after it starts."]
    }
    assert 'value="Mixing tables"' in response.content.decode()
    assert not Workshop.objects.exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("title", "t" * 10_000),
        ("time_zone", "Mars/Olympus"),
        ("capacity", "-3"),
        ("online_url", "not a link"),
        ("starts_at", "yesterday"),
    ],
)
def test_broken_workshop_fields_are_named(client, organiser, field, value):
    client.force_login(organiser.person)
    response = client.post(
        reverse("workshops:create", args=[organiser.coalition.slug]),
        workshop_data(**{field: value}),
    )
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not Workshop.objects.exists()


def test_editing_with_an_error_keeps_the_saved_workshop(client, organiser):
    workshop = WorkshopFactory(coalition=organiser.coalition, title="Saved title")
    client.force_login(organiser.person)
    client.post(
        reverse("workshops:edit", args=[workshop.slug]),
        workshop_data(title="New", ends_at="2000-01-01T00:00"),
    )
    workshop.refresh_from_db()
    assert workshop.title == "Saved title"


def agenda_post(items):
    data = {"agenda-TOTAL_FORMS": str(len(items)), "agenda-INITIAL_FORMS": "0"}
    for i, item in enumerate(items):
        for key, value in item.items():
            data[f"agenda-{i}-{key}"] = value
    return data


def test_agenda_with_questions_is_saved(client, organiser):
    workshop = WorkshopFactory(coalition=organiser.coalition)
    client.force_login(organiser.person)
    url = reverse("workshops:programme", args=[workshop.slug, "agenda"])
    items = [
        {
            "order": "0",
            "title": "Welcome",
            "kind": "presentation",
            "minutes": "5",
            "speaker": "Beth",
        },
        {
            "order": "1",
            "title": "Café",
            "kind": "world_cafe",
            "minutes": "60",
            "questions": "POLICY: Who owns the plan?\nWhat works?",
        },
    ]
    assert client.post(url, agenda_post(items)).status_code == 302
    cafe = AgendaItem.objects.get(kind="world_cafe")
    assert [(q.label, q.text) for q in cafe.questions.all()] == [
        ("POLICY", "Who owns the plan?"),
        ("", "What works?"),
    ]
    page = client.get(workshop.get_absolute_url()).content.decode()
    assert "Who owns the plan?" in page


def test_agenda_longer_than_the_workshop_is_refused_and_nothing_saved(client, organiser):
    workshop = WorkshopFactory(coalition=organiser.coalition)  # two hours
    AgendaItem.objects.create(workshop=workshop, title="Kept", minutes=10, order=0)
    client.force_login(organiser.person)
    url = reverse("workshops:programme", args=[workshop.slug, "agenda"])
    data = agenda_post(
        [{"order": "1", "title": "Far too long", "kind": "discussion", "minutes": "200"}]
    )
    data["agenda-TOTAL_FORMS"] = "1"
    response = client.post(url, data)
    assert response.status_code == 200
    assert "takes 200 minutes but the workshop lasts 120" in response.content.decode()
    assert list(AgendaItem.objects.values_list("title", flat=True)) == ["Kept"]


def test_contributor_without_a_role_is_refused(client, organiser):
    workshop = WorkshopFactory(coalition=organiser.coalition)
    client.force_login(organiser.person)
    data = {
        "people-TOTAL_FORMS": "1",
        "people-INITIAL_FORMS": "0",
        "people-0-name": "Nobody",
        "people-0-order": "0",
    }
    response = client.post(reverse("workshops:programme", args=[workshop.slug, "people"]), data)
    assert response.status_code == 200
    assert "Tick at least one" in response.content.decode()
    assert not workshop.contributors.exists()


def test_unknown_programme_part_is_404(client, organiser):
    workshop = WorkshopFactory(coalition=organiser.coalition)
    client.force_login(organiser.person)
    assert (
        client.get(reverse("workshops:programme", args=[workshop.slug, "nonsense"])).status_code
        == 404
    )


# Registration -----------------------------------------------------------------------------


def test_person_registers_with_a_sector_once(client):
    workshop = WorkshopFactory()
    person = PersonFactory()
    client.force_login(person)
    url = reverse("workshops:register", args=[workshop.slug])
    client.post(url, {"sector": "business"})
    response = client.post(url, {"sector": "business"}, follow=True)
    assert "already registered" in response.content.decode()
    registration = Registration.objects.get()
    assert (registration.person, registration.sector) == (person, "business")


def test_full_workshop_refuses_with_a_clear_message(client):
    workshop = WorkshopFactory(capacity=1)
    RegistrationFactory(workshop=workshop)
    client.force_login(PersonFactory())
    response = client.post(
        reverse("workshops:register", args=[workshop.slug]), {"sector": "other"}, follow=True
    )
    assert "This workshop is full: all 1 places are taken." in response.content.decode()
    assert workshop.registrations.count() == 1


def test_cancelled_place_can_be_taken_again():
    workshop = WorkshopFactory(capacity=1)
    person = PersonFactory()
    registration = services.register_person(workshop, person, sector="research")
    services.cancel_registration(registration)
    other = services.register_guest(workshop, GuestFactory())
    assert other.status == Registration.Status.REGISTERED
    with pytest.raises(services.RegistrationError):
        services.register_person(workshop, person, sector="research")


def test_guest_joins_with_code_giving_only_name_and_sector(client):
    workshop = WorkshopFactory()
    response = client.post(reverse("workshops:join_start"), {"code": workshop.join_code.lower()})
    join_url = reverse("workshops:join", args=[workshop.join_code])
    assert response["Location"] == join_url
    response = client.post(join_url, {"display_name": "Rosa", "sector": "residents"})
    assert response["Location"] == workshop.get_absolute_url()
    guest = Guest.objects.get()
    assert (guest.display_name, guest.sector) == ("Rosa", "residents")
    page = client.get(workshop.get_absolute_url()).content.decode()
    assert "You are registered as Rosa" in page
    # Opening the link again does not register twice.
    assert client.get(join_url)["Location"] == workshop.get_absolute_url()
    assert workshop.registrations.count() == 1


def test_wrong_join_code_says_so(client):
    response = client.post(reverse("workshops:join_start"), {"code": "ZZZZZZ"})
    assert response.status_code == 200
    error = response.context["form"].errors["code"][0]
    assert "No workshop or conversation has the code ZZZZZZ" in error
    assert client.get(reverse("workshops:join", args=["NOPE99"])).status_code == 404


def test_expired_join_code_says_the_workshop_has_ended(client):
    past = timezone.now() - timedelta(days=2)
    workshop = WorkshopFactory(starts_at=past, ends_at=past + timedelta(hours=2), title="Old one")
    response = client.post(
        reverse("workshops:join", args=[workshop.join_code]),
        {"display_name": "Late", "sector": "other"},
    )
    assert response.status_code == 404
    assert "has expired" in response.content.decode()
    assert not Guest.objects.exists()


def test_join_code_guessing_is_rate_limited(client, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "join": (5, 60)}
    statuses = [
        client.post(reverse("workshops:join_start"), {"code": f"AAAA{i:02d}"}).status_code
        for i in range(7)
    ]
    assert statuses[:5] == [200] * 5
    assert statuses[5:] == [429, 429]


def test_a_whole_room_on_one_network_can_join(client, settings):
    """Forty people behind one address all get in: only wrong codes count against the limit."""
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "join": (5, 60)}
    workshop = WorkshopFactory()
    for i in range(40):
        client.cookies.clear()
        url = reverse("workshops:join", args=[workshop.join_code])
        assert client.get(url).status_code == 200
        assert client.post(url, {"display_name": f"P{i}", "sector": "other"}).status_code == 302
    assert workshop.registrations.count() == 40


def test_after_too_many_wrong_codes_even_the_right_one_waits(client, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "join": (3, 60)}
    workshop = WorkshopFactory()
    for _ in range(3):
        client.post(reverse("workshops:join_start"), {"code": "WRONG2"})
    response = client.post(reverse("workshops:join_start"), {"code": workshop.join_code})
    assert response.status_code == 429


def test_guest_name_too_long_and_html_is_escaped(client):
    workshop = WorkshopFactory()
    url = reverse("workshops:join", args=[workshop.join_code])
    response = client.post(url, {"display_name": "n" * 10_000, "sector": "residents"})
    assert "display_name" in response.context["form"].errors
    client.post(url, {"display_name": "<b>bold</b>", "sector": "residents"})
    page = client.get(workshop.get_absolute_url()).content.decode()
    assert "&lt;b&gt;bold&lt;/b&gt;" in page and "<b>bold</b>" not in page


def test_new_join_code_stops_the_old_one(client, organiser):
    workshop = WorkshopFactory(coalition=organiser.coalition)
    old = workshop.join_code
    client.force_login(organiser.person)
    client.post(reverse("workshops:new_join_code", args=[workshop.slug]), {"confirm": "yes"})
    workshop.refresh_from_db()
    assert workshop.join_code != old
    with pytest.raises(services.JoinCodeError):
        services.workshop_for_code(old)


# Check-in, chart and calendar --------------------------------------------------------------


def test_check_in_changes_the_sector_counts(client, organiser):
    workshop = WorkshopFactory(coalition=organiser.coalition)
    registration = RegistrationFactory(workshop=workshop, sector="civil_society")
    client.force_login(organiser.person)
    before = client.get(workshop.get_absolute_url()).context["sector_counts"]
    assert [(c.sector, c.registered, c.attended) for c in before] == [("civil_society", 1, 0)]
    client.post(
        reverse("workshops:check_in", args=[workshop.slug, registration.pk]), {"present": "1"}
    )
    after = client.get(workshop.get_absolute_url()).context["sector_counts"]
    assert [(c.sector, c.registered, c.attended) for c in after] == [("civil_society", 1, 1)]
    client.post(
        reverse("workshops:check_in", args=[workshop.slug, registration.pk]), {"present": "0"}
    )
    registration.refresh_from_db()
    assert registration.checked_in_at is None


def test_check_in_by_htmx_returns_just_the_row(client, organiser):
    workshop = WorkshopFactory(coalition=organiser.coalition)
    registration = RegistrationFactory(workshop=workshop, display_name="Row Person")
    client.force_login(organiser.person)
    response = client.post(
        reverse("workshops:check_in", args=[workshop.slug, registration.pk]),
        {"present": "1"},
        headers={"HX-Request": "true"},
    )
    body = response.content.decode()
    assert body.strip().startswith(f'<tr id="registration-{registration.pk}"')
    assert "Undo" in body and "<html" not in body


def test_walk_in_is_registered_and_checked_in_even_after_the_end(client, organiser):
    past = timezone.now() - timedelta(days=1)
    workshop = WorkshopFactory(
        coalition=organiser.coalition, starts_at=past, ends_at=past + timedelta(hours=1)
    )
    client.force_login(organiser.person)
    client.post(
        reverse("workshops:walk_in", args=[workshop.slug]),
        {"display_name": "Walker", "sector": "business"},
    )
    registration = workshop.registrations.get()
    assert registration.attended and registration.is_guest


def test_desk_search_and_paging(client, organiser):
    workshop = WorkshopFactory(coalition=organiser.coalition)
    for i in range(60):
        RegistrationFactory(workshop=workshop, display_name=f"Person {i:02d}")
    client.force_login(organiser.person)
    url = reverse("workshops:desk", args=[workshop.slug])
    assert len(client.get(url).context["page"].object_list) == 50
    assert len(client.get(url, {"page": 2}).context["page"].object_list) == 10
    assert [r.display_name for r in client.get(url, {"q": "son 07"}).context["page"]] == [
        "Person 07"
    ]


def test_icalendar_download(client):
    workshop = WorkshopFactory(title="Café night", venue="Town hall")
    response = client.get(reverse("workshops:ics", args=[workshop.slug]))
    assert response["Content-Type"].startswith("text/calendar")
    event = Calendar.from_ical(response.content).walk("VEVENT")[0]
    assert str(event["SUMMARY"]) == "Café night"
    assert event.decoded("DTSTART") == workshop.starts_at
    assert event.decoded("DTEND") == workshop.ends_at
    assert str(event["LOCATION"]) == "Town hall"


def test_join_qr_is_svg(client):
    workshop = WorkshopFactory()
    response = client.get(reverse("workshops:join_qr", args=[workshop.slug]))
    assert response["Content-Type"] == "image/svg+xml"
    assert response.content.startswith(b"<svg")


# Bounded queries ----------------------------------------------------------------------------


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def _fill(workshop, n):
    guests = Guest.objects.bulk_create(
        Guest(display_name=f"G{i}", sector="research") for i in range(n)
    )
    Registration.objects.bulk_create(
        Registration(
            workshop=workshop,
            guest=g,
            display_name=g.display_name,
            sector="research",
            checked_in_at=timezone.now() if i % 2 else None,
        )
        for i, g in enumerate(guests)
    )


@pytest.mark.parametrize("as_organiser", [False, True])
def test_pages_run_the_same_queries_with_10_and_1000_registrations(client, as_organiser):
    counts = {}
    for n in (10, 1000):
        coalition = CoalitionFactory()
        organiser = MembershipFactory(coalition=coalition, role=Role.ORGANISER)
        for i in range(3):
            _fill(WorkshopFactory(coalition=coalition), n if i == 0 else 5)
        workshop = coalition.workshops.order_by("pk").first()
        if as_organiser:
            client.force_login(organiser.person)
        counts[n] = (
            _queries(client, coalition.get_absolute_url()),
            _queries(client, workshop.get_absolute_url()),
            _queries(client, reverse("workshops:desk", args=[workshop.slug]))
            if as_organiser
            else 0,
        )
        client.logout()
    assert counts[10] == counts[1000]
    assert counts[1000][1] <= 15
