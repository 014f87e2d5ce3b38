"""The map for the people on it: their own dot and group, vote bars, the room view, times in
the workshop's zone, moderation before statements appear."""

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone
from factories import GuestFactory, MembershipFactory, PersonFactory, WorkshopFactory

from coproduce.coalitions.models import Role, Visibility
from coproduce.conversations import services
from coproduce.conversations.forms import ConversationForm
from coproduce.conversations.maps import compute_map
from coproduce.conversations.models import Conversation, Statement
from coproduce.conversations.presenting import vote_shares
from coproduce.core.charts import scatter, stacked_bar

pytestmark = pytest.mark.django_db

STATEMENTS = [f"Statement number {i}" for i in range(8)]


@pytest.fixture(autouse=True)
def _maps_at_once(settings):
    settings.OPINION_MAP_DELAY_SECONDS = 0


def two_camps(voters: int = 20, **fields):
    """Two camps that agree on statement 0 and split on every other one; a map computed."""
    organiser = MembershipFactory(role=Role.ORGANISER, coalition__visibility=Visibility.PUBLIC)
    conversation = services.open_conversation(
        coalition=organiser.coalition,
        question="How should the city be coproduced?",
        seed_statements=STATEMENTS,
        **fields,
    )
    people = []
    for i in range(voters):
        person = PersonFactory()
        voter = services.voter_for(conversation, person=person)
        for j, statement in enumerate(conversation.statements.order_by("pk")):
            value = 1 if j == 0 else (1 if (i % 2 == 0) == (j % 2 == 0) else -1)
            services.cast_vote(voter, statement.pk, value)
        people.append((person, voter))
    compute_map(conversation)
    conversation.refresh_from_db()
    return conversation, organiser.person, people


def test_a_participant_sees_their_own_dot_and_group(client):
    conversation, _, people = two_camps()
    person, voter = people[3]
    client.force_login(person)
    response = client.get(conversation.get_absolute_url())
    here = response.context["map"]["here"]
    mine = next(p for p in conversation.map_data["participants"] if p["id"] == voter.pk)
    assert (here["x"], here["y"]) == (mine["x"], mine["y"])
    group = f"Group {'ABCDEFGHIJ'[mine['group']]}"
    assert here["group"] == group
    body = response.content.decode()
    assert f"You are here: {group}" in body  # in words, not only a ring on a picture
    assert 'class="marked"' in body and "You are here</text>" in body
    assert "(your group)" in body
    # Someone in the other camp is in the other group, and is shown their own dot only:
    # nobody's page marks where another person is.
    client.force_login(people[4][0])
    other = client.get(conversation.get_absolute_url()).context["map"]["here"]
    assert other["group"] != group
    theirs = next(p for p in conversation.map_data["participants"] if p["id"] == people[4][1].pk)
    assert (other["x"], other["y"]) == (theirs["x"], theirs["y"]) != (mine["x"], mine["y"])


def test_the_facilitator_and_visitors_see_no_marker(client):
    conversation, organiser, _ = two_camps()
    client.force_login(organiser)
    response = client.get(conversation.get_absolute_url())
    assert response.context["map"]["here"] is None
    assert 'class="marked"' not in response.content.decode()


def test_a_voter_not_on_the_map_yet_is_told_when_they_will_be(client):
    conversation, _, _ = two_camps()
    newcomer = PersonFactory()
    services.voter_for(conversation, person=newcomer)
    client.force_login(newcomer)
    body = client.get(conversation.get_absolute_url()).content.decode()
    assert "Your dot appears on the map once you have voted" in body


def test_the_refresh_marks_a_remembered_voter(client):
    conversation, _, people = two_camps()
    person, voter = people[0]
    client.force_login(person)
    client.get(conversation.get_absolute_url())  # remembers the voter in the session
    partial = client.get(conversation.get_absolute_url(), headers={"HX-Request": "true"})
    assert partial.context["map"]["here"]["group"]


def test_bars_share_agreed_disagreed_passed_overall_and_by_group(client):
    conversation, _, people = two_camps()
    client.force_login(people[0][0])
    response = client.get(conversation.get_absolute_url())
    voted = {row["statement"].text: row for row in response.context["map"]["voted"]}
    shared = voted["Statement number 0"]
    assert shared["overall"]["agree"] == 100 and shared["overall"]["n"] == 20
    assert [g["agree"] for g in shared["groups"]] == [100, 100]
    split = next(row for text, row in voted.items() if text != "Statement number 0")
    assert split["overall"] == {**split["overall"], "agree": 50, "disagree": 50, "pass": 0}
    assert sorted(g["agree"] for g in split["groups"]) == [0, 100]
    assert sum(g["n"] for g in split["groups"]) == 20
    body = response.content.decode()
    assert "agreed 100%" in body and "disagreed 0%" in body and "passed 0%" in body
    assert 'class="stacked-bar"' in body and 'aria-hidden="true"' in body
    # Every figure beside the representative statements says what it is.
    assert "voted on the statement, the share who took this view" in body


def test_every_statement_has_bars_on_the_statements_page(client):
    conversation, _, people = two_camps()
    late = Statement.objects.create(conversation=conversation, text="Arrived after the map")
    client.force_login(people[0][0])
    response = client.get(reverse("conversations:results", args=[conversation.pk]))
    assert response.status_code == 200
    rows = response.context["rows"]
    assert [r["statement"].text for r in rows] == [*STATEMENTS, late.text]
    assert all(len(r["groups"]) == 2 for r in rows[:-1])
    assert "overall" not in rows[-1]
    body = response.content.decode()
    assert "Not on the map yet" in body
    map_page = client.get(conversation.get_absolute_url()).content.decode()
    assert reverse("conversations:results", args=[conversation.pk]) in map_page


def test_the_room_view_is_large_and_refreshes_itself(client):
    conversation, organiser, _ = two_camps()
    client.force_login(organiser)
    url = reverse("conversations:room", args=[conversation.pk])
    assert url in client.get(conversation.get_absolute_url()).content.decode()
    body = client.get(url).content.decode()
    assert 'hx-trigger="every 5s"' in body and 'viewBox="0 0 640' in body
    assert "<button" not in body and "<form" not in body  # no controls on the projector
    assert "Group A" in body and "Group B" in body
    partial = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert "<html" not in partial and 'id="room-map"' in partial


def test_the_room_view_before_any_map(client):
    organiser = MembershipFactory(role=Role.ORGANISER)
    conversation = services.open_conversation(
        coalition=organiser.coalition, question="Q", seed_statements=["A", "B"]
    )
    client.force_login(organiser.person)
    body = client.get(reverse("conversations:room", args=[conversation.pk])).content.decode()
    assert "The map appears once people have voted." in body


def test_map_updated_reads_just_now_then_minutes(client):
    conversation, organiser, _ = two_camps()
    client.force_login(organiser)
    body = client.get(conversation.get_absolute_url()).content.decode()
    assert "Map updated just now" in body and "0 minutes" not in body
    Conversation.objects.filter(pk=conversation.pk).update(
        map_computed_at=timezone.now() - timedelta(minutes=5)
    )
    body = client.get(conversation.get_absolute_url()).content.decode()
    assert "Map updated 5" in body and "just now" not in body


def test_times_show_in_the_workshops_zone(client):
    organiser = MembershipFactory(role=Role.ORGANISER)
    workshop = WorkshopFactory(coalition=organiser.coalition, time_zone="America/New_York")
    opens = datetime(2026, 7, 1, 13, 30, tzinfo=ZoneInfo("UTC"))
    conversation = services.open_conversation(
        coalition=organiser.coalition,
        workshop=workshop,
        question="Q",
        seed_statements=["A", "B"],
        opens_at=opens,
        closes_at=opens + timedelta(hours=2),
    )
    client.force_login(organiser.person)
    body = client.get(conversation.get_absolute_url()).content.decode()
    # 13:30 UTC is 09:30 in New York in July.
    assert re.search(r"Opens [^<]*9:30", body) and "times in America/New_York" in body
    assert "13:30" not in body


def test_the_form_reads_times_in_the_workshops_zone():
    organiser = MembershipFactory(role=Role.ORGANISER)
    workshop = WorkshopFactory(coalition=organiser.coalition, time_zone="Europe/London")
    form = ConversationForm(
        {
            "question": "Q",
            "workshop": workshop.pk,
            "moderation": "pre",
            "statement_max_length": "280",
            "opens_at": "2026-07-01T10:00",
        },
        coalition=organiser.coalition,
    )
    assert form.is_valid(), form.errors
    # 10:00 in London in summer (BST) is 09:00 UTC.
    assert form.cleaned_data["opens_at"] == datetime(2026, 7, 1, 9, 0, tzinfo=ZoneInfo("UTC"))


def test_new_conversations_hold_statements_for_moderation_by_default(client):
    organiser = MembershipFactory(role=Role.ORGANISER)
    client.force_login(organiser.person)
    form = client.get(reverse("conversations:create", args=[organiser.coalition.slug]))
    assert re.search(r'value="pre"[^>]*checked', form.content.decode())
    conversation = services.open_conversation(
        coalition=organiser.coalition, question="Q", seed_statements=["A"]
    )
    assert conversation.moderation == Conversation.Moderation.PRE
    voter = services.voter_for(conversation, guest=GuestFactory())
    added = services.add_statement(voter, "Mine")
    assert added.status == Statement.Status.PENDING
    # A conversation that chose statements at once keeps it.
    open_now = services.open_conversation(
        coalition=organiser.coalition, question="Q2", seed_statements=["A"], moderation="post"
    )
    other = services.voter_for(open_now, guest=GuestFactory())
    assert services.add_statement(other, "Mine").status == Statement.Status.ACCEPTED


def test_plain_words_on_the_map_page(client):
    conversation, _, people = two_camps()
    client.force_login(people[0][0])
    body = client.get(conversation.get_absolute_url()).content.decode()
    for word in ("Mean x", "Mean y", "silhouette", "k-means", "seed"):
        assert word.lower() not in body.lower()
    # Statements go by their text, never by a number.
    assert re.search(r"<th scope=\"row\">Statement number \d</th>", body)
    assert not re.search(r"[Ss]tatement \d", body)


# Pure pieces ----------------------------------------------------------------------------------


def test_vote_shares_round_each_share_and_survive_no_votes():
    assert {k: v for k, v in vote_shares(2, 1, 0).items() if k != "bar"} == {
        "n": 3,
        "agree": 67,
        "disagree": 33,
        "pass": 0,
    }
    assert vote_shares(0, 0, 0)["agree"] == 0


def test_scatter_rings_the_marked_point_and_names_the_groups():
    svg = scatter(
        title="Map",
        description="d",
        points=[(0.0, 0.0, 0), (1.0, 1.0, 1), (0.9, 1.1, 1)],
        series_names=["Group A", "Group B"],
        marked=(1.0, 1.0),
        marked_label="You are here",
        label_series=True,
    )
    assert svg.count('class="marked"') == 1 and "You are here</text>" in svg
    assert svg.count('font-weight="bold" font-size="15"') == 2
    plain = scatter(title="Map", description="d", points=[(0, 0, 0)], series_names=["Group A"])
    assert "marked" not in plain


def test_stacked_bar_lengths_follow_the_shares():
    svg = stacked_bar([("agree", 0.5), ("disagree", 0.25), ("pass", 0.25)], width=200)
    assert 'width="100.0"' in svg and svg.count('width="50.0"') == 2


@pytest.mark.parametrize(
    ("counts", "expected"),
    [
        ((1, 1, 1), (34, 33, 33)),  # three thirds still add up to everyone
        ((2, 1, 0), (67, 33, 0)),
        ((1, 0, 0), (100, 0, 0)),
        ((0, 0, 0), (0, 0, 0)),  # nobody voted: nothing to add up
        ((5, 5, 3), (39, 38, 23)),  # a tie goes to the first: agree
    ],
)
def test_agree_disagree_and_pass_add_up_to_everyone_who_voted(counts, expected):
    from coproduce.conversations.presenting import vote_shares

    shares = vote_shares(*counts)
    assert (shares["agree"], shares["disagree"], shares["pass"]) == expected
