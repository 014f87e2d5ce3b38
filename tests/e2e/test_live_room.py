"""The day of the café in a browser: the facilitator starts a round after saying yes, pauses,
adds two minutes; a phone (390 px) shows its table and a countdown that ticks and then says
"Time's up"; the room screen shows the clock and the join code. Axe checks each page at 320 and
1280 px."""

import re
from datetime import timedelta

import pytest
from browser import DESKTOP, PHONE
from factories import PASSWORD
from playwright.sync_api import expect

from coproduce.cafe import services
from coproduce.cafe.models import Cafe

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

UPDATE = 15_000  # ms: pages poll every few seconds
NARROW = {"width": 320, "height": 700}
FIGURE = re.compile(r"^\d+:\d\d$")


@pytest.fixture
def cafe():
    from cafe.test_live_controls import seated_cafe

    cafe, organiser = seated_cafe()
    return cafe, organiser


def log_in(page, email):
    page.goto("/accounts/login/")
    page.get_by_label(re.compile("Email")).fill(email)
    page.get_by_label(re.compile("Password")).fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def check_at_both_widths(page, axe, url):
    for viewport in (NARROW, DESKTOP):
        page.set_viewport_size(viewport)
        page.goto(url)
        axe.check(page)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= viewport["width"], f"{url} scrolls sideways at {viewport['width']} px"


def figure_of(page) -> str:
    return page.locator("[data-clock-figure]").first.inner_text()


def test_a_round_started_paused_and_lengthened_runs_out_on_a_phone(new_page, axe, cafe):
    cafe, organiser = cafe
    facilitator = new_page(DESKTOP)
    log_in(facilitator, organiser.email)
    live = f"/cafe/{cafe.pk}/live/"
    check_at_both_widths(facilitator, axe, live)

    # Starting a round asks first, and says what will happen.
    facilitator.get_by_role("link", name="Start round 1…").click()
    expect(facilitator.get_by_role("heading", name="Start round 1 of 3?")).to_be_visible()
    axe.check(facilitator)
    assert Cafe.objects.get(pk=cafe.pk).current_round == 0
    facilitator.get_by_role("button", name="Start round 1").click()
    expect(facilitator.get_by_text("Round 1 has started.").first).to_be_visible()
    expect(facilitator.get_by_role("button", name="Undo")).to_be_visible()

    # Pause, then two more minutes: the paused clock shows them at once.
    facilitator.get_by_role("button", name="Pause the clock").click()
    expect(facilitator.get_by_role("button", name="Resume the clock")).to_be_visible()
    paused = figure_of(facilitator)
    facilitator.wait_for_timeout(1500)
    assert figure_of(facilitator) == paused  # a paused clock stands still
    facilitator.get_by_role("button", name="+2 minutes").click()
    expect(facilitator.locator("[data-clock-figure]")).to_have_text(re.compile(r"^2[12]:\d\d$"))
    facilitator.get_by_role("button", name="Resume the clock").click()
    expect(facilitator.get_by_role("button", name="Pause the clock")).to_be_visible()
    check_at_both_widths(facilitator, axe, live)

    # A phone: its card link, "Yes, I am ...", then the step and a ticking countdown.
    participant = cafe.participants.order_by("pk").first()
    table = participant.seats.get(round_number=1).table.name
    phone = new_page(PHONE)
    phone.goto(participant.get_absolute_url())
    phone.get_by_role("button", name=re.compile("Yes, I am")).click()
    expect(phone.locator("#now")).to_contain_text(f"Round 1 of 3 – go to {table}")
    expect(phone.locator("#now")).to_contain_text("Who owns the plan?")
    first = figure_of(phone)
    assert FIGURE.match(first)
    expect(phone.locator("[data-clock-figure]")).not_to_have_text(first, timeout=5000)
    expect(phone.get_by_text("Time's up")).to_be_hidden()
    axe.check(phone)

    # Time passes: the round started long enough ago that four seconds are left.
    current = Cafe.objects.get(pk=cafe.pk)
    left = current.time_left - timedelta(seconds=4)
    Cafe.objects.filter(pk=cafe.pk).update(round_started_at=current.round_started_at - left)
    services.mark_changed(cafe)  # as any change the phones' poll must see
    expect(phone.get_by_text("Time's up")).to_be_visible(timeout=UPDATE)
    expect(phone.locator("[data-clock-figure]")).to_have_text("0:00")
    axe.check(phone)
    check_at_both_widths(phone, axe, f"/cafe/{cafe.pk}/me/")
    check_at_both_widths(phone, axe, cafe.workshop.get_absolute_url())

    # The room screen: the clock has run out, the join code and its QR code are in a corner.
    screen = new_page(DESKTOP)
    screen.context.add_cookies(facilitator.context.cookies())
    screen.goto(f"/cafe/{cafe.pk}/screen/")
    expect(screen.get_by_text("Time's up")).to_be_visible()
    expect(screen.locator(".screen-join")).to_contain_text(cafe.workshop.join_code)
    expect(screen.get_by_role("img", name="QR code to join the workshop")).to_be_visible()
    expect(screen.get_by_role("button", name="Sound when time is up")).to_have_attribute(
        "aria-pressed", "false"
    )
    fills = screen.evaluate(
        "document.querySelector('main').getBoundingClientRect().height >= window.innerHeight"
    )
    assert fills, "the room screen's dark area stops before the bottom"
    check_at_both_widths(screen, axe, f"/cafe/{cafe.pk}/screen/")
