"""A participant on a phone votes, the map is computed, and they find their own dot and group;
the statements' vote bars and the room's projector view render, and axe passes on each."""

import re

import pytest
from browser import PHONE
from factories import GuestFactory, MembershipFactory, WorkshopFactory
from playwright.sync_api import expect

from coproduce.coalitions.models import Role
from coproduce.conversations import services
from coproduce.conversations.maps import compute_map
from coproduce.conversations.models import Voter

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

STATEMENTS = [
    "Everyone affected should help shape the plan",  # shared by all
    "The council should own the coproduction strategy",
    "Residents should own the coproduction strategy",
    "A charter of values must come before any action plan",
    "Action first, principles later",
    "Researchers should evaluate every project",
]


def camp_vote(camp_a: bool, index: int) -> int:
    if index == 0:
        return 1
    return 1 if camp_a == (index % 2 == 1) else -1


@pytest.fixture
def conversation():
    organiser = MembershipFactory(role=Role.ORGANISER, person__email="fac@example.org")
    workshop = WorkshopFactory(coalition=organiser.coalition, title="Coproduction workshop")
    conversation = services.open_conversation(
        coalition=organiser.coalition,
        workshop=workshop,
        question="How should Greater Manchester coproduce?",
        seed_statements=STATEMENTS,
        allow_statements=False,
    )
    # Eighteen people already voted, in two camps of nine.
    statements = list(conversation.statements.order_by("pk"))
    for person in range(18):
        voter = services.voter_for(conversation, guest=GuestFactory())
        for index, statement in enumerate(statements):
            services.cast_vote(voter, statement.pk, camp_vote(person < 9, index))
    return conversation


def test_a_phone_finds_its_own_dot_and_group(new_page, conversation, axe):
    texts = {text: i for i, text in enumerate(STATEMENTS)}
    phone = new_page(PHONE)
    phone.goto(f"/conversations/join/{conversation.join_code}/")
    phone.get_by_label("Display name").fill("Ana")
    phone.get_by_label("Sector").select_option("civil_society")
    phone.get_by_role("button", name="Take part").click()
    for count in range(len(STATEMENTS)):
        expect(phone.locator("#vote-progress")).to_have_text(
            f"{count} of {len(STATEMENTS)} statements"
        )
        index = texts[phone.locator("blockquote.statement").inner_text()]
        choice = "Agree" if camp_vote(True, index) == 1 else "Disagree"
        phone.get_by_role("button", name=re.compile(f"^{choice}")).click()
    expect(phone.get_by_text("You have voted on every statement")).to_be_visible()

    compute_map(conversation)  # what the worker does a few seconds after the last vote
    conversation.refresh_from_db()
    ana = Voter.objects.get(conversation=conversation, display_name="Ana")
    mine = next(p for p in conversation.map_data["participants"] if p["id"] == ana.pk)
    group = f"Group {'AB'[mine['group']]}"

    phone.goto(conversation.get_absolute_url())
    here = phone.locator("#you-are-here")
    expect(here).to_contain_text(f"You are here: {group}")
    ring = phone.locator("svg circle.marked")
    expect(ring).to_have_count(1)
    expect(phone.locator("svg text.marked-label")).to_have_text("You are here")
    # The ring sits on the map, inside the phone's width: nothing scrolls sideways.
    box = ring.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    # Everyone agreed with the first statement: its bar says so.
    bars = phone.locator(".statement-votes").filter(has_text=STATEMENTS[0])
    expect(bars.first).to_contain_text("agreed 100%")
    axe.check(phone)

    phone.get_by_role("link", name="Every statement, with how people voted").click()
    expect(phone.get_by_role("heading", name="How people voted on each statement")).to_be_visible()
    expect(phone.locator(".statement-votes")).to_have_count(len(STATEMENTS))
    axe.check(phone)

    room = new_page()
    room.goto(f"/conversations/{conversation.pk}/room/")
    expect(room.locator("#room-map svg")).to_be_visible()
    expect(room.locator("#room-map")).to_contain_text("Group A")
    expect(room.locator("#room-map")).to_have_attribute("hx-trigger", "every 5s")
    axe.check(room)
