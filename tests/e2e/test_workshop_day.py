"""The day of the workshop, end to end, as issue 17 asks: a three-round café with 12 phones.

One seat is moved with the keyboard on the plan page; the facilitator starts round 1 after
saying yes, pauses and adds two minutes; the phones count down; the room screen shows the join
code; a latecomer who joins on their phone mid-round is seated from the live page; a host's note
written while the phone is offline arrives once when it is back; time runs out and the phones
say so; rounds 2 and 3 follow. Every page met passes axe at 320 px and 1280 px.
"""

import re
from datetime import timedelta

import pytest
from browser import DESKTOP, PHONE
from django.utils import timezone
from factories import MembershipFactory, WorkshopFactory
from playwright.sync_api import expect

from coproduce.cafe import services
from coproduce.cafe.models import Cafe, Note, Seat
from coproduce.coalitions.models import Role
from coproduce.workshops.models import AgendaItem, AgendaQuestion

from .test_cafe_flow import SECTORS, join, log_in, set_up_cafe, table_of

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

UPDATE = 15_000  # ms: phones poll every few seconds
NARROW = {"width": 320, "height": 700}


@pytest.fixture
def workshop():
    """A workshop that began ten minutes ago, so people joining now are late arrivals."""
    organiser = MembershipFactory(role=Role.ORGANISER, person__email="fac@example.org")
    began = timezone.now() - timedelta(minutes=10)
    workshop = WorkshopFactory(
        coalition=organiser.coalition,
        title="Neighbourhood café",
        starts_at=began,
        ends_at=began + timedelta(hours=3),
    )
    item = AgendaItem.objects.create(
        workshop=workshop, title="World Café", kind="world_cafe", minutes=90
    )
    for order, (label, text) in enumerate(
        [("POLICY", "Who should own the plan?"), ("TOOLS", "What methods help?")]
    ):
        AgendaQuestion.objects.create(agenda_item=item, label=label, text=text, order=order)
    return workshop


def passes_axe_at_both_widths(page, axe, url=None):
    """Axe at a narrow phone and a desktop, and no sideways scroll on the phone."""
    for viewport in (NARROW, DESKTOP):
        page.set_viewport_size(viewport)
        if url:
            page.goto(url)
        axe.check(page)
        wide = page.evaluate("document.documentElement.scrollWidth")
        assert wide <= viewport["width"], f"{page.url} scrolls sideways at {viewport['width']}"


def move_by_keyboard(page, person, table, round_number):
    """Open "Move…" beside the person in that round, type the table's name, press Move."""
    chooser = page.locator(f"#move-{round_number}-{person.pk}")
    chooser.locator("xpath=ancestor::details/summary").focus()
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    expect(chooser).to_be_focused()
    page.keyboard.type(table.name)
    expect(chooser).to_have_value(str(table.pk))
    page.keyboard.press("Tab")  # this round only
    page.keyboard.press("Tab")  # the Move button
    page.keyboard.press("Enter")


def start_round(facilitator, number):
    facilitator.get_by_role("link", name=f"Start round {number}…").click()
    facilitator.get_by_role("button", name=f"Start round {number}").click()
    expect(facilitator.get_by_role("heading", name=f"Round {number} of 3")).to_be_visible()


def phones_follow(guests, cafe, number):
    for i, page in enumerate(guests):
        table = table_of(cafe, f"Guest {i:02d}", number)
        expect(page.locator("#now")).to_contain_text(
            f"Round {number} of 3 – go to {table}", timeout=UPDATE
        )


def test_the_day_of_a_three_round_cafe_with_twelve_phones(new_page, workshop, axe):
    guests = []
    for i in range(12):
        page = new_page(PHONE)
        join(page, workshop.join_code, f"Guest {i:02d}", SECTORS[i % 4], axe, check=i == 0)
        guests.append(page)
    facilitator = new_page(DESKTOP)
    log_in(facilitator, axe)
    set_up_cafe(facilitator, workshop, axe)
    cafe = Cafe.objects.get()

    # One seat moved with the keyboard alone: a guest who hosts no table, in round 2.
    moved = cafe.participants.get(registration__display_name="Guest 07")
    was = Seat.objects.get(participant=moved, round_number=2).table
    target = cafe.tables.exclude(pk=was.pk).order_by("order").first()
    facilitator.goto(f"/cafe/{cafe.pk}/plan/")
    passes_axe_at_both_widths(facilitator, axe)
    move_by_keyboard(facilitator, moved, target, 2)
    moved_message = f"Guest 07 now sits at {target.name} in round 2."
    expect(facilitator.get_by_text(moved_message)).to_be_visible()
    assert table_of(cafe, "Guest 07", 2) == target.name

    for page in guests:
        page.goto(workshop.get_absolute_url())
    passes_axe_at_both_widths(guests[3], axe)

    # Round 1 starts after a yes; the facilitator pauses and adds two minutes.
    facilitator.goto(f"/cafe/{cafe.pk}/live/")
    passes_axe_at_both_widths(facilitator, axe)
    start_round(facilitator, 1)
    phones_follow(guests, cafe, 1)
    facilitator.get_by_role("button", name="Pause the clock").click()
    expect(facilitator.get_by_role("button", name="Resume the clock")).to_be_visible()
    facilitator.get_by_role("button", name="+2 minutes").click()
    # A round of m minutes, paused a moment after it began, shows (m + 1):ss left.
    longer = re.compile(rf"^{Cafe.objects.get().minutes_per_round + 1}:\d\d$")
    expect(facilitator.locator("[data-clock-figure]").first).to_have_text(longer)
    facilitator.get_by_role("button", name="Resume the clock").click()
    expect(guests[5].locator("[data-clock-figure]").first).to_have_text(longer, timeout=UPDATE)

    # The room screen shows the code and its QR code for latecomers.
    screen = new_page(DESKTOP)
    screen.context.add_cookies(facilitator.context.cookies())
    screen.goto(f"/cafe/{cafe.pk}/screen/")
    expect(screen.locator(".screen-join")).to_contain_text(workshop.join_code)
    expect(screen.get_by_role("img", name="QR code to join the workshop")).to_be_visible()
    passes_axe_at_both_widths(screen, axe)

    # A latecomer joins on their phone; the facilitator seats them from the live page.
    late = new_page(PHONE)
    join(late, workshop.join_code, "Guest 12", SECTORS[0], axe, check=False)
    facilitator.reload()
    facilitator.get_by_role("button", name="Seat now Guest 12").click()
    late_table = table_of(cafe, "Guest 12", 1)
    late.goto(workshop.get_absolute_url())
    expect(late.locator("#now")).to_contain_text(f"Round 1 of 3 – go to {late_table}")
    assert Seat.objects.filter(participant__registration__display_name="Guest 12").count() == 3

    # A host writes a note with no connection; it is sent once when the phone is back.
    host = guests[0]
    host.get_by_role("link", name=re.compile("Write a note for")).click()
    host.context.set_offline(True)
    host.get_by_label("Note").fill("Pay residents for their time")
    host.get_by_role("button", name="Save note").click()
    waiting = "Saved on this phone – will send when online"
    expect(host.locator("#note-sending")).to_have_text(waiting)
    assert not Note.objects.exists()
    host.context.set_offline(False)
    expect(host.locator("#note-sending")).to_have_text("Sent", timeout=UPDATE)
    assert list(Note.objects.values_list("text", flat=True)) == ["Pay residents for their time"]
    passes_axe_at_both_widths(host, axe)
    host.goto(workshop.get_absolute_url())

    # Time runs out: four seconds are left, then every phone says so.
    current = Cafe.objects.get(pk=cafe.pk)
    left = current.time_left - timedelta(seconds=4)
    Cafe.objects.filter(pk=cafe.pk).update(round_started_at=current.round_started_at - left)
    services.mark_changed(cafe)
    for page in guests:
        expect(page.get_by_text("Time's up").first).to_be_visible(timeout=UPDATE)
    passes_axe_at_both_widths(screen, axe)

    # Rounds 2 and 3: the phones follow, the moved guest goes to the table chosen by hand.
    facilitator.goto(f"/cafe/{cafe.pk}/live/")
    for number in (2, 3):
        start_round(facilitator, number)
        phones_follow(guests, cafe, number)
    expect(guests[7].get_by_text("Time's up").first).to_be_hidden()  # a new round, a new clock
    assert table_of(cafe, "Guest 07", 2) == target.name
    passes_axe_at_both_widths(facilitator, axe)
