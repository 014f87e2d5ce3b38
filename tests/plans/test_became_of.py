"""What became of it, where people see what they said: under each harvest theme on the café's
harvest page and under each common-ground statement on the opinion map, the actions that took
it up (those the reader may see) or the reason an organiser recorded for taking it no further."""

import pytest
from cafe.test_notes_history import seated_cafe
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from factories import GuestFactory, MembershipFactory, OrganisationFactory, PersonFactory

from coproduce.cafe.models import Note
from coproduce.cafe.outcomes import themes_with_outcomes
from coproduce.coalitions.models import Role, Visibility
from coproduce.conversations import services as conversation_services
from coproduce.conversations.maps import compute_map
from coproduce.plans import became_of, services
from coproduce.plans.models import Kind, Status
from coproduce.plans.services import ActionDraft
from coproduce.reports.models import WorkshopReport

pytestmark = pytest.mark.django_db

TAKEN = "Pay residents for their time"
REASON = "<script>alert('x')</script> The council decides this, not us"


def _harvest(themes: int = 3, private: bool = False):
    """A café whose report has `themes` themes, in a coalition with a plan and an
    organiser; nothing answered yet."""
    cafe, table, people, _facilitator = seated_cafe()
    workshop = cafe.agenda_item.workshop
    coalition = workshop.coalition
    if private:
        coalition.visibility = Visibility.PRIVATE
        coalition.save()
    notes = [
        Note.objects.create(
            cafe=cafe, table=table, round_number=1, text=f"Note {i}", author=people["writer"]
        )
        for i in range(themes)
    ]
    raw = [
        {"id": i, "label": f"Theme number {i}", "note_ids": [note.pk], "example_id": note.pk}
        for i, note in enumerate(notes, start=1)
    ]
    report = WorkshopReport.objects.create(workshop=workshop, themes={"questions": {"none": raw}})
    charity = OrganisationFactory()
    coalition.organisations.add(charity)
    goal = services.add_goal(services.start_plan(coalition, title="Our plan"), title="Time")
    organiser = MembershipFactory(role=Role.ORGANISER, coalition=coalition).person
    writer = people["writer"].registration
    writer.person, writer.guest = PersonFactory(), None
    writer.save()
    return cafe, report, goal, charity, organiser, writer.person


def _act(goal, charity, title=TAKEN, progress=40):
    draft = ActionDraft(title=title, owners=[charity], status=Status.IN_PROGRESS, progress=progress)
    return services.add_action(goal, draft)


def _answered_harvest(private: bool = False):
    """Theme 1 taken up by an action in progress at 40%, theme 2 answered with a reason
    (with HTML in it), theme 3 not answered."""
    cafe, report, goal, charity, organiser, writer = _harvest(3, private=private)
    action = _act(goal, charity)
    services.link_source(action, Kind.THEME, report, theme=1)
    coalition = goal.plan.coalition
    services.record_no_action(coalition, Kind.THEME, report, REASON, by=organiser, theme=2)
    return cafe, report, action, organiser, writer


def _harvest_page(client, cafe) -> str:
    response = client.get(reverse("cafe:harvest", args=[cafe.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_the_harvest_page_says_what_became_of_each_theme(client):
    cafe, _report, action, _organiser, _writer = _answered_harvest()
    page = _harvest_page(client, cafe)  # anyone: the coalition is public
    assert "What became of the themes" in page
    assert "Theme number 1" in page and "Taken up by:" in page
    assert f'<a href="{reverse("plans:action", args=[action.coalition.slug, action.pk])}">' in page
    assert f"{TAKEN}</a> (in progress, 40%)" in page
    assert "Not taken up:" in page and "The council decides this, not us" in page
    # A theme nobody has answered may still be a draft: only those who run it see it.
    assert "Theme number 3" not in page and "Not answered yet" not in page


def test_html_in_a_reason_is_shown_as_text(client):
    cafe, _report, _action, _organiser, _writer = _answered_harvest()
    page = _harvest_page(client, cafe)
    assert "<script>alert" not in page
    assert "The council decides this, not us" in page


def test_an_organiser_is_asked_to_answer_what_has_no_answer(client):
    cafe, report, _action, organiser, _writer = _answered_harvest()
    client.force_login(organiser)
    page = _harvest_page(client, cafe)
    assert "Theme number 3" in page and "Not answered yet." in page
    answers = reverse("plans:answers", args=[report.workshop.coalition.slug])
    assert f'href="{answers}#theme-{report.pk}-3"' in page
    assert page.count("Not answered yet.") == 1  # themes 1 and 2 have their answer


def test_a_private_coalitions_action_is_not_named_to_someone_outside_it(client):
    cafe, _report, action, organiser, writer = _answered_harvest(private=True)
    client.force_login(writer)  # took part in the workshop, not a member of the coalition
    page = _harvest_page(client, cafe)
    assert "Note 0" in page  # they see the harvest itself
    assert TAKEN not in page
    assert reverse("plans:action", args=[action.coalition.slug, action.pk]) not in page
    assert "1 action of the coalition&#x27;s plan, which only its members can see" in page
    assert "The council decides this, not us" in page  # the answer is for who said it
    client.force_login(organiser)
    assert f"{TAKEN}</a> (in progress, 40%)" in _harvest_page(client, cafe)


def test_without_themes_the_harvest_page_is_as_before(client):
    cafe, _table, _people, facilitator = seated_cafe()
    client.force_login(facilitator)
    page = _harvest_page(client, cafe)
    assert "What became of the themes" not in page


def _count_queries(call, *args):
    """(how many queries the call made, what it returned)"""
    with CaptureQueriesContext(connection) as queries:
        found = call(*args)
    return len(queries), found


@pytest.mark.parametrize("private", [False, True])
def test_the_themes_cost_the_same_queries_however_many(private):
    counts = []
    for themes in (2, 30):
        cafe, report, goal, charity, organiser, writer = _harvest(themes, private=private)
        for number in range(1, themes + 1):
            action = _act(goal, charity, title=f"Action {number}", progress=number)
            services.link_source(action, Kind.THEME, report, theme=number)
        coalition = goal.plan.coalition
        services.record_no_action(coalition, Kind.THEME, report, "No", by=organiser, theme=1)
        for who in (organiser, writer):
            who = type(who).objects.get(pk=who.pk)  # fresh: no role remembered
            count, found = _count_queries(themes_with_outcomes, cafe, who)
            counts.append(count)
            assert len(found) == themes
    assert counts[:2] == counts[2:], counts


def test_the_harvest_page_costs_the_same_queries_however_many_themes(client):
    counts = []
    for themes in (2, 30):
        cafe, report, goal, charity, organiser, _writer = _harvest(themes)
        for number in range(1, themes + 1):
            action = _act(goal, charity, title=f"Action {number}", progress=number)
            services.link_source(action, Kind.THEME, report, theme=number)
        client.force_login(organiser)
        with CaptureQueriesContext(connection) as queries:
            page = _harvest_page(client, cafe)
        assert f"Action {themes}</a>" in page
        counts.append(len(queries))
    assert counts[0] == counts[1]


# -- the opinion map ------------------------------------------------------------------------


def _mapped(visibility=Visibility.PUBLIC):
    """A conversation of a workshop, whose map finds common ground on its first statement."""
    cafe, _report, goal, charity, organiser, writer = _harvest(1)
    coalition = goal.plan.coalition
    coalition.visibility = visibility
    coalition.save()
    conversation = conversation_services.open_conversation(
        coalition=coalition,
        question="How should the city be coproduced?",
        seed_statements=[f"Statement number {i}" for i in range(10)],
        workshop=cafe.agenda_item.workshop,
    )
    for i in range(20):
        voter = conversation_services.voter_for(conversation, guest=GuestFactory())
        for j, statement in enumerate(conversation.statements.order_by("pk")):
            value = 1 if j == 0 else (1 if (i % 2 == 0) == (j % 2 == 0) else -1)
            conversation_services.cast_vote(voter, statement.pk, value)
    compute_map(conversation)
    conversation.refresh_from_db()
    ground = conversation.map_data["common_ground"]
    shared = [item["statement"] for items in ground.values() for item in items]
    first = conversation.statements.get(text="Statement number 0")
    assert first.pk in shared
    return conversation, first, goal, charity, organiser, writer


@pytest.fixture
def _maps_at_once(settings):
    settings.OPINION_MAP_DELAY_SECONDS = 0


@pytest.mark.usefixtures("_maps_at_once")
def test_the_map_says_what_became_of_common_ground(client):
    conversation, first, goal, charity, organiser, _writer = _mapped()
    client.force_login(organiser)
    page = client.get(conversation.get_absolute_url()).content.decode()
    answers = reverse("plans:answers", args=[conversation.coalition.slug])
    assert f'href="{answers}#statement-{first.pk}"' in page  # nothing answered yet
    services.record_no_action(goal.plan.coalition, Kind.STATEMENT, first, REASON, by=organiser)
    page = client.get(conversation.get_absolute_url()).content.decode()
    assert "Not taken up:" in page and "The council decides this, not us" in page
    assert "<script>alert" not in page
    action = _act(goal, charity)
    services.link_source(action, Kind.STATEMENT, first)
    client.logout()
    page = client.get(conversation.get_absolute_url()).content.decode()
    assert f"{TAKEN}</a> (in progress, 40%)" in page
    assert reverse("plans:action", args=[action.coalition.slug, action.pk]) in page
    assert "Not taken up:" not in page  # an action answers it now
    # The organiser's copy refreshes itself: the refresh keeps the line.
    client.force_login(organiser)
    partial = client.get(conversation.get_absolute_url(), headers={"HX-Request": "true"})
    assert f"{TAKEN}</a> (in progress, 40%)" in partial.content.decode()


@pytest.mark.usefixtures("_maps_at_once")
def test_the_map_names_no_private_action_to_someone_outside_the_coalition(client):
    conversation, first, goal, charity, organiser, writer = _mapped(Visibility.PRIVATE)
    action = _act(goal, charity)
    services.link_source(action, Kind.STATEMENT, first)
    client.force_login(writer)  # registered for the workshop, not a member
    response = client.get(conversation.get_absolute_url())
    assert response.status_code == 200
    page = response.content.decode()
    assert "Statement number 0" in page
    assert TAKEN not in page
    assert "which only its members can see" in page
    client.force_login(organiser)
    assert TAKEN in client.get(conversation.get_absolute_url()).content.decode()


@pytest.mark.parametrize("private", [False, True])
def test_the_statements_cost_the_same_queries_however_many(private):
    from coproduce.conversations.outcomes import outcomes_for_statements

    cafe, _report, goal, charity, organiser, writer = _harvest(1, private=private)
    coalition = goal.plan.coalition
    conversation = conversation_services.open_conversation(
        coalition=coalition,
        question="What next?",
        seed_statements=[f"Statement {i}" for i in range(30)],
        workshop=cafe.agenda_item.workshop,
    )
    statements = list(conversation.statements.order_by("pk"))
    for statement in statements:
        action = _act(goal, charity, title=f"For {statement.text}")
        services.link_source(action, Kind.STATEMENT, statement)
    counts = []
    for size in (2, 30):
        ids = [s.pk for s in statements[:size]]
        for who in (organiser, writer):
            who = type(who).objects.get(pk=who.pk)
            count, found = _count_queries(outcomes_for_statements, conversation, ids, who)
            counts.append(count)
            assert len(found) == size
            named = sum(len(b.actions) for b in found.values())
            assert named == (0 if private and who == writer else size)
    assert counts[:2] == counts[2:], counts


def test_the_line_reads_status_and_progress_in_plain_words():
    taken = became_of.TakenUp(title="T", url="/", status="done", progress=100)
    assert taken.state == "done, 100%"
    assert not became_of.BecameOf()
    assert became_of.BecameOf(hidden=2).hidden_text.startswith("2 actions")
