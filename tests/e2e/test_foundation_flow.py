"""An organiser sets up a workshop, a guest joins on a phone, the organiser checks them in."""

import re

import pytest
from browser import PHONE
from playwright.sync_api import expect

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def sign_up(page, axe):
    page.goto("/accounts/signup/")
    axe.check(page)
    page.get_by_label("Name").fill("Olu Organiser")
    page.get_by_label("Email address").fill("olu@example.org")
    page.get_by_label("Sector").select_option("local_government")
    page.get_by_label(re.compile(r"^Password:?$")).fill("a-long-test-password-42")
    page.get_by_label("Password confirmation").fill("a-long-test-password-42")
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("heading", name="My workshops")).to_be_visible()
    expect(page.get_by_role("heading", name="Create a coalition or join one")).to_be_visible()
    axe.check(page)


def create_coalition(page, axe):
    page.goto("/coalitions/new/")
    axe.check(page)
    page.get_by_label("Name").fill("Stockport Coproduces")
    page.get_by_label("Purpose").fill("Residents and the council plan the town centre together.")
    page.get_by_label("City or region").fill("Stockport")
    page.get_by_label("Private: only its members can see it").check()
    page.get_by_role("button", name="Create coalition").click()
    expect(page.get_by_role("heading", name="Members and invitations")).to_be_visible()
    axe.check(page)


def create_workshop(page, axe):
    page.get_by_role("link", name="Stockport Coproduces").click()
    axe.check(page)
    page.get_by_role("link", name="Plan a workshop").click()
    axe.check(page)
    page.get_by_label("Title").fill("Town centre café")
    page.get_by_label("Time zone").select_option("Europe/London")
    page.get_by_label("Starts").fill("2031-06-01T18:00")
    page.get_by_label("Ends").fill("2031-06-01T20:00")
    page.get_by_label("Capacity").fill("30")
    page.get_by_role("button", name="Create workshop").click()
    expect(page.get_by_role("heading", name="Agenda")).to_be_visible()
    axe.check(page)
    page.locator("#id_agenda-0-title").fill("Welcome")
    page.locator("#id_agenda-0-kind").select_option("presentation")
    page.locator("#id_agenda-0-minutes").fill("10")
    page.locator("#id_agenda-1-title").fill("World Café")
    page.locator("#id_agenda-1-kind").select_option("world_cafe")
    page.locator("#id_agenda-1-minutes").fill("90")
    page.locator("#id_agenda-1-questions").fill("PLACES: Which streets need care first?")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Saved.")).to_be_visible()
    page.get_by_role("link", name="Town centre café").click()
    expect(page.get_by_text("Which streets need care first?")).to_be_visible()
    axe.check(page)
    return page.locator(".registration-box strong.code").inner_text()


def guest_joins(guest, axe, code):
    guest.goto("/")
    axe.check(guest)
    guest.get_by_role("link", name="Join with a code").click()
    axe.check(guest)
    guest.get_by_label("Join code").fill(code.lower())
    guest.get_by_role("button", name="Join").click()
    expect(guest.get_by_role("heading", name="Town centre café")).to_be_visible()
    axe.check(guest)
    guest.get_by_label("Display name").fill("Gabi")
    guest.get_by_label("Sector").select_option("residents")
    guest.get_by_role("button", name="Take part").click()
    expect(
        guest.get_by_text("You are registered as Gabi (Residents and community groups).")
    ).to_be_visible()
    axe.check(guest)


def attended_residents(page) -> str:
    row = page.locator("#participation table tbody tr", has_text="Residents and community groups")
    return row.locator("td").nth(1).inner_text()


def test_organiser_guest_and_check_in(new_page, axe):
    organiser = new_page()
    sign_up(organiser, axe)
    create_coalition(organiser, axe)
    code = create_workshop(organiser, axe)
    assert re.fullmatch(r"[A-Z2-9]{6}", code)

    guest = new_page(PHONE)
    guest_joins(guest, axe, code)

    organiser.reload()
    expect(organiser.locator("#participation")).to_contain_text("1 registered, 0 attended")
    assert attended_residents(organiser) == "0"
    organiser.get_by_role("link", name="Check-in desk").click()
    axe.check(organiser)
    organiser.get_by_role("button", name="Check in Gabi").click()
    expect(organiser.get_by_role("button", name="Undo check-in of Gabi")).to_be_visible()
    axe.check(organiser)
    organiser.get_by_role("link", name="Town centre café").click()
    expect(organiser.locator("#participation")).to_contain_text("1 registered, 1 attended")
    assert attended_residents(organiser) == "1"
    chart = organiser.locator("#participation svg")
    expect(chart.locator("title").first).to_have_text("Participants by sector")

    # The guest, on the phone, sees that they are checked in.
    guest.reload()
    expect(guest.get_by_text("You are checked in.")).to_be_visible()
    assert len(axe.checked) >= 12
