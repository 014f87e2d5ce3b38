"""An organiser drafts a charter from a framework, a member proposes a change that the organiser
accepts, the organiser publishes it as a call to action, and two organisations sign it on
phones (one with a commitment), each confirming from the link in their email; the page then
counts 2 and shows the commitment. axe passes on every page on the way."""

import re

import pytest
from browser import DESKTOP, PHONE
from django.core import mail
from factories import PASSWORD, CoalitionFactory, MembershipFactory, PersonFactory
from playwright.sync_api import expect

from coproduce.coalitions.models import Role, Visibility

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def coalition():
    coalition = CoalitionFactory(
        name="Manchester Coproduction Coalition", slug="mcc", visibility=Visibility.PUBLIC
    )
    for email, name, role in (
        ("organiser@example.org", "Olga Organiser", Role.ORGANISER),
        ("member@example.org", "Mo Member", Role.MEMBER),
    ):
        MembershipFactory(
            coalition=coalition, person=PersonFactory(email=email, full_name=name), role=role
        )
    return coalition


def log_in(page, email: str) -> None:
    page.goto("/accounts/login/")
    page.locator("main input[name='username']").fill(email)
    page.locator("main input[name='password']").fill(PASSWORD)
    page.locator("main form[method='post'] button[type='submit']").first.click()
    expect(page.locator("form[action='/accounts/logout/']")).to_have_count(1)


def fits_the_phone(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def sign_on_a_phone(new_page, call_url: str, axe, organisation: str, commitment: str = ""):
    page = new_page(PHONE)
    page.goto(call_url)
    page.get_by_role("link", name="Sign", exact=True).click()
    expect(page.get_by_role("heading", name="Sign the call to action")).to_be_visible()
    page.get_by_label("for an organisation").check()
    page.locator("input[name=organisation_name]").fill(organisation)
    page.locator("input[name=name]").fill(f"Signer of {organisation}")
    page.locator("input[name=role]").fill("Director")
    page.locator("select[name=sector]").select_option("civil_society")
    email = f"{organisation.split()[0].lower()}@example.org"
    page.locator("input[name=email]").fill(email)
    if commitment:
        page.locator("textarea[name=commitments]").fill(commitment)
    fits_the_phone(page)
    axe.check(page)
    page.get_by_role("button", name="Sign").click()
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    axe.check(page)
    (message,) = [m for m in mail.outbox if m.to == [email]]
    link = re.search(r"https?://\S+/charters/signature/\S+/", message.body).group(0)
    page.goto(re.sub(r"^https?://[^/]+", "", link))
    axe.check(page)
    page.get_by_role("button", name="Confirm my signature").click()
    expect(page.get_by_text("Thank you: your signature is confirmed")).to_be_visible()
    return page


def test_draft_discuss_publish_and_sign(new_page, coalition, axe):
    # The organiser starts a charter from the SCIE principles.
    organiser = new_page(DESKTOP)
    log_in(organiser, "organiser@example.org")
    organiser.goto(f"/charters/{coalition.slug}/new/")
    organiser.locator("input[name=title]").fill("Our coproduction charter")
    organiser.get_by_label("A built-in framework").check()
    organiser.locator("select[name=framework]").select_option("scie")
    organiser.locator("textarea[name=preamble]").fill(
        "We, the partners, hold ourselves to these principles."
    )
    axe.check(organiser)
    organiser.get_by_role("button", name="Start the draft").click()
    expect(organiser.get_by_role("heading", name="Our coproduction charter")).to_be_visible()
    charter_url = organiser.url
    axe.check(organiser)

    # A member proposes a new wording for the first principle.
    member = new_page(DESKTOP)
    log_in(member, "member@example.org")
    member.goto(charter_url)
    member.get_by_role("link", name="Propose a change").first.click()
    member.locator("textarea[name=meaning]").fill(
        "Everyone shares power from the very first meeting."
    )
    member.locator("textarea[name=reason]").fill("Power shared late is not shared.")
    axe.check(member)
    member.get_by_role("button", name="Send the proposal").click()
    expect(member.get_by_text("The organisers will accept or decline it")).to_be_visible()

    # The organiser accepts it: a new version.
    organiser.goto(charter_url)
    organiser.locator(".principles").get_by_role("link").first.click()
    axe.check(organiser)
    organiser.get_by_role("button", name="Accept the change").click()
    organiser.goto(charter_url)
    expect(organiser.get_by_text("from the very first meeting")).to_be_visible()

    # ...and publishes the latest version as the call to action.
    organiser.get_by_role("button", name=re.compile("Publish version 2")).click()
    expect(organiser.get_by_role("heading", name=re.compile("Publish version 2"))).to_be_visible()
    axe.check(organiser)
    organiser.get_by_role("button", name="Yes, publish it").click()
    expect(organiser.get_by_text("Published. Share the short link")).to_be_visible()
    call_url = re.sub(r"^https?://[^/]+", "", organiser.url)
    expect(organiser.get_by_role("img", name=re.compile("QR code that opens"))).to_be_visible()
    axe.check(organiser)

    # Two organisations sign on phones, one with a commitment, each confirming by email.
    sign_on_a_phone(new_page, call_url, axe, "Salford Food Hub", "We will pay residents by 2027.")
    page = sign_on_a_phone(new_page, call_url, axe, "Ancoats Tenants Network")

    page.goto(call_url)
    expect(page.get_by_role("heading", name="2 signatures")).to_be_visible()
    expect(page.get_by_role("heading", name="Salford Food Hub")).to_be_visible()
    expect(page.get_by_text("We will pay residents by 2027.")).to_be_visible()
    expect(page.get_by_role("cell", name="2")).to_be_visible()  # the sector table
    fits_the_phone(page)
    axe.check(page)
    assert len(axe.checked) >= 12
