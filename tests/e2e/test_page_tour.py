"""Every page of the demo workshop, at phone and desktop widths, through axe-core.

The flows elsewhere check what people do; this checks that each page they may land on is
accessible: the organiser's pages, a participant's, and the public ones, in English and Spanish.
The pages are listed once, in demo_pages.py, for this tour and for test_sideways.py.
"""

import re

import pytest
from browser import DESKTOP, PHONE
from e2e.demo_pages import log_in, organiser_pages
from playwright.sync_api import expect

from coproduce.cafe.models import Cafe
from coproduce.conversations.models import Conversation
from coproduce.workshops import demo

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo_data(settings):
    settings.CAFE_SOLVER_SECONDS = 1.0
    demo.load_demo()
    return Cafe.objects.get(), Conversation.objects.get()


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_organiser_pages_pass_axe(new_page, demo_data, axe, viewport):
    cafe, conversation = demo_data
    page = new_page(viewport)
    log_in(page)
    for url in organiser_pages(cafe, conversation):
        response = page.goto(url)
        assert response.status == 200, url
        axe.check(page)
    # A published report, read by someone with no account.
    page.goto(f"/reports/{demo.WORKSHOP_SLUG}/")
    page.get_by_role("button", name=re.compile("Publish version")).click()
    expect(page.locator(".report-article h1")).to_be_visible()
    axe.check(page)


def test_participant_and_public_pages_pass_axe_in_spanish(new_page, demo_data, axe):
    cafe, conversation = demo_data
    phone = new_page(PHONE)
    participant = cafe.participants.first()
    phone.goto(participant.get_absolute_url())
    axe.check(phone)  # "Continue as ...?"
    phone.get_by_role("button", name=f"Yes, I am {participant.name}").click()
    expect(phone.get_by_role("heading", name="Your route")).to_be_visible()
    axe.check(phone)
    phone.goto(f"/conversations/join/{conversation.join_code}/")
    axe.check(phone)
    phone.get_by_label("Display name").fill("Lectora")
    phone.get_by_label("Sector").select_option("residents")
    phone.get_by_role("button", name="Take part").click()
    axe.check(phone)
    phone.goto(f"/conversations/{conversation.pk}/my-votes/")
    axe.check(phone)
    phone.get_by_label("Language").select_option("es")
    phone.get_by_role("button", name="Change").click()
    expect(phone.locator("html")).to_have_attribute("lang", "es")
    for url in (
        "/",
        f"/workshops/{demo.WORKSHOP_SLUG}/",
        f"/conversations/{conversation.pk}/",
        "/join/",
    ):
        phone.goto(url)
        axe.check(phone)
