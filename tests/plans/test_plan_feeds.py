"""The plan as files: the spreadsheet (safe cells), the calendar of due dates (RFC 5545) and
the Atom feed of updates, and who may read them."""

import csv
import io
import xml.etree.ElementTree as ET
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from factories import CoalitionFactory, MembershipFactory, OrganisationFactory, PersonFactory
from icalendar import Calendar

from coproduce.coalitions.models import Role, Visibility
from coproduce.core.csvfiles import unescape_cell
from coproduce.plans import selectors, services
from coproduce.plans.models import Status, Update
from coproduce.plans.services import ActionDraft

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
FORMULA = '=HYPERLINK("http://evil.example","click")'


@pytest.fixture
def plan():
    coalition = CoalitionFactory(slug="gm", visibility=Visibility.PUBLIC)
    council, charity = OrganisationFactory(name="Council"), OrganisationFactory(name="Trust")
    coalition.organisations.add(council, charity)
    lead = MembershipFactory(
        coalition=coalition, role=Role.ORGANISER, person=PersonFactory(full_name="Lee Lead")
    ).person
    plan = services.start_plan(coalition, title="Our plan", summary="What we do")
    goal = services.add_goal(plan, title="Decide, together; openly")
    today = timezone.localdate()
    services.add_action(
        goal,
        ActionDraft(
            title="Late, and; long " + "word " * 30,
            owners=[charity, council],
            lead=lead,
            partners=[council],
            starts_on=today - timedelta(days=40),
            due_on=today - timedelta(days=2),
            status=Status.IN_PROGRESS,
            progress=30,
            budget=Decimal("2500.50"),
        ),
    )
    services.add_action(
        goal, ActionDraft(title=FORMULA, owners=[council], due_on=today + timedelta(days=9))
    )
    services.add_action(goal, ActionDraft(title="No date", owners=[council]))
    return plan


def url(plan, name: str) -> str:
    return reverse(f"plans:{name}", args=[plan.coalition.slug, plan.pk])


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_the_spreadsheet_has_one_safe_row_per_action(plan):
    action = plan.goals.get().actions.order_by("position").first()
    services.post_update(action, by=None, text="Started", progress=30)
    response = Client().get(url(plan, "csv"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    text = body(response).decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    header, *actions = rows
    assert header == [
        "Goal",
        "Action",
        "Owners",
        "Lead person",
        "Partners",
        "Start",
        "Due",
        "Status",
        "Progress (%)",
        "Overdue",
        "Budget",
        "Last update",
    ]
    assert len(actions) == 3
    late, formula, undated = actions
    assert late[0] == "Decide, together; openly"
    assert late[2] == "Trust; Council" or late[2] == "Council; Trust"
    assert late[3] == "Lee Lead" and late[4] == "Council"
    assert late[7] == "In progress" and late[8] == "30" and late[9] == "yes"
    assert late[10] == "2500.5"
    assert late[11].startswith(timezone.now().strftime("%Y-"))
    assert formula[1] == "'" + FORMULA and unescape_cell(formula[1]) == FORMULA
    assert formula[9] == "no" and formula[11] == ""
    assert undated[5] == undated[6] == ""


def test_the_calendar_has_an_all_day_event_per_due_date(plan):
    response = Client().get(url(plan, "ics"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    raw = body(response)
    # RFC 5545: lines end in CRLF and are folded at 75 octets.
    lines = raw.split(b"\r\n")
    assert all(len(line) <= 75 for line in lines)
    assert any(line.startswith(b" ") for line in lines)  # the long title was folded
    assert b"Late\\, and\\; long" in raw  # commas and semicolons escaped
    calendar = Calendar.from_ical(raw)
    events = list(calendar.walk("VEVENT"))
    assert len(events) == 2  # the action with no date has no event
    titles = {str(event["SUMMARY"]) for event in events}
    assert FORMULA in titles
    for event in events:
        start = event.decoded("DTSTART")
        assert type(start) is date  # all day
        assert event.decoded("DTEND") == start + timedelta(days=1)
        assert "/plans/gm/actions/" in str(event["URL"])
    again = Calendar.from_ical(body(Client().get(url(plan, "ics"))))
    assert {str(e["UID"]) for e in again.walk("VEVENT")} == {str(e["UID"]) for e in events}


def test_the_feed_has_the_latest_fifty_updates_newest_first(plan):
    action = plan.goals.get().actions.order_by("position").first()
    now = timezone.now()
    Update.objects.bulk_create(
        Update(
            action=action,
            text=f"Update {i} <b>bold</b>",
            status=Status.IN_PROGRESS,
            progress=30,
            written_at=now - timedelta(hours=i),
        )
        for i in range(60)
    )
    response = Client().get(url(plan, "atom"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ET.fromstring(body(response))
    assert feed.tag == f"{ATOM}feed"
    assert feed.find(f"{ATOM}title").text == "Updates: Our plan"
    entries = feed.findall(f"{ATOM}entry")
    assert len(entries) == selectors.LATEST_UPDATES == 50
    summaries = [entry.find(f"{ATOM}summary").text for entry in entries]
    assert summaries[0].startswith("Update 0 <b>bold</b>")  # text, escaped in the XML
    assert summaries[-1].startswith("Update 49 ")
    ids = [entry.find(f"{ATOM}id").text for entry in entries]
    assert len(set(ids)) == 50
    link = entries[0].find(f"{ATOM}link").get("href")
    assert f"/plans/gm/actions/{action.pk}/" in link


def test_an_empty_plan_still_gives_valid_files(plan):
    empty = services.start_plan(plan.coalition, title="Empty")
    assert ET.fromstring(body(Client().get(url(empty, "atom")))).findall(f"{ATOM}entry") == []
    assert list(Calendar.from_ical(body(Client().get(url(empty, "ics")))).walk("VEVENT")) == []
    rows = body(Client().get(url(empty, "csv"))).decode().lstrip("\ufeff").splitlines()
    assert len(rows) == 1


def test_a_private_coalitions_files_need_membership(plan):
    coalition = plan.coalition
    coalition.visibility = Visibility.PRIVATE
    coalition.save()
    member = MembershipFactory(coalition=coalition, role=Role.OBSERVER).person
    for name in ("csv", "ics", "atom"):
        for who in (None, PersonFactory()):
            client = Client()
            if who:
                client.force_login(who)
            response = client.get(url(plan, name))
            assert response.status_code == 404, name
        client = Client()
        client.force_login(member)
        assert client.get(url(plan, name)).status_code == 200
