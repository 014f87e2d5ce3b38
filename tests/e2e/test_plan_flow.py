"""An organiser adds a goal and an action owned by a partner organisation and traces it to a
harvest theme; the partner's member (another account, not an organiser) posts an update on a
phone; the participant whose café note the theme gathered sees the action on their own page.
axe passes on every page on the way."""

import pytest
from browser import DESKTOP, PHONE
from cafe.test_notes_history import seated_cafe
from e2e.test_charter_flow import fits_the_phone, log_in
from factories import MembershipFactory, OrganisationFactory, PersonFactory
from playwright.sync_api import expect

from coproduce.cafe.models import Note
from coproduce.coalitions.models import Role
from coproduce.plans import services
from coproduce.reports.models import WorkshopReport

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world():
    cafe, table, people, _facilitator = seated_cafe()
    workshop = cafe.agenda_item.workshop
    coalition = workshop.coalition
    trust = OrganisationFactory(name="Community Trust")
    council = OrganisationFactory(name="City Council")
    coalition.organisations.add(trust, council)
    organiser = PersonFactory(email="organiser@example.org", full_name="Olga Organiser")
    owner = PersonFactory(email="owner@example.org", full_name="Omar Owner", organisation=trust)
    for person, role in ((organiser, Role.ORGANISER), (owner, Role.MEMBER)):
        MembershipFactory(coalition=coalition, person=person, role=role)
    # The participant who wrote the note has an account; the harvest gathered the note.
    writer = people["writer"]
    participant = PersonFactory(email="participant@example.org", full_name="Wim Writer")
    writer.registration.person, writer.registration.guest = participant, None
    writer.registration.save()
    note = Note.objects.create(
        cafe=cafe, table=table, round_number=1, text="Pay residents for their time", author=writer
    )
    theme = {"id": 1, "label": "Paying people for their time", "note_ids": [note.pk]}
    theme["example_id"] = note.pk
    WorkshopReport.objects.create(workshop=workshop, themes={"questions": {"none": [theme]}})
    plan = services.start_plan(coalition, title="Our action plan", by=organiser)
    return {"coalition": coalition, "plan": plan}


def test_goal_action_update_and_the_participant_sees_it(new_page, world, axe):
    coalition, plan = world["coalition"], world["plan"]
    organiser = new_page(DESKTOP)
    log_in(organiser, "organiser@example.org")
    organiser.goto(f"/plans/{coalition.slug}/{plan.pk}/goals/new/")
    axe.check(organiser)
    organiser.locator("input[name=title]").fill("Recognise people's time")
    organiser.get_by_role("button", name="Add the goal").click()
    expect(organiser.get_by_text("Recognise people's time").first).to_be_visible()
    goal = plan.goals.get()
    organiser.goto(f"/plans/{coalition.slug}/{plan.pk}/goals/{goal.pk}/actions/new/")
    axe.check(organiser)
    organiser.locator("input[name=title]").fill("Pay residents who take part")
    organiser.get_by_label("Community Trust").first.check()
    organiser.locator("input[name=due_on]").fill("2031-06-30")
    organiser.get_by_role("button", name="Add the action").click()
    expect(organiser.get_by_role("heading", name="Pay residents who take part")).to_be_visible()
    axe.check(organiser)
    organiser.get_by_role("link", name="Where it came from").first.click()
    option = organiser.locator("select[name=source] option", has_text="Paying people")
    organiser.locator("select[name=source]").select_option(option.get_attribute("value"))
    organiser.get_by_role("button", name="Add", exact=True).click()
    expect(organiser.get_by_text("Paying people for their time").first).to_be_visible()
    axe.check(organiser)
    action = goal.actions.get()
    assert action.sources.get().theme == 1

    # The partner's member posts an update from a phone.
    owner = new_page(PHONE)
    log_in(owner, "owner@example.org")
    owner.goto(f"/plans/{coalition.slug}/actions/{action.pk}/")
    owner.get_by_role("link", name="Post an update").first.click()
    owner.locator("textarea[name=text]").fill("Payment policy agreed with two partners.")
    owner.locator("select[name=status]").select_option("in_progress")
    owner.locator("input[name=progress]").fill("40")
    fits_the_phone(owner)
    axe.check(owner)
    owner.get_by_role("button", name="Post the update").click()
    expect(owner.get_by_text("Payment policy agreed with two partners.")).to_be_visible()
    fits_the_phone(owner)
    axe.check(owner)
    action.refresh_from_db()
    assert (action.status, action.progress) == ("in_progress", 40)

    # The participant whose note the theme gathered sees what came of it.
    participant = new_page(PHONE)
    log_in(participant, "participant@example.org")
    participant.goto("/my/")
    expect(participant.get_by_role("link", name="Pay residents who take part")).to_be_visible()
    expect(participant.get_by_text("from your note")).to_be_visible()
    fits_the_phone(participant)
    axe.check(participant)
