"""Seats by hand on the day: moving one person on the plan page, and seating late arrivals
from the live page and the check-in desk."""

import threading
from datetime import timedelta

import pytest
from concurrency import at_once
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from factories import MembershipFactory, RegistrationFactory, WorkshopFactory

from coproduce.cafe import moves, services
from coproduce.cafe.models import Cafe, Participant, Rule, Seat
from coproduce.cafe.seating.moves import recount
from coproduce.coalitions.models import Role
from coproduce.workshops.models import AgendaItem

pytestmark = pytest.mark.django_db

SECTORS = ["local_government", "research", "civil_society", "residents"]


def make_cafe(n_people=12, tables=3, rounds=3, capacity=5):
    """A café with a plan: 12 people at 3 tables of 5 seats, 3 rounds, not started."""
    organiser = MembershipFactory(role=Role.ORGANISER)
    workshop = WorkshopFactory(coalition=organiser.coalition)
    item = AgendaItem.objects.create(workshop=workshop, title="Café", kind="world_cafe", minutes=90)
    for i in range(n_people):
        RegistrationFactory(
            workshop=workshop, display_name=f"Guest {i:02d}", sector=SECTORS[i % len(SECTORS)]
        )
    cafe = services.cafe_for(item)
    cafe.rounds = rounds
    cafe.save()
    cafe.tables.all().delete()
    services.add_tables(cafe, tables, capacity=capacity)
    services.make_plan(cafe)
    cafe.refresh_from_db()
    return cafe, organiser.person


def seat(cafe, person, number):
    return Seat.objects.get(cafe=cafe, participant=person, round_number=number).table


def route(cafe, person):
    return moves.route_of(moves.room_of(cafe), cafe, person.pk)


def other_table(cafe, person, number):
    return cafe.tables.exclude(pk=seat(cafe, person, number).pk).order_by("order").first()


def move_data(cafe, person, table, number=2, scope="one", **extra):
    return {
        "round_number": str(number),
        "scope": scope,
        "table": str(table.pk),
        "seen": route(cafe, person),
        **extra,
    }


def move_url(cafe, person):
    return reverse("cafe:move_seat", args=[cafe.pk, person.pk])


def page(response) -> str:
    return response.content.decode()


@pytest.fixture
def cafe_and_client(client):
    cafe, organiser = make_cafe()
    client.force_login(organiser)
    return cafe, client


def test_the_plan_page_offers_a_move_for_every_seat_that_may_still_change(cafe_and_client):
    cafe, client = cafe_and_client
    services.advance_round(cafe)  # round 1 under way: it may still change, like 2 and 3
    html = page(client.get(reverse("cafe:plan", args=[cafe.pk])))
    ana = cafe.participants.first()
    for number in (1, 2, 3):
        assert f'id="move-{number}-{ana.pk}"' in html
    assert 'data-drop-round="2"' in html and "Move<span" in html


def test_moving_for_one_round_changes_that_round_and_recounts_the_figures(cafe_and_client):
    cafe, client = cafe_and_client
    ana = cafe.participants.first()
    before = {n: seat(cafe, ana, n) for n in (1, 2, 3)}
    target = other_table(cafe, ana, 2)
    target.capacity = 10
    target.save()
    revision = cafe.revision
    response = client.post(move_url(cafe, ana), move_data(cafe, ana, target), follow=True)
    assert f"{ana.name} now sits at {target.name} in round 2." in page(response)
    assert seat(cafe, ana, 2) == target
    assert (seat(cafe, ana, 1), seat(cafe, ana, 3)) == (before[1], before[3])
    cafe.refresh_from_db()
    assert cafe.revision > revision  # phones' polls see the new table
    people = moves.room_of(cafe).people.values()
    figures = recount(people, services.seats_by_round(cafe))
    assert cafe.plan_metrics["repeat_pairs"]["value"] == figures.repeat_pairs
    assert cafe.plan_metrics["sector_deviation"]["value"] == figures.sector_deviation
    assert str(figures.repeat_pairs) in page(response)


def test_the_stored_figures_are_the_recount_before_any_move(cafe_and_client):
    cafe, _ = cafe_and_client
    figures = recount(moves.room_of(cafe).people.values(), services.seats_by_round(cafe))
    assert cafe.plan_metrics["pair_cost"]["value"] == figures.pair_cost
    assert cafe.plan_metrics["min_distinct_met"]["value"] == figures.min_distinct_met


def test_moving_for_the_remaining_rounds_changes_each_of_them(cafe_and_client):
    cafe, client = cafe_and_client
    services.advance_round(cafe)
    ana = cafe.participants.first()
    round_one = seat(cafe, ana, 1)
    target = other_table(cafe, ana, 2)
    target.capacity = 10
    target.save()
    data = move_data(cafe, ana, target, number=2, scope="rest")
    response = client.post(move_url(cafe, ana), data, follow=True)
    assert f"{ana.name} now sits at {target.name} from round 2 on." in page(response)
    assert [seat(cafe, ana, n) for n in (1, 2, 3)] == [round_one, target, target]
    assert Seat.objects.filter(cafe=cafe, participant=ana).count() == 3


def test_a_move_that_breaks_a_rule_asks_first_and_saves_only_when_confirmed(cafe_and_client):
    cafe, client = cafe_and_client
    ana = cafe.participants.first()
    target = other_table(cafe, ana, 2)
    target.capacity = 10
    target.save()
    ben = Seat.objects.filter(cafe=cafe, round_number=2, table=target).first().participant
    Rule.objects.create(cafe=cafe, kind=Rule.Kind.APART, first=ana, second=ben)
    before = seat(cafe, ana, 2)
    response = client.post(move_url(cafe, ana), move_data(cafe, ana, target))
    html = page(response)
    assert response.status_code == 200
    assert f"Round 2: {ana.name} and {ben.name} should not sit together." in html
    assert "Move anyway" in html and seat(cafe, ana, 2) == before
    digest = response.context["outcome"].digest
    confirmed = move_data(cafe, ana, target, confirmed=digest)
    response = client.post(move_url(cafe, ana), confirmed, follow=True)
    assert f"{ana.name} now sits at {target.name} in round 2." in page(response)
    assert seat(cafe, ana, 2) == target


def test_a_confirmation_for_other_breaks_does_not_save(cafe_and_client):
    cafe, client = cafe_and_client
    ana = cafe.participants.first()
    target = other_table(cafe, ana, 2)
    target.capacity = 10
    target.save()
    ben = Seat.objects.filter(cafe=cafe, round_number=2, table=target).first().participant
    Rule.objects.create(cafe=cafe, kind=Rule.Kind.APART, first=ana, second=ben)
    before = seat(cafe, ana, 2)
    response = client.post(move_url(cafe, ana), move_data(cafe, ana, target, confirmed="old"))
    assert "Move anyway" in page(response) and seat(cafe, ana, 2) == before


def test_a_full_table_asks_first_and_stays_visibly_over(cafe_and_client):
    cafe, client = cafe_and_client
    ana = cafe.participants.first()
    target = other_table(cafe, ana, 2)
    people_there = Seat.objects.filter(cafe=cafe, round_number=2, table=target).count()
    target.capacity = people_there
    target.save()
    response = client.post(move_url(cafe, ana), move_data(cafe, ana, target))
    assert f"Round 2: {target.name} would have more people than seats." in page(response)
    digest = response.context["outcome"].digest
    response = client.post(
        move_url(cafe, ana), move_data(cafe, ana, target, confirmed=digest), follow=True
    )
    assert seat(cafe, ana, 2) == target
    html = page(response)
    assert "More people than seats" in html
    assert f"{people_there + 1} of {people_there} seats taken" in html


def test_a_round_that_has_ended_is_refused(cafe_and_client):
    cafe, client = cafe_and_client
    services.advance_round(cafe)
    services.advance_round(cafe)  # round 2 under way: round 1 has ended
    ana = cafe.participants.first()
    before = seat(cafe, ana, 1)
    target = other_table(cafe, ana, 1)
    response = client.post(move_url(cafe, ana), move_data(cafe, ana, target, 1), follow=True)
    assert "Round 1 has ended: its seats stay as they were." in page(response)
    assert seat(cafe, ana, 1) == before


def test_no_round_and_no_move_after_the_last_round(cafe_and_client):
    cafe, client = cafe_and_client
    ana = cafe.participants.first()
    target = other_table(cafe, ana, 2)
    response = client.post(move_url(cafe, ana), move_data(cafe, ana, target, number=9))
    assert "Choose one of the café&#x27;s rounds." in page(response)
    for _ in range(4):
        services.advance_round(cafe)
    before = seat(cafe, ana, 3)
    response = client.post(move_url(cafe, ana), move_data(cafe, ana, target, 3), follow=True)
    assert "Round 3 has ended" in page(response) and seat(cafe, ana, 3) == before


def test_a_person_who_left_is_refused(cafe_and_client):
    cafe, client = cafe_and_client
    ana = cafe.participants.first()
    data = move_data(cafe, ana, other_table(cafe, ana, 2))
    Participant.objects.filter(pk=ana.pk).update(present=False)
    before = seat(cafe, ana, 2)
    response = client.post(move_url(cafe, ana), data, follow=True)
    assert f"{ana.name} has left the café, so their seats can no longer change." in page(response)
    assert seat(cafe, ana, 2) == before


def test_tables_and_people_of_another_cafe_are_refused(cafe_and_client):
    cafe, client = cafe_and_client
    other, _ = make_cafe(n_people=4, tables=1)
    ana = cafe.participants.first()
    before = seat(cafe, ana, 2)
    data = move_data(cafe, ana, other.tables.first())
    response = client.post(move_url(cafe, ana), data)
    assert "Choose one of this café&#x27;s tables." in page(response)
    assert seat(cafe, ana, 2) == before
    stranger = other.participants.first()
    url = reverse("cafe:move_seat", args=[cafe.pk, stranger.pk])
    assert client.post(url, move_data(cafe, ana, cafe.tables.first())).status_code == 404


def test_the_move_page_works_on_its_own(cafe_and_client):
    cafe, client = cafe_and_client
    ana = cafe.participants.first()
    html = page(client.get(move_url(cafe, ana)))
    assert f"Move {ana.name}" in html and 'name="scope"' in html
    response = client.post(move_url(cafe, ana), {"round_number": "2", "scope": "one"})
    assert "This field is required." in page(response)


def test_a_move_made_meanwhile_is_told_and_the_later_one_saves_nothing(cafe_and_client):
    cafe, client = cafe_and_client
    ana = cafe.participants.first()
    first, second = [t for t in cafe.tables.order_by("order") if t != seat(cafe, ana, 2)]
    for table in (first, second):
        table.capacity = 10
        table.save()
    stale = move_data(cafe, ana, second)
    client.post(move_url(cafe, ana), move_data(cafe, ana, first))
    response = client.post(move_url(cafe, ana), stale, follow=True)
    assert f"{ana.name} was just moved by someone else; here is the plan now." in page(response)
    assert seat(cafe, ana, 2) == first


@pytest.mark.django_db(transaction=True)
def test_two_facilitators_moving_the_same_person_at_once():
    cafe, _ = make_cafe()
    ana = cafe.participants.first()
    tables = [t for t in cafe.tables.order_by("order") if t != seat(cafe, ana, 2)]
    for table in tables:
        table.capacity = 10
        table.save()
    seen = route(cafe, ana)
    together = threading.Barrier(2, timeout=5)
    saved, told = [], []

    def move(table):
        try:
            together.wait()
            outcome = moves.move(
                Cafe.objects.get(pk=cafe.pk), ana, table, first_round=2, rest=True, seen=seen
            )
            saved.append((table, outcome.saved))
        except moves.MovedMeanwhile as error:
            told.append(str(error))
        finally:
            connection.close()

    at_once(move, *tables)
    assert len(saved) == 1 and saved[0][1] and len(told) == 1
    assert "was just moved by someone else" in told[0]
    winner = saved[0][0]
    assert [seat(cafe, ana, n) for n in (2, 3)] == [winner, winner]  # nothing half-saved


def _start_with_a_late_arrival(cafe):
    """The workshop began an hour ago, round 1 is under way, and Lou joins with the code."""
    workshop = cafe.workshop
    workshop.starts_at = timezone.now() - timedelta(hours=1)
    workshop.ends_at = workshop.starts_at + timedelta(hours=3)
    workshop.save()
    services.advance_round(cafe)
    cafe.refresh_from_db()
    return RegistrationFactory(workshop=workshop, display_name="Late Lou", sector="business")


def test_late_arrivals_are_those_here_without_a_table(cafe_and_client):
    cafe, _ = cafe_and_client
    lou = _start_with_a_late_arrival(cafe)
    stayed_away = RegistrationFactory(workshop=cafe.workshop, display_name="Away Al")
    stayed_away.created_at = cafe.workshop.starts_at - timedelta(
        days=1
    )  # registered the day before
    stayed_away.save()
    ana = cafe.participants.first()
    Seat.objects.filter(participant=ana, round_number=1).delete()
    names = [w["name"] for w in moves.late_arrivals(Cafe.objects.get(pk=cafe.pk))]
    assert names == sorted([ana.name, lou.display_name])  # not Al: registered before, not come
    stayed_away.checked_in_at = timezone.now()
    stayed_away.save()
    assert len(moves.late_arrivals(Cafe.objects.get(pk=cafe.pk))) == 3


def test_a_late_arrival_is_seated_from_the_live_page(cafe_and_client):
    cafe, client = cafe_and_client
    lou = _start_with_a_late_arrival(cafe)
    live = page(client.get(reverse("cafe:live", args=[cafe.pk])))
    assert "Late Lou" in live and "Seat now" in live
    url = reverse("cafe:seat_now", args=[cafe.pk, lou.pk])
    response = client.post(url, {"back": "live"})
    assert response["Location"] == reverse("cafe:live", args=[cafe.pk])
    participant = Participant.objects.get(cafe=cafe, registration=lou)
    assert participant.joined_round == 1
    tables = [seat(cafe, participant, n) for n in (1, 2, 3)]
    met = set(
        cafe.seats.filter(round_number=1, table=tables[0]).values_list("participant", flat=True)
    )
    met.discard(participant.pk)
    again = {
        table: len(
            met & set(table.seats.filter(round_number=2).values_list("participant", flat=True))
        )
        for table in cafe.tables.all()
    }
    assert again[tables[1]] == min(again.values())  # round 2: the fewest people met before
    html = page(client.get(reverse("cafe:live", args=[cafe.pk])))
    assert f"Late Lou is seated at {tables[0].name} now" in html
    again = client.post(url, {"back": "live"}, follow=True)
    assert "Late Lou already has a seat in this round." in page(again)
    assert Seat.objects.filter(participant=participant).count() == 3


def test_the_late_arrivals_table_is_the_one_that_keeps_the_mix(cafe_and_client):
    cafe, client = cafe_and_client
    lou = _start_with_a_late_arrival(cafe)
    small = cafe.tables.order_by("order").last()
    Seat.objects.filter(cafe=cafe, round_number=1, table=small).order_by("pk").first().delete()
    client.post(reverse("cafe:seat_now", args=[cafe.pk, lou.pk]))
    assert seat(cafe, Participant.objects.get(registration=lou), 1) == small  # the emptiest


def test_a_late_arrival_is_seated_from_the_desk(cafe_and_client):
    cafe, client = cafe_and_client
    services.advance_round(cafe)
    lou = RegistrationFactory(workshop=cafe.workshop, display_name="Late Lou")
    desk = reverse("workshops:desk", args=[cafe.workshop.slug])
    client.post(reverse("workshops:check_in", args=[cafe.workshop.slug, lou.pk]), {"present": "1"})
    html = page(client.get(desk))
    assert "Late arrivals at Café" in html and "Seat now<span" in html
    response = client.post(reverse("cafe:seat_now", args=[cafe.pk, lou.pk]), {"back": "desk"})
    assert response["Location"] == desk
    assert Seat.objects.filter(participant__registration=lou).count() == 3
    fragment = page(client.get(reverse("cafe:late_arrivals", args=[cafe.pk]) + "?back=desk"))
    assert "Late Lou" not in fragment and "Everyone who has arrived has a table" in fragment


def test_seating_late_arrivals_needs_a_round_under_way_and_a_registration(cafe_and_client):
    cafe, client = cafe_and_client
    lou = RegistrationFactory(workshop=cafe.workshop, display_name="Early Lou")
    response = client.post(reverse("cafe:seat_now", args=[cafe.pk, lou.pk]), follow=True)
    assert "Late arrivals are seated while a round is under way." in page(response)
    assert not Seat.objects.filter(participant__registration=lou).exists()
    elsewhere = RegistrationFactory(display_name="Elsewhere")
    url = reverse("cafe:seat_now", args=[cafe.pk, elsewhere.pk])
    assert client.post(url).status_code == 404


def test_a_late_arrival_is_told_they_will_be_seated_then_sees_their_table(client):
    cafe, organiser = make_cafe()
    lou = _start_with_a_late_arrival(cafe)
    session = client.session
    session["coproduce_guest_key"] = lou.guest.key
    session.save()
    mine = reverse("cafe:mine", args=[cafe.pk])
    response = client.get(mine)
    assert response.status_code == 200
    assert "You do not have a table yet." in page(response)
    assert "Ask the facilitator to add you" not in page(response)
    waiting = page(client.get(mine, headers={"HX-Request": "true"}))
    assert "You do not have a table yet." in waiting and "<html" not in waiting
    moves.seat_late_arrival(cafe, lou)
    table = seat(cafe, Participant.objects.get(registration=lou), 1)
    partial = page(client.get(mine, headers={"HX-Request": "true"}))
    assert table.name in partial


def test_only_those_who_run_the_cafe_move_seats(client):
    cafe, _ = make_cafe()
    member = MembershipFactory(coalition=cafe.coalition, role=Role.MEMBER)
    client.force_login(member.person)
    ana = cafe.participants.first()
    before = seat(cafe, ana, 2)
    response = client.post(move_url(cafe, ana), move_data(cafe, ana, other_table(cafe, ana, 2)))
    assert response.status_code == 403 and seat(cafe, ana, 2) == before
