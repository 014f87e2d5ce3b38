"""A council officer on a phone searches the library, narrows the results by two choices,
opens an entry and finds its sources and similar entries; axe passes on both pages. A member
then proposes a correction from the entry page."""

import re

import pytest
from browser import PHONE
from factories import PASSWORD, PersonFactory
from playwright.sync_api import expect

from coproduce.library import services

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

BODY = """## What happened

Residents and the council met at small tables, **World Café** style, in every district.

- Three evenings
- Notes harvested from every table
"""


def entry(**data):
    data.setdefault("kind", "case")
    return services.moderate(services.create_entry(data), publish=True)


@pytest.fixture
def library():
    entry(
        title="Participatory budgeting in Barcelona",
        description="Districts decided how to spend part of the city budget.",
        body=BODY,
        city="Barcelona",
        country="Spain",
        start_year=2017,
        issues=["governance", "economics"],
        iap2_level="empower",
        mode="both",
        links=[{"url": "https://example.org/barcelona", "label": "The city's page"}],
        licence="CC BY-SA 4.0 (Coproduce project)",
    )
    entry(
        title="Participatory planning in Madrid",
        description="Neighbours drew the plan for a square.",
        city="Madrid",
        country="Spain",
        start_year=2016,
        issues=["planning"],
        mode="facetoface",
    )
    entry(
        title="Participation charter of Ghent",
        description="The city's commons plan and the people who wrote it.",
        city="Ghent",
        country="Belgium",
        start_year=2017,
        mode="both",
    )
    entry(kind="method", title="World Café", description="Small tables, changing rounds.")
    PersonFactory(email="reader@example.org", full_name="Rosa Reader")


def test_search_narrow_and_open_on_a_phone(new_page, library, axe):
    page = new_page(PHONE)
    page.goto("/")
    page.get_by_role("link", name="Library", exact=True).click()
    expect(page.get_by_role("heading", name="Library", exact=True)).to_be_visible()
    page.get_by_label("Search the library").fill("particip*")
    page.get_by_role("button", name="Search").click()
    expect(page.locator("#found")).to_contain_text("3 entries match “particip*”.")
    expect(page.locator(".hit mark").first).to_be_visible()
    axe.check(page)

    # Narrow by country, then by face to face or online: each pick is a plain link.
    page.get_by_role("link", name="Narrow by kind, place, issue and more").click()
    narrow = page.locator("#narrow")
    narrow.get_by_role("link", name=re.compile(r"^Spain 2")).click()
    expect(page.locator("#found")).to_contain_text("2 entries match")
    expect(page.get_by_role("link", name="Participation charter of Ghent")).to_have_count(0)
    narrow.get_by_role("link", name=re.compile(r"^Both 1")).click()
    expect(page.locator("#found")).to_contain_text("1 entry matches")
    expect(page.locator(".pick-list li")).to_have_count(2)
    axe.check(page)
    assert "f=country%3ASpain" in page.url and "f=mode%3Aboth" in page.url

    page.get_by_role("link", name="Participatory budgeting in Barcelona").click()
    expect(page.get_by_role("heading", name="Participatory budgeting in Barcelona")).to_be_visible()
    expect(page.get_by_role("heading", name="What happened")).to_be_visible()
    expect(page.get_by_text("Empower", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="The city's page")).to_have_attribute(
        "href", "https://example.org/barcelona"
    )
    expect(page.get_by_role("heading", name="Similar entries")).to_be_visible()
    # Nothing on the page is wider than the phone.
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"]
    axe.check(page)

    # A reader logs in from the entry and proposes a correction.
    page.get_by_role("link", name="Log in to propose a correction").click()
    page.get_by_label(re.compile("Email")).fill("reader@example.org")
    page.get_by_label(re.compile("Password")).fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Propose a correction")).to_be_visible()
    axe.check(page)
    page.get_by_label("From (year)").fill("2016")
    page.get_by_label("Why this correction").fill("It started in 2016, says the city.")
    page.get_by_role("button", name="Send the correction").click()
    expect(page.get_by_text("The entry's editors will read your correction")).to_be_visible()
    expect(page.get_by_role("link", name="Propose a correction")).to_be_visible()
    axe.check(page)
    assert len(axe.checked) >= 5
