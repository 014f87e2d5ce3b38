"""Conversations in the platform: opening, taking part, voting, moderation, map, Pol.is files."""

import csv
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from factories import CoalitionFactory, GuestFactory, MembershipFactory, PersonFactory

from coproduce.coalitions.models import Role, Visibility
from coproduce.conversations import services
from coproduce.conversations.maps import compute_map
from coproduce.conversations.models import Conversation, ModerationEntry, Statement, Vote, Voter
from coproduce.conversations.polis import export_polis, import_polis
from coproduce.conversations.selectors import figures
from coproduce.jobs.models import Job

pytestmark = pytest.mark.django_db

# Five real Pol.is conversations, copied into the repository (see its README there).
POLIS = Path(__file__).resolve().parents[1] / "data" / "polis-opendata"


@pytest.fixture(autouse=True)
def _maps_at_once(settings):
    settings.OPINION_MAP_DELAY_SECONDS = 0


def open_conversation(visibility=Visibility.PUBLIC, statements=6, **fields):
    organiser = MembershipFactory(role=Role.ORGANISER, coalition__visibility=visibility)
    conversation = services.open_conversation(
        coalition=organiser.coalition,
        question="How should the city be coproduced?",
        seed_statements=[f"Statement number {i}" for i in range(statements)],
        **fields,
    )
    return conversation, organiser.person


def take_part(client, conversation, person=None):
    """Log in as someone (a new person by default) and take part: the POST that makes a voter."""
    client.force_login(person or PersonFactory())
    client.post(reverse("conversations:take_part", args=[conversation.pk]))


def test_opening_with_pasted_and_uploaded_seed_statements(client):
    organiser = MembershipFactory(role=Role.ORGANISER)
    client.force_login(organiser.person)
    upload = SimpleUploadedFile("seed.csv", b"statement\nFrom the file\n,\nPasted once\n")
    data = {
        "question": "What next?",
        "moderation": "post",
        "allow_statements": "on",
        "statement_max_length": "280",
        "seed_text": "Pasted once\n\nPasted twice",
        "seed_file": upload,
    }
    response = client.post(reverse("conversations:create", args=[organiser.coalition.slug]), data)
    conversation = Conversation.objects.get()
    assert response["Location"] == conversation.get_absolute_url()
    assert list(conversation.statements.values_list("text", flat=True)) == [
        "Pasted once",
        "Pasted twice",
        "From the file",
    ]


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"seed_text": "x" * 300}, "seed_text", "Line 1 has 300 characters"),
        ({"statement_max_length": "5"}, "statement_max_length", "Between 20"),
        (
            {"opens_at": "2031-01-02T10:00", "closes_at": "2031-01-01T10:00"},
            "closes_at",
            "close after it opens",
        ),
        ({"question": ""}, "question", "required"),
    ],
)
def test_broken_conversation_form_names_the_field(client, data, field, message):
    organiser = MembershipFactory(role=Role.ORGANISER)
    client.force_login(organiser.person)
    base = {"question": "Q", "moderation": "post", "statement_max_length": "280"}
    response = client.post(
        reverse("conversations:create", args=[organiser.coalition.slug]), {**base, **data}
    )
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert not Conversation.objects.exists()


def test_guest_joins_with_code_and_votes_one_statement_at_a_time(client):
    conversation, _ = open_conversation(statements=3)
    response = client.post(
        reverse("conversations:join", args=[conversation.join_code]),
        {"display_name": "Ria", "sector": "residents"},
    )
    assert response["Location"] == reverse("conversations:vote", args=[conversation.pk])
    seen = set()
    for _ in range(3):
        page = client.get(reverse("conversations:vote", args=[conversation.pk]))
        statement = page.context["statement"]
        assert statement.pk not in seen
        seen.add(statement.pk)
        client.post(
            reverse("conversations:vote", args=[conversation.pk]),
            {"statement": statement.pk, "value": "1"},
        )
    page = client.get(reverse("conversations:vote", args=[conversation.pk]))
    assert page.context["statement"] is None and (page.context["done"], page.context["total"]) == (
        3,
        3,
    )
    assert "You have voted on every statement" in page.content.decode()
    voter = Voter.objects.get()
    assert (voter.display_name, voter.sector) == ("Ria", "residents")


def test_changing_a_vote_keeps_one_row_and_the_latest_value(client):
    conversation, _ = open_conversation()
    take_part(client, conversation)
    statement = conversation.statements.first()
    url = reverse("conversations:vote", args=[conversation.pk])
    for value in ("1", "-1", "0", "-1"):
        client.post(url, {"statement": statement.pk, "value": value})
    assert list(Vote.objects.values_list("value", flat=True)) == [-1]
    client.post(
        reverse("conversations:change_vote", args=[conversation.pk]),
        {"statement": statement.pk, "value": "1"},
    )
    assert list(Vote.objects.values_list("value", flat=True)) == [1]


@pytest.mark.parametrize(
    ("statement", "value"), [("999999", "1"), ("first", "2"), ("first", "agree"), ("", "1")]
)
def test_bad_votes_are_refused_and_change_nothing(client, statement, value):
    conversation, _ = open_conversation()
    take_part(client, conversation)
    sid = conversation.statements.first().pk if statement == "first" else statement
    response = client.post(
        reverse("conversations:vote", args=[conversation.pk]),
        {"statement": sid, "value": value},
        follow=True,
    )
    assert response.status_code == 200
    assert not Vote.objects.exists()


def test_votes_need_an_open_conversation(client):
    from django.utils import timezone

    conversation, _ = open_conversation(closes_at=timezone.now())
    take_part(client, conversation)
    response = client.post(
        reverse("conversations:vote", args=[conversation.pk]),
        {"statement": conversation.statements.first().pk, "value": "1"},
        follow=True,
    )
    assert "not open for votes" in response.content.decode()
    assert not Vote.objects.exists()


def test_participants_add_statements_within_the_limits(client):
    conversation, _ = open_conversation(statement_max_length=40, moderation="pre")
    take_part(client, conversation)
    url = reverse("conversations:add_statement", args=[conversation.pk])
    client.post(url, {"text": "Parks need people's budgets"})
    added = Statement.objects.get(text="Parks need people's budgets")
    assert added.status == Statement.Status.PENDING
    response = client.post(url, {"text": "x" * 41}, follow=True)
    assert "at most 40 characters" in response.content.decode()
    response = client.post(url, {"text": "parks NEED people's budgets"}, follow=True)
    assert "already in the conversation" in response.content.decode()
    assert conversation.statements.count() == 7


def test_moderation_is_logged_and_rejected_statements_leave_the_map(client):
    conversation, organiser = open_conversation(statements=8)
    people = [services.voter_for(conversation, guest=GuestFactory()) for _ in range(12)]
    statements = list(conversation.statements.all())
    for i, voter in enumerate(people):
        for j, statement in enumerate(statements):
            services.cast_vote(voter, statement.pk, 1 if (i < 6) == (j % 2 == 0) else -1)
    compute_map(conversation)
    conversation.refresh_from_db()
    assert conversation.map_data["k"] >= 2
    client.force_login(organiser)
    target = statements[0]
    client.post(
        reverse("conversations:moderate_statement", args=[conversation.pk, target.pk]),
        {"action": "reject"},
    )
    client.post(
        reverse("conversations:moderate_voter", args=[conversation.pk, people[0].pk]),
        {"excluded": "1"},
    )
    entries = list(ModerationEntry.objects.values_list("action", "actor"))
    assert sorted(entries) == [("exclude", organiser.pk), ("reject", organiser.pk)]
    compute_map(conversation)
    conversation.refresh_from_db()
    in_maths = {s["id"] for s in conversation.map_data["statements"] if s["in_maths"]}
    assert target.pk not in in_maths
    assert people[0].pk not in {p["id"] for p in conversation.map_data["participants"]}
    page = client.get(reverse("conversations:moderate", args=[conversation.pk])).content.decode()
    assert "rejected a statement" in page


def test_map_page_shows_groups_consensus_and_sector_lens(client):
    conversation, organiser = open_conversation(statements=10)
    sectors = ["local_government", "research"]
    for i in range(20):
        voter = services.voter_for(conversation, guest=GuestFactory(sector=sectors[i % 2]))
        for j, statement in enumerate(conversation.statements.all()):
            value = 1 if j == 0 else (1 if (i % 2 == 0) == (j % 2 == 0) else -1)
            services.cast_vote(voter, statement.pk, value)
    compute_map(conversation)
    client.force_login(organiser)
    response = client.get(conversation.get_absolute_url())
    view = response.context["map"]
    assert view["k"] == 2 and sum(g["size"] for g in view["groups"]) == 20
    assert view["common_agree"][0]["statement"].text == "Statement number 0"
    assert view["common_agree"][0]["figure"] == "100% agree; at least 100% in each group"
    assert len(view["sectors"]["rows"]) == 2
    body = response.content.decode()
    assert "Opinion map" in body and "Statements that split the sectors most" in body
    # On a phone the header row is hidden: each figure carries its column's name.
    assert 'data-label="In the group"' in body and 'data-label="Everyone else"' in body
    partial = client.get(
        conversation.get_absolute_url(), headers={"HX-Request": "true"}
    ).content.decode()
    assert 'hx-trigger="every 5s"' in partial and "<html" not in partial


def test_one_participant_says_why_there_are_no_groups_yet(client):
    conversation, organiser = open_conversation()
    voter = services.voter_for(conversation, guest=GuestFactory())
    services.cast_vote(voter, conversation.statements.first().pk, 1)
    client.force_login(organiser)
    assert (
        "The map appears once people have voted."
        in client.get(conversation.get_absolute_url()).content.decode()
    )
    compute_map(conversation)
    body = client.get(conversation.get_absolute_url()).content.decode()
    assert "No opinion groups yet:" in body
    assert "only one participant has voted" in body
    client.cookies["django_language"] = "es"
    body = client.get(conversation.get_absolute_url()).content.decode()
    assert "solo ha votado una persona" in body


@pytest.mark.parametrize(
    "name", ["15-per-hour-seattle", "brexit-consensus", "london.youth.policing"]
)
def test_polis_import_matches_summary_and_exports_back_the_same(tmp_path, name):
    folder = POLIS / name
    coalition = CoalitionFactory()
    conversation = import_polis(folder, coalition=coalition)
    summary = dict(row for row in csv.reader((folder / "summary.csv").open()) if len(row) == 2)
    shown = figures(conversation)
    # Pol.is counts those who voted; an author who never voted is a voter without votes here.
    voted = conversation.voters.filter(votes__isnull=False).distinct().count()
    assert voted == int(summary["voters"])
    assert shown["visitors"] == conversation.voters.count()
    # Pol.is counts the statements somebody voted on (London has 3 more, never voted on).
    assert shown["statements_voted_on"] == int(summary["comments"])
    assert conversation.question == summary["topic"]
    export_polis(conversation, tmp_path / "out")
    again = import_polis(tmp_path / "out", coalition=coalition)
    assert again.question == conversation.question
    assert again.voters.count() == conversation.voters.count()

    def cells(conv):
        return sorted(
            Vote.objects.filter(conversation=conv).values_list(
                "voter__polis_id", "statement__polis_id", "value"
            )
        )

    assert cells(again) == cells(conversation)
    assert sorted(again.statements.values_list("polis_id", "text", "status", "is_meta")) == sorted(
        conversation.statements.values_list("polis_id", "text", "status", "is_meta")
    )


def test_polis_import_of_a_broken_folder_saves_nothing(tmp_path):
    (tmp_path / "votes.csv").write_text(
        "timestamp,datetime,comment-id,voter-id,vote\n1,x,0,1,1\n2,x,0,2,7\n"
    )
    (tmp_path / "comments.csv").write_text(
        "timestamp,datetime,comment-id,author-id,agrees,disagrees,moderated,comment-body\n1,x,0,1,1,0,1,Hello\n"
    )
    with pytest.raises(CommandError, match="votes.csv"):
        call_command("import_polis", str(tmp_path), coalition=CoalitionFactory().slug)
    assert not Conversation.objects.exists() and not Vote.objects.exists()


def test_export_job_makes_a_zip(client):
    conversation, organiser = open_conversation()
    client.force_login(organiser)
    client.post(reverse("conversations:export", args=[conversation.pk]))
    job = Job.objects.get()
    assert job.status == "done", job.error
    assert job.file.read(2) == b"PK"


@pytest.mark.parametrize("name", ["detail", "moderate"])
def test_private_conversation_pages(client, name):
    conversation, _ = open_conversation(visibility=Visibility.PRIVATE)
    url = reverse(f"conversations:{name}", args=[conversation.pk])
    client.force_login(PersonFactory())
    assert client.get(url).status_code == 404
    client.force_login(MembershipFactory(coalition=conversation.coalition, role=Role.MEMBER).person)
    assert client.get(url).status_code == (200 if name == "detail" else 403)


def test_member_cannot_moderate_and_nothing_changes(client):
    conversation, _ = open_conversation(visibility=Visibility.PRIVATE)
    statement = conversation.statements.first()
    client.force_login(
        MembershipFactory(coalition=conversation.coalition, role=Role.OBSERVER).person
    )
    url = reverse("conversations:moderate_statement", args=[conversation.pk, statement.pk])
    assert client.post(url, {"action": "reject"}).status_code == 403
    assert client.post(reverse("conversations:export", args=[conversation.pk])).status_code == 403
    statement.refresh_from_db()
    assert (
        statement.status == "accepted"
        and not ModerationEntry.objects.exists()
        and not Job.objects.exists()
    )


def test_guest_of_a_private_coalition_votes_through_the_code(client):
    conversation, _ = open_conversation(visibility=Visibility.PRIVATE)
    assert client.get(conversation.get_absolute_url()).status_code == 404
    client.post(
        reverse("conversations:join", args=[conversation.join_code]),
        {"display_name": "G", "sector": "other"},
    )
    assert client.get(conversation.get_absolute_url()).status_code == 200


def test_vote_post_runs_a_bounded_number_of_queries(client):
    conversation, _ = open_conversation(statements=30)
    take_part(client, conversation)
    url = reverse("conversations:vote", args=[conversation.pk])
    client.get(url)
    statements = list(conversation.statements.all())
    counts = []
    for statement in (statements[0], statements[20]):
        with CaptureQueriesContext(connection) as captured:
            client.post(url, {"statement": statement.pk, "value": "1"})
        counts.append(len(captured))
    # The second vote reuses the conversation the first one read (see views.VOTE_CACHE_SECONDS).
    assert counts[1] <= counts[0] <= 12


@pytest.mark.django_db(transaction=True)
def test_votes_schedule_one_map_a_few_seconds_later_in_the_worker(settings):
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }
    settings.OPINION_MAP_DELAY_SECONDS = 30
    conversation, _ = open_conversation(statements=3)
    before = timezone.now()
    for _ in range(4):
        voter = services.voter_for(conversation, guest=GuestFactory())
        for statement in conversation.statements.all():
            services.cast_vote(voter, statement.pk, 1)
    scheduled = DBTaskResult.objects.get(task_path__endswith="recompute_map")
    assert scheduled.run_after >= before + timezone.timedelta(seconds=29)
    conversation.refresh_from_db()
    assert conversation.map_data is None  # nothing computed inside the requests
    DBTaskResult.objects.update(run_after=timezone.now())  # let the clock run forward
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    conversation.refresh_from_db()
    assert conversation.map_votes == 12


def test_closing_reaches_votes_within_the_vote_cache_time(client, monkeypatch):
    from django.utils import timezone

    from coproduce.conversations import views
    from coproduce.core import recent

    clock = [1000.0]
    monkeypatch.setattr(recent.time, "monotonic", lambda: clock[0])
    conversation, _ = open_conversation()
    take_part(client, conversation)
    url = reverse("conversations:vote", args=[conversation.pk])
    first, second = conversation.statements.all()[:2]
    client.post(url, {"statement": first.pk, "value": "1"})
    Conversation.objects.filter(pk=conversation.pk).update(closes_at=timezone.now())
    clock[0] += views.VOTE_CACHE_SECONDS + 0.1
    response = client.post(url, {"statement": second.pk, "value": "1"}, follow=True)
    assert "not open for votes" in response.content.decode()
    assert Vote.objects.count() == 1


def test_a_private_vote_asks_who_may_take_part_once(client):
    """The door checks VIEW and then TAKE_PART, which asks VIEW again: decided once."""
    conversation, _ = open_conversation(visibility=Visibility.PRIVATE, statements=5)
    client.post(
        reverse("conversations:join", args=[conversation.join_code]),
        {"display_name": "G", "sector": "other"},
    )
    url = reverse("conversations:vote", args=[conversation.pk])
    with CaptureQueriesContext(connection) as captured:
        client.post(url, {"statement": conversation.statements.first().pk, "value": "1"})
    admitting = [q for q in captured if q["sql"].startswith("SELECT 1 AS")]
    assert len(admitting) == 1 and "conversations_voter" in admitting[0]["sql"]
    assert Vote.objects.count() == 1
