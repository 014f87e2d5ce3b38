"""Running the café live: asking before starting a round or closing, undo for a minute, the
round's clock (pause, minutes added or taken away), and what phones and the workshop page show."""

import threading
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from factories import MembershipFactory, RegistrationFactory, WorkshopFactory

from coproduce.cafe import rounds, services
from coproduce.cafe.models import Cafe, Seat
from coproduce.coalitions.models import Role, Visibility
from coproduce.workshops.models import AgendaItem, AgendaQuestion

pytestmark = pytest.mark.django_db


def seated_cafe(rounds_=3, people=6, starts_in=timedelta(0)):
    """A café with two tables and everyone seated for every round (by hand: no solver)."""
    organiser = MembershipFactory(role=Role.ORGANISER, coalition__visibility=Visibility.PUBLIC)
    start = timezone.now() + starts_in
    workshop = WorkshopFactory(
        coalition=organiser.coalition, starts_at=start, ends_at=start + timedelta(hours=3)
    )
    item = AgendaItem.objects.create(workshop=workshop, title="Café", kind="world_cafe", minutes=60)
    AgendaQuestion.objects.create(agenda_item=item, label="POLICY", text="Who owns the plan?")
    for i in range(people):
        RegistrationFactory(workshop=workshop, display_name=f"Guest {i:02d}")
    cafe = services.cafe_for(item)
    cafe.rounds, cafe.minutes_per_round = rounds_, 20
    cafe.save()
    services.set_round_questions(cafe)
    cafe.tables.all().delete()
    services.add_tables(cafe, 2, capacity=people)
    tables = list(cafe.tables.all())
    Seat.objects.bulk_create(
        Seat(cafe=cafe, round_number=n, table=tables[(i + n) % 2], participant=p)
        for n in range(1, rounds_ + 1)
        for i, p in enumerate(cafe.participants.order_by("pk"))
    )
    cafe.refresh_from_db()
    return cafe, organiser.person


def fresh(cafe) -> Cafe:
    return Cafe.objects.get(pk=cafe.pk)


def state(cafe) -> tuple:
    c = fresh(cafe)
    return (c.current_round, c.round_started_at, c.extra_seconds, c.paused_seconds, c.paused_at)


def url(name, cafe):
    return reverse(f"cafe:{name}", args=[cafe.pk])


@pytest.fixture
def running(client):
    cafe, organiser = seated_cafe()
    client.force_login(organiser)
    rounds.advance_round(cafe)
    return fresh(cafe)


# Asking first, and undo ---------------------------------------------------------------------


def test_starting_a_round_asks_first_and_says_what_will_happen(client):
    cafe, organiser = seated_cafe()
    client.force_login(organiser)
    live = client.get(url("live", cafe)).content.decode()
    assert url("advance", cafe) in live and "Start round 1…" in live
    page = client.get(url("advance", cafe)).content.decode()
    assert "Start round 1 of 3?" in page
    assert "A new clock starts: 20 minutes." in page and "undo this for one minute" in page
    assert fresh(cafe).current_round == 0  # asking changed nothing
    response = client.post(url("advance", cafe))  # a post that skipped the question
    assert response["Location"] == url("advance", cafe) and fresh(cafe).current_round == 0
    response = client.post(url("advance", cafe), {"round": "1"}, follow=True)
    assert fresh(cafe).current_round == 1
    assert "Round 1 has started." in response.content.decode()
    assert "Undo" in response.content.decode()


def test_undo_returns_to_the_previous_round_with_its_clock_as_it_was(client, running):
    cafe = running
    rounds.change_minutes(cafe, 2, expected_round=1)
    rounds.pause(cafe, expected_round=1)
    before = state(cafe)
    rounds.advance_round(cafe, expected=2)
    assert fresh(cafe).current_round == 2 and fresh(cafe).extra_seconds == 0
    token = fresh(cafe).undo["token"]
    response = client.post(url("undo", cafe), {"token": token}, follow=True)
    assert "Undone: round 1 is under way again." in response.content.decode()
    assert state(cafe) == before and fresh(cafe).undo is None


def test_undo_of_a_running_round_keeps_the_time_it_had_left(running):
    cafe = running
    now = timezone.now()
    left = fresh(cafe).clock.left(now)
    rounds.advance_round(cafe, expected=2, now=now)
    later = now + timedelta(seconds=40)
    rounds.undo(cafe, fresh(cafe).undo["token"], now=later)
    assert fresh(cafe).clock.left(later) == left


def test_undo_after_a_minute_is_refused_and_changes_nothing(client, running):
    cafe = running
    rounds.advance_round(cafe, expected=2, now=timezone.now() - timedelta(seconds=61))
    token, before = fresh(cafe).undo["token"], state(cafe)
    assert "Undo" not in client.get(url("live", cafe)).content.decode()
    response = client.post(url("undo", cafe), {"token": token}, follow=True)
    assert "This can no longer be undone" in response.content.decode()
    assert state(cafe) == before


def test_undo_with_a_stale_or_missing_token_changes_nothing(client, running):
    cafe = running
    rounds.advance_round(cafe, expected=2)
    before = state(cafe)
    for data in ({}, {"token": "not-this-one"}):
        response = client.post(url("undo", cafe), data, follow=True)
        assert "This can no longer be undone" in response.content.decode()
    assert state(cafe) == before


def test_closing_asks_first_and_undo_reopens(client, running):
    cafe = running
    page = client.get(url("close", cafe)).content.decode()
    assert "Close the café for notes?" in page and "Nobody can write or change a note" in page
    client.post(url("close", cafe))  # the harvest's old button, without the answer: asked
    assert not fresh(cafe).is_closed
    response = client.post(url("close", cafe), {"confirm": "1"}, follow=True)
    assert fresh(cafe).is_closed
    assert "The café is closed for notes." in response.content.decode()
    client.post(url("undo", cafe), {"token": fresh(cafe).undo["token"]})
    assert not fresh(cafe).is_closed


# The clock -------------------------------------------------------------------------------------


def test_pause_and_resume_from_the_live_page(client, running):
    cafe = running
    revision, state = cafe.revision, cafe.clock_state
    response = client.post(url("pause", cafe), {"round": "1"}, follow=True)
    paused = fresh(cafe)
    assert paused.is_paused and paused.clock_state != state  # the phones' poll sees it
    assert paused.revision == revision  # the tables did not change: printed cards stay
    page = response.content.decode()
    assert "Paused" in page and "Resume the clock" in page and "data-clock-paused" in page
    client.post(url("pause", cafe), {"round": "1", "resume": "1"})
    assert not fresh(cafe).is_paused
    response = client.post(url("pause", cafe), {"round": "1", "resume": "1"}, follow=True)
    assert "The clock is already running." in response.content.decode()


def test_adding_and_taking_away_minutes(client, running):
    cafe = running
    before = fresh(cafe).round_ends_at
    client.post(url("minutes", cafe), {"round": "1", "minutes": "2"})
    assert fresh(cafe).extra_seconds == 120
    client.post(url("minutes", cafe), {"round": "1", "minutes": "-1"})
    assert fresh(cafe).extra_seconds == 60
    assert fresh(cafe).round_ends_at - before == timedelta(minutes=1)
    page = client.get(url("live", cafe)).content.decode()
    assert "+2 minutes" in page and "−1 minute" in page and "left" in page and "ends " in page


def test_taking_away_more_minutes_than_are_left_is_refused(client, running):
    cafe = running
    Cafe.objects.filter(pk=cafe.pk).update(
        round_started_at=timezone.now() - timedelta(minutes=19, seconds=30)
    )
    before = state(cafe)
    response = client.post(url("minutes", cafe), {"round": "1", "minutes": "-1"}, follow=True)
    assert "left: 1 minute cannot be taken away." in response.content.decode()
    assert state(cafe) == before


@pytest.mark.parametrize(
    "data, message",
    [
        ({"round": "1", "minutes": "abc"}, "Minutes to add or take away: Enter a whole number."),
        ({"round": "1", "minutes": "99"}, "Minutes to add or take away: Ensure this value"),
        ({"round": "1"}, "Minutes to add or take away: This field is required."),
        ({"round": "1", "minutes": "0"}, "Choose between -30 and 30 minutes, not 0."),
        ({"minutes": "2"}, "Round: This field is required."),
    ],
)
def test_broken_minutes_are_refused_with_a_message_naming_the_field(client, running, data, message):
    cafe = running
    before = state(cafe)
    response = client.post(url("minutes", cafe), data, follow=True)
    assert message in response.content.decode()
    assert state(cafe) == before


def test_a_click_meant_for_an_earlier_round_changes_nothing(client, running):
    cafe = running
    rounds.advance_round(cafe, expected=2)
    before = state(cafe)
    response = client.post(url("pause", cafe), {"round": "1"}, follow=True)
    assert "The round has changed since this page was loaded." in response.content.decode()
    client.post(url("minutes", cafe), {"round": "1", "minutes": "2"})
    assert state(cafe) == before


def test_a_closed_cafe_takes_no_clock_changes_nor_new_rounds(client, running):
    cafe = running
    rounds.close_cafe(cafe)
    before = state(cafe)
    response = client.post(url("pause", cafe), {"round": "1"}, follow=True)
    assert "The café is closed." in response.content.decode()
    client.post(url("minutes", cafe), {"round": "1", "minutes": "2"})
    response = client.post(url("advance", cafe), {"round": "2"}, follow=True)
    assert "The café is closed." in response.content.decode()
    assert state(cafe) == before


def test_no_clock_before_the_first_round(client):
    cafe, organiser = seated_cafe()
    client.force_login(organiser)
    response = client.post(url("pause", cafe), {"round": "0"}, follow=True)
    assert "No round is under way." in response.content.decode()
    assert fresh(cafe).paused_at is None


@pytest.mark.django_db(transaction=True)
def test_two_facilitators_starting_the_same_round_start_it_once():
    from concurrency import at_once
    from django.db import connections

    cafe, _ = seated_cafe()
    rounds.advance_round(cafe)
    start = threading.Barrier(2)
    told, failures = [], []

    def click(_which):
        try:
            start.wait()
            rounds.advance_round(Cafe.objects.get(pk=cafe.pk), expected=2)
        except services.CafeError as error:
            told.append(str(error))
        except Exception as error:  # the assertion below shows what went wrong
            failures.append(error)
        finally:
            connections.close_all()

    at_once(click, "first", "second")
    assert failures == []
    assert fresh(cafe).current_round == 2
    assert told == ["Someone else has just started round 2. Nothing was changed."]


@pytest.mark.django_db(transaction=True)
def test_two_facilitators_undoing_at_once_undo_once():
    from concurrency import at_once
    from django.db import connections

    cafe, _ = seated_cafe()
    rounds.advance_round(cafe)
    rounds.advance_round(cafe, expected=2)
    token = fresh(cafe).undo["token"]
    start = threading.Barrier(2)
    told, failures = [], []

    def click(_which):
        try:
            start.wait()
            rounds.undo(Cafe.objects.get(pk=cafe.pk), token)
        except services.CafeError as error:
            told.append(str(error))
        except Exception as error:
            failures.append(error)
        finally:
            connections.close_all()

    at_once(click, "first", "second")
    assert failures == [] and len(told) == 1
    assert fresh(cafe).current_round == 1


# What the phones and the workshop page show -----------------------------------------------------


def test_a_phone_shows_the_step_the_clock_and_times_up(client, running):
    cafe = running
    participant = cafe.participants.first()
    client.logout()
    client.post(participant.get_absolute_url())
    seat = participant.seats.get(round_number=1)
    page = client.get(url("mine", cafe)).content.decode()
    assert f"Round 1 of 3 – go to {seat.table.name}" in page
    assert "Who owns the plan?" in page and "20:00" in page and "data-clock-end" in page
    assert 'data-clock-up role="status" hidden' in page  # "Time's up" waits for its moment
    Cafe.objects.filter(pk=cafe.pk).update(round_started_at=timezone.now() - timedelta(hours=1))
    page = client.get(url("mine", cafe)).content.decode()
    assert 'data-clock-up role="status">Time\'s up</p>' in page and "0:00" in page


def test_the_phones_poll_sees_a_clock_change(client, running):
    cafe = running
    participant = cafe.participants.first()
    client.post(participant.get_absolute_url())
    poll = {"HX-Request": "true"}
    first = client.get(url("mine", cafe), headers=poll)
    rounds.pause(cafe, expected_round=1)
    again = client.get(url("mine", cafe), headers={**poll, "If-None-Match": first["ETag"]})
    assert again.status_code == 200 and "Paused" in again.content.decode()


def test_the_card_page_shows_the_round_and_its_clock_but_no_table(client, running):
    cafe = running
    participant = cafe.participants.first()
    page = client.get(participant.get_absolute_url()).content.decode()
    assert "Round 1 of 3" in page and "data-clock-end" in page
    assert participant.seats.get(round_number=1).table.name not in page


def test_the_workshop_page_opens_with_the_participants_step(client, running):
    cafe = running
    participant = cafe.participants.first()
    registration = participant.registration
    registration.person, registration.guest = (
        fresh(cafe).workshop.coalition.memberships.first().person,
        None,
    )
    registration.save()
    client.force_login(registration.person)
    page = client.get(cafe.workshop.get_absolute_url()).content.decode()
    table = participant.seats.get(round_number=1).table.name
    step = page.index(f"Round 1 of 3 – go to {table}")
    assert step < page.index("About this workshop") < page.index("Cancel my registration")


def test_before_the_day_the_workshop_page_says_when_to_come(client):
    cafe, organiser = seated_cafe(starts_in=timedelta(days=3))
    registration = cafe.participants.first().registration
    registration.person, registration.guest = organiser, None
    registration.save()
    client.force_login(organiser)
    page = client.get(cafe.workshop.get_absolute_url()).content.decode()
    assert "You are registered – see you on" in page
    assert page.index("You are registered – see you") < page.index("About this workshop")


def test_the_room_screen_shows_the_join_code_and_its_qr_code(client, running):
    cafe = running
    page = client.get(url("screen", cafe)).content.decode()
    assert cafe.workshop.join_code in page
    assert reverse("workshops:join_qr", args=[cafe.workshop.slug]) in page
    assert "data-clock-end" in page and "data-sound-toggle" in page
