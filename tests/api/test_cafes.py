"""World Cafés through the API: a workshop's cafés, one café with the plan's figures only for
those who run it, the seats only for them, and the harvest as its page shows it to the same
person (SQLite and PostgreSQL)."""

import json
from datetime import timedelta

import pytest
from cafe.test_cafe_pages import make_cafe
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from factories import WorkshopFactory
from security.world import FACILITATOR, MEMBER, ORGANISER, REGISTRANT, build_world

from coproduce.cafe import services
from coproduce.cafe.models import Cafe, Note, Participant, Seat
from coproduce.people import tokens
from coproduce.plans import services as plans
from coproduce.plans.models import Kind
from coproduce.reports.models import WorkshopReport
from coproduce.workshops.models import AgendaItem

pytestmark = pytest.mark.django_db


def problem(response, status: int) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/problem+json")
    return json.loads(response.content)


def bearer(person) -> dict:
    _token, raw = tokens.issue(person, name="reader", write=False)
    return {"authorization": f"Bearer {raw}"}


def queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, response.content
    return len(captured)


@pytest.fixture
def world():
    return build_world(public=False)


# -- a small café with a real plan -------------------------------------------------------------


# -- the list --------------------------------------------------------------------------------


def test_a_workshops_cafes_are_listed_with_their_api_address(world):
    client = world.client(REGISTRANT)
    listed = client.get(f"/api/workshops/{world.workshop.slug}/cafes/").json()
    assert [c["id"] for c in listed["items"]] == [world.cafe.pk] and listed["next"] is None
    first = listed["items"][0]
    assert first["title"] == world.markers["cafe"]
    assert (first["rounds"], first["minutes_per_round"]) == (3, 20)
    assert first["url"].endswith(f"/cafe/{world.cafe.pk}/harvest/")
    assert client.get(first["api_url"]).json()["id"] == world.cafe.pk
    problem(Client().get(f"/api/workshops/{world.workshop.slug}/cafes/"), 404)  # private


def grow_cafes(workshop, total: int) -> None:
    have = Cafe.objects.filter(agenda_item__workshop=workshop).count()
    items = AgendaItem.objects.bulk_create(
        AgendaItem(workshop=workshop, title=f"Café {n}", kind="world_cafe", minutes=60)
        for n in range(have, total)
    )
    Cafe.objects.bulk_create(Cafe(agenda_item=item) for item in items)


def test_the_cafe_list_pages_and_is_constant(client):
    workshop = WorkshopFactory(slug="big")
    counts = []
    for size in (10, 200):
        grow_cafes(workshop, size)
        counts.append(queries(client, "/api/workshops/big/cafes/?limit=200"))
    assert counts[0] == counts[1]
    first = client.get("/api/workshops/big/cafes/?limit=150").json()
    rest = client.get(first["next"]).json()
    ids = [c["id"] for c in first["items"] + rest["items"]]
    assert len(ids) == 200 == len(set(ids)) and ids == sorted(ids) and rest["next"] is None


def test_the_cafe_list_keeps_a_copy_up_to_date_with_updated_since(client):
    """A café's time of change moves with every save, a partial one too, and with a change of
    its layout (tables, people, seats)."""
    workshop = WorkshopFactory(slug="w1")
    grow_cafes(workshop, 2)
    older, newer = Cafe.objects.filter(agenda_item__workshop=workshop).order_by("pk")
    long_ago = timezone.now() - timedelta(days=2)
    Cafe.objects.filter(pk=older.pk).update(updated_at=long_ago)
    since = (timezone.now() - timedelta(days=1)).isoformat()
    url = "/api/workshops/w1/cafes/"
    assert [c["id"] for c in client.get(url, {"updated_since": since}).json()["items"]] == [
        newer.pk
    ]
    older.refresh_from_db()
    older.current_round = 1
    older.save(update_fields=["current_round"])
    found = client.get(url, {"updated_since": since}).json()["items"]
    assert [c["id"] for c in found] == [newer.pk, older.pk]  # the least recently changed first
    Cafe.objects.filter(pk=older.pk).update(updated_at=long_ago)
    older.refresh_from_db()
    services.mark_changed(older)
    assert older.pk in [c["id"] for c in client.get(url, {"updated_since": since}).json()["items"]]


# -- one café --------------------------------------------------------------------------------


def test_a_cafe_has_its_rounds_tables_and_state(world):
    body = world.client(REGISTRANT).get(f"/api/cafe/{world.cafe.pk}/").json()
    assert body["title"] == world.markers["cafe"] and body["workshop"] == world.workshop.slug
    assert [r["number"] for r in body["rounds"]] == [1, 2, 3]
    assert body["rounds"][0] == {
        "number": 1,
        "question": {"label": "Q", "text": world.markers["question"]},
        "minutes": 20,
    }
    assert [(t["number"], t["name"]) for t in body["tables"]] == [
        (1, "Table 1"),
        (2, "Table 2"),
        (3, "Table 3"),
    ]
    assert body["state"] == {"phase": "running", "round": 1, "notes_open": True}
    assert body["plan"] is None and body["seats"] is None  # the plan page is not theirs
    assert body["harvest"].endswith(f"/api/cafe/{world.cafe.pk}/harvest/")


def test_a_finished_and_closed_cafe_says_so(world):
    cafe = world.cafe
    cafe.current_round = cafe.rounds + 1
    cafe.save()
    services.close_cafe(cafe)
    body = world.client(MEMBER).get(f"/api/cafe/{cafe.pk}/").json()
    assert body["state"] == {"phase": "finished", "round": None, "notes_open": False}


def test_the_plans_figures_are_only_for_those_who_run_the_cafe():
    cafe, organiser = make_cafe()
    services.make_plan(cafe)
    cafe.refresh_from_db()
    guest = cafe.participants.first().registration
    client = Client()
    url = f"/api/cafe/{cafe.pk}/"
    assert client.get(url).json()["plan"] is None  # a public café, to anyone
    body = client.get(url, headers=bearer(organiser)).json()
    plan = body["plan"]
    assert body["seats"].endswith(f"/api/cafe/{cafe.pk}/seats/")
    assert [m["key"] for m in plan["measures"]] == [
        "repeat_pairs",
        "pair_cost",
        "sector_deviation",
        "min_distinct_met",
    ]
    repeats = plan["measures"][0]
    assert repeats["label"] == "Repeated meetings: times two people meet again"
    assert repeats["this_plan"] == cafe.plan_metrics["repeat_pairs"]["value"]
    assert repeats["best_possible"] == cafe.plan_metrics["repeat_pairs"]["bound"]
    assert plan["proved_best"] == cafe.plan_metrics["optimal"]
    assert plan["made_at"] is not None
    # The plan page's words, in Spanish for a Spanish reader.
    spanish = client.get(url, headers={**bearer(organiser), "accept-language": "es"}).json()
    assert spanish["plan"]["measures"][0]["label"].startswith("Reencuentros")
    assert guest.display_name not in json.dumps(body)  # the café never names people


def test_why_no_plan_can_do_better_is_said_when_repeats_are_unavoidable():
    cafe, organiser = make_cafe(n_people=12, tables=2, rounds=3)  # six a table: repeats
    services.make_plan(cafe)
    cafe.refresh_from_db()
    plan = Client().get(f"/api/cafe/{cafe.pk}/", headers=bearer(organiser)).json()["plan"]
    assert plan["measures"][0]["best_possible"] > 0
    assert plan["why_not_better"] and all(isinstance(line, str) for line in plan["why_not_better"])
    assert not any("bound" in line or "CP-SAT" in line for line in plan["why_not_better"])


@pytest.mark.parametrize("cafe_id", ["999999", "0"])
def test_an_unknown_cafe_is_a_404_problem(client, cafe_id):
    for tail in ("", "seats/", "harvest/"):
        body = problem(client.get(f"/api/cafe/{cafe_id}/{tail}"), 404)
        assert body["type"] == "/api/#problem-not-found"


def test_a_private_cafe_is_a_404_like_none(world):
    hidden = problem(Client().get(f"/api/cafe/{world.cafe.pk}/"), 404)
    assert hidden == problem(Client().get("/api/cafe/999999/"), 404)


# -- seats -----------------------------------------------------------------------------------


def test_seats_are_refused_to_a_member_and_a_registrant(world):
    url = f"/api/cafe/{world.cafe.pk}/seats/"
    problem(world.client(MEMBER).get(url), 403)
    problem(world.client(REGISTRANT).get(url), 401)  # a guest: the page asks them to log in
    problem(Client().get(url, headers=bearer(world.accounts[MEMBER])), 403)
    problem(Client().get(url), 404)  # who may not know the café exists


def test_seats_are_shown_to_a_facilitator_by_name_as_the_plan_page(world):
    cafe = world.cafe
    host = world.participant
    table = world.table
    table.host = host
    table.save()
    body = world.client(FACILITATOR).get(f"/api/cafe/{cafe.pk}/seats/").json()
    assert [r["number"] for r in body["rounds"]] == [1, 2, 3]
    first = body["rounds"][0]
    assert first["held"] is True and body["rounds"][1]["held"] is False
    at_first_table = first["tables"][0]
    assert (at_first_table["id"], at_first_table["name"]) == (table.pk, "Table 1")
    names = [p["name"] for p in at_first_table["people"]]
    assert world.markers["participant"] in names
    assert names == sorted(names)
    hosts = [p for p in at_first_table["people"] if p["hosts"]]
    assert [p["id"] for p in hosts] == [host.pk]
    seated = {
        (seat.round_number, seat.table_id, seat.participant_id) for seat in Seat.objects.all()
    }
    answered = {
        (r["number"], t["id"], p["id"])
        for r in body["rounds"]
        for t in r["tables"]
        for p in t["people"]
    }
    assert answered == seated
    page = world.client(FACILITATOR).get(f"/cafe/{cafe.pk}/plan/").content.decode()
    assert all(name in page for name in names)  # the names the plan page shows


def test_seats_cost_the_same_queries_for_a_bigger_cafe():
    counts = []
    for people in (12, 60):
        cafe, organiser = make_cafe(n_people=people, tables=people // 6)
        participants = list(cafe.participants.all())
        tables = list(cafe.tables.all())
        Seat.objects.bulk_create(
            Seat(cafe=cafe, round_number=n, table=tables[(i + n) % len(tables)], participant=p)
            for n in cafe.round_numbers
            for i, p in enumerate(participants)
        )
        client = Client(headers=bearer(organiser))
        client.get("/api/openapi.json")  # the token's first use is noted
        counts.append(queries(client, f"/api/cafe/{cafe.pk}/seats/"))
    assert counts[0] == counts[1]


# -- the harvest -------------------------------------------------------------------------------


def test_the_harvest_shows_the_notes_the_page_shows(world):
    client = world.client(REGISTRANT)
    body = client.get(f"/api/cafe/{world.cafe.pk}/harvest/").json()
    page = client.get(f"/cafe/{world.cafe.pk}/harvest/").content.decode()
    texts = {note["text"] for note in body["items"]}
    assert texts == {world.markers["note"], world.markers["own_note"]}
    assert all(text in page for text in texts)
    note = next(n for n in body["items"] if n["text"] == world.markers["note"])
    assert note["round"] == 1 and note["table"] == "Table 1" and note["table_number"] == 1
    assert note["photo_url"].endswith(f"/cafe/notes/{world.note.pk}/photo/")
    assert client.get(note["photo_url"]).status_code == 200  # the page's photo, for the same
    assert note["written_at"].endswith(("Z", "+00:00"))
    assert "author" not in note  # the page never says who wrote a note
    everything = json.dumps(body)
    for participant in Participant.objects.filter(cafe=world.cafe).select_related("registration"):
        assert participant.registration.display_name not in everything


def test_a_changed_or_restored_note_reads_as_it_stands(world):
    cafe, note = world.cafe, world.note
    writer = services.Writer(participant=None, user=world.accounts[FACILITATOR])
    services.save_note(cafe, table=note.table, round_number=1, text="Changed", note=note, by=writer)
    first = note.revisions.order_by("saved_at", "pk").first()
    client = world.client(MEMBER)
    url = f"/api/cafe/{cafe.pk}/harvest/"
    assert "Changed" in {n["text"] for n in client.get(url).json()["items"]}
    services.restore_note(Note.objects.get(pk=note.pk), first, by=writer)
    texts = {n["text"] for n in client.get(url).json()["items"]}
    assert world.markers["note"] in texts and "Changed" not in texts


def test_unanswered_themes_are_hidden_from_a_registrant_as_on_the_page(world):
    url = f"/api/cafe/{world.cafe.pk}/harvest/"
    registrant = world.client(REGISTRANT)
    assert registrant.get(url).json()["themes"] == []
    assert "Charters" not in registrant.get(f"/cafe/{world.cafe.pk}/harvest/").content.decode()
    # Those who run the café see every theme, its question and its notes.
    themes = world.client(FACILITATOR).get(url).json()["themes"]
    assert themes == [
        {
            "label": "Charters",
            "became": None,
            "question": {"label": "Q", "text": world.markers["question"]},
            "notes": [world.note.pk],
        }
    ]
    # An organiser (who writes the plan) is told where to answer it.
    answer = world.client(ORGANISER).get(url).json()["themes"][0]["became"]
    assert answer["answer_url"].startswith("http") and answer["taken_up_by"] == []


def test_an_answered_theme_is_shown_to_a_registrant_without_its_notes(world):
    report = WorkshopReport.objects.get(workshop=world.workshop)
    plans.record_no_action(
        world.coalition,
        Kind.THEME,
        report,
        "Already done by the council.",
        by=world.accounts[ORGANISER],
        theme=1,
    )
    client = world.client(REGISTRANT)
    themes = client.get(f"/api/cafe/{world.cafe.pk}/harvest/").json()["themes"]
    assert themes == [
        {
            "label": "Charters",
            "became": {
                "taken_up_by": [],
                "hidden_actions": 0,
                "not_taken_up_because": "Already done by the council.",
                "answer_url": None,
            },
            "question": None,
            "notes": None,
        }
    ]
    page = client.get(f"/cafe/{world.cafe.pk}/harvest/").content.decode()
    assert "Charters" in page and "Already done by the council." in page


def test_a_theme_taken_up_by_an_action_names_it_for_those_who_may_see_the_plan(world):
    report = WorkshopReport.objects.get(workshop=world.workshop)
    plans.link_source(world.action, Kind.THEME, report, theme=1)
    url = f"/api/cafe/{world.cafe.pk}/harvest/"
    seen = world.client(MEMBER).get(url).json()["themes"][0]["became"]
    assert [a["title"] for a in seen["taken_up_by"]] == [world.markers["action"]]
    assert seen["taken_up_by"][0]["url"].startswith("http") and seen["hidden_actions"] == 0
    world.action.refresh_from_db()
    in_spanish = world.client(MEMBER).get(url, headers={"accept-language": "es"}).json()
    # The status as the plans' answers give it, whatever the reader's language.
    assert in_spanish["themes"][0]["became"]["taken_up_by"][0]["status"] == world.action.status
    counted = world.client(REGISTRANT).get(url).json()["themes"][0]["became"]
    assert counted["taken_up_by"] == [] and counted["hidden_actions"] == 1  # a private plan
    assert world.markers["action"] not in json.dumps(counted)


def test_the_harvest_pages_notes_and_takes_updated_since(world):
    cafe, table = world.cafe, world.table
    Note.objects.bulk_create(
        Note(cafe=cafe, table=table, round_number=1, text=f"Note {n}") for n in range(5)
    )
    client = world.client(MEMBER)
    url = f"/api/cafe/{cafe.pk}/harvest/"
    first = client.get(url, {"limit": 4})
    body = first.json()
    assert len(body["items"]) == 4 and 'rel="next"' in first["Link"]
    rest = client.get(body["next"]).json()
    ids = [n["id"] for n in body["items"] + rest["items"]]
    assert len(ids) == 7 == len(set(ids)) and rest["next"] is None
    later = timezone.now() + timedelta(hours=1)
    Note.objects.filter(text="Note 3").update(updated_at=later)
    since = (later - timedelta(minutes=1)).isoformat()
    found = client.get(url, {"updated_since": since}).json()["items"]
    assert [n["text"] for n in found] == ["Note 3"]
    problem(client.get(url, {"cursor": "forged"}), 400)


@pytest.mark.parametrize("who", [REGISTRANT, FACILITATOR])
def test_the_harvest_costs_the_same_queries_at_10_and_1000_notes(world, who):
    cafe, tables = world.cafe, list(world.cafe.tables.all())

    def grow(total: int) -> None:
        have = Note.objects.filter(cafe=cafe).count()
        Note.objects.bulk_create(
            Note(cafe=cafe, table=tables[n % 3], round_number=1 + n % 3, text=f"Note {n}")
            for n in range(have, total)
        )

    client = world.client(who)
    counts = []
    for size in (10, 1000):
        grow(size)
        counts.append(queries(client, f"/api/cafe/{cafe.pk}/harvest/?limit=200"))
    assert counts[0] == counts[1]
