"""An organiser starts a self-assessment against SCIE's principles; two members answer, and a
resident answers on a phone through the link with no account; the organiser's results page
shows where their understandings differ. axe passes on every page."""

import pytest
from browser import PHONE
from factories import PASSWORD, CoalitionFactory, MembershipFactory, PersonFactory
from playwright.sync_api import expect

from coproduce.coalitions.models import Role, Visibility

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

ITEMS = ("equality", "diversity", "accessibility", "reciprocity")


@pytest.fixture
def people():
    coalition = CoalitionFactory(
        name="Northside Partners", slug="northside", visibility=Visibility.PRIVATE
    )
    made = {}
    for key, role, sector in (
        ("organiser", Role.ORGANISER, "local_government"),
        ("officer", Role.MEMBER, "local_government"),
        ("charity", Role.MEMBER, "civil_society"),
    ):
        person = PersonFactory(
            email=f"{key}@example.org", full_name=key.capitalize(), sector=sector
        )
        MembershipFactory(coalition=coalition, person=person, role=role)
        made[key] = person
    return coalition, made


def log_in(page, email: str) -> None:
    page.goto("/accounts/login/")
    page.locator("main input[name='username']").fill(email)
    page.locator("main input[name='password']").fill(PASSWORD)
    page.locator("main form[method='post'] button[type='submit']").first.click()
    expect(page.locator("form[action='/accounts/logout/']")).to_have_count(1)


def answer(page, sector: str, scores: tuple[int, ...], axe=None) -> None:
    page.locator("select[name='sector']").select_option(sector)
    for item, score in zip(ITEMS, scores, strict=True):
        page.locator(f"input[name='score-{item}'][value='{score}']").check()
    if axe is not None:
        axe.check(page)
    page.get_by_role("button", name="Save my answers").click()
    expect(page.locator(".messages")).to_contain_text("your answers are saved")


def test_three_people_answer_and_the_organiser_sees_where_they_differ(new_page, people, axe):
    coalition, made = people
    organiser = new_page()
    log_in(organiser, "organiser@example.org")
    organiser.goto(f"/coalitions/{coalition.slug}/")
    organiser.get_by_role("link", name="Start a self-assessment").first.click()
    axe.check(organiser)
    organiser.get_by_label("Title").fill("How we work together")
    organiser.get_by_label("What to assess against").select_option("framework:scie")
    organiser.get_by_role("button", name="Open it for answers").click()
    expect(organiser.get_by_role("heading", name="How we work together")).to_be_visible()
    axe.check(organiser)
    assessment_url = organiser.url
    organiser.get_by_role("link", name="Share the link").click()
    link = organiser.locator(".share-link a").get_attribute("href")
    expect(organiser.locator(".qr-box svg")).to_be_visible()
    axe.check(organiser)

    # Two members answer as themselves: the council officer sees equality well in place.
    for key, sector, scores in (
        ("officer", "local_government", (4, 3, 3, 3)),
        ("charity", "civil_society", (2, 2, 3, 2)),
    ):
        page = new_page()
        log_in(page, f"{key}@example.org")
        page.goto(assessment_url)
        page.get_by_role("link", name="Answer", exact=True).click()
        answer(page, sector, scores)

    # A resident on a phone, with no account, through the link.
    phone = new_page(PHONE)
    phone.goto(link)
    expect(phone.get_by_role("heading", name="How we work together")).to_be_visible()
    phone.get_by_label("Your name (optional)").fill("Rosa")
    answer(phone, "residents", (0, 1, 2, 2), axe=axe)
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    organiser.goto(assessment_url)
    organiser.get_by_role("link", name="See the results").first.click()
    expect(organiser.locator(".lead").first).to_contain_text("3 people answered")
    differences = organiser.locator("#differences li")
    expect(differences.first).to_contain_text("Equality")
    expect(differences.first).to_contain_text("Residents and community groups average 0.0")
    expect(differences.first).to_contain_text("Local government average 4.0")
    # three sectors, everyone together, and all groups on one chart
    expect(organiser.locator("svg.radar")).to_have_count(5)
    axe.check(organiser)
    organiser.get_by_role("link", name="Each person's answers").last.click()
    expect(organiser.locator("main")).to_contain_text("Rosa")
    axe.check(organiser)
