"""A participant's phone loses the venue's Wi-Fi while a note is being sent: the note waits on
the phone, goes when the connection returns, and is stored once. The pages this touches pass axe
on a narrow phone and a desktop."""

import re

import pytest
from browser import DESKTOP, PHONE
from factories import PASSWORD, MembershipFactory, RegistrationFactory, WorkshopFactory
from playwright.sync_api import expect

from coproduce.cafe import services
from coproduce.cafe.models import Note, Seat
from coproduce.coalitions.models import Role
from coproduce.workshops.models import AgendaItem

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

NARROW = {"width": 320, "height": 640}
SENDING = 15_000  # ms: the retry after coming back online is immediate; this is a ceiling


@pytest.fixture
def cafe():
    organiser = MembershipFactory(role=Role.ORGANISER, person__email="fac@example.org")
    workshop = WorkshopFactory(coalition=organiser.coalition, title="Riverside café")
    item = AgendaItem.objects.create(
        workshop=workshop, title="World Café", kind="world_cafe", minutes=60
    )
    for name in ("Noor", "Sam"):
        RegistrationFactory(workshop=workshop, display_name=name)
    cafe = services.cafe_for(item)
    table = cafe.tables.first()
    for participant in cafe.participants.all():
        Seat.objects.create(cafe=cafe, round_number=1, table=table, participant=participant)
    services.advance_round(cafe)
    return cafe


def as_participant(page, cafe, name):
    participant = cafe.participants.get(registration__display_name=name)
    page.goto(participant.get_absolute_url())
    page.get_by_role("button", name=f"Yes, I am {name}").click()
    table = cafe.tables.first()
    page.goto(f"/cafe/{cafe.pk}/tables/{table.pk}/notes/")
    return page


def no_sideways_scroll(page):
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_a_note_sent_offline_waits_on_the_phone_and_is_stored_once(new_page, cafe, axe):
    page = as_participant(new_page(PHONE), cafe, "Noor")
    box = page.get_by_label("Note")
    box.fill("Shade trees along the river path")

    page.context.set_offline(True)
    expect(page.get_by_text("You are offline. Typed notes are kept on this phone")).to_be_visible()
    page.get_by_role("button", name="Save note").click()
    status = page.locator("#note-sending")
    expect(status).to_have_text("Saved on this phone – will send when online")
    expect(page.locator("#notes-waiting")).to_contain_text("Shade trees along the river path")
    expect(box).to_have_value("")  # ready for the next note
    page.get_by_role("button", name="Save note").click()  # a second tap sends nothing more
    assert not Note.objects.exists()

    page.context.set_offline(False)
    expect(status).to_have_text("Sent", timeout=SENDING)
    expect(page.locator("#table-notes-list")).to_contain_text("Shade trees along the river path")
    expect(page.locator("#notes-waiting")).to_be_hidden()
    page.reload()  # a reload does not send the note again
    expect(page.locator("#table-notes-list")).to_contain_text("Shade trees along the river path")
    assert list(Note.objects.values_list("text", flat=True)) == ["Shade trees along the river path"]
    assert Note.objects.get().author.name == "Noor"


def test_a_retry_that_reaches_the_server_twice_stores_the_note_once(new_page, cafe):
    """The phone sends; the answer is lost on the way back; the phone sends again."""
    page = as_participant(new_page(PHONE), cafe, "Noor")
    dropped = []

    def drop_first_answer(route):
        response = route.fetch()  # the server has stored the note...
        if not dropped:
            dropped.append(response.status)
            route.abort()  # ...but the phone never hears back
        else:
            route.fulfill(response=response)

    page.route(re.compile(r"/notes/$"), drop_first_answer)
    page.get_by_label("Note").fill("Benches by the bus stop")
    page.get_by_role("button", name="Save note").click()
    expect(page.locator("#note-sending")).to_have_text("Sent", timeout=SENDING)
    assert dropped == [200]
    assert list(Note.objects.values_list("text", flat=True)) == ["Benches by the bus stop"]


def test_the_draft_survives_a_reload(new_page, cafe):
    page = as_participant(new_page(PHONE), cafe, "Sam")
    page.get_by_label("Note").fill("Half a thought about play streets")
    page.reload()
    expect(page.get_by_label("Note")).to_have_value("Half a thought about play streets")
    expect(page.locator("#note-sending")).to_contain_text("The note you were writing is back")
    assert not Note.objects.exists()


def test_a_photo_is_not_queued_offline_and_the_page_says_so(new_page, cafe, tmp_path):
    from PIL import Image

    photo = tmp_path / "cloth.png"
    Image.new("RGB", (8, 8), "green").save(photo)
    page = as_participant(new_page(PHONE), cafe, "Sam")
    page.get_by_label("Photo of the tablecloth").set_input_files(str(photo))
    page.context.set_offline(True)
    page.get_by_role("button", name="Save note").click()
    expect(page.locator("#note-sending")).to_contain_text("Photos cannot wait on this phone")
    page.context.set_offline(False)
    page.get_by_role("button", name="Save note").click()
    expect(page.locator("#note-sending")).to_have_text("Sent", timeout=SENDING)
    assert Note.objects.get().photo


@pytest.mark.parametrize("viewport", [NARROW, DESKTOP], ids=["320", "1280"])
def test_notes_history_and_confirmations_pass_axe(new_page, cafe, axe, viewport):
    table = cafe.tables.first()
    note = services.save_note(cafe, table=table, round_number=1, text="First version")
    services.save_note(cafe, table=table, round_number=1, text="Second version", note=note)
    page = new_page(viewport)
    page.goto("/accounts/login/")
    page.get_by_label(re.compile("Email")).fill("fac@example.org")
    page.get_by_label(re.compile("Password")).fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()

    page.goto(f"/cafe/{cafe.pk}/tables/{table.pk}/notes/")
    axe.check(page)
    no_sideways_scroll(page)
    page.get_by_role("link", name=re.compile("Change or see earlier versions")).click()
    expect(page.get_by_role("heading", name="History of this note")).to_be_visible()
    axe.check(page)
    no_sideways_scroll(page)
    page.get_by_role("button", name=re.compile("Bring back this version")).click()
    expect(page.get_by_text("The earlier version is back.")).to_be_visible()
    assert Note.objects.get().text == "First version"

    workshop = cafe.workshop
    old = workshop.join_code
    page.goto(f"/workshops/{workshop.slug}/desk/")
    page.get_by_role("button", name="Make a new code").click()
    expect(page.get_by_role("heading", name="Make a new join code?")).to_be_visible()
    axe.check(page)
    no_sideways_scroll(page)
    page.get_by_role("link", name="Cancel").click()
    workshop.refresh_from_db()
    assert workshop.join_code == old
    page.get_by_role("button", name="Make a new code").click()
    page.get_by_role("button", name="Yes, make a new code").click()
    expect(page.get_by_text("The new join code is")).to_be_visible()
    workshop.refresh_from_db()
    assert workshop.join_code != old
