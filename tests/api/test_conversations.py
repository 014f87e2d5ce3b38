"""Conversations through the API: the lists, one conversation as its results page shows it (the
stored count, never more than the page: pending statements for moderators only), every vote as
the Pol.is export's votes.csv (no names, the same voter id for one person's votes), and the
same number of queries however large (SQLite and PostgreSQL)."""

import csv
import json
from collections import Counter
from datetime import datetime, timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from factories import CoalitionFactory, MembershipFactory, PersonFactory, WorkshopFactory
from security.test_matrix import RUN, sees_conversation, sees_linked
from security.world import VISITORS, build_world

from coproduce.coalitions.models import Role, Visibility
from coproduce.conversations import services
from coproduce.conversations.maps import compute_map
from coproduce.conversations.models import Conversation, Statement, Vote, VoteEvent, Voter
from coproduce.conversations.polis import export_polis
from coproduce.people import tokens

pytestmark = pytest.mark.django_db

STATEMENTS = [f"Statement number {i}" for i in range(6)]


def bearer(person, *, write: bool = False) -> dict:
    _token, raw = tokens.issue(person, name="test", write=write)
    return {"authorization": f"Bearer {raw}"}


def two_camps(voters: int = 12, *, visibility=Visibility.PRIVATE):
    """Two camps that agree on statement 0 and split on every other one; a map counted."""
    coalition = CoalitionFactory(slug="gm", visibility=visibility)
    organiser, member = PersonFactory(), PersonFactory()
    MembershipFactory(coalition=coalition, person=organiser, role=Role.ORGANISER)
    MembershipFactory(coalition=coalition, person=member, role=Role.MEMBER)
    conversation = services.open_conversation(
        coalition=coalition,
        question="How should the city be coproduced?",
        description="For the spring assembly",
        seed_statements=STATEMENTS,
    )
    people = []
    for i in range(voters):
        person = PersonFactory(full_name=f"Voter Name {i}", email=f"voter{i}@example.org")
        voter = services.voter_for(conversation, person=person)
        for j, statement in enumerate(conversation.statements.order_by("pk")):
            value = 1 if j == 0 else (1 if (i % 2 == 0) == (j % 2 == 0) else -1)
            if i == 0 and j == 5:
                value = 0  # one pass
            services.cast_vote(voter, statement.pk, value)
        people.append((person, voter))
    compute_map(conversation)
    conversation.refresh_from_db()
    return conversation, organiser, member, people


def when(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def read(client, url, headers=None, **query):
    response = client.get(url, query, headers=headers or {})
    assert response.status_code == 200, response.content
    return response.json()


# -- one conversation --------------------------------------------------------------------------


def test_a_conversation_as_its_results_page_shows_it(client):
    conversation, _organiser, member, people = two_camps()
    body = read(client, f"/api/conversations/{conversation.pk}/", bearer(member))
    assert body["question"] == "How should the city be coproduced?"
    assert body["description"] == "For the spring assembly"
    assert body["state"] == "open" and body["coalition"] == "gm" and body["workshop"] is None
    assert body["participation"]["participants"] == 12
    assert body["participation"]["votes"] == Vote.objects.filter(conversation=conversation).count()
    assert body["participation"]["counted_at"]
    assert [s["text"] for s in body["statements"]] == STATEMENTS
    # Each statement's figures are the votes cast on it, overall and summed over the groups.
    for row in body["statements"]:
        cast = Counter(Vote.objects.filter(statement_id=row["id"]).values_list("value", flat=True))
        assert row["votes"] == {"agree": cast[1], "disagree": cast[-1], "passed": cast[0]}
        assert row["status"] == "accepted"
        for kind in ("agree", "disagree", "passed"):
            assert sum(g[kind] for g in row["by_group"]) == row["votes"][kind]
    first = body["statements"][0]
    assert first["votes"] == {"agree": 12, "disagree": 0, "passed": 0}
    # Two camps, two groups; what sets each apart are the statements they split on.
    assert sorted(g["size"] for g in body["groups"]) == [6, 6]
    assert [g["name"] for g in body["groups"]] == ["Group A", "Group B"]
    for group in body["groups"]:
        assert all(item["text"] in STATEMENTS for item in group["distinct"])
        apart = [i for i in group["distinct"] if i["in_group"] - i["everyone_else"] > 50]
        assert apart and all(i["text"] != "Statement number 0" for i in apart), group
    shared = {item["text"]: item for item in body["common_ground"]}
    assert shared["Statement number 0"]["view"] == "agree"
    assert shared["Statement number 0"]["percent"] == 100
    # No names, no emails: the page shows none.
    text = json.dumps(body)
    assert "Voter Name" not in text and "@example.org" not in text


def test_statements_come_a_page_at_a_time(client):
    conversation, _organiser, member, _people = two_camps(voters=4)
    url = f"/api/conversations/{conversation.pk}/"
    first = client.get(url, {"limit": 4}, headers=bearer(member))
    body = first.json()
    assert len(body["statements"]) == 4 and 'rel="next"' in first["Link"]
    rest = client.get(body["next"], headers=bearer(member)).json()
    assert [s["text"] for s in body["statements"] + rest["statements"]] == STATEMENTS
    assert rest["next"] is None and rest["groups"] == body["groups"]


def test_a_conversation_before_anyone_voted(client):
    coalition = CoalitionFactory(slug="quiet")
    conversation = services.open_conversation(
        coalition=coalition, question="Anyone?", seed_statements=["One", "Two"]
    )
    body = read(client, f"/api/conversations/{conversation.pk}/")
    assert body["participation"] is None and body["groups"] == []
    assert [(s["text"], s["votes"], s["by_group"]) for s in body["statements"]] == [
        ("One", None, []),
        ("Two", None, []),
    ]
    Conversation.objects.filter(pk=conversation.pk).update(
        closes_at=timezone.now() - timedelta(minutes=1)
    )
    assert read(client, f"/api/conversations/{conversation.pk}/")["state"] == "closed"


def test_pending_and_rejected_statements_only_for_moderators(client):
    conversation, organiser, member, people = two_camps(voters=4)
    pending = services.add_statement(people[0][1], "Waiting for a moderator")
    rejected = services.add_statement(people[1][1], "A statement the moderator turned down")
    services.moderate_statement(rejected, "reject", organiser)
    assert pending.status == Statement.Status.PENDING
    url = f"/api/conversations/{conversation.pk}/"
    seen = client.get(url, headers=bearer(member)).content.decode()
    assert "Waiting for a moderator" not in seen and "turned down" not in seen
    assert (
        "Waiting for a moderator"
        not in client.get(url, headers=bearer(people[0][0])).content.decode()
    )
    moderated = read(client, url, bearer(organiser))["statements"]
    status = {s["text"]: s["status"] for s in moderated}
    assert status["Waiting for a moderator"] == "pending"
    assert status["A statement the moderator turned down"] == "rejected"
    assert status["Statement number 0"] == "accepted"


def test_who_reads_the_conversations_the_walk_does_not_try():
    """The walk reads the workshop's conversation; here the coalition's own, as its pages say
    (registrants of the workshop do not see it), and the workshop's votes (its runners)."""
    world = build_world(public=False)
    for visitor in VISITORS:
        client = world.client(visitor)
        own = client.get(f"/api/conversations/{world.conversation.pk}/")
        assert (own.status_code == 200) == (visitor in sees_conversation(world)), visitor
        linked_votes = client.get(f"/api/conversations/{world.linked_conversation.pk}/votes/")
        assert (linked_votes.status_code == 200) == (visitor in RUN), visitor
        listed = client.get(f"/api/workshops/{world.workshop.slug}/conversations/")
        if visitor in sees_linked(world):
            items = listed.json()["items"]
            assert [c["id"] for c in items] == [world.linked_conversation.pk]
        else:
            assert listed.status_code in (401, 404)


# -- lists -------------------------------------------------------------------------------------


def test_a_coalitions_conversations_with_their_links(client):
    conversation, organiser, _member, _people = two_camps(voters=3)
    other = services.open_conversation(
        coalition=conversation.coalition, question="Second", seed_statements=[]
    )
    assert client.get("/api/coalitions/gm/conversations/").status_code == 404  # private
    items = read(client, "/api/coalitions/gm/conversations/", bearer(organiser))["items"]
    assert [(c["id"], c["participants"]) for c in items] == [(conversation.pk, 3), (other.pk, 0)]
    first = items[0]
    assert first["url"].endswith(conversation.get_absolute_url())
    assert read(client, first["api_url"], bearer(organiser))["id"] == conversation.pk
    counted = when(first["updated_at"])
    assert abs(counted - conversation.map_computed_at) < timedelta(milliseconds=1)


def test_updated_since_keeps_those_counted_since(client):
    coalition = CoalitionFactory(slug="open")
    older, newer = (
        services.open_conversation(coalition=coalition, question=q, seed_statements=[])
        for q in ("Older", "Newer")
    )
    later = timezone.now() + timedelta(hours=1)
    Conversation.objects.filter(pk=newer.pk).update(map_computed_at=later)
    since = (later - timedelta(minutes=1)).isoformat()
    found = read(client, "/api/coalitions/open/conversations/", updated_since=since)["items"]
    assert [c["question"] for c in found] == ["Newer"]
    everything = read(client, "/api/coalitions/open/conversations/")["items"]
    assert {c["question"] for c in everything} == {"Older", "Newer"}
    assert older.pk in {c["id"] for c in everything}


# -- votes, as Pol.is's votes.csv --------------------------------------------------------------


def all_rows(client, url, headers, limit):
    rows, page = [], client.get(url, {"limit": limit}, headers=headers).json()
    while True:
        rows += page["items"]
        if page["next"] is None:
            return rows
        page = client.get(page["next"], headers=headers).json()


def test_votes_are_the_rows_of_the_polis_export(client, tmp_path):
    conversation, organiser, member, people = two_camps(voters=5)
    changer = people[2][1]
    services.cast_vote(changer, conversation.statements.order_by("pk").first().pk, -1)  # a change
    # A vote from before the log existed: no event records it, the export still has it.
    quiet = Voter.objects.create(conversation=conversation, display_name="Quiet Name")
    Vote.objects.create(
        conversation=conversation,
        voter=quiet,
        statement=conversation.statements.last(),
        value=1,
        updated_at=timezone.now() - timedelta(days=3),
    )
    url = f"/api/conversations/{conversation.pk}/votes/"
    headers = bearer(organiser)
    rows = all_rows(client, url, headers, limit=7)
    export_polis(conversation, tmp_path)
    with open(tmp_path / "votes.csv", encoding="utf-8") as f:
        written = list(csv.DictReader(f))
    assert len(rows) == len(written) == VoteEvent.objects.count() + 1 == 5 * 6 + 2
    mine = Counter(
        (str(r["timestamp"]), r["comment_id"], r["voter_id"], str(r["vote"])) for r in rows
    )
    theirs = Counter((w["timestamp"], w["comment-id"], w["voter-id"], w["vote"]) for w in written)
    assert mine == theirs
    assert [r["timestamp"] for r in rows] == sorted(r["timestamp"] for r in rows)
    assert rows[0]["voter_id"] == str(quiet.pk)  # three days ago: first
    # One voter id per person, none of their names or emails.
    by_voter = {}
    for row in rows:
        by_voter.setdefault(row["voter_id"], set()).add(row["statement"])
    assert len(by_voter) == 6 and all(
        len(s) == 6 for k, s in by_voter.items() if k != str(quiet.pk)
    )
    text = json.dumps(rows)
    assert "Voter Name" not in text and "@example.org" not in text and "Quiet" not in text
    for row in rows:
        assert round(when(row["datetime"]).timestamp() * 1000) == row["timestamp"]
    # The change is there twice: first as cast, then as changed.
    first = conversation.statements.order_by("pk").first().pk
    changes = [
        r["vote"] for r in rows if r["voter_id"] == str(changer.pk) and r["statement"] == first
    ]
    assert changes == [1, -1]
    since = rows[-3]
    recent = read(client, url, headers, updated_since=since["datetime"])["items"]
    assert recent and recent == [r for r in rows if r["timestamp"] >= since["timestamp"]]


def test_the_votes_only_for_who_may_export(client):
    conversation, organiser, member, people = two_camps(voters=2)
    url = f"/api/conversations/{conversation.pk}/votes/"
    assert client.get(url, headers=bearer(member)).status_code == 403
    assert client.get(url, headers=bearer(people[0][0])).status_code == 404  # not a member
    assert client.get(url).status_code == 404  # a private coalition
    assert client.get(url, headers=bearer(organiser)).status_code == 200


def test_voting_and_reading_the_votes_share_a_path(client):
    conversation, organiser, member, _people = two_camps(voters=2)
    url = f"/api/conversations/{conversation.pk}/votes/"
    statement = conversation.statements.order_by("pk").last()
    cast = client.post(
        url,
        {"statement": statement.pk, "value": -1},
        content_type="application/json",
        headers=bearer(member, write=True),
    )
    assert cast.status_code == 200, cast.content
    voter = Voter.objects.get(conversation=conversation, person=member)
    rows = read(client, url, bearer(organiser), limit=200)["items"]
    assert rows[-1]["voter_id"] == str(voter.pk) and rows[-1]["vote"] == -1
    description = client.get("/api/openapi.json").json()["paths"]
    methods = description["/api/conversations/{conversation_id}/votes/"]
    assert set(methods) == {"get", "post"}
    assert methods["get"]["x-coproduce-needs"] == "run_conversation"


def test_a_votes_cursor_of_another_list_is_refused(client):
    conversation, organiser, _member, _people = two_camps(voters=2)
    headers = bearer(organiser)
    statements = read(client, f"/api/conversations/{conversation.pk}/", headers, limit=1)
    answer = client.get(statements["next"].replace("/?", "/votes/?"), headers=headers)
    assert answer.status_code == 400
    assert answer.json()["errors"][0]["field"] == "cursor"


# -- the same queries at every size ------------------------------------------------------------


def queries(client, url: str, **headers) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, headers=headers)
    assert response.status_code == 200, response.content
    return len(captured)


def grow_conversations(coalition, total: int, workshop=None) -> None:
    have = Conversation.objects.filter(coalition=coalition).count()
    made = Conversation.objects.bulk_create(
        Conversation(coalition=coalition, workshop=workshop, question=f"Question {n}")
        for n in range(have, total)
    )
    Voter.objects.bulk_create(Voter(conversation=c, display_name="x") for c in made[::3])


@pytest.mark.parametrize("held", ["coalition", "workshop"])
def test_the_conversation_lists_are_constant(held):
    coalition = CoalitionFactory(slug="big", visibility=Visibility.PRIVATE)
    workshop = WorkshopFactory(coalition=coalition, slug="big-day")
    member = PersonFactory()
    MembershipFactory(coalition=coalition, person=member, role=Role.MEMBER)
    client = Client()
    client.force_login(member)
    url = {
        "coalition": "/api/coalitions/big/conversations/?limit=200",
        "workshop": "/api/workshops/big-day/conversations/?limit=200",
    }[held]
    counts = []
    for size in (10, 1000):
        grow_conversations(coalition, size, workshop if held == "workshop" else None)
        counts.append(queries(client, url))
    assert counts[0] == counts[1]
    assert len(client.get(url).json()["items"]) == 200


def grow_statements(conversation, voters, total: int) -> None:
    have = conversation.statements.count()
    made = Statement.objects.bulk_create(
        Statement(conversation=conversation, text=f"Statement {n}") for n in range(have, total)
    )
    Vote.objects.bulk_create(
        Vote(conversation=conversation, voter=voter, statement=s, value=(i + s.pk) % 3 - 1)
        for s in made
        for i, voter in enumerate(voters)
    )
    compute_map(conversation)


@pytest.mark.parametrize("moderator", [False, True], ids=["member", "organiser"])
def test_a_conversations_statements_are_constant(moderator):
    conversation, organiser, member, people = two_camps(voters=6)
    client = Client()
    client.force_login(organiser if moderator else member)
    url = f"/api/conversations/{conversation.pk}/?limit=200"
    counts = []
    for size in (10, 500):
        grow_statements(conversation, [voter for _person, voter in people], size)
        counts.append(queries(client, url))
    assert counts[0] == counts[1]
    body = client.get(url).json()
    assert len(body["statements"]) == 200 and body["groups"]


def test_the_votes_are_constant():
    conversation, organiser, _member, people = two_camps(voters=2)
    client = Client()
    client.force_login(organiser)
    url = f"/api/conversations/{conversation.pk}/votes/?limit=200"
    counts = []
    statements = list(conversation.statements.all())
    for rounds in (1, 40):
        for _ in range(rounds):
            for _person, voter in people:
                for statement in statements:
                    services.cast_vote(voter, statement.pk, 1)
        counts.append(queries(client, url))
    assert counts[0] == counts[1]
