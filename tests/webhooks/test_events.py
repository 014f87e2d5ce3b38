"""The four places that emit events, what their payloads hold, and who gets them."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from factories import CoalitionFactory, GuestFactory, OrganisationFactory, WorkshopFactory

from coproduce.conversations import services as conversations
from coproduce.conversations.models import Conversation, Statement, Vote, Voter
from coproduce.people.models import Sector
from coproduce.plans import services as plans
from coproduce.reports import services as reports
from coproduce.webhooks import events as webhook_events
from coproduce.webhooks.models import Delivery, Webhook
from coproduce.webhooks.names import EVENTS
from coproduce.workshops import services as workshops

pytestmark = pytest.mark.django_db


@pytest.fixture
def hooked(dummy_tasks):
    """A coalition with a webhook for every event, one for registrations only, one switched
    off, and a webhook of another coalition."""
    coalition = CoalitionFactory()
    every = Webhook.objects.create(
        coalition=coalition, url="https://a.example.org/", events=list(EVENTS)
    )
    registrations = Webhook.objects.create(
        coalition=coalition, url="https://b.example.org/", events=["registration"]
    )
    Webhook.objects.create(
        coalition=coalition, url="https://c.example.org/", events=["registration"], active=False
    )
    Webhook.objects.create(
        coalition=CoalitionFactory(), url="https://d.example.org/", events=list(EVENTS)
    )
    return {"coalition": coalition, "every": every, "registrations": registrations}


def test_a_registration_tells_the_counts_by_sector_and_no_names(
    hooked, dummy_tasks, django_capture_on_commit_callbacks
):
    workshop = WorkshopFactory(coalition=hooked["coalition"], capacity=30)
    with django_capture_on_commit_callbacks(execute=True):
        workshops.join_as_guest(workshop, display_name="Ada Secretname", sector=Sector.RESIDENTS)
    with django_capture_on_commit_callbacks(execute=True):
        workshops.register_guest(workshop, GuestFactory(display_name="Bo", sector=Sector.BUSINESS))

    deliveries = Delivery.objects.filter(event="registration").order_by("pk")
    assert sorted(d.webhook_id for d in deliveries) == sorted(
        [hooked["every"].pk, hooked["registrations"].pk] * 2
    )
    latest = deliveries.last().payload
    assert latest["workshop"]["id"] == workshop.pk
    assert latest["workshop"]["url"].endswith(workshop.get_absolute_url())
    assert latest["registered"] == 2
    assert latest["by_sector"] == {Sector.RESIDENTS: 1, Sector.BUSINESS: 1}
    assert "Secretname" not in str(list(deliveries.values_list("payload", flat=True)))
    assert len(dummy_tasks.results) == 4  # one delivery task each


def test_a_coalition_without_webhooks_pays_nothing_for_the_counts(
    dummy_tasks, django_capture_on_commit_callbacks
):
    """The counts by sector are read only when some webhook wants the registration."""
    workshop = WorkshopFactory(coalition=CoalitionFactory())
    with (
        CaptureQueriesContext(connection) as captured,
        django_capture_on_commit_callbacks(execute=True),
    ):
        workshops.join_as_guest(workshop, display_name="Quiet", sector=Sector.RESIDENTS)
    grouped = [q["sql"] for q in captured if "GROUP BY" in q["sql"] and "sector" in q["sql"]]
    assert grouped == []
    assert not Delivery.objects.exists()


def test_nothing_is_sent_for_a_change_that_is_rolled_back(
    hooked, django_capture_on_commit_callbacks
):
    workshop = WorkshopFactory(coalition=hooked["coalition"])
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        workshops.join_as_guest(workshop, display_name="Undone", sector=Sector.RESIDENTS)
        raise RuntimeError("the page failed after registering")
    assert not Delivery.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        workshops.join_as_guest(workshop, display_name="Kept", sector=Sector.RESIDENTS)
    assert Delivery.objects.count() == 2


def test_a_published_report_is_told(hooked, django_capture_on_commit_callbacks):
    workshop = WorkshopFactory(coalition=hooked["coalition"])
    draft = reports.draft_of(reports.report_for(workshop))
    with django_capture_on_commit_callbacks(execute=True):
        reports.publish(draft, visibility="public", html="<p>Report</p>")

    (delivery,) = Delivery.objects.filter(event="report.published")
    assert delivery.webhook == hooked["every"]
    assert delivery.payload["workshop"]["id"] == workshop.pk
    assert delivery.payload["report"]["version"] == draft.number
    assert delivery.payload["visibility"] == "public"


def test_an_action_update_is_told(hooked, django_capture_on_commit_callbacks):
    coalition = hooked["coalition"]
    charity = OrganisationFactory()
    coalition.organisations.add(charity)
    goal = plans.add_goal(plans.start_plan(coalition, title="Plan"), title="Goal")
    action = plans.add_action(goal, plans.ActionDraft(title="Pay residents", owners=[charity]))
    with django_capture_on_commit_callbacks(execute=True):
        update = plans.post_update(action, by=None, text="Half done", progress=50)

    (delivery,) = Delivery.objects.filter(event="action.updated")
    assert delivery.payload["action"] == {
        "id": action.pk,
        "title": "Pay residents",
        "status": update.status,
        "progress": 50,
    }
    assert delivery.payload["update"]["id"] == update.pk


def _votes(conversation, voters: int, statements: list[Statement]) -> None:
    people = Voter.objects.bulk_create(
        [Voter(conversation=conversation, guest=GuestFactory()) for _ in range(voters)]
    )
    Vote.objects.bulk_create(
        Vote(conversation=conversation, voter=v, statement=s, value=1 if i % 2 else -1)
        for i, v in enumerate(people)
        for s in statements
    )


def test_a_vote_threshold_is_told_once_when_the_map_crosses_it(
    hooked, django_capture_on_commit_callbacks
):
    conversation = conversations.open_conversation(
        coalition=hooked["coalition"],
        question="How?",
        seed_statements=[f"Statement {i}" for i in range(10)],
    )
    statements = list(conversation.statements.all())
    _votes(conversation, 9, statements)  # 90 votes
    with django_capture_on_commit_callbacks(execute=True):
        conversations.recompute_map.call(conversation.pk)
    assert not Delivery.objects.filter(event="votes.threshold").exists()

    _votes(conversation, 2, statements)  # 110
    with django_capture_on_commit_callbacks(execute=True):
        conversations.recompute_map.call(conversation.pk)
        conversations.recompute_map.call(conversation.pk)  # again at 110: not told twice

    (delivery,) = Delivery.objects.filter(event="votes.threshold")
    assert delivery.payload["threshold"] == 100
    assert delivery.payload["votes"] == 110
    assert delivery.payload["conversation"]["id"] == conversation.pk


def test_two_maps_finishing_together_tell_a_threshold_once(
    hooked, django_capture_on_commit_callbacks
):
    conversation = conversations.open_conversation(
        coalition=hooked["coalition"], question="How?", seed_statements=["One", "Two"]
    )
    Conversation.objects.filter(pk=conversation.pk).update(map_votes=1200)
    # Both recomputes read the map's votes before either told anyone.
    first, second = (
        Conversation.objects.get(pk=conversation.pk),
        Conversation.objects.get(pk=conversation.pk),
    )
    with django_capture_on_commit_callbacks(execute=True):
        webhook_events.votes_counted(first, 1200)
        webhook_events.votes_counted(second, 1200)
    told = sorted(d.payload["threshold"] for d in Delivery.objects.filter(event="votes.threshold"))
    assert told == [100, 1000]


def test_conversations_past_a_threshold_before_the_mark_are_not_told_again(hooked):
    from importlib import import_module

    from django.apps import apps

    migration = import_module("coproduce.conversations.migrations.0008_vote_threshold_told")
    made = {}
    for votes in (50, 150, 1500, 20000):
        made[votes] = conversations.open_conversation(
            coalition=hooked["coalition"], question=f"{votes}?", seed_statements=["One"]
        )
        Conversation.objects.filter(pk=made[votes].pk).update(map_votes=votes)
    migration.already_told(apps, None)
    told = {v: Conversation.objects.get(pk=c.pk).threshold_told for v, c in made.items()}
    assert told == {50: 0, 150: 100, 1500: 1000, 20000: 10000}
