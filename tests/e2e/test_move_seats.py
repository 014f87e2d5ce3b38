"""Seats by hand in a real browser: a facilitator moves one person on the plan page with the
keyboard alone, and another by drag and drop, and sees the plan's figures follow."""

import re

import pytest
from browser import DESKTOP
from factories import PASSWORD, MembershipFactory, RegistrationFactory, WorkshopFactory
from playwright.sync_api import expect

from coproduce.cafe import moves, services
from coproduce.cafe.models import Rule, Seat
from coproduce.cafe.seating.moves import place, recount
from coproduce.coalitions.models import Role
from coproduce.workshops.models import AgendaItem

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SECTORS = ["local_government", "research", "civil_society", "residents"]
NARROW = {"width": 320, "height": 720}


@pytest.fixture
def cafe():
    organiser = MembershipFactory(role=Role.ORGANISER, person__email="fac@example.org")
    workshop = WorkshopFactory(coalition=organiser.coalition, title="Seats by hand")
    item = AgendaItem.objects.create(
        workshop=workshop, title="World Café", kind="world_cafe", minutes=60
    )
    for i in range(12):
        RegistrationFactory(workshop=workshop, display_name=f"Guest {i:02d}", sector=SECTORS[i % 4])
    cafe = services.cafe_for(item)
    cafe.tables.all().delete()
    services.add_tables(cafe, 3, capacity=10)  # room to spare: no move asks to confirm
    services.make_plan(cafe)
    cafe.refresh_from_db()
    return cafe


def log_in(page):
    page.goto("/accounts/login/")
    page.get_by_label(re.compile("Email")).fill("fac@example.org")
    page.get_by_label(re.compile("Password")).fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def a_move_that_changes_the_figures(cafe, person, number=2):
    """A table for `person` in round `number` after which the plan's figures differ."""
    room = moves.room_of(cafe)
    now = recount(room.people.values(), room.rounds.values())
    for table in cafe.tables.order_by("order"):
        moved = place(room, person.pk, table.pk, [number])
        if recount(room.people.values(), moved.values()) != now:
            return table
    raise AssertionError("every table gives the same figures")


def figures(page) -> str:
    return page.locator("#plan-figures tbody").inner_text()


def table_of(cafe, person, number):
    return Seat.objects.get(cafe=cafe, participant=person, round_number=number).table


def test_move_one_seat_by_keyboard_then_by_drag_and_drop(new_page, cafe, axe):
    page = new_page(DESKTOP)
    log_in(page)
    page.goto(f"/cafe/{cafe.pk}/plan/")
    axe.check(page)
    ana = cafe.participants.order_by("registration__display_name").first()
    target = a_move_that_changes_the_figures(cafe, ana)
    before = figures(page)

    # The keyboard: open "Move…" beside Ana in round 2, choose the table, press Move.
    summary = page.locator(f"#move-2-{ana.pk}").locator("xpath=ancestor::details/summary")
    summary.focus()
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    expect(page.locator(f"#move-2-{ana.pk}")).to_be_focused()
    page.keyboard.type(target.name)
    expect(page.locator(f"#move-2-{ana.pk}")).to_have_value(str(target.pk))
    page.keyboard.press("Tab")  # the rounds: "Round 2 only" is chosen
    page.keyboard.press("Tab")  # the Move button
    page.keyboard.press("Enter")
    expect(page.get_by_text(f"{ana.name} now sits at {target.name} in round 2.")).to_be_visible()
    expect(page.locator("#plan-figures tbody")).not_to_have_text(before)
    assert table_of(cafe, ana, 2) == target
    axe.check(page)

    # Drag and drop: Ben's name, in round 3, onto another table of round 3.
    ben = cafe.participants.order_by("registration__display_name")[1]
    was = table_of(cafe, ben, 3)
    other = cafe.tables.exclude(pk=was.pk).order_by("order").first()
    name = page.locator(f'li[data-person="{ben.pk}"][data-round="3"]')
    name.drag_to(page.locator(f'[data-drop-round="3"][data-table="{other.pk}"]'))
    expect(page.get_by_text(f"{ben.name} now sits at {other.name} in round 3.")).to_be_visible()
    assert table_of(cafe, ben, 3) == other


def test_on_a_phone_a_move_that_breaks_a_rule_asks_first(new_page, cafe, axe):
    ana, ben = cafe.participants.order_by("registration__display_name")[:2]
    bens_table = table_of(cafe, ben, 2)
    if table_of(cafe, ana, 2) == bens_table:
        ben = Seat.objects.filter(cafe=cafe, round_number=2).exclude(table=bens_table)[0]
        ben, bens_table = ben.participant, ben.table
    Rule.objects.create(cafe=cafe, kind=Rule.Kind.APART, first=ana, second=ben)
    before = table_of(cafe, ana, 2)
    page = new_page(NARROW)
    log_in(page)
    page.goto(f"/cafe/{cafe.pk}/plan/")
    page.get_by_text(f"Move {ana.name}…").nth(1).click()  # round 1's, then round 2's
    choose = page.locator(f"#move-2-{ana.pk}")
    choose.select_option(str(bens_table.pk))
    choose.locator("xpath=ancestor::form").get_by_role("button", name="Move").click()
    question = page.locator(".move-confirm")
    expect(question).to_contain_text(f"{ana.name} and {ben.name} should not sit together.")
    expect(question).to_be_focused()
    axe.check(page)
    wide = page.evaluate("document.documentElement.scrollWidth")
    assert wide <= NARROW["width"], f"the page scrolls sideways: {wide}px"
    assert table_of(cafe, ana, 2) == before  # nothing saved before the answer
    page.get_by_role("button", name="Move anyway").click()
    expect(
        page.get_by_text(f"{ana.name} now sits at {bens_table.name} in round 2.")
    ).to_be_visible()
    assert table_of(cafe, ana, 2) == bens_table


def test_the_plan_page_fits_a_narrow_phone(new_page, cafe, axe):
    page = new_page(NARROW)
    log_in(page)
    page.goto(f"/cafe/{cafe.pk}/plan/")
    page.locator("details.move-seat summary").first.click()
    axe.check(page)
    wide = page.evaluate("document.documentElement.scrollWidth")
    assert wide <= NARROW["width"], f"the page scrolls sideways: {wide}px"
