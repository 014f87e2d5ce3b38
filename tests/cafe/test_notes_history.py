"""Table notes keep their history, can be brought back, and are stored once however often a
phone sends them."""

import json
import threading

import pytest
from django.db import connections
from django.urls import reverse
from factories import MembershipFactory, RegistrationFactory, WorkshopFactory

from coproduce.cafe import services
from coproduce.cafe.models import Note, NoteRevision, Seat
from coproduce.coalitions.models import Role
from coproduce.workshops.models import AgendaItem

pytestmark = pytest.mark.django_db

KEY = "0f8fad5b-d9cb-469f-a165-70867728950e"


def seated_cafe():
    """A café in its first round; table one has a host, a writer and a third person."""
    facilitator = MembershipFactory(role=Role.FACILITATOR)
    workshop = WorkshopFactory(coalition=facilitator.coalition)
    item = AgendaItem.objects.create(workshop=workshop, title="Café", kind="world_cafe", minutes=60)
    for name in ("Host Hana", "Writer Wim", "Other Olu", "Elsewhere Eli"):
        RegistrationFactory(workshop=workshop, display_name=name)
    cafe = services.cafe_for(item)
    cafe.tables.all().delete()
    services.add_tables(cafe, 2, capacity=4)
    one, two = cafe.tables.all()
    people = {p.name.split()[0].lower(): p for p in cafe.participants.all()}
    for name in ("host", "writer", "other"):
        Seat.objects.create(cafe=cafe, round_number=1, table=one, participant=people[name])
    Seat.objects.create(cafe=cafe, round_number=1, table=two, participant=people["elsewhere"])
    one.host = people["host"]
    one.save()
    services.advance_round(cafe)
    cafe.refresh_from_db()
    return cafe, one, people, facilitator.person


def as_participant(client, participant):
    client.post(participant.get_absolute_url())  # "Continue as ..." on the card's page
    return client


def notes_url(table):
    return reverse("cafe:table_notes", args=[table.cafe_id, table.pk])


def write(client, table, text, **extra):
    return client.post(notes_url(table), {"round_number": "1", "text": text, **extra})


def edit(client, note, text):
    return client.post(
        reverse("cafe:edit_note", args=[note.pk]), {"round_number": "1", "text": text}
    )


# History --------------------------------------------------------------------------------------


def test_every_change_keeps_the_earlier_text_with_who_and_when(client):
    cafe, table, people, facilitator = seated_cafe()
    write(as_participant(client, people["writer"]), table, "Bike lanes first")
    note = Note.objects.get()
    edit(client, note, "Bike lanes and buses first")
    host = as_participant(type(client)(), people["host"])
    edit(host, note, "Buses first, then bike lanes")
    client.force_login(facilitator)
    edit(client, note, "Buses, then bike lanes (agreed)")

    note.refresh_from_db()
    assert note.text == "Buses, then bike lanes (agreed)"
    history = list(note.revisions.order_by("saved_at", "pk"))
    assert [r.text for r in history] == [
        "Bike lanes first",
        "Bike lanes and buses first",
        "Buses first, then bike lanes",
        "Buses, then bike lanes (agreed)",
    ]
    assert [r.saved_by_name for r in history[:3]] == ["Writer Wim", "Writer Wim", "Host Hana"]
    assert history[2].saved_by_participant == people["host"]
    assert history[3].saved_by == facilitator
    assert all(r.saved_at is not None for r in history)
    assert history[0].saved_at <= history[-1].saved_at

    page = client.get(reverse("cafe:edit_note", args=[note.pk])).content.decode()
    assert "History of this note" in page
    assert "Bike lanes first" in page and "Host Hana" in page
    assert page.count("Bring back this version") == 3  # not the version the note has now


def test_bringing_back_an_earlier_version_is_itself_a_new_version(client):
    cafe, table, people, facilitator = seated_cafe()
    write(as_participant(client, people["writer"]), table, "First words")
    note = Note.objects.get()
    edit(client, note, "Second words")
    first = note.revisions.get(text="First words")

    response = client.post(reverse("cafe:restore_note", args=[note.pk, first.pk]))

    assert response.status_code == 302
    note.refresh_from_db()
    assert note.text == "First words"
    newest = note.revisions.first()
    assert (newest.text, newest.restored_from, newest.saved_by_name) == (
        "First words",
        first,
        "Writer Wim",
    )
    assert sorted(note.revisions.values_list("text", flat=True)) == [
        "First words",
        "First words",
        "Second words",
    ]


def test_a_photo_comes_back_with_its_version(client):
    cafe, table, people, facilitator = seated_cafe()
    note = services.save_note(cafe, table=table, round_number=1, text="", photo=_photo())
    first_photo = note.photo.name
    services.save_note(
        cafe, table=table, round_number=1, text="", photo=_photo(), note=Note.objects.get()
    )
    note.refresh_from_db()
    assert note.photo.name != first_photo
    earliest = note.revisions.order_by("pk").first()
    client.force_login(facilitator)
    client.post(reverse("cafe:restore_note", args=[note.pk, earliest.pk]))
    note.refresh_from_db()
    assert note.photo.name == first_photo


def _photo():
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "green").save(buffer, "PNG")
    return SimpleUploadedFile("cloth.png", buffer.getvalue(), content_type="image/png")


def test_a_note_written_before_history_keeps_its_first_text(client):
    cafe, table, people, facilitator = seated_cafe()
    note = Note.objects.create(
        cafe=cafe, table=table, round_number=1, text="Old words", author=people["writer"]
    )
    note.author_name = "Writer Wim"
    note.save()
    assert not note.revisions.exists()
    client.force_login(facilitator)
    edit(client, note, "New words")
    assert list(note.revisions.order_by("pk").values_list("text", "saved_by_name")) == [
        ("Old words", "Writer Wim"),
        ("New words", str(facilitator)),
    ]


def test_the_writer_the_host_and_facilitators_may_change_a_note_others_at_the_table_not(client):
    cafe, table, people, facilitator = seated_cafe()
    write(as_participant(client, people["writer"]), table, "Mine")
    note = Note.objects.get()
    first = note.revisions.get()
    for who in ("other", "elsewhere"):
        browser = as_participant(type(client)(), people[who])
        assert browser.get(reverse("cafe:edit_note", args=[note.pk])).status_code in (302, 403)
        edit(browser, note, f"Changed by {who}")
        browser.post(reverse("cafe:restore_note", args=[note.pk, first.pk]))
    note.refresh_from_db()
    assert note.text == "Mine" and note.revisions.count() == 1

    for n, browser in enumerate(
        [client, as_participant(type(client)(), people["host"]), _logged_in(client, facilitator)]
    ):
        assert browser.get(reverse("cafe:edit_note", args=[note.pk])).status_code == 200
        edit(browser, note, f"Change {n}")
        note.refresh_from_db()
        assert note.text == f"Change {n}"


def _logged_in(client, person):
    browser = type(client)()
    browser.force_login(person)
    return browser


def test_a_version_of_another_note_cannot_be_brought_back(client):
    cafe, table, people, facilitator = seated_cafe()
    mine = services.save_note(cafe, table=table, round_number=1, text="Mine")
    theirs = services.save_note(cafe, table=table, round_number=1, text="Theirs")
    client.force_login(facilitator)
    url = reverse("cafe:restore_note", args=[mine.pk, theirs.revisions.get().pk])
    assert client.post(url).status_code == 404
    mine.refresh_from_db()
    assert mine.text == "Mine" and mine.revisions.count() == 1


def test_nothing_is_brought_back_once_the_cafe_is_closed(client):
    cafe, table, people, facilitator = seated_cafe()
    note = services.save_note(cafe, table=table, round_number=1, text="Before")
    services.save_note(cafe, table=table, round_number=1, text="After", note=note)
    services.close_cafe(cafe)
    client.force_login(facilitator)
    before = note.revisions.get(text="Before")
    response = client.post(reverse("cafe:restore_note", args=[note.pk, before.pk]), follow=True)
    assert "notes can no longer be changed" in response.content.decode()
    note.refresh_from_db()
    assert note.text == "After" and note.revisions.count() == 2


def test_a_get_brings_nothing_back(client):
    cafe, table, people, facilitator = seated_cafe()
    note = services.save_note(cafe, table=table, round_number=1, text="Only")
    client.force_login(facilitator)
    url = reverse("cafe:restore_note", args=[note.pk, note.revisions.get().pk])
    assert client.get(url).status_code == 405
    assert NoteRevision.objects.count() == 1


# Sent twice, stored once -------------------------------------------------------------------------


def test_the_same_note_sent_twice_is_stored_once(client):
    cafe, table, people, facilitator = seated_cafe()
    browser = as_participant(client, people["writer"])
    first = write(browser, table, "Only once", key=KEY)
    again = write(browser, table, "Only once", key=KEY)
    assert first.status_code == again.status_code == 302  # a repeat is a success, not an error
    assert Note.objects.filter(text="Only once").count() == 1
    assert NoteRevision.objects.count() == 1
    other = write(browser, table, "Another note", key="5b1d5a5e-0d7b-4c3e-9c1a-7d2e3f4a5b6c")
    assert other.status_code == 302 and Note.objects.count() == 2


def test_the_page_script_gets_the_note_back_both_times(client):
    cafe, table, people, facilitator = seated_cafe()
    browser = as_participant(client, people["writer"])
    answers = [
        browser.post(
            notes_url(table),
            {"round_number": "1", "text": "From the queue", "key": KEY},
            headers={"Accept": "application/json"},
        )
        for _ in range(2)
    ]
    for answer in answers:
        assert answer.status_code == 200
        body = json.loads(answer.content)
        assert body["saved"] is True and "From the queue" in body["html"]
    assert Note.objects.count() == 1
    refused = browser.post(
        notes_url(table),
        {"round_number": "1", "text": "  ", "key": "ab" * 10},
        headers={"Accept": "application/json"},
    )
    assert refused.status_code == 400
    assert json.loads(refused.content) == {
        "saved": False,
        "errors": ["Write a note or add a photo."],
    }


@pytest.mark.parametrize(
    "bad_key",
    ["x" * 65, "not a key!", "short", "<script>alert(1)</script>-0000000000", "ключ" * 5],
    ids=["too long", "spaces", "too short", "markup", "not latin"],
)
def test_a_bad_sending_key_is_refused_in_plain_words_and_the_text_is_kept(client, bad_key):
    cafe, table, people, facilitator = seated_cafe()
    browser = as_participant(client, people["writer"])
    response = write(browser, table, "Keep these words", key=bad_key)
    page = response.content.decode()
    assert response.status_code == 200
    assert "the sending key your phone added to it is not valid" in page
    assert "Keep these words" in page
    assert "Hidden field" not in page
    assert not Note.objects.exists()


def test_a_note_without_a_key_is_still_saved(client):
    cafe, table, people, facilitator = seated_cafe()
    write(as_participant(client, people["writer"]), table, "No script on this phone")
    assert Note.objects.get().sending_key == ""
    write(client, table, "Another, also without")
    assert Note.objects.count() == 2


def test_the_page_gives_each_form_its_own_key(client):
    cafe, table, people, facilitator = seated_cafe()
    browser = as_participant(client, people["writer"])
    first = browser.get(notes_url(table)).content.decode()
    second = browser.get(notes_url(table)).content.decode()
    assert 'name="key"' in first

    def key_of(page):
        start = page.index('name="key" value="') + len('name="key" value="')
        return page[start : page.index('"', start)]

    assert key_of(first) != key_of(second)


@pytest.mark.django_db(transaction=True)
def test_two_sendings_of_one_note_at_once_store_it_once():
    """Two threads, two connections, released together: a retry racing the first sending."""
    from concurrency import at_once

    cafe, table, people, facilitator = seated_cafe()
    start = threading.Barrier(2)
    stored, failures = [], []

    def send(text):
        try:
            start.wait()
            note = services.save_note(
                cafe,
                table=table,
                round_number=1,
                text=text,
                author=people["writer"],
                sending_key=KEY,
            )
            stored.append(note.pk)
        except Exception as error:  # the assertion below shows what went wrong
            failures.append(error)
        finally:
            connections.close_all()

    at_once(send, "Sent twice", "Sent twice")
    assert failures == []
    assert len(set(stored)) == 1
    assert Note.objects.count() == 1 and NoteRevision.objects.count() == 1


def test_a_host_cannot_bring_back_a_version_for_a_round_they_did_not_sit(client):
    cafe, table, people, facilitator = seated_cafe()
    note = services.save_note(cafe, table=table, round_number=2, text="Round two words")
    services.save_note(cafe, table=table, round_number=1, text="Moved to round one", note=note)
    host = as_participant(client, people["host"])
    round_two = note.revisions.get(round_number=2)
    response = host.post(reverse("cafe:restore_note", args=[note.pk, round_two.pk]), follow=True)
    assert "only a version for a round you sat here" in response.content.decode()
    note.refresh_from_db()
    assert (note.round_number, note.text) == (1, "Moved to round one")
