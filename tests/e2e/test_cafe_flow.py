"""A 3-round World Café with 12 guests on phones: the facilitator plans and advances rounds,
the guests' pages follow without reloading, and the hosts write notes."""

import re

import pytest
from browser import PHONE
from factories import PASSWORD, MembershipFactory, WorkshopFactory
from playwright.sync_api import expect

from coproduce.cafe.models import Cafe, Note, Seat
from coproduce.coalitions.models import Role
from coproduce.workshops.models import AgendaItem, AgendaQuestion

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SECTORS = ["local_government", "research", "civil_society", "residents"]
UPDATE = 12_000  # ms: pages poll every few seconds


@pytest.fixture
def workshop():
    organiser = MembershipFactory(role=Role.ORGANISER, person__email="fac@example.org")
    workshop = WorkshopFactory(coalition=organiser.coalition, title="Neighbourhood café")
    item = AgendaItem.objects.create(
        workshop=workshop, title="World Café", kind="world_cafe", minutes=90
    )
    AgendaQuestion.objects.create(
        agenda_item=item, label="POLICY", text="Who should own the plan?", order=0
    )
    AgendaQuestion.objects.create(
        agenda_item=item, label="TOOLS", text="What methods help?", order=1
    )
    return workshop


def join(page, code, name, sector, axe, check):
    page.goto(f"/join/{code}/")
    if check:
        axe.check(page)
    page.get_by_label("Display name").fill(name)
    page.get_by_label("Sector").select_option(sector)
    page.get_by_role("button", name="Take part").click()
    expect(page.get_by_text(f"You are registered as {name}")).to_be_visible()


def log_in(page, axe):
    page.goto("/accounts/login/")
    page.get_by_label(re.compile("Email")).fill("fac@example.org")
    page.get_by_label(re.compile("Password")).fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def set_up_cafe(page, workshop, axe):
    page.goto(workshop.get_absolute_url())
    page.get_by_role("button", name="Set up tables and rounds").click()
    expect(page.get_by_role("heading", name="World Café")).to_be_visible()
    axe.check(page)
    page.get_by_label("Rounds").fill("3")
    for i in range(3):
        page.locator(f"#id_tables-{i}-capacity").fill("5")
        page.locator(f"#id_tables-{i}-host").select_option(label=f"Guest {i:02d}")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Saved.")).to_be_visible()
    page.get_by_role("link", name="People and rules").click()
    axe.check(page)
    page.get_by_role("link", name="Seating plan").click()
    page.get_by_role("button", name="Make the seating plan").click()
    expect(page.get_by_text("Done")).to_be_visible()
    axe.check(page)
    page.get_by_role("link", name="Continue").click()
    expect(page.get_by_role("heading", name="How good is this plan?")).to_be_visible()
    axe.check(page)


def table_of(cafe, name, round_number):
    return Seat.objects.get(
        cafe=cafe, round_number=round_number, participant__registration__display_name=name
    ).table.name


def test_three_round_cafe_with_twelve_phones(new_page, workshop, axe):
    guests = []
    for i in range(12):
        page = new_page(PHONE)
        join(page, workshop.join_code, f"Guest {i:02d}", SECTORS[i % 4], axe, check=i == 0)
        guests.append(page)

    facilitator = new_page()
    log_in(facilitator, axe)
    set_up_cafe(facilitator, workshop, axe)
    cafe = Cafe.objects.get()
    assert cafe.tables.count() == 3 and Seat.objects.filter(cafe=cafe).count() == 36

    for i, page in enumerate(guests):
        page.goto(workshop.get_absolute_url())
        page.get_by_role("link", name="Your tables").click()
        expect(page.locator("#now")).to_contain_text(
            f"Round 1 will be at {table_of(cafe, f'Guest {i:02d}', 1)}"
        )
    axe.check(guests[0])
    axe.check(guests[1])  # a host's page says so

    facilitator.get_by_role("link", name="Run it live").click()
    axe.check(facilitator)
    for round_number in (1, 2, 3):
        facilitator.get_by_role("link", name=f"Start round {round_number}…").click()
        facilitator.get_by_role("button", name=f"Start round {round_number}").click()
        expect(
            facilitator.get_by_role("heading", name=f"Round {round_number} of 3")
        ).to_be_visible()
        for i, page in enumerate(guests):
            table = table_of(cafe, f"Guest {i:02d}", round_number)
            expect(page.locator("#now")).to_contain_text(
                f"Round {round_number} of 3 – go to {table}", timeout=UPDATE
            )
        if round_number == 1:
            axe.check(facilitator)
            screen = new_page()
            screen.context.add_cookies(facilitator.context.cookies())
            screen.goto(f"/cafe/{cafe.pk}/screen/")
            expect(screen.locator("#screen")).to_contain_text("round 1 of 3")
            axe.check(screen)
        # Each host writes the table's note for this round from their phone.
        for host in range(3):
            page = guests[host]
            page.get_by_role("link", name=re.compile("Write a note for")).click()
            page.get_by_label("Note").fill(f"Round {round_number} idea from host {host}")
            page.get_by_role("button", name="Save note").click()
            # The page's script sends the note itself (it would wait on the phone offline).
            expect(page.locator("#note-sending")).to_have_text("Sent")
            if round_number == 1 and host == 0:
                axe.check(page)
            page.get_by_role("link", name="Back to your tables").click()

    assert Note.objects.count() == 9
    assert set(Note.objects.values_list("round_number", flat=True)) == {1, 2, 3}
    facilitator.get_by_role("link", name="Finish the last round…").click()
    facilitator.get_by_role("button", name="Finish the last round").click()
    expect(facilitator.get_by_role("heading", name="All rounds are done")).to_be_visible()
    facilitator.get_by_role("link", name="Harvest").first.click()
    expect(facilitator.get_by_text("Round 3 idea from host 2")).to_be_visible()
    axe.check(facilitator)
    expect(guests[5].locator("#now")).to_contain_text("All rounds are done", timeout=UPDATE)
