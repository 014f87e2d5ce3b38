"""Twenty guests vote on their phones in a workshop conversation while the facilitator's map
updates itself and shows the opinion groups and what everyone shares."""

import re

import pytest
from browser import PHONE
from factories import PASSWORD, MembershipFactory, WorkshopFactory
from playwright.sync_api import expect

from coproduce.coalitions.models import Role
from coproduce.conversations import services
from coproduce.conversations.models import Vote

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

STATEMENTS = [
    "Everyone affected should help shape the plan",  # shared by all
    "The council should own the coproduction strategy",
    "Residents should own the coproduction strategy",
    "A charter of values must come before any action plan",
    "Action first, principles later",
    "Researchers should evaluate every project",
]


@pytest.fixture
def conversation(settings):
    settings.OPINION_MAP_DELAY_SECONDS = 1
    organiser = MembershipFactory(role=Role.ORGANISER, person__email="fac@example.org")
    workshop = WorkshopFactory(coalition=organiser.coalition, title="Coproduction workshop")
    return services.open_conversation(
        coalition=organiser.coalition,
        workshop=workshop,
        question="How should Greater Manchester coproduce?",
        seed_statements=STATEMENTS,
        allow_statements=False,
    )


def opinion(guest: int, statement: int) -> str:
    if statement == 0:
        return "Agree"
    camp_a = guest < 10
    return "Agree" if camp_a == (statement % 2 == 1) else "Disagree"


def test_twenty_phones_vote_and_the_map_shows_groups(new_page, conversation, axe, worker):
    facilitator = new_page()
    facilitator.goto("/accounts/login/")
    facilitator.get_by_label(re.compile("Email")).fill("fac@example.org")
    facilitator.get_by_label(re.compile("Password")).fill(PASSWORD)
    facilitator.get_by_role("button", name="Log in").click()
    facilitator.goto(conversation.get_absolute_url())
    expect(facilitator.get_by_text("The map appears once people have voted.")).to_be_visible()
    axe.check(facilitator)

    texts = {text: i for i, text in enumerate(STATEMENTS)}
    for guest in range(20):
        phone = new_page(PHONE)
        phone.goto(f"/conversations/join/{conversation.join_code}/")
        if guest == 0:
            axe.check(phone)
        phone.get_by_label("Display name").fill(f"Voter {guest}")
        phone.get_by_label("Sector").select_option(
            "local_government" if guest < 10 else "civil_society"
        )
        phone.get_by_role("button", name="Take part").click()
        for count in range(len(STATEMENTS)):
            expect(phone.locator("#vote-progress")).to_have_text(
                f"{count} of {len(STATEMENTS)} statements"
            )
            if guest == 0 and count == 0:
                axe.check(phone)
            text = phone.locator("blockquote.statement").inner_text()
            if guest == 1 and count == 0:
                phone.keyboard.press(
                    "a" if opinion(guest, texts[text]) == "Agree" else "d"
                )  # by key
            else:
                phone.get_by_role(
                    "button", name=re.compile(f"^{opinion(guest, texts[text])}")
                ).click()
        expect(phone.get_by_text("You have voted on every statement")).to_be_visible()
        if guest == 0:
            axe.check(phone)
        phone.context.close()

    assert Vote.objects.count() == 20 * len(STATEMENTS)
    # The facilitator has not reloaded: the map refreshes itself as the worker recomputes it.
    # A map made while the last voter was still voting may show 19 in groups; the next one,
    # a few seconds later, shows everyone (the worker's delay plus the page's 5 s refresh).
    live = facilitator.locator("#map-live")
    expect(live.get_by_role("heading", name="Group A: 10 people")).to_be_visible(timeout=30_000)
    expect(live.get_by_role("heading", name="Group B: 10 people")).to_be_visible(timeout=30_000)
    expect(live.locator("#consensus-heading")).to_be_visible()
    expect(live).to_contain_text(STATEMENTS[0])
    expect(live.get_by_role("heading", name=re.compile("Sectors"))).to_be_visible()
    axe.check(facilitator)
