"""Pages that refresh themselves every few seconds stay cheap: a participant's café page, the
facilitator's conversation map and the workshop's participation counts run a few queries that
do not grow with the room, write nothing (not even the session), and read what the worker
stored. Vote pages never load the map. The report editor gathers the workshop once, writes
nothing when read, numbers versions without racing, and keys its files by everything it shows.
"""

import contextlib
import threading

import pytest
from concurrency import at_once
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from factories import GuestFactory, MembershipFactory, RegistrationFactory, WorkshopFactory

from coproduce.cafe import rounds
from coproduce.cafe import services as cafe_services
from coproduce.cafe.models import Cafe, Note
from coproduce.coalitions.models import Role
from coproduce.conversations import services as conversation_services
from coproduce.conversations.maps import compute_map
from coproduce.conversations.models import Conversation, Vote
from coproduce.reports import services as report_services
from coproduce.reports import views as report_views
from coproduce.reports.gather import fingerprint
from coproduce.reports.models import ReportVersion, WorkshopReport
from coproduce.workshops import demo
from coproduce.workshops.models import AgendaItem, AgendaQuestion, Workshop

pytestmark = pytest.mark.django_db

POLL = {"HX-Request": "true"}
WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")


def writes(captured) -> list[str]:
    return [q["sql"] for q in captured if q["sql"].lstrip().upper().startswith(WRITES)]


def poll(client, url, **params):
    """One refresh as htmx sends it: the queries it ran, and the response."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params, headers=POLL)
    assert response.status_code == 200
    body = response.content.decode()
    assert "<html" not in body  # the fragment alone
    assert writes(captured) == []
    assert settings.SESSION_COOKIE_NAME not in response.cookies  # the session was not saved
    return captured, response


# The café: a participant's page asks every 4 s where to sit ---------------------------------


def seated_cafe(people: int, tables: int, notes: int):
    organiser = MembershipFactory(role=Role.ORGANISER)
    workshop = WorkshopFactory(coalition=organiser.coalition)
    item = AgendaItem.objects.create(workshop=workshop, title="Café", kind="world_cafe", minutes=60)
    AgendaQuestion.objects.create(agenda_item=item, label="POLICY", text="Who owns the plan?")
    sectors = ["research", "residents", "civil_society", "local_government"]
    for i in range(people):
        RegistrationFactory(workshop=workshop, sector=sectors[i % len(sectors)])
    cafe = cafe_services.cafe_for(item)
    cafe.tables.all().delete()
    cafe_services.add_tables(cafe, tables, capacity=people // tables + 1)
    cafe_services.make_plan(cafe)
    cafe.refresh_from_db()
    cafe_services.advance_round(cafe)
    table = cafe.tables.first()
    Note.objects.bulk_create(
        Note(cafe=cafe, table=table, round_number=1, text=f"Note {i}") for i in range(notes)
    )
    return cafe


def test_a_participants_cafe_poll_is_a_few_queries_however_big_the_cafe(client):
    counts = []
    for people, tables, notes in ((8, 2, 2), (60, 12, 200)):
        cafe = seated_cafe(people, tables, notes)
        participant = cafe.participants.first()
        client.post(participant.get_absolute_url())  # "Continue as ...?" yes
        mine = reverse("cafe:mine", args=[cafe.pk])
        assert client.get(mine).status_code == 200  # the whole page once
        captured, response = poll(client, mine)
        table = participant.seats.get(round_number=1).table
        assert f"Round 1 of 3 – go to {table.name}" in response.content.decode()
        counts.append(len(captured))
    assert counts[0] == counts[1] <= 6


def test_an_unchanged_cafe_card_is_not_sent_again(client):
    """The phone's browser revalidates its last card: 304 until the round or the plan moves."""
    cafe = seated_cafe(8, 2, 0)
    participant = cafe.participants.first()
    client.post(participant.get_absolute_url())
    mine = reverse("cafe:mine", args=[cafe.pk])
    _, first = poll(client, mine)
    tag = first["ETag"]
    assert "no-cache" in first["Cache-Control"] and "private" in first["Cache-Control"]
    with CaptureQueriesContext(connection) as captured:
        again = client.get(mine, headers={**POLL, "If-None-Match": tag})
    assert again.status_code == 304 and again.content == b""
    # The session and the person: the café itself was kept from the poll before.
    assert len(captured) <= 2 and writes(captured) == []

    cafe_services.advance_round(cafe)  # round 2: the card says where to go now
    moved = client.get(mine, headers={**POLL, "If-None-Match": tag})
    assert moved.status_code == 200 and "Round 2" in moved.content.decode()

    cafe_services.mark_changed(cafe)  # a new plan or set-up
    replanned = client.get(mine, headers={**POLL, "If-None-Match": moved["ETag"]})
    assert replanned.status_code == 200

    rounds.pause(Cafe.objects.get(pk=cafe.pk), expected_round=2)  # the clock stops
    paused = client.get(mine, headers={**POLL, "If-None-Match": replanned["ETag"]})
    assert paused.status_code == 200 and "data-clock-paused" in paused.content.decode()


def test_a_cafe_poll_from_someone_no_longer_in_it_reloads_the_page_once(client):
    cafe = seated_cafe(8, 2, 0)
    participant = cafe.participants.first()
    client.post(participant.get_absolute_url())
    participant.registration.status = "cancelled"
    participant.registration.save()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("cafe:mine", args=[cafe.pk]), headers=POLL)
    # Not the workshop page swapped into the card, nor a message saved every 4 s.
    assert response["HX-Redirect"] == reverse("cafe:mine", args=[cafe.pk])
    assert writes(captured) == []


# A conversation: the facilitator's map refreshes every 5 s ----------------------------------


def voted_conversation(voters: int, statements: int):
    organiser = MembershipFactory(role=Role.ORGANISER)
    conversation = conversation_services.open_conversation(
        coalition=organiser.coalition,
        question="How should the city be coproduced?",
        seed_statements=[f"Statement number {i}" for i in range(statements)],
    )
    ids = list(conversation.statements.values_list("pk", flat=True))
    for i in range(voters):
        voter = conversation_services.voter_for(conversation, guest=GuestFactory())
        for j, statement in enumerate(ids):
            conversation_services.cast_vote(voter, statement, 1 if (i % 2) == (j % 2) else -1)
    compute_map(conversation)
    return conversation, organiser.person


def test_the_conversation_poll_reads_the_figures_the_worker_stored(client):
    counts = []
    for voters, statements in ((4, 4), (40, 30)):
        conversation, organiser = voted_conversation(voters, statements)
        client.force_login(organiser)
        captured, response = poll(client, conversation.get_absolute_url())
        sql = " ".join(q["sql"] for q in captured)
        assert '"conversations_vote"' not in sql  # no vote is counted or read
        shown = response.context["figures"]
        assert (
            shown["votes"]
            == voters * statements
            == Vote.objects.filter(conversation=conversation).count()
        )
        assert shown["visitors"] == voters and shown["statements"] == statements
        assert 'hx-trigger="every 5s"' in response.content.decode()
        counts.append(len(captured))
    assert counts[0] == counts[1] <= 7


def test_new_votes_reach_the_poll_with_the_next_map():
    conversation, _organiser = voted_conversation(4, 4)
    voter = conversation_services.voter_for(conversation, guest=GuestFactory())
    conversation_services.cast_vote(voter, conversation.statements.first().pk, 1)
    conversation.refresh_from_db()
    assert conversation.map_figures["votes"] == 16  # the stored map's figures, until...
    compute_map(conversation)  # ...the worker makes the next map
    conversation.refresh_from_db()
    assert conversation.map_figures["votes"] == 17 and conversation.map_figures["voters"] == 5


def test_vote_pages_never_load_the_map(client):
    conversation, _organiser = voted_conversation(6, 5)
    favourite = conversation.statements.order_by("pk").last()
    # The worker's routing priorities, stored beside the map: one statement gets all weight.
    Conversation.objects.filter(pk=conversation.pk).update(
        map_priorities={str(s): (1.0 if s == favourite.pk else 0.0) for s in _ids(conversation)}
    )
    client.post(
        reverse("conversations:join", args=[conversation.join_code]),
        {"display_name": "Ana", "sector": "residents"},
    )
    url = reverse("conversations:vote", args=[conversation.pk])
    with CaptureQueriesContext(connection) as page:
        response = client.get(url)
    assert response.context["statement"] == favourite
    with CaptureQueriesContext(connection) as vote:
        client.post(url, {"statement": favourite.pk, "value": "1"}, headers=POLL)
    for captured in (page, vote):
        sql = " ".join(q["sql"] for q in captured)
        assert "conversations_conversation" in sql  # the conversation was read...
        assert "map_data" not in sql and "map_state" not in sql  # ...without its map


def _ids(conversation) -> list[int]:
    return list(conversation.statements.values_list("pk", flat=True))


# The workshop page: the participation counts refresh every 10 s -----------------------------


def test_the_participation_poll_runs_only_its_own_queries(client):
    counts = []
    for registrations in (5, 300):
        organiser = MembershipFactory(role=Role.ORGANISER)
        workshop = WorkshopFactory(coalition=organiser.coalition)
        RegistrationFactory.create_batch(registrations, workshop=workshop)
        client.force_login(organiser.person)
        captured, response = poll(client, workshop.get_absolute_url(), part="participation")
        body = response.content.decode()
        assert f"{registrations} registered, 0 attended" in body and 'id="participation"' in body
        counts.append(len(captured))
    assert counts[0] == counts[1] <= 5


# The report editor ---------------------------------------------------------------------------


@pytest.fixture
def demo_workshop(settings) -> Workshop:
    settings.CAFE_SOLVER_SECONDS = 1.0
    demo.load_demo()
    return Workshop.objects.get(slug=demo.WORKSHOP_SLUG)


def test_the_report_editor_gathers_once_and_writes_nothing(client, demo_workshop, monkeypatch):
    from coproduce.reports import rendering
    from coproduce.reports.sections import workshop_sections

    gathered = []

    def counting(real):
        def gather(workshop):
            gathered.append(workshop.pk)
            return real(workshop)

        return gather

    monkeypatch.setattr(report_views, "gather", counting(report_views.gather))
    monkeypatch.setattr(rendering, "gather", counting(rendering.gather))
    client.force_login(demo_workshop.coalition.memberships.get(role=Role.ORGANISER).person)
    versions = ReportVersion.objects.count()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("reports:edit", args=[demo_workshop.slug]))
    assert response.status_code == 200
    assert "What does coproducing the city mean to you?" in response.content.decode()
    assert gathered == [demo_workshop.pk]
    assert writes(captured) == [] and ReportVersion.objects.count() == versions
    # The sections later capabilities add (the charter, an assessment) read what they need
    # once; the page's own reading stays within 30 (55 when it gathered twice).
    with CaptureQueriesContext(connection) as contributed:
        workshop_sections(demo_workshop)
    assert len(captured) <= 30 + len(contributed)


def test_replanning_the_cafe_changes_the_report_files_key():
    cafe = seated_cafe(8, 2, 0)
    workshop = cafe.workshop
    before = fingerprint(workshop)
    assert fingerprint(workshop) == before  # nothing changed, nothing to remake
    cafe_services.make_plan(cafe, seed=1)  # who met whom may differ now
    assert fingerprint(workshop) != before


def test_new_themes_and_a_new_map_change_the_report_files_key():
    conversation, _organiser = voted_conversation(4, 4)
    workshop = WorkshopFactory(coalition=conversation.coalition)
    Conversation.objects.filter(pk=conversation.pk).update(workshop=workshop)
    before = fingerprint(workshop)
    compute_map(conversation)
    after_map = fingerprint(workshop)
    report = report_services.report_for(workshop)
    report.themes = {"questions": {}, "method": "", "edited": False}
    report.themes_changed_at = conversation.created_at
    report.save()
    assert len({before, after_map, fingerprint(workshop)}) == 3


@pytest.mark.django_db(transaction=True)
def test_two_organisers_saving_at_once_share_one_new_draft(monkeypatch):
    """Both ask for the draft at the same moment. Each thread, once it has worked out the
    draft's number, waits a moment for the other to do the same; when the report's lock holds
    the other back, the wait runs out, and the second finds the first's draft."""
    workshop = WorkshopFactory()
    report = report_services.report_for(workshop)
    first = report_services.draft_of(report)
    report_services.publish(first, visibility="public", html="<p>v1</p>")
    numbered = threading.Barrier(2, timeout=1.0)
    real_preview = report_services.draft_preview

    def preview_then_wait(*args, **kwargs):
        draft = real_preview(*args, **kwargs)
        # Broken when the other thread is held by the lock: nothing more to wait for.
        with contextlib.suppress(threading.BrokenBarrierError):
            numbered.wait()
        return draft

    monkeypatch.setattr(report_services, "draft_preview", preview_then_wait)
    drafts, errors = [], []

    def save_draft(_):
        try:
            drafts.append(report_services.draft_of(WorkshopReport.objects.get(pk=report.pk)).pk)
        except Exception as error:  # an IntegrityError when both numbered the same draft
            errors.append(error)
        finally:
            connection.close()

    at_once(save_draft, 1, 2)
    assert errors == []
    assert len(set(drafts)) == 1
    assert list(report.versions.order_by("number").values_list("number", "published_at")) == [
        (1, first.published_at),
        (2, None),
    ]


def test_publishing_a_draft_twice_says_it_is_published():
    workshop = WorkshopFactory()
    draft = report_services.draft_of(report_services.report_for(workshop))
    stale = ReportVersion.objects.get(pk=draft.pk)  # another organiser's copy, read earlier
    report_services.publish(draft, visibility="public", html="<p>first</p>")
    with pytest.raises(report_services.ReportError):
        report_services.publish(stale, visibility="members", html="<p>second</p>")
    assert ReportVersion.objects.get(pk=draft.pk).snapshot_html == "<p>first</p>"
