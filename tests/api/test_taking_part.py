"""Registering, voting and writing a table's note through the API with a write token: what the
pages do, with broken input named by field and nothing changed (SQLite and PostgreSQL)."""

import json
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from security.world import FACILITATOR, MEMBER, OUTSIDER, build_world

from coproduce.cafe.models import Note
from coproduce.conversations.models import Vote, VoteEvent
from coproduce.people import tokens
from coproduce.workshops.models import Registration

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    return build_world(public=True)


def writer(w, visitor: str) -> Client:
    _token, raw = tokens.issue(w.accounts[visitor], name="program", write=True)
    return Client(headers={"authorization": f"Bearer {raw}"})


def post(client: Client, url: str, body: dict):
    return client.post(url, json.dumps(body), content_type="application/json")


def field_of(response, status: int = 422) -> str:
    assert response.status_code == status, response.content
    return json.loads(response.content)["errors"][0]["field"]


def test_an_account_registers_once(w):
    client, url = writer(w, OUTSIDER), f"/api/workshops/{w.workshop.slug}/registrations/"
    assert post(client, url, {"sector": "research"}).json()["status"] == "registered"
    assert field_of(post(client, url, {"sector": "business"})) == "workshop"
    mine = Registration.objects.filter(workshop=w.workshop, person=w.accounts[OUTSIDER])
    assert [r.sector for r in mine] == ["research"]


def test_a_bad_registration_names_its_field(w):
    client, url = writer(w, OUTSIDER), f"/api/workshops/{w.workshop.slug}/registrations/"
    assert field_of(post(client, url, {"sector": "pirates"})) == "sector"
    assert field_of(post(client, url, {"sector": "research", "seat": "front"})) == "seat"
    w.workshop.starts_at = timezone.now() - timedelta(days=2)
    w.workshop.ends_at = timezone.now() - timedelta(days=1)
    w.workshop.save()
    assert field_of(post(client, url, {"sector": "research"})) == "workshop"
    assert not Registration.objects.filter(person=w.accounts[OUTSIDER]).exists()


def test_a_vote_and_a_changed_vote_are_both_kept(w):
    client, url = writer(w, OUTSIDER), f"/api/conversations/{w.conversation.pk}/votes/"
    statement = w.statement.pk
    assert post(client, url, {"statement": statement, "value": 1}).status_code == 200
    assert post(client, url, {"statement": statement, "value": -1}).json()["value"] == -1
    person = w.accounts[OUTSIDER]
    assert Vote.objects.get(statement=statement, voter__person=person).value == -1
    events = VoteEvent.objects.filter(statement=statement, voter__person=person)
    assert list(events.order_by("pk").values_list("value", flat=True)) == [1, -1]


def test_a_bad_vote_names_its_field_and_changes_nothing(w):
    client, url = writer(w, OUTSIDER), f"/api/conversations/{w.conversation.pk}/votes/"
    before = VoteEvent.objects.count()
    assert field_of(post(client, url, {"statement": w.statement.pk, "value": 2})) == "value"
    assert field_of(post(client, url, {"statement": 10**9, "value": 1})) == "statement"
    assert field_of(post(client, url, {"value": 1})) == "statement"
    assert VoteEvent.objects.count() == before


def test_a_facilitator_writes_a_note_once_however_often_it_is_sent(w):
    client = writer(w, FACILITATOR)
    url = f"/api/cafe/{w.cafe.pk}/tables/{w.table.pk}/notes/"
    body = {"round_number": 1, "text": "Trust grows at the table", "key": "phone-1-note-7"}
    first, again = post(client, url, body), post(client, url, body)
    assert first.status_code == again.status_code == 200
    assert first.json()["id"] == again.json()["id"]
    assert Note.objects.filter(text="Trust grows at the table").count() == 1


def test_a_bad_note_names_its_field(w):
    client = writer(w, FACILITATOR)
    url = f"/api/cafe/{w.cafe.pk}/tables/{w.table.pk}/notes/"
    before = Note.objects.count()
    assert field_of(post(client, url, {"round_number": 9, "text": "x"})) == "round_number"
    assert field_of(post(client, url, {"round_number": 1, "text": ""})) == "text"
    assert field_of(post(client, url, {"round_number": 1, "text": "x" * 5001})) == "text"
    assert Note.objects.count() == before


def test_a_member_who_did_not_sit_at_the_table_may_not_write_there(w):
    url = f"/api/cafe/{w.cafe.pk}/tables/{w.table.pk}/notes/"
    answer = post(writer(w, MEMBER), url, {"round_number": 1, "text": "Not mine"})
    assert answer.status_code == 403
