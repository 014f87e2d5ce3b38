"""The themes page as an affinity board in a real browser: a facilitator moves a note card to
another theme with the keyboard alone, and another by drag and drop, and the board keeps both."""

import re

import pytest
from browser import DESKTOP
from playwright.sync_api import expect

from coproduce.reports import services
from coproduce.reports.models import WorkshopReport
from coproduce.workshops import demo
from coproduce.workshops.models import Workshop

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

NARROW = {"width": 320, "height": 720}


@pytest.fixture
def workshop(settings):
    settings.CAFE_SOLVER_SECONDS = 1.0
    demo.load_demo()
    workshop = Workshop.objects.get(slug=demo.WORKSHOP_SLUG)
    services.find_themes(services.report_for(workshop))
    return workshop


def log_in(page):
    page.goto("/accounts/login/")
    page.get_by_label(re.compile("Email")).fill(demo.ORGANISER_EMAIL)
    page.get_by_label(re.compile("Password")).fill(demo.ORGANISER_PASSWORD)
    page.get_by_role("button", name="Log in").click()


def first_question(workshop):
    report = WorkshopReport.objects.get(workshop=workshop)
    return next(iter(report.themes["questions"].items()))


def owner(workshop, key, note) -> int:
    report = WorkshopReport.objects.get(workshop=workshop)
    return next(t["id"] for t in report.themes["questions"][key] if note in t["note_ids"])


def test_move_notes_by_keyboard_then_by_drag_and_drop(new_page, workshop, axe):
    page = new_page(DESKTOP)
    log_in(page)
    page.goto(f"/reports/{workshop.slug}/themes/")
    axe.check(page)
    key, themes = first_question(workshop)
    first, second = themes[0]["note_ids"][:2]
    start = themes[0]["id"]

    # The keyboard: the card's "Move to", choose "A new theme", Tab to Move, Enter.
    choose = page.locator(f"#to-{first}")
    choose.focus()
    page.keyboard.type("A new theme")
    expect(choose).to_have_value("new")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    status = page.locator("#board-status")
    expect(status).to_have_text("Made a new theme with the note; give it a name.")
    expect(page.locator(f"#to-{first}")).to_be_focused()  # the keyboard stays with the note
    made = owner(workshop, key, first)
    assert made != start
    axe.check(page)

    # Drag and drop: the second card onto the new theme's column.
    card = page.locator(f'li.note-card[data-note="{second}"] .note-text')
    card.drag_to(page.locator(f'[data-question="{key}"][data-drop-theme="{made}"]'))
    expect(status).to_have_text("Moved to “New theme”.")
    assert owner(workshop, key, second) == made
    column = page.locator(f"#theme-{key}-{made}")
    expect(column.locator(f'li.note-card[data-note="{second}"]')).to_be_visible()

    # After a reload, the board shows both moves: they were saved, not only drawn.
    page.reload()
    expect(column.locator("li.note-card")).to_have_count(2)

    # "Earlier" moves the new theme up one place (its form differs from "Later" only by the
    # button pressed, which the script must send along).
    before = position(workshop, key, made)
    column.locator("details.column-tools summary").click()
    column.get_by_role("button", name=re.compile("^Earlier")).click()
    expect(status).not_to_be_empty()
    assert position(workshop, key, made) == before - 1


def position(workshop, key, theme_id) -> int:
    report = WorkshopReport.objects.get(workshop=workshop)
    return [t["id"] for t in report.themes["questions"][key]].index(theme_id)


def test_the_board_on_a_narrow_phone(new_page, workshop, axe):
    page = new_page(NARROW)
    log_in(page)
    page.goto(f"/reports/{workshop.slug}/themes/")
    page.locator("details.column-tools summary").first.click()
    page.locator("details.theme-how summary").click()
    axe.check(page)
    wide = page.evaluate("document.documentElement.scrollWidth")
    assert wide <= NARROW["width"], f"the page scrolls sideways: {wide}px"
    key, themes = first_question(workshop)
    note = themes[0]["note_ids"][0]
    page.locator(f"#to-{note}").select_option("new")
    page.locator(f"#to-{note}").locator("xpath=ancestor::form").get_by_role(
        "button", name=re.compile("^Move")
    ).click()
    expect(page.locator("#board-status")).to_contain_text("Made a new theme")
    assert owner(workshop, key, note) != themes[0]["id"]
    wide = page.evaluate("document.documentElement.scrollWidth")
    assert wide <= NARROW["width"], f"the page scrolls sideways: {wide}px"
