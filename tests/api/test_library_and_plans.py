"""The library and the action plans through the API: search with facets and cursors, lists
with `updated_since`, the same visibility as the pages, and posting an action's update with a
token (SQLite and PostgreSQL)."""

import json
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from factories import CoalitionFactory, MembershipFactory, OrganisationFactory, PersonFactory

from coproduce.coalitions.models import Role, Visibility
from coproduce.library import services as library
from coproduce.library.models import Entry
from coproduce.people import tokens
from coproduce.plans import services as plans
from coproduce.plans.models import Action
from coproduce.plans.services import ActionDraft

pytestmark = pytest.mark.django_db


def bearer(raw: str) -> dict:
    return {"authorization": f"Bearer {raw}"}


def problem(response, status: int) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/problem+json")
    return json.loads(response.content)


@pytest.fixture
def shelves():
    public = CoalitionFactory(slug="open")
    hidden = CoalitionFactory(slug="hidden", visibility=Visibility.PRIVATE)
    for n, country in enumerate(["Italy", "Italy", "Spain"]):
        library.create_entry(
            {"kind": "case", "title": f"Commons {n}", "country": country}, coalition=public
        )
    library.create_entry({"kind": "case", "title": "Secret commons"}, coalition=hidden)
    return public, hidden


def test_search_ranks_counts_and_narrows(client, shelves):
    found = client.get("/api/library/search/?q=commons").json()
    assert found["total"] == 3 and {h["title"] for h in found["items"]} == {
        "Commons 0",
        "Commons 1",
        "Commons 2",
    }
    assert all(hit["score"] > 1 for hit in found["items"])  # the word is in every title
    countries = {v["value"]: v["count"] for v in found["facets"]["country"]}
    assert countries == {"Italy": 2, "Spain": 1}
    narrowed = client.get("/api/library/search/?q=commons&f=country:Spain").json()
    assert [hit["title"] for hit in narrowed["items"]] == ["Commons 2"]
    assert client.get(narrowed["items"][0]["api_url"]).json()["country"] == "Spain"


def test_search_pages_with_a_cursor(client, shelves):
    first = client.get("/api/library/search/?q=commons&limit=2")
    body = first.json()
    assert len(body["items"]) == 2 and body["next"] and 'rel="next"' in first["Link"]
    rest = client.get(body["next"]).json()
    assert len(rest["items"]) == 1 and rest["next"] is None
    seen = {hit["id"] for hit in body["items"]} | {hit["id"] for hit in rest["items"]}
    assert len(seen) == 3


@pytest.mark.parametrize("pick", ["country", "colour:red", "country:" + "x" * 500])
def test_a_pick_that_is_not_name_value_is_a_422_naming_f(client, shelves, pick):
    body = problem(client.get("/api/library/search/", {"q": "commons", "f": pick}), 422)
    assert body["errors"][0]["field"] == "f"


def test_a_private_coalitions_entries_stay_hidden(client, shelves):
    _public, hidden = shelves
    secret = Entry.objects.get(title="Secret commons")
    assert "Secret" not in client.get("/api/library/search/?q=secret").content.decode()
    listed = client.get("/api/library/entries/").json()["items"]
    assert secret.pk not in {entry["id"] for entry in listed}
    problem(client.get(f"/api/library/entries/{secret.pk}/"), 404)
    member = PersonFactory()
    MembershipFactory(coalition=hidden, person=member, role=Role.OBSERVER)
    _token, raw = tokens.issue(member, name="reader", write=False)
    answer = client.get(f"/api/library/entries/{secret.pk}/", headers=bearer(raw))
    assert answer.json()["coalition"] == "hidden"


def test_entries_since_a_time(client, shelves):
    later = timezone.now() + timedelta(hours=1)
    Entry.objects.filter(title="Commons 1").update(updated_at=later)
    since = (later - timedelta(minutes=1)).isoformat()
    found = client.get("/api/library/entries/", {"updated_since": since}).json()["items"]
    assert [entry["title"] for entry in found] == ["Commons 1"]
    problem(client.get("/api/library/entries/?updated_since=yesterday"), 422)


def _count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_entry_list_and_search_cost_the_same_queries_at_10_and_1000(client):
    def grow(total: int) -> None:
        have = Entry.objects.count()
        Entry.objects.bulk_create(
            Entry(kind="case", title=f"Entry {n}", status="published") for n in range(have, total)
        )

    grow(10)
    small = _count(client, "/api/library/entries/?limit=200")
    grow(1000)
    assert _count(client, "/api/library/entries/?limit=200") == small


# -- plans ----------------------------------------------------------------------------------


@pytest.fixture
def plan_world():
    coalition = CoalitionFactory(slug="gm", visibility=Visibility.PRIVATE)
    organiser, member = PersonFactory(), PersonFactory()
    MembershipFactory(coalition=coalition, person=organiser, role=Role.ORGANISER)
    MembershipFactory(coalition=coalition, person=member, role=Role.MEMBER)
    plan = plans.start_plan(coalition, title="Our plan")
    goal = plans.add_goal(plan, title="Places that mix people")
    council = OrganisationFactory(name="Council")
    coalition.organisations.add(council)
    action = plans.add_action(goal, ActionDraft(title="Open the hub", owners=[council]))
    return coalition, organiser, member, plan, action


def test_plans_are_read_as_the_pages_show_them(client, plan_world):
    _coalition, organiser, _member, plan, action = plan_world
    problem(client.get("/api/coalitions/gm/plans/"), 404)  # private: not even its plans
    _token, raw = tokens.issue(organiser, name="dashboard", write=False)
    listed = client.get("/api/coalitions/gm/plans/", headers=bearer(raw)).json()["items"]
    assert [p["title"] for p in listed] == ["Our plan"]
    document = client.get(listed[0]["api_url"], headers=bearer(raw)).json()
    assert document["goals"][0]["actions"][0]["title"] == "Open the hub"
    assert document["id"] == plan.pk and document["progress"] == 0


def test_an_organiser_posts_an_update_with_a_write_token(client, plan_world):
    _coalition, organiser, member, _plan, action = plan_world
    url = f"/api/coalitions/gm/actions/{action.pk}/updates/"
    body = {"text": "Keys collected", "status": "in_progress", "progress": 40}
    _token, reader = tokens.issue(organiser, name="reader", write=False)
    problem(client.post(url, body, content_type="application/json", headers=bearer(reader)), 403)
    _token, writer = tokens.issue(organiser, name="writer", write=True)
    made = client.post(url, body, content_type="application/json", headers=bearer(writer))
    assert made.status_code == 200, made.content
    assert made.json()["progress"] == 40
    action.refresh_from_db()
    assert (action.status, action.progress) == ("in_progress", 40)
    _token, others = tokens.issue(member, name="member", write=True)  # not an owner
    problem(client.post(url, body, content_type="application/json", headers=bearer(others)), 403)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"text": ""}, "text"),
        ({"text": "x", "status": "finished"}, "status"),
        ({"text": "x", "progress": 140}, "progress"),
        ({"text": "x", "colour": "red"}, "colour"),
        ({"text": "x", "status": "dropped"}, "reason"),
    ],
)
def test_a_bad_update_names_its_field_and_changes_nothing(client, plan_world, body, field):
    _coalition, organiser, _member, _plan, action = plan_world
    _token, writer = tokens.issue(organiser, name="writer", write=True)
    url = f"/api/coalitions/gm/actions/{action.pk}/updates/"
    answer = client.post(url, body, content_type="application/json", headers=bearer(writer))
    found = problem(answer, 422)
    assert field in json.dumps(found["errors"])
    assert not Action.objects.get(pk=action.pk).updates.exists()


def test_the_reference_page_names_who_may_write_and_what_the_body_takes(client):
    text = client.get("/api/").content.decode()
    assert "POST /api/coalitions/{slug}/actions/{action_id}/updates/" in text
    assert "the action’s owners and lead" in text or "the action&#x27;s owners and lead" in text
    assert "evidence_url" in text and "not_started, in_progress" in text
    assert "update_action" not in text  # an action's name, never shown for words
    client.cookies["django_language"] = "es"
    spanish = client.get("/api/").content.decode()
    assert "Publicar una novedad de una acción" in spanish
    assert "Lo que pasó" in spanish  # the description is translated too


@pytest.mark.parametrize(
    "since", ["1072-01-05T20:31:56+17:20", "0001-01-01T00:00:00-23:59", "9999-12-31T23:59:59-00:30"]
)
def test_any_valid_time_is_a_valid_updated_since(client, shelves, since):
    """ISO 8601 allows offsets PostgreSQL does not take, and times that leave the calendar
    in UTC: each is still an answer, never a server error (schemathesis found the first)."""
    for url in ("/api/library/entries/", "/api/coalitions/", "/api/coalitions/open/workshops/"):
        assert client.get(url, {"updated_since": since}).status_code == 200
    entries = client.get("/api/library/entries/", {"updated_since": since}).json()["items"]
    assert len(entries) == (0 if since.startswith("9999") else 3)
