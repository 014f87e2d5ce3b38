"""The forms that write a plan and post updates: broken input is refused on its field with
everything typed kept, text is stored clean and shown escaped, owners post updates without
being organisers, and a GET changes nothing."""

import io
from datetime import date

import pytest
from django.urls import reverse
from factories import (
    CoalitionFactory,
    MembershipFactory,
    OrganisationFactory,
    PersonFactory,
    WorkshopFactory,
)
from PIL import Image

from coproduce.coalitions.models import Role
from coproduce.conversations.models import Conversation, Statement
from coproduce.plans import services
from coproduce.plans.models import Action, Goal, Kind, Ownership, Plan, Source, Unactioned, Update
from coproduce.plans.services import ActionDraft
from coproduce.reports.models import WorkshopReport

pytestmark = pytest.mark.django_db

HOSTILE = '<script>alert("x")</script><b>bold</b>\u202e\x07'
SHOWN = "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;b&gt;bold&lt;/b&gt;"
STORED = '<script>alert("x")</script><b>bold</b>'


@pytest.fixture
def w():
    coalition = CoalitionFactory(slug="gm")
    council, charity, outsider_org = (OrganisationFactory() for _ in range(3))
    coalition.organisations.add(council, charity)
    organiser = MembershipFactory(coalition=coalition, role=Role.ORGANISER).person
    owner = MembershipFactory(
        coalition=coalition, person=PersonFactory(organisation=charity), role=Role.MEMBER
    ).person
    member = MembershipFactory(
        coalition=coalition, person=PersonFactory(organisation=council), role=Role.MEMBER
    ).person
    plan = services.start_plan(coalition, title="Our plan", by=organiser)
    goal = services.add_goal(plan, title="Decide together")
    action = services.add_action(goal, ActionDraft(title="Pay residents", owners=[charity]))

    class World:
        pass

    world = World()
    world.__dict__.update(locals())
    return world


def client_for(client, person):
    client.force_login(person)
    return client


def counts() -> tuple:
    return tuple(m.objects.count() for m in (Plan, Goal, Action, Ownership, Update, Source))


def field_errors(response, name: str) -> list:
    return response.context["form"].errors.get(name, [])


# --- the plan and its goals -----------------------------------------------------------------


def test_an_organiser_starts_a_plan_and_is_sent_to_it(client, w):
    client_for(client, w.organiser)
    url = reverse("plans:create", args=["gm"])
    before = counts()
    assert client.get(url).status_code == 200
    assert counts() == before
    response = client.post(url, {"title": "Second plan", "summary": "Why"})
    plan = Plan.objects.get(title="Second plan")
    assert response.status_code == 302
    assert response.url == reverse("plans:detail", args=["gm", plan.pk])
    assert plan.created_by == w.organiser and plan.summary == "Why"


def test_a_plan_without_a_title_is_refused_and_the_summary_kept(client, w):
    client_for(client, w.organiser)
    response = client.post(
        reverse("plans:create", args=["gm"]), {"title": "  ", "summary": "Kept words"}
    )
    assert response.status_code == 200
    assert field_errors(response, "title")
    assert "Kept words" in response.content.decode()
    assert Plan.objects.count() == 1


def test_html_in_a_plan_is_stored_clean_and_shown_escaped(client, w):
    client_for(client, w.organiser)
    client.post(reverse("plans:create", args=["gm"]), {"title": HOSTILE, "summary": HOSTILE})
    plan = Plan.objects.exclude(pk=w.plan.pk).get()
    assert plan.title == STORED and plan.summary == STORED
    page = client.get(reverse("plans:edit", args=["gm", plan.pk])).content.decode()
    assert SHOWN in page and "<script>alert" not in page and "\u202e" not in page


def test_editing_a_plan(client, w):
    client_for(client, w.organiser)
    url = reverse("plans:edit", args=["gm", w.plan.pk])
    assert "Our plan" in client.get(url).content.decode()
    response = client.post(url, {"title": "Renamed", "summary": "New summary"})
    assert response.status_code == 302
    w.plan.refresh_from_db()
    assert (w.plan.title, w.plan.summary) == ("Renamed", "New summary")
    response = client.post(url, {"title": "", "summary": "Kept"})
    assert field_errors(response, "title") and "Kept" in response.content.decode()
    w.plan.refresh_from_db()
    assert w.plan.title == "Renamed"


def test_a_member_may_not_write_the_plan(client, w):
    client_for(client, w.owner)
    before = counts()
    assert client.get(reverse("plans:create", args=["gm"])).status_code == 403
    assert client.post(reverse("plans:create", args=["gm"]), {"title": "X"}).status_code == 403
    url = reverse("plans:add_goal", args=["gm", w.plan.pk])
    assert client.post(url, {"title": "X", "weight": "1"}).status_code == 403
    assert counts() == before


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"title": "", "weight": "1"}, "title"),
        ({"title": "Kept title", "weight": "0"}, "weight"),
        ({"title": "Kept title", "weight": "140"}, "weight"),
        ({"title": "Kept title", "weight": "many"}, "weight"),
        ({"title": "Kept title", "weight": "1", "parent": "999999"}, "parent"),
    ],
)
def test_bad_goals_are_refused_by_field(client, w, data, field):
    client_for(client, w.organiser)
    response = client.post(reverse("plans:add_goal", args=["gm", w.plan.pk]), data)
    assert response.status_code == 200
    assert field_errors(response, field)
    if data["title"]:
        assert "Kept title" in response.content.decode()
    assert Goal.objects.count() == 1


def test_a_goal_goes_only_under_a_top_goal_of_its_own_plan(client, w):
    client_for(client, w.organiser)
    url = reverse("plans:add_goal", args=["gm", w.plan.pk])
    assert (
        client.post(url, {"title": "Part", "weight": "2", "parent": w.goal.pk}).status_code == 302
    )
    part = Goal.objects.get(title="Part")
    assert part.parent == w.goal and part.weight == 2
    deeper = client.post(url, {"title": "Deeper", "weight": "1", "parent": part.pk})
    assert field_errors(deeper, "parent")
    other = services.add_goal(services.start_plan(w.coalition, title="Other"), title="Else")
    elsewhere = client.post(url, {"title": "Deeper", "weight": "1", "parent": other.pk})
    assert field_errors(elsewhere, "parent")
    assert not Goal.objects.filter(title="Deeper").exists()


def test_editing_a_goal_cannot_put_a_goal_with_parts_under_another(client, w):
    client_for(client, w.organiser)
    part = services.add_goal(w.plan, title="Part", parent=w.goal)
    second = services.add_goal(w.plan, title="Second")
    url = reverse("plans:edit_goal", args=["gm", w.plan.pk, w.goal.pk])
    page = client.get(url).content.decode()
    assert "Decide together" in page and f'<option value="{part.pk}"' not in page
    response = client.post(url, {"title": "Decide", "weight": "3", "parent": second.pk})
    assert field_errors(response, "parent")
    w.goal.refresh_from_db()
    assert w.goal.parent is None and w.goal.title == "Decide together"
    response = client.post(url, {"title": HOSTILE, "description": HOSTILE, "weight": "3"})
    assert response.status_code == 302
    w.goal.refresh_from_db()
    assert (w.goal.title, w.goal.description, w.goal.weight) == (STORED, STORED, 3)
    assert SHOWN in client.get(url).content.decode()


# --- actions --------------------------------------------------------------------------------


def _action_data(w, **changes) -> dict:
    data = {
        "title": "Kept title",
        "description": "Kept description",
        "owners": [w.charity.pk],
        "lead": w.owner.pk,
        "partners": [w.council.pk],
        "starts_on": "2027-01-10",
        "due_on": "2027-06-30",
        "status": "in_progress",
        "progress": "30",
        "reason": "",
        "budget": "2500.50",
        "weight": "2",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def test_an_organiser_adds_an_action(client, w):
    client_for(client, w.organiser)
    url = reverse("plans:add_action", args=["gm", w.plan.pk, w.goal.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, _action_data(w))
    action = Action.objects.get(title="Kept title")
    assert response.status_code == 302
    assert response.url == reverse("plans:action", args=["gm", action.pk])
    assert services.owners_of(action) == [w.charity]
    assert list(action.partners.all()) == [w.council]
    assert action.lead == w.owner and action.due_on == date(2027, 6, 30)
    assert (action.progress, action.weight, str(action.budget)) == (30, 2, "2500.50")


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"title": ""}, "title"),
        ({"owners": None}, "owners"),
        ({"starts_on": "2027-03-01", "due_on": "2027-02-01"}, "due_on"),
        ({"due_on": "2027-02-31"}, "due_on"),
        ({"progress": "140"}, "progress"),
        ({"progress": "-3"}, "progress"),
        ({"status": "done", "progress": "40"}, "progress"),
        ({"status": "dropped", "reason": "  "}, "reason"),
        ({"status": "finished"}, "status"),
        ({"weight": "0"}, "weight"),
        ({"budget": "-5"}, "budget"),
        ({"budget": "lots"}, "budget"),
        ({"lead": "999999"}, "lead"),
    ],
)
def test_bad_actions_are_refused_by_field_and_nothing_is_lost(client, w, changes, field):
    client_for(client, w.organiser)
    before = counts()
    url = reverse("plans:add_action", args=["gm", w.plan.pk, w.goal.pk])
    response = client.post(url, _action_data(w, **changes))
    assert response.status_code == 200
    assert field_errors(response, field), response.context["form"].errors
    page = response.content.decode()
    assert "Kept description" in page
    if changes.get("title") != "":
        assert 'value="Kept title"' in page
    assert counts() == before


def test_an_owner_from_outside_the_coalition_posted_by_hand_is_refused(client, w):
    client_for(client, w.organiser)
    url = reverse("plans:add_action", args=["gm", w.plan.pk, w.goal.pk])
    response = client.post(url, _action_data(w, owners=[w.charity.pk, w.outsider_org.pk]))
    assert field_errors(response, "owners")
    response = client.post(url, _action_data(w, partners=[w.outsider_org.pk]))
    assert field_errors(response, "partners")
    assert not Action.objects.filter(title="Kept title").exists()


def test_a_lead_from_outside_the_coalition_posted_by_hand_is_refused(client, w):
    client_for(client, w.organiser)
    url = reverse("plans:add_action", args=["gm", w.plan.pk, w.goal.pk])
    response = client.post(url, _action_data(w, lead=PersonFactory().pk))
    assert field_errors(response, "lead")


def test_html_in_an_action_is_stored_clean_and_shown_escaped(client, w):
    client_for(client, w.organiser)
    url = reverse("plans:add_action", args=["gm", w.plan.pk, w.goal.pk])
    data = _action_data(w, title=HOSTILE, description=HOSTILE, status="dropped", reason=HOSTILE)
    assert client.post(url, data).status_code == 302
    action = Action.objects.get(status="dropped")
    assert (action.title, action.description, action.reason) == (STORED, STORED, STORED)
    page = client.get(reverse("plans:edit_action", args=["gm", action.pk])).content.decode()
    assert SHOWN in page and "<script>alert" not in page


def test_changing_the_owners_is_a_hand_over_with_its_note(client, w):
    client_for(client, w.organiser)
    url = reverse("plans:edit_action", args=["gm", w.action.pk])
    page = client.get(url).content.decode()
    assert "Pay residents" in page and "hand-over" in page
    data = _action_data(w, title="Pay residents", owners=[w.council.pk], handover_note="Budget")
    assert client.post(url, data).status_code == 302
    assert services.owners_of(w.action) == [w.council]
    ended = Ownership.objects.get(action=w.action, organisation=w.charity)
    started = Ownership.objects.get(action=w.action, organisation=w.council)
    assert ended.until is not None and started.until is None
    assert started.note == "Budget" and started.recorded_by == w.organiser


def test_a_bad_edit_keeps_the_action_as_it_was(client, w):
    client_for(client, w.organiser)
    url = reverse("plans:edit_action", args=["gm", w.action.pk])
    response = client.post(url, _action_data(w, status="done", progress="40"))
    assert field_errors(response, "progress")
    w.action.refresh_from_db()
    assert (w.action.title, w.action.status) == ("Pay residents", "not_started")
    assert services.owners_of(w.action) == [w.charity]


# --- updates --------------------------------------------------------------------------------


def _png(size=(40, 30)) -> io.BytesIO:
    buffer = io.BytesIO()
    image = Image.new("RGB", size, (200, 120, 40))
    exif = Image.Exif()
    exif[0x010F] = "SecretPhoneMaker"  # Make
    image.save(buffer, "PNG", exif=exif.tobytes())
    buffer.seek(0)
    buffer.name = "photo.png"
    return buffer


def test_an_owner_posts_an_update_without_being_an_organiser(client, w, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client_for(client, w.owner)
    url = reverse("plans:post_update", args=["gm", w.action.pk])
    page = client.get(url).content.decode()
    assert 'enctype="multipart/form-data"' in page
    data = {
        "text": "Paid the first 20 residents",
        "status": "in_progress",
        "progress": "40",
        "evidence_url": "https://example.org/minutes",
        "evidence_file": _png(),
    }
    response = client.post(url, data)
    assert response.status_code == 302
    assert response.url == reverse("plans:action", args=["gm", w.action.pk])
    update = Update.objects.get()
    assert update.author == w.owner and update.progress == 40
    assert update.evidence_url == "https://example.org/minutes"
    stored = update.evidence_file
    assert stored.name.endswith(".jpg") and "photo" not in stored.name
    with stored.open("rb") as handle:
        data = handle.read()
        assert b"SecretPhoneMaker" not in data
        assert Image.open(io.BytesIO(data)).format == "JPEG"
    w.action.refresh_from_db()
    assert (w.action.status, w.action.progress) == ("in_progress", 40)


def test_a_pdf_is_kept_under_a_new_name(client, w, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client_for(client, w.owner)
    pdf = io.BytesIO(b"%PDF-1.4\n%%EOF\n")
    pdf.name = "../../minutes.pdf"
    url = reverse("plans:post_update", args=["gm", w.action.pk])
    data = {"text": "Minutes", "status": "in_progress", "progress": "10", "evidence_file": pdf}
    assert client.post(url, data).status_code == 302
    name = Update.objects.get().evidence_file.name
    assert name.startswith(f"plans/evidence/{w.action.pk}/") and name.endswith(".pdf")
    assert "minutes" not in name


def test_another_member_may_not_post_an_update(client, w):
    client_for(client, w.member)
    url = reverse("plans:post_update", args=["gm", w.action.pk])
    assert client.get(url).status_code == 403
    data = {"text": "Not mine", "status": "done", "progress": "100"}
    assert client.post(url, data).status_code == 403
    assert not Update.objects.exists()
    w.action.refresh_from_db()
    assert w.action.status == "not_started"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"text": " "}, "text"),
        ({"progress": "140"}, "progress"),
        ({"status": "done", "progress": "40"}, "progress"),
        ({"status": "dropped", "reason": ""}, "reason"),
        ({"status": "over"}, "status"),
        ({"evidence_url": "javascript:alert(1)"}, "evidence_url"),
        ({"evidence_file": "text"}, "evidence_file"),
    ],
)
def test_bad_updates_are_refused_by_field_and_nothing_is_lost(client, w, changes, field):
    client_for(client, w.owner)
    data = {"text": "Kept words", "status": "in_progress", "progress": "20", **changes}
    if data.get("evidence_file") == "text":
        data["evidence_file"] = io.BytesIO(b"MZ this is not a photo")
        data["evidence_file"].name = "photo.jpg"
    response = client.post(reverse("plans:post_update", args=["gm", w.action.pk]), data)
    assert response.status_code == 200
    assert field_errors(response, field), response.context["form"].errors
    if changes.get("text") is None:
        assert "Kept words" in response.content.decode()
    assert not Update.objects.exists()
    w.action.refresh_from_db()
    assert (w.action.status, w.action.progress) == ("not_started", 0)


def test_an_update_in_html_is_stored_clean_and_shown_escaped(client, w):
    client_for(client, w.owner)
    url = reverse("plans:post_update", args=["gm", w.action.pk])
    data = {"text": HOSTILE, "status": "in_progress", "progress": "200"}
    page = client.post(url, data).content.decode()
    assert SHOWN in page and "<script>alert" not in page
    data["progress"] = "20"
    assert client.post(url, data).status_code == 302
    assert Update.objects.get().text == STORED


# --- sources and answers --------------------------------------------------------------------


@pytest.fixture
def said(w):
    workshop = WorkshopFactory(coalition=w.coalition)
    theme = {"id": 3, "label": "Pay people for their time", "note_ids": [], "example_id": 0}
    report = WorkshopReport.objects.create(
        workshop=workshop, themes={"questions": {"none": [theme]}}
    )
    conversation = Conversation.objects.create(coalition=w.coalition, question="What now?")
    statement = Statement.objects.create(conversation=conversation, text="Meet in libraries")
    conversation.map_data = {"common_ground": {"agree": [{"statement": statement.pk}]}}
    conversation.save()
    elsewhere = Conversation.objects.create(coalition=CoalitionFactory(), question="Else?")
    foreign = Statement.objects.create(conversation=elsewhere, text="Somewhere else")
    elsewhere.map_data = {"common_ground": {"agree": [{"statement": foreign.pk}]}}
    elsewhere.save()
    return {"report": report, "statement": statement, "foreign": foreign}


def test_an_organiser_links_and_removes_where_an_action_came_from(client, w, said):
    client_for(client, w.organiser)
    url = reverse("plans:sources", args=["gm", w.action.pk])
    page = client.get(url).content.decode()
    assert "Pay people for their time" in page and "Meet in libraries" in page
    assert "Somewhere else" not in page
    value = f"theme:{said['report'].pk}:3"
    assert client.post(url, {"source": value}).status_code == 302
    assert client.post(url, {"source": f"statement:{said['statement'].pk}"}).status_code == 302
    assert {s.kind for s in w.action.sources.all()} == {Kind.THEME, Kind.STATEMENT}
    theme_source = w.action.sources.get(kind=Kind.THEME)
    assert "Pay people for their time" in client.get(url).content.decode()
    assert client.post(url, {"remove": theme_source.pk}).status_code == 302
    assert list(w.action.sources.values_list("kind", flat=True)) == [Kind.STATEMENT]


def test_a_source_of_another_coalition_posted_by_hand_is_refused(client, w, said):
    client_for(client, w.organiser)
    url = reverse("plans:sources", args=["gm", w.action.pk])
    for value in (f"statement:{said['foreign'].pk}", f"theme:{said['report'].pk}:9", "x:1", ""):
        response = client.post(url, {"source": value})
        assert response.status_code == 200 and field_errors(response, "source")
    assert client.post(url, {"remove": "99999999999999999999"}).status_code == 302
    assert not Source.objects.exists()


def test_answers_list_what_was_said_and_take_a_reason(client, w, said):
    client_for(client, w.organiser)
    url = reverse("plans:answers", args=["gm"])
    before = counts()
    page = client.get(url).content.decode()
    assert counts() == before
    assert "Pay people for their time" in page and "Meet in libraries" in page
    assert "Somewhere else" not in page
    services.link_source(w.action, Kind.STATEMENT, said["statement"])
    page = client.get(url).content.decode()
    assert reverse("plans:action", args=["gm", w.action.pk]) in page
    item = f"theme:{said['report'].pk}:3"
    refused = client.post(url, {"item": item, "reason": "  "})
    assert refused.status_code == 200 and not Unactioned.objects.exists()
    assert 'role="alert"' in refused.content.decode()
    response = client.post(url, {"item": item, "reason": HOSTILE})
    assert response.status_code == 302
    kept = Unactioned.objects.get()
    assert kept.reason == STORED and kept.theme == 3 and kept.recorded_by == w.organiser
    assert SHOWN in client.get(url).content.decode()
    unknown = client.post(url, {"item": f"statement:{said['foreign'].pk}", "reason": "No"})
    assert unknown.status_code == 200 and Unactioned.objects.count() == 1


def test_only_organisers_answer(client, w, said):
    client_for(client, w.owner)
    url = reverse("plans:answers", args=["gm"])
    assert client.get(url).status_code == 403
    item = f"theme:{said['report'].pk}:3"
    assert client.post(url, {"item": item, "reason": "No"}).status_code == 403
    assert client.get(reverse("plans:sources", args=["gm", w.action.pk])).status_code == 403
    assert not Unactioned.objects.exists()
