"""An organiser sets when the plan's emails go out, on a 320 px phone, from the plan page's
link: a bad time is refused on its field, a good one is saved; axe passes on the way."""

import pytest
from e2e.test_charter_flow import log_in
from factories import CoalitionFactory, MembershipFactory, PersonFactory
from playwright.sync_api import expect

from coproduce.coalitions.models import Role
from coproduce.plans import services
from coproduce.plans.models import EmailTime

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

NARROW = {"width": 320, "height": 640}


def test_an_organiser_sets_the_email_time_on_a_narrow_phone(new_page, axe):
    coalition = CoalitionFactory(slug="gm", time_zone="Europe/Madrid")
    organiser = PersonFactory(email="organiser@example.org")
    MembershipFactory(coalition=coalition, person=organiser, role=Role.ORGANISER)
    plan = services.start_plan(coalition, title="Our action plan", by=organiser)
    page = new_page(NARROW)
    log_in(page, "organiser@example.org")
    page.goto(f"/plans/gm/{plan.pk}/")
    page.get_by_role("link", name="When plan emails go out").click()
    expect(page.get_by_role("heading", name="When plan emails go out")).to_be_visible()
    expect(page.get_by_text("(Europe/Madrid)")).to_be_visible()
    axe.check(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= NARROW["width"]
    field = page.get_by_label("Send the emails at")
    field.fill("07:45")
    page.get_by_role("button", name="Save the time").click()
    expect(page.get_by_text("plan emails now go out at 07:45")).to_be_visible()
    axe.check(page)
    assert EmailTime.objects.get(coalition=coalition).send_at.strftime("%H:%M") == "07:45"
    # A broken time typed past the browser's own check (the field is a time input).
    page.evaluate("document.querySelector('input[name=send_at]').type = 'text'")
    field.fill("25:99")
    page.get_by_role("button", name="Save the time").click()
    expect(page.get_by_text("needs a time of day as hours and minutes")).to_be_visible()
    axe.check(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= NARROW["width"]
    assert EmailTime.objects.get(coalition=coalition).send_at.strftime("%H:%M") == "07:45"
