"""The plan's pages: the coalition's plans, a plan with its goals, actions, filters and
timeline, an action with its owners, sources and updates, and the coalition page's panel."""

from datetime import timedelta

import pseudo
import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from factories import CoalitionFactory, MembershipFactory, OrganisationFactory, PersonFactory

from coproduce.coalitions.models import Role, Visibility
from coproduce.coalitions.permissions import Action as Do
from coproduce.coalitions.permissions import Visitor, can
from coproduce.conversations import services as conversation_services
from coproduce.plans import selectors, services
from coproduce.plans.models import Action, Kind, Ownership, Status, Update
from coproduce.plans.services import ActionDraft

pytestmark = pytest.mark.django_db

HOSTILE = '<script>alert("plan")</script>'


@pytest.fixture
def world():
    coalition = CoalitionFactory(visibility=Visibility.PUBLIC)
    council = OrganisationFactory(name="City Council")
    charity = OrganisationFactory(name="Residents' Trust")
    coalition.organisations.add(council, charity)
    organiser = MembershipFactory(coalition=coalition, role=Role.ORGANISER).person
    owner = MembershipFactory(
        coalition=coalition, person=PersonFactory(organisation=charity, full_name="Olu Owner")
    ).person
    member = MembershipFactory(
        coalition=coalition, person=PersonFactory(organisation=council)
    ).person
    plan = services.start_plan(coalition, title="Our plan", summary="**Bold** aims", by=organiser)
    goal = services.add_goal(plan, title="Decide together")
    today = timezone.localdate()
    late = services.add_action(
        goal,
        ActionDraft(
            title="Late action",
            owners=[charity],
            lead=owner,
            starts_on=today - timedelta(days=60),
            due_on=today - timedelta(days=3),
            status=Status.IN_PROGRESS,
            progress=30,
        ),
    )
    done = services.add_action(
        goal,
        ActionDraft(
            title="Finished action",
            owners=[council],
            starts_on=today - timedelta(days=90),
            due_on=today - timedelta(days=10),
            status=Status.DONE,
            progress=100,
        ),
    )
    hostile = services.add_action(goal, ActionDraft(title=HOSTILE, owners=[council]))
    return {
        "coalition": coalition,
        "council": council,
        "charity": charity,
        "organiser": organiser,
        "owner": owner,
        "member": member,
        "plan": plan,
        "goal": goal,
        "late": late,
        "done": done,
        "hostile": hostile,
    }


def detail_url(plan, **query) -> str:
    url = reverse("plans:detail", args=[plan.coalition.slug, plan.pk])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def action_url(action) -> str:
    return reverse("plans:action", args=[action.coalition.slug, action.pk])


def client_for(person=None) -> Client:
    client = Client()
    if person is not None:
        client.force_login(person)
    return client


def page_of(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def action_rows(page: str) -> list[str]:
    return [
        title for title in ("Late action", "Finished action", "&lt;script&gt;") if title in page
    ]


def test_the_list_shows_each_plan_with_how_far_it_has_come(world):
    page = page_of(client_for(), reverse("plans:list", args=[world["coalition"].slug]))
    assert "Our plan" in page
    assert "43% of the way" in page  # (30 + 100 + 0) / 3 actions of weight 1
    assert reverse("plans:create", args=[world["coalition"].slug]) not in page
    organiser = page_of(
        client_for(world["organiser"]), reverse("plans:list", args=[world["coalition"].slug])
    )
    assert reverse("plans:create", args=[world["coalition"].slug]) in organiser


def test_the_plan_page_shows_owners_lead_progress_and_overdue_in_words(world):
    page = page_of(client_for(), detail_url(world["plan"]))
    assert "<strong>Bold</strong> aims" in page
    assert "City Council" in page and "Residents&#x27; Trust" in page
    assert "Olu Owner" in page
    # Progress: one sentence that says what the number means.
    found = services.progress(world["plan"]).plan
    assert round(found) == 43  # (30 + 100 + 0) / 3 actions of weight 1
    assert "43% of the way. How far the actions have come on average" in page
    # The late action is marked overdue in words; the finished one, past its date too, is not.
    late_row = page.split("Late action")[1].split("</tr>")[0]
    assert '<mark class="badge">overdue</mark>' in late_row
    done_row = page.split("Finished action</a>")[1].split("</tr>")[0]
    assert "overdue" not in done_row
    assert "1 overdue" in page
    # The timeline: a picture with its table, the late bar hatched and labelled.
    assert 'class="chart timeline"' in page and "url(#timeline-hatch)" in page
    assert "Late action · overdue" in page
    for name in ("csv", "ics", "atom"):
        assert reverse(f"plans:{name}", args=[world["coalition"].slug, world["plan"].pk]) in page


def test_titles_are_escaped_everywhere(world):
    for url in (detail_url(world["plan"]), action_url(world["hostile"])):
        page = page_of(client_for(), url)
        assert HOSTILE not in page
        assert "&lt;script&gt;alert(&quot;plan&quot;)&lt;/script&gt;" in page


def test_filters_by_owner_and_status(world):
    client = client_for()
    plan = world["plan"]
    by_charity = page_of(client, detail_url(plan, owner=world["charity"].pk))
    assert action_rows(by_charity.split('id="actions-heading"')[1].split("Timeline")[0]) == [
        "Late action"
    ]
    done = page_of(client, detail_url(plan, status="done"))
    assert "1 action matches" in done
    assert action_rows(done.split('id="actions-heading"')[1].split("Timeline")[0]) == [
        "Finished action"
    ]
    overdue = page_of(client, detail_url(plan, status="overdue"))
    assert action_rows(overdue.split('id="actions-heading"')[1].split("Timeline")[0]) == [
        "Late action"
    ]
    nothing = page_of(client, detail_url(plan, status="stalled"))
    assert "No action matches." in nothing


@pytest.mark.parametrize(
    "query",
    [
        {"owner": "abc"},
        {"owner": "99999999"},
        {"owner": "-1"},
        {"owner": "1e9"},
        {"status": "finished"},
        {"status": "<b>x</b>"},
        {"page": "zzz"},
        {"owner": "abc", "status": "nope", "page": "-4"},
    ],
)
def test_bad_filter_values_are_ignored_with_a_message_never_an_error(world, query):
    response = client_for().get(detail_url(world["plan"]), query)
    assert response.status_code == 200
    page = response.content.decode()
    assert action_rows(page.split('id="actions-heading"')[1].split("Timeline")[0]) == [
        "Late action",
        "Finished action",
        "&lt;script&gt;",
    ]
    if "owner" in query or "status" in query:
        assert 'class="message" role="status"' in page
    assert "<b>x</b>" not in page


def test_an_owner_of_another_plan_is_not_a_filter_here(world):
    other = services.start_plan(world["coalition"], title="Other plan")
    goal = services.add_goal(other, title="Elsewhere")
    outsider = OrganisationFactory()
    world["coalition"].organisations.add(outsider)
    services.add_action(goal, ActionDraft(title="Not here", owners=[outsider]))
    page = page_of(client_for(), detail_url(world["plan"], owner=outsider.pk))
    assert 'class="message" role="status"' in page
    assert "Late action" in page


def test_a_private_coalitions_plan_is_invisible_to_outsiders(world):
    coalition = world["coalition"]
    coalition.visibility = Visibility.PRIVATE
    coalition.save()
    plan, action = world["plan"], world["late"]
    urls = [
        reverse("plans:list", args=[coalition.slug]),
        detail_url(plan),
        action_url(action),
        *(
            reverse(f"plans:{name}", args=[coalition.slug, plan.pk])
            for name in ("csv", "ics", "atom")
        ),
    ]
    for who in (None, PersonFactory(), PersonFactory(organisation=world["charity"])):
        for url in urls:
            response = client_for(who).get(url)
            assert response.status_code == 404, (who, url)
            assert b"Late action" not in response.content
    for url in urls:
        assert client_for(world["member"]).get(url).status_code == 200


def test_organisers_get_the_editing_links_and_owners_the_update_links(world):
    coalition, plan = world["coalition"], world["plan"]
    slug = coalition.slug
    edit_links = [
        reverse("plans:edit", args=[slug, plan.pk]),
        reverse("plans:add_goal", args=[slug, plan.pk]),
        reverse("plans:edit_goal", args=[slug, plan.pk, world["goal"].pk]),
        reverse("plans:add_action", args=[slug, plan.pk, world["goal"].pk]),
    ]
    late_update = reverse("plans:post_update", args=[slug, world["late"].pk])
    done_update = reverse("plans:post_update", args=[slug, world["done"].pk])
    organiser = page_of(client_for(world["organiser"]), detail_url(plan))
    assert all(link in organiser for link in edit_links)
    assert late_update in organiser and done_update in organiser
    owner = page_of(client_for(world["owner"]), detail_url(plan))
    assert not any(link in owner for link in edit_links)
    assert late_update in owner and done_update not in owner  # the charity owns the late one
    member = page_of(client_for(world["member"]), detail_url(plan))
    assert late_update not in member and done_update in member  # the council owns the done one
    anyone = page_of(client_for(), detail_url(plan))
    assert late_update not in anyone and not any(link in anyone for link in edit_links)


def test_who_may_update_agrees_with_the_rule(world):
    """The page asks once for all its actions; it must answer as the rule does for each."""
    services.hand_over(world["done"], [world["charity"]])
    actions = selectors.mark(
        list(selectors.actions_of(world["plan"], today=timezone.localdate())),
        timezone.localdate(),
    )
    no_role = PersonFactory(organisation=world["charity"])
    people = [world["organiser"], world["owner"], world["member"], no_role, PersonFactory()]
    for person in people:
        visitor = Visitor(person)
        expected = {a.pk for a in actions if can(Visitor(person), Do.UPDATE_ACTION, a)}
        assert selectors.updatable(visitor, world["coalition"], actions) == expected, person


def test_the_action_page_shows_owners_history_sources_and_updates(world):
    late, owner = world["late"], world["owner"]
    services.post_update(late, by=owner, text="First step", progress=35)
    services.post_update(
        late, by=owner, text="Second step", progress=45, evidence_url="https://example.org/e"
    )
    services.hand_over(late, [world["council"]], note="The council takes it on")
    conversation = conversation_services.open_conversation(
        coalition=world["coalition"], question="What next?", seed_statements=["Pay residents"]
    )
    statement = conversation.statements.get()
    services.link_source(late, Kind.STATEMENT, statement)
    page = page_of(client_for(), action_url(late))
    now = page.split("Owners now")[1].split("</tr>")[0]
    assert "City Council" in now and "The council takes it on" in now
    history = page.split("Who owned it before")[1]
    assert "Residents&#x27; Trust, from" in history
    assert "Where this came from" in page and "Pay residents" in page
    assert reverse("conversations:detail", args=[conversation.pk]) in page
    assert page.index("Second step") < page.index("First step")  # newest first
    assert 'href="https://example.org/e"' in page
    assert '<mark class="badge">overdue</mark>' in page
    # A statement taken out by moderation is not quoted.
    statement.status = statement.Status.REJECTED
    statement.save()
    assert "Pay residents" not in page_of(client_for(), action_url(late))


def test_the_coalition_page_shows_the_plans_panel(world):
    page = page_of(client_for(), world["coalition"].get_absolute_url())
    assert 'id="plans-panel"' in page and "Our plan" in page and "43% of the way" in page
    empty = CoalitionFactory(visibility=Visibility.PUBLIC)
    assert 'id="plans-panel"' not in page_of(client_for(), empty.get_absolute_url())


def _many(goal, owner, n: int) -> None:
    """n actions, each owned, with five updates each (bulk: the page must not care)."""
    today = timezone.localdate()
    actions = Action.objects.bulk_create(
        Action(
            goal=goal,
            title=f"Action {i}",
            position=10 + i,
            starts_on=today - timedelta(days=40 + i % 50),
            due_on=today + timedelta(days=(i % 90) - 30),
            status=Status.IN_PROGRESS,
            progress=i % 100,
        )
        for i in range(n)
    )
    Ownership.objects.bulk_create(Ownership(action=a, organisation=owner) for a in actions)
    Update.objects.bulk_create(
        Update(action=a, text="Going", status=Status.IN_PROGRESS, progress=a.progress)
        for a in actions
        for _ in range(5)
    )


@pytest.mark.parametrize("who", ["anonymous", "owner", "organiser"])
def test_the_plan_page_runs_the_same_queries_at_10_and_2000_actions(world, who):
    person = None if who == "anonymous" else world[who]

    def count(**query) -> int:
        client = client_for(person)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(detail_url(world["plan"], **query))
            assert response.status_code == 200
        return len(queries)

    _many(world["goal"], world["charity"], 10)
    few, few_filtered = count(), count(owner=world["charity"].pk, status="overdue")
    _many(world["goal"], world["charity"], 1990)
    assert Action.objects.count() == 2003 and Update.objects.count() == 10000
    assert count() == few
    assert count(owner=world["charity"].pk, status="overdue") == few_filtered
    assert count(page=3) == few


def test_the_action_page_runs_the_same_queries_however_many_updates(world):
    late = world["late"]

    def count() -> int:
        client = client_for(world["owner"])
        with CaptureQueriesContext(connection) as queries:
            assert client.get(action_url(late)).status_code == 200
        return len(queries)

    services.post_update(late, by=world["owner"], text="One", progress=31)
    few = count()
    Update.objects.bulk_create(
        Update(action=late, text="More", status=Status.IN_PROGRESS, progress=31) for _ in range(500)
    )
    assert count() == few


# -- every word through translation, on the demo's plan ----------------------------------------


def test_the_demo_plan_pages_are_translated(settings):
    from coproduce.people.models import Person
    from coproduce.plans.models import Plan
    from coproduce.workshops import demo

    settings.CAFE_SOLVER_SECONDS = 1.0
    demo.load_demo()
    plan = Plan.objects.get()
    slug = plan.coalition.slug
    with pseudo.installed(settings):
        data = pseudo.user_data()
        organiser = Client()
        organiser.force_login(Person.objects.get(email=demo.ORGANISER_EMAIL))
        found = []
        for client in (organiser, Client()):
            client.cookies["django_language"] = pseudo.CODE
            urls = [
                reverse("plans:list", args=[slug]),
                detail_url(plan),
                detail_url(plan, owner="x", status="y"),
                *(action_url(action) for action in Action.objects.filter(goal__plan=plan)),
            ]
            for url in urls:
                response = client.get(url)
                assert response.status_code == 200, url
                page = response.content.decode()
                found += [f"{url}: {text}" for text in pseudo.unmarked_on_page(page, data)]
    assert found == [], "Not translated:\n" + "\n".join(found)


# -- in a browser: the demo's plan on a 320 px phone ------------------------------------------


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_the_demo_plan_fits_a_320px_phone_and_passes_axe(settings, browser, live_server):
    from browser import AxeChecker

    from coproduce.plans.models import Plan
    from coproduce.workshops import demo

    settings.CAFE_SOLVER_SECONDS = 1.0
    demo.load_demo()
    plan = Plan.objects.get()
    late = Action.objects.filter(goal__plan=plan, status=Status.IN_PROGRESS).order_by("due_on")[0]
    axe = AxeChecker()
    context = browser.new_context(viewport={"width": 320, "height": 640}, base_url=live_server.url)
    try:
        page = context.new_page()
        for url in (
            reverse("plans:list", args=[plan.coalition.slug]),
            detail_url(plan),
            detail_url(plan, status="overdue"),
            action_url(late),
        ):
            assert page.goto(url).status == 200, url
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= 320, f"{url} is {width}px wide"
            axe.check(page)
        page.goto(detail_url(plan))
        assert page.locator("svg.timeline").count() == 1
        assert page.locator("mark", has_text="overdue").count() >= 1
    finally:
        context.close()
    assert axe.problems == [], "\n".join(axe.problems)


def test_sources_of_every_kind_link_to_their_pages_as_far_as_the_visitor_may_see():
    from security.world import MEMBER, build_world

    from coproduce.reports.models import WorkshopReport

    w = build_world(public=True)
    action = w.action
    report = WorkshopReport.objects.get(workshop=w.workshop)
    services.link_source(action, Kind.NOTE, w.note)
    services.link_source(action, Kind.THEME, report, theme=1)
    services.link_source(action, Kind.PRINCIPLE, w.principle)
    services.link_source(action, Kind.LIBRARY, w.entry)
    anyone = page_of(client_for(), action_url(action))
    sources = anyone.split("Where this came from")[1].split("</section>")[0]
    assert w.markers["note"] in sources
    assert reverse("cafe:harvest", args=[w.cafe.pk]) in sources
    assert "Charters" in sources and w.workshop.get_absolute_url() in sources
    assert w.markers["statement"] in sources
    # The principle belongs to a draft charter, which only members read.
    assert w.markers["principle"] not in sources and "not shown to you" not in sources
    assert reverse("charters:list", args=[w.coalition.slug]) in sources
    member = page_of(client_for(w.accounts[MEMBER]), action_url(action))
    assert w.markers["principle"] in member
    assert reverse("charters:detail", args=[w.coalition.slug, w.charter.pk]) in member
    shown = can(Visitor(None), Do.VIEW, w.entry)
    assert (w.markers["entry"] in sources) == shown


def test_evidence_files_are_served_through_the_plans_door(world, settings, tmp_path):
    from django.core.files.base import ContentFile

    settings.MEDIA_ROOT = tmp_path
    late, owner = world["late"], world["owner"]
    document = services.post_update(
        late, by=owner, text="Minutes", evidence_file=ContentFile(b"<html>hi</html>", "m.html")
    )
    photo = services.post_update(
        late, by=owner, text="Photo", evidence_file=ContentFile(b"\x89PNG fake", "p.png")
    )
    bare = services.post_update(late, by=owner, text="No file")
    slug = world["coalition"].slug

    def get(update, who=None, action=late):
        url = reverse("plans:evidence", args=[slug, action.pk, update.pk])
        return client_for(who).get(url)

    page = page_of(client_for(), action_url(late))
    assert reverse("plans:evidence", args=[slug, late.pk, document.pk]) in page
    assert reverse("plans:evidence", args=[slug, late.pk, bare.pk]) not in page
    downloaded = get(document)
    assert downloaded.status_code == 200
    assert downloaded["Content-Type"] == "application/octet-stream"
    assert downloaded["Content-Disposition"].startswith("attachment")
    assert downloaded["X-Content-Type-Options"] == "nosniff"
    assert b"".join(downloaded.streaming_content) == b"<html>hi</html>"
    shown = get(photo)
    assert shown["Content-Type"] == "image/png"
    assert shown["Content-Disposition"].startswith("inline")
    assert get(bare).status_code == 404  # no file
    assert get(document, action=world["done"]).status_code == 404  # not this action's update
    coalition = world["coalition"]
    coalition.visibility = Visibility.PRIVATE
    coalition.save()
    assert get(document).status_code == 404
    assert get(document, PersonFactory()).status_code == 404
    assert get(document, world["member"]).status_code == 200
