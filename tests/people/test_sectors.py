"""Nobody's sector is guessed: every sector question starts empty and offers "Prefer not to say";
charts and tables count "not given" as its own bar; seating mixes only the sectors given."""

import pytest
from django.db import connection
from django.urls import reverse
from factories import MembershipFactory, PersonFactory, RegistrationFactory, WorkshopFactory

from coproduce.cafe import services as cafe_services
from coproduce.coalitions.forms import OrganisationForm
from coproduce.coalitions.models import Role
from coproduce.coalitions.selectors import members_by_sector
from coproduce.conversations.forms import JoinForm
from coproduce.people.forms import GuestForm, ProfileForm, SignupForm
from coproduce.people.sectors import (
    GIVEN_SECTORS,
    SECTOR_ORDER,
    Sector,
    seating_sector,
    sector_key,
    sector_label,
)
from coproduce.workshops.forms import PersonRegistrationForm, WalkInForm
from coproduce.workshops.models import AgendaItem
from coproduce.workshops.selectors import sector_counts

pytestmark = pytest.mark.django_db

FORMS_THAT_ASK = [JoinForm, WalkInForm, GuestForm, PersonRegistrationForm, OrganisationForm]


@pytest.mark.parametrize("form_class", FORMS_THAT_ASK + [SignupForm])
def test_every_sector_question_starts_empty_and_offers_prefer_not_to_say(form_class):
    field = form_class().fields["sector"]
    values = [value for value, _label in field.choices]
    assert values[0] == ""  # nothing is chosen for the person
    assert "not_given" in values
    html = str(form_class()["sector"])
    assert 'value="" selected' in html
    assert "Prefer not to say" in html


def test_profile_starts_with_the_persons_own_sector():
    person = PersonFactory(sector="research")
    assert ProfileForm(instance=person)["sector"].value() == "research"
    assert ProfileForm(instance=PersonFactory(sector=""))["sector"].value() == ""


@pytest.mark.parametrize("form_class", FORMS_THAT_ASK)
def test_a_form_without_a_sector_says_so_and_prefer_not_to_say_is_an_answer(form_class):
    data = {"display_name": "Rosa", "name": "River Trust"}
    form = form_class(data=data)
    assert not form.is_valid()
    assert "Choose a sector" in form.errors["sector"][0]
    form = form_class(data={**data, "sector": "not_given"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["sector"] == "not_given"


def test_a_guest_who_gives_no_sector_is_not_registered_and_is_asked_again(client):
    workshop = WorkshopFactory()
    join_url = reverse("workshops:join", args=[workshop.join_code])
    response = client.post(join_url, {"display_name": "Rosa", "sector": ""})
    assert response.status_code == 200
    assert "Choose a sector" in response.content.decode()
    assert workshop.registrations.count() == 0
    client.post(join_url, {"display_name": "Rosa", "sector": "not_given"})
    assert workshop.registrations.get().sector == "not_given"


def test_a_walk_in_without_a_sector_is_refused_with_a_message(client):
    organiser = MembershipFactory(role=Role.ORGANISER)
    workshop = WorkshopFactory(coalition=organiser.coalition)
    client.force_login(organiser.person)
    url = reverse("workshops:walk_in", args=[workshop.slug])
    response = client.post(url, {"display_name": "Walker"}, follow=True)
    assert "sector" in response.content.decode()
    assert workshop.registrations.count() == 0
    client.post(url, {"display_name": "Walker", "sector": "not_given"})
    assert workshop.registrations.get().sector == "not_given"


def test_not_given_is_its_own_bar_last_whether_declined_or_never_asked():
    workshop = WorkshopFactory()
    RegistrationFactory(workshop=workshop, sector="research")
    RegistrationFactory(workshop=workshop, sector="not_given")
    RegistrationFactory(workshop=workshop, sector="")
    counts = sector_counts(workshop)
    assert [(c.sector, c.label, c.registered) for c in counts] == [
        ("research", "Research", 1),
        ("not_given", "Not given", 2),
    ]


def test_members_without_a_sector_are_not_counted_as_other():
    membership = MembershipFactory(person__sector="")
    MembershipFactory(coalition=membership.coalition, person__sector="other")
    rows = members_by_sector(membership.coalition)
    assert [(row["sector"], row["count"]) for row in rows] == [("other", 1), ("not_given", 1)]


def test_the_workshop_chart_shows_the_not_given_bar(client):
    workshop = WorkshopFactory()
    RegistrationFactory(workshop=workshop, sector="not_given")
    page = client.get(workshop.get_absolute_url()).content.decode()
    assert "Not given" in page


def test_sector_helpers():
    assert SECTOR_ORDER[-1] == "not_given" and "not_given" not in GIVEN_SECTORS
    assert sector_key("") == sector_key("gone") == sector_key("not_given") == "not_given"
    assert sector_label(Sector.BUSINESS) == "Business" and sector_label("") == "Not given"
    assert seating_sector("not_given") is None and seating_sector("") is None
    assert seating_sector("residents") == "residents"


def test_seating_mixes_only_the_sectors_people_gave():
    """Not given is no sector: those people are seated freely, not spread like one sector."""
    workshop = WorkshopFactory()
    item = AgendaItem.objects.create(workshop=workshop, title="Café", kind="world_cafe", minutes=90)
    for i, sector in enumerate(["research", "residents", "not_given", "", "not_given", "business"]):
        RegistrationFactory(workshop=workshop, display_name=f"Guest {i}", sector=sector)
    cafe = cafe_services.cafe_for(item)
    problem = cafe_services.build_problem(cafe, keep_history=False)
    sectors = sorted((p.sector or "-") for p in problem.people)
    assert sectors == ["-", "-", "-", "business", "research", "residents"]
    assert "not_given" not in problem.allowed_sectors


@pytest.mark.django_db(transaction=True)
def test_the_sector_migrations_keep_every_stored_sector():
    from django.db.migrations.executor import MigrationExecutor

    before = [
        ("people", "0003_email_stored_normalised"),
        ("workshops", "0002_clean_text"),
        ("conversations", "0004_map_figures_and_priorities"),
    ]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    old.get_model("people", "Person").objects.create(
        email="kim@example.org", full_name="Kim", password="!", sector="research"
    )
    old.get_model("people", "Person").objects.create(
        email="lee@example.org", full_name="Lee", password="!", sector=""
    )
    old.get_model("people", "Guest").objects.create(
        display_name="Rosa", sector="residents", key="k" * 32
    )
    old.get_model("people", "Organisation").objects.create(name="Trust", sector="civil_society")
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    from coproduce.people.models import Guest, Organisation, Person

    assert dict(Person.objects.values_list("full_name", "sector")) == {"Kim": "research", "Lee": ""}
    assert Guest.objects.get().sector == "residents"
    assert Organisation.objects.get().sector == "civil_society"
