"""Plans, goals and actions through the services: the checks on what people enter, owners and
hand-overs, updates, the roll-up in the database, who may do what, and "you said, we did"."""

from datetime import date

import pytest
from django.db import IntegrityError, transaction
from factories import CoalitionFactory, MembershipFactory, OrganisationFactory, PersonFactory

from coproduce.coalitions.models import Role, Visibility
from coproduce.coalitions.permissions import Action as Do
from coproduce.coalitions.permissions import can
from coproduce.plans import services
from coproduce.plans.models import Action, Ownership, Status
from coproduce.plans.services import ActionDraft, PlanError

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    coalition = CoalitionFactory()
    council, charity, outsider_org = (OrganisationFactory() for _ in range(3))
    coalition.organisations.add(council, charity)
    organiser = MembershipFactory(coalition=coalition, role=Role.ORGANISER).person
    owner = MembershipFactory(
        coalition=coalition, person=PersonFactory(organisation=charity)
    ).person
    member = MembershipFactory(
        coalition=coalition, person=PersonFactory(organisation=council)
    ).person
    plan = services.start_plan(coalition, title="Our plan", by=organiser)
    goal = services.add_goal(plan, title="Make decisions together")
    return {
        "coalition": coalition,
        "council": council,
        "charity": charity,
        "outsider_org": outsider_org,
        "organiser": organiser,
        "owner": owner,
        "member": member,
        "plan": plan,
        "goal": goal,
    }


def _action(world, **fields):
    fields.setdefault("owners", [world["charity"]])
    return services.add_action(world["goal"], ActionDraft(title="Pay residents", **fields))


@pytest.mark.parametrize(
    ("fields", "field", "words"),
    [
        ({"title": "  "}, "title", "title"),
        ({"owners": []}, "owners", "at least one organisation"),
        ({"starts_on": date(2027, 3, 1), "due_on": date(2027, 2, 1)}, "due_on", "before the start"),
        ({"progress": 101}, "progress", "0 to 100"),
        ({"progress": -5}, "progress", "0 to 100"),
        ({"progress": "lots"}, "progress", "0 to 100"),
        ({"status": Status.DONE, "progress": 40}, "progress", "100"),
        ({"status": Status.DROPPED, "reason": " "}, "reason", "why"),
        ({"status": "finished"}, "status", "statuses"),
        ({"weight": 0}, "weight", "1 to 100"),
        ({"budget": -1}, "budget", "negative"),
        ({"budget": "lots"}, "budget", "amount"),
        ({"budget": "NaN"}, "budget", "amount"),
    ],
)
def test_bad_actions_are_refused_by_field_and_nothing_is_saved(world, fields, field, words):
    draft = {"title": "Pay residents", "owners": [world["charity"]], **fields}
    with pytest.raises(PlanError) as refused:
        services.add_action(world["goal"], ActionDraft(**draft))
    assert refused.value.field == field
    assert words in str(refused.value)
    assert not Action.objects.exists()


def test_an_owner_outside_the_coalition_is_refused_by_name(world):
    with pytest.raises(PlanError) as refused:
        _action(world, owners=[world["charity"], world["outsider_org"]])
    assert world["outsider_org"].name in str(refused.value)
    assert refused.value.field == "owners"


def test_the_lead_must_be_a_member(world):
    with pytest.raises(PlanError) as refused:
        _action(world, lead=PersonFactory())
    assert refused.value.field == "lead"


def test_the_database_refuses_what_the_services_refuse(world):
    action = _action(world)
    for change in ({"progress": 140}, {"status": Status.DONE, "progress": 40}):
        with pytest.raises(IntegrityError), transaction.atomic():
            Action.objects.filter(pk=action.pk).update(**change)


def test_goals_sit_one_level_deep_and_never_in_a_circle(world):
    plan, top = world["plan"], world["goal"]
    part = services.add_goal(plan, title="Part", parent=top)
    with pytest.raises(PlanError, match="already part of"):
        services.add_goal(plan, title="Deeper", parent=part)
    with pytest.raises(PlanError, match="already part of"):
        services.move_goal(top, part)  # would make a circle
    second = services.add_goal(plan, title="Second top")
    services.add_goal(plan, title="Its part", parent=second)
    with pytest.raises(PlanError, match="goals of its own"):
        services.move_goal(second, top)
    with pytest.raises(PlanError, match="itself"):
        services.move_goal(top, top)
    other = services.start_plan(world["coalition"], title="Another plan")
    with pytest.raises(PlanError, match="same plan"):
        services.add_goal(other, title="Elsewhere", parent=top)
    top.refresh_from_db()
    assert top.parent is None


def test_a_hand_over_keeps_who_owned_it_and_since_when(world):
    action = _action(world)
    services.hand_over(action, [world["council"]], by=world["organiser"], note="Council leads now")
    history = list(Ownership.objects.filter(action=action).order_by("since", "pk"))
    assert [o.organisation for o in history] == [world["charity"], world["council"]]
    assert history[0].until is not None and history[1].until is None
    assert history[1].note == "Council leads now"
    assert services.owners_of(action) == [world["council"]]
    with pytest.raises(PlanError):
        services.hand_over(action, [world["outsider_org"]])
    assert services.owners_of(action) == [world["council"]]
    draft = ActionDraft(title="Pay residents well", owners=[world["charity"]], progress=10)
    services.edit_action(action, draft, by=world["organiser"], note="Back to the charity")
    action.refresh_from_db()
    assert (action.title, action.progress) == ("Pay residents well", 10)
    assert services.owners_of(action) == [world["charity"]]
    assert Ownership.objects.filter(action=action).count() == 3


def test_an_update_moves_the_action_and_keeps_its_history(world):
    action = _action(world)
    services.post_update(action, by=world["owner"], text="Policy drafted", progress=30)
    services.post_update(action, by=world["owner"], text="Agreed", status=Status.DONE, progress=100)
    action.refresh_from_db()
    assert (action.status, action.progress) == (Status.DONE, 100)
    assert [(u.status, u.progress) for u in action.updates.all()] == [
        (Status.NOT_STARTED, 30),
        (Status.DONE, 100),
    ]
    with pytest.raises(PlanError):
        services.post_update(action, by=world["owner"], text="Oops", progress=40)  # done at 40
    with pytest.raises(PlanError):
        services.post_update(action, by=world["owner"], text=" ")
    assert action.updates.count() == 2


def test_owners_update_their_own_actions_only(world):
    mine = _action(world, owners=[world["charity"]])
    theirs = _action(world, owners=[world["council"]], lead=world["organiser"])
    led = _action(world, owners=[world["council"]], lead=world["owner"])
    assert can(world["owner"], Do.UPDATE_ACTION, mine)
    assert not can(world["owner"], Do.UPDATE_ACTION, theirs)
    assert can(world["owner"], Do.UPDATE_ACTION, led)  # the lead person
    assert can(world["organiser"], Do.UPDATE_ACTION, theirs)
    assert not can(world["owner"], Do.EDIT_PLAN, mine)
    assert can(world["organiser"], Do.EDIT_PLAN, mine)
    # Someone of the owning organisation who is not a member of the coalition: no.
    stranger = PersonFactory(organisation=world["charity"])
    assert not can(stranger, Do.UPDATE_ACTION, mine)
    services.hand_over(mine, [world["council"]])
    assert not can(world["owner"], Do.UPDATE_ACTION, mine)  # handed over: no longer theirs


def test_a_private_coalitions_plan_is_for_its_members(world):
    coalition = world["coalition"]
    action = _action(world)
    assert can(PersonFactory(), Do.VIEW, action)
    coalition.visibility = Visibility.PRIVATE
    coalition.save()
    action = Action.objects.get(pk=action.pk)
    assert not can(PersonFactory(), Do.VIEW, action)
    assert not can(PersonFactory(), Do.VIEW, world["plan"])
    assert can(world["member"], Do.VIEW, action)


def test_progress_rolls_up_by_weight_without_dropped_actions(world):
    goal = world["goal"]
    _action(world, progress=100, status=Status.DONE, weight=3)
    _action(world, progress=0)
    _action(world, progress=90, status=Status.DROPPED, reason="Someone else does it")
    second = services.add_goal(world["plan"], title="Learn", weight=3)
    services.add_action(
        second, ActionDraft(title="Visit Bologna", owners=[world["council"]], progress=20)
    )
    found = services.progress(world["plan"])
    assert found.goals[goal.pk] == 75.0  # (3 x 100 + 1 x 0) / 4; the dropped one left out
    assert found.goals[second.pk] == 20.0
    assert found.plan == pytest.approx((1 * 75.0 + 3 * 20.0) / 4)


@pytest.mark.parametrize("count", [10, 200])
def test_the_roll_up_costs_the_same_whatever_the_number_of_actions(
    world, count, django_assert_num_queries
):
    goals = [world["goal"], services.add_goal(world["plan"], title="Second", parent=world["goal"])]
    Action.objects.bulk_create(
        Action(goal=goals[n % 2], title=f"Action {n}", progress=n % 101) for n in range(count)
    )
    with django_assert_num_queries(2):
        services.progress(world["plan"])


def test_sources_and_reasons_belong_to_the_coalitions_own_work(world):
    from factories import WorkshopFactory

    from coproduce.library import services as library
    from coproduce.plans.models import Kind
    from coproduce.reports.models import WorkshopReport

    action = _action(world)
    theme = {"id": 4, "label": "Pay people", "note_ids": [], "example_id": 0}
    report = WorkshopReport.objects.create(
        workshop=WorkshopFactory(coalition=world["coalition"]),
        themes={"questions": {"none": [theme]}},
    )
    assert services.link_source(action, Kind.THEME, report, theme=4).theme == 4
    with pytest.raises(PlanError, match="no longer in the report"):
        services.link_source(action, Kind.THEME, report, theme=5)
    elsewhere = WorkshopReport.objects.create(workshop=WorkshopFactory(), themes=report.themes)
    with pytest.raises(PlanError, match="another coalition"):
        services.link_source(action, Kind.THEME, elsewhere, theme=4)
    private = CoalitionFactory(visibility=Visibility.PRIVATE)
    hidden = library.create_entry({"kind": "case", "title": "Private case"}, coalition=private)
    with pytest.raises(PlanError, match="another coalition"):
        services.link_source(action, Kind.LIBRARY, hidden)
    shared = library.moderate(
        library.create_entry({"kind": "case", "title": "Bologna"}), publish=True
    )
    assert services.link_source(action, Kind.LIBRARY, shared).entry == shared
    with pytest.raises(PlanError, match="Say why"):
        services.record_no_action(world["coalition"], Kind.THEME, report, " ", by=None, theme=4)
    with pytest.raises(PlanError):
        services.record_no_action(world["coalition"], Kind.NOTE, report, "No", by=None)
    kept = services.record_no_action(
        world["coalition"], Kind.THEME, report, "Covered elsewhere", by=None, theme=4
    )
    again = services.record_no_action(
        world["coalition"], Kind.THEME, report, "Covered by the hubs", by=None, theme=4
    )
    assert again.pk == kept.pk and again.reason == "Covered by the hubs"
