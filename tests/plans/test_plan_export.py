"""The demo's action plan and the plan's part of `coproduce export`: the shape the checks
read, and "you said, we did" both ways (an action names its sources; each theme and
common-ground statement names its actions or the reason nothing was done)."""

import json
from datetime import date, datetime, timedelta

import pytest
from django.core.management import call_command

from coproduce.plans.models import Plan, Status
from coproduce.workshops import demo

pytestmark = pytest.mark.django_db

KINDS = {"note", "theme", "statement", "principle", "library"}


@pytest.fixture
def exported(tmp_path):
    demo.load_demo()
    demo.load_demo()  # twice: nothing is added again
    target = tmp_path / "coalition.json"
    call_command("export", demo.COALITION_SLUG, "-o", str(target))
    return json.loads(target.read_text())


def _actions(exported):
    return [a for plan in exported["plans"] for g in plan["goals"] for a in g["actions"]]


def test_the_demo_plan_has_goals_actions_owners_and_a_history(exported):
    assert Plan.objects.count() == 1
    (plan,) = exported["plans"]
    assert len(plan["goals"]) == 3
    actions = _actions(exported)
    assert len(actions) >= 8
    assert 0 < plan["progress"] < 100
    assert all(0 <= goal["progress"] <= 100 for goal in plan["goals"])
    owners = {name for action in actions for name in action["owners"]}
    assert len(owners) >= 3  # partners of several sectors
    for action in actions:
        assert action["owners"] and action["status"] in Status.values
        assert 0 <= action["progress"] <= 100
        date.fromisoformat(action["due"])
        assert all(source["kind"] in KINDS for source in action["sources"])
    today = date.today()
    overdue = [
        a
        for a in actions
        if date.fromisoformat(a["due"]) < today and a["status"] not in ("done", "dropped")
    ]
    assert len(overdue) == 1
    (dropped,) = [a for a in actions if a["status"] == "dropped"]
    assert dropped["reason"]
    times = [datetime.fromisoformat(u["at"]) for a in actions for u in a["updates"]]
    assert max(times) - min(times) > timedelta(days=90)  # updates over several months


def test_you_said_we_did_both_ways(exported):
    actions = _actions(exported)
    outcomes = {(item["kind"], item["id"]): item for item in exported["outcomes"]}
    assert {kind for kind, _id in outcomes} == {"theme", "statement"}
    for item in outcomes.values():
        assert ("actions" in item) != ("reason" in item)
    traced = 0
    for action in actions:
        for source in action["sources"]:
            if source["kind"] in ("theme", "statement"):
                assert action["id"] in outcomes[(source["kind"], source["id"])]["actions"]
                traced += 1
    assert traced >= 3
    for item in outcomes.values():
        for action_id in item.get("actions", []):
            (action,) = [a for a in actions if a["id"] == action_id]
            assert {"kind": item["kind"], "id": item["id"]} in action["sources"]
    assert any(item.get("reason") for item in outcomes.values())
