"""Reads the plan pages and feeds share: a coalition's plans, a plan's actions (filtered and
paged, with their owners now), an action with its history and sources, the latest updates.

Every read here runs a fixed number of queries whatever the number of actions and updates:
owners come in one prefetch, counts in one grouped query, progress from services.progress.
"""

import zoneinfo
from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Max, Prefetch, Q
from django.utils import timezone

from coproduce.coalitions.permissions import ROLES_FOR, Visitor, role_in
from coproduce.coalitions.permissions import Action as Do
from coproduce.people.models import Organisation

from .models import Action, Goal, Ownership, Plan, Source, Status, Update

PAGE_SIZE = 100  # actions per page of the plan
PLANS_SHOWN = 50
LATEST_UPDATES = 50  # in the Atom feed
UPDATES_SHOWN = 200  # on an action's page, newest first
FINISHED = (Status.DONE, Status.DROPPED)
OVERDUE = "overdue"  # a status filter beyond the statuses: due date passed, not finished


def today_for(coalition) -> date:
    """Today where the coalition is (an action is overdue once its due day has passed there)."""
    try:
        zone = zoneinfo.ZoneInfo(coalition.time_zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        zone = zoneinfo.ZoneInfo("UTC")
    return timezone.localdate(timezone=zone)


def overdue_condition(today: date) -> Q:
    return Q(due_on__lt=today) & ~Q(status__in=FINISHED)


def plans_of(coalition):
    return Plan.objects.filter(coalition=coalition).order_by("-created_at", "-pk")[:PLANS_SHOWN]


@dataclass(frozen=True)
class Counts:
    actions: int = 0
    overdue: int = 0
    done: int = 0
    dropped: int = 0


def counts(plan: Plan, today: date) -> Counts:
    """How many actions the plan has, are overdue, done and dropped (one query)."""
    found = Action.objects.filter(goal__plan=plan).aggregate(
        actions=Count("pk"),
        overdue=Count("pk", filter=overdue_condition(today)),
        done=Count("pk", filter=Q(status=Status.DONE)),
        dropped=Count("pk", filter=Q(status=Status.DROPPED)),
    )
    return Counts(**{key: value or 0 for key, value in found.items()})


def goals_of(plan: Plan) -> list[Goal]:
    """Top goals in order, each followed by its parts (`goal.is_part` set on those)."""
    goals = list(plan.goals.order_by("position", "pk"))
    parts: dict[int, list[Goal]] = {}
    for goal in goals:
        if goal.parent_id is not None:
            parts.setdefault(goal.parent_id, []).append(goal)
    ordered = []
    for goal in goals:
        if goal.parent_id is None:
            goal.is_part = False
            ordered.append(goal)
            for part in parts.get(goal.pk, []):
                part.is_part = True
                ordered.append(part)
    known = {goal.pk for goal in ordered}
    for goal in goals:  # a part whose goal is gone: shown at the end rather than lost
        if goal.pk not in known:
            goal.is_part = False
            ordered.append(goal)
    return ordered


def owner_choices(plan: Plan) -> list[Organisation]:
    """The organisations that own at least one of the plan's actions now (one query)."""
    owning = Ownership.objects.filter(action__goal__plan=plan, until__isnull=True)
    return list(Organisation.objects.filter(pk__in=owning.values("organisation")).order_by("name"))


def _current_owners() -> Prefetch:
    ownerships = (
        Ownership.objects.filter(until__isnull=True)
        .select_related("organisation")
        .order_by("since", "pk")
    )
    return Prefetch("ownerships", queryset=ownerships, to_attr="owners_now")


def actions_of(plan: Plan, *, today: date, owner: int | None = None, status: str | None = None):
    """The plan's actions in the plan's order, filtered, with their lead, goal and owners now
    (two queries a page: the actions, their owners)."""
    actions = Action.objects.filter(goal__plan=plan)
    if owner is not None:
        actions = actions.filter(ownerships__organisation_id=owner, ownerships__until__isnull=True)
    if status == OVERDUE:
        actions = actions.filter(overdue_condition(today))
    elif status:
        actions = actions.filter(status=status)
    return (
        actions.select_related("goal", "lead")
        .prefetch_related(_current_owners())
        .order_by("goal__position", "goal_id", "position", "pk")
    )


def mark(actions: list[Action], today: date) -> list[Action]:
    for action in actions:
        action.overdue = action.is_overdue(today)
    return actions


def updatable(visitor: Visitor, coalition, actions: list[Action]) -> set[int]:
    """The actions this visitor may post updates on, from what the page already read (the
    rule in rules.py, asked once for the whole page instead of once per action)."""
    if visitor.is_admin:
        return {action.pk for action in actions}
    role = role_in(visitor.user, coalition)
    if role is None:
        return set()
    if role in ROLES_FOR[Do.UPDATE_ACTION]:
        return {action.pk for action in actions}
    me = visitor.user.pk
    organisation = getattr(visitor.user, "organisation_id", None)
    return {
        action.pk
        for action in actions
        if action.lead_id == me
        or (organisation and any(o.organisation_id == organisation for o in action.owners_now))
    }


# -- one action -----------------------------------------------------------------------------


def action_history(action: Action) -> list[Ownership]:
    """Every ownership of the action, the first first (who owned it, since and until when)."""
    return list(
        action.ownerships.select_related("organisation", "recorded_by").order_by("since", "pk")
    )


def updates_of(action: Action) -> list[Update]:
    return list(
        action.updates.select_related("author").order_by("-written_at", "-pk")[:UPDATES_SHOWN]
    )


def sources_of(action: Action) -> list[Source]:
    return list(
        action.sources.select_related(
            "note__cafe__agenda_item__workshop",
            "report__workshop",
            "statement__conversation",
            "principle__charter__coalition",
            "entry",
        ).order_by("pk")
    )


# -- feeds ----------------------------------------------------------------------------------


def latest_updates(plan: Plan):
    return (
        Update.objects.filter(action__goal__plan=plan)
        .select_related("action", "author")
        .order_by("-written_at", "-pk")[:LATEST_UPDATES]
    )


def actions_for_export(plan: Plan):
    """Every action with its goal, lead, owners now, partners and last update's time."""
    return (
        Action.objects.filter(goal__plan=plan)
        .select_related("goal", "lead")
        .prefetch_related(_current_owners(), "partners")
        .annotate(last_update=Max("updates__written_at"))
        .order_by("goal__position", "goal_id", "position", "pk")
    )


def due_actions(plan: Plan):
    return (
        Action.objects.filter(goal__plan=plan, due_on__isnull=False)
        .select_related("goal")
        .order_by("due_on", "pk")
    )
