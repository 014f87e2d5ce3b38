"""How a plan changes: goals, actions and their owners, updates, sources and reasons.

Every change goes through here, and every check on what people enter is made here (a form
shows the message by the field it names), so the pages, the demo and the command line keep
the same rules. Text is cleaned by the models' fields; lengths are checked here, with a
message, before the database would refuse them.
"""

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from coproduce.coalitions.models import Membership
from coproduce.webhooks import events as webhook_events

from . import rollup
from .models import (
    REASON_MAX,
    TEXT_MAX,
    TITLE_MAX,
    UPDATE_MAX,
    WEIGHT_MAX,
    Action,
    Goal,
    Kind,
    Ownership,
    Plan,
    Source,
    Status,
    Unactioned,
    Update,
)


class PlanError(Exception):
    """Something the person must fix; `field` names the field when there is one."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


def _title(value: str, what: str = "title") -> str:
    value = " ".join(str(value or "").split())
    if not value:
        raise PlanError(_("Give it a title."), what)
    if len(value) > TITLE_MAX:
        raise PlanError(
            _("The title is too long (at most %(n)s characters).") % {"n": TITLE_MAX}, what
        )
    return value


def _weight(value) -> int:
    try:
        weight = int(value)
    except (TypeError, ValueError):
        weight = 0
    if not 1 <= weight <= WEIGHT_MAX:
        raise PlanError(_("The weight is a whole number from 1 to 100."), "weight")
    return weight


# -- plans and goals ------------------------------------------------------------------------


def start_plan(coalition, *, title: str, summary: str = "", by=None) -> Plan:
    return Plan.objects.create(
        coalition=coalition,
        title=_title(title),
        summary=_long_text(summary, "summary"),
        created_by=by,
    )


def add_goal(plan: Plan, *, title: str, description: str = "", weight=1, parent=None) -> Goal:
    with transaction.atomic():
        goal = Goal(
            plan=plan,
            title=_title(title),
            description=_long_text(description, "description"),
            weight=_weight(weight),
        )
        goal.position = plan.goals.count()
        goal.parent = _checked_parent(goal, parent)
        goal.save()
        _touch(plan)
    return goal


def move_goal(goal: Goal, parent: Goal | None) -> Goal:
    """Put the goal under another goal of its plan, or at the top (None)."""
    goal.parent = _checked_parent(goal, parent)
    goal.save(update_fields=["parent"])
    _touch(goal.plan)
    return goal


def edit_plan(plan: Plan, *, title: str, summary: str = "") -> Plan:
    plan.title, plan.summary = _title(title), _long_text(summary, "summary")
    plan.updated_at = timezone.now()
    plan.save(update_fields=["title", "summary", "updated_at"])
    return plan


@transaction.atomic
def edit_goal(goal: Goal, *, title: str, description: str = "", weight=1, parent=None) -> Goal:
    goal.title, goal.weight = _title(title), _weight(weight)
    goal.description = _long_text(description, "description")
    goal.parent = _checked_parent(goal, parent)
    goal.save(update_fields=["title", "description", "weight", "parent"])
    _touch(goal.plan)
    return goal


def _long_text(value: str, field_name: str) -> str:
    value = str(value or "")
    if len(value) > TEXT_MAX:
        raise PlanError(
            _("The text is too long (at most %(n)s characters).") % {"n": TEXT_MAX}, field_name
        )
    return value


def _checked_parent(goal: Goal, parent: Goal | None) -> Goal | None:
    """Goals sit one level deep: under a top goal, never under itself or one of its own."""
    if parent is None:
        return None
    if parent.plan_id != goal.plan_id:
        raise PlanError(_("A goal can only be part of a goal of the same plan."), "parent")
    if goal.pk is not None and parent.pk == goal.pk:
        raise PlanError(_("A goal cannot be part of itself."), "parent")
    if parent.parent_id is not None:
        raise PlanError(
            _("“%(goal)s” is already part of another goal: choose a top goal.")
            % {"goal": parent.title},
            "parent",
        )
    if goal.pk is not None and goal.children.exists():
        raise PlanError(
            _("This goal has goals of its own, so it cannot become part of another."), "parent"
        )
    return parent


# -- actions --------------------------------------------------------------------------------


@dataclass
class ActionDraft:
    """What a person enters for an action (the form's fields, or the demo's)."""

    title: str
    owners: list = field(default_factory=list)  # organisations of the coalition
    description: str = ""
    lead: object = None  # a person, member of the coalition
    partners: list = field(default_factory=list)
    starts_on: date | None = None
    due_on: date | None = None
    status: str = Status.NOT_STARTED
    progress: int = 0
    reason: str = ""
    budget: Decimal | None = None
    weight: int = 1


def _checked(draft: ActionDraft, coalition) -> ActionDraft:
    draft.title = _title(draft.title)
    draft.description = _long_text(draft.description, "description")
    _check_organisations(draft.owners, draft.partners, coalition)
    if draft.lead is not None and not _is_member(draft.lead, coalition):
        raise PlanError(_("The lead person must be a member of the coalition."), "lead")
    if draft.starts_on and draft.due_on and draft.due_on < draft.starts_on:
        raise PlanError(_("The due date is before the start."), "due_on")
    draft.status, draft.progress, draft.reason = _checked_state(
        draft.status, draft.progress, draft.reason
    )
    draft.budget = _budget(draft.budget)
    draft.weight = _weight(draft.weight)
    return draft


def _budget(value) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        budget = Decimal(str(value))
    except InvalidOperation:
        raise PlanError(_("The budget is an amount, such as 2500 or 2500.50."), "budget") from None
    if not budget.is_finite() or abs(budget) >= 10**12:
        raise PlanError(_("The budget is an amount, such as 2500 or 2500.50."), "budget")
    if budget < 0:
        raise PlanError(_("The budget cannot be negative."), "budget")
    return budget.quantize(Decimal("0.01"))


def _check_organisations(owners: list, partners: list, coalition) -> None:
    """At least one owner; owners and partners all organisations of the coalition."""
    if not owners:
        raise PlanError(_("Name at least one organisation that owns this action."), "owners")
    members = set(coalition.organisations.values_list("pk", flat=True))
    for field_name, organisations in (("owners", owners), ("partners", partners)):
        for organisation in organisations:
            if organisation.pk not in members:
                raise PlanError(
                    _("%(name)s is not a partner organisation of this coalition.")
                    % {"name": organisation.name},
                    field_name,
                )


def _checked_state(status: str, progress, reason: str) -> tuple[str, int, str]:
    if status not in Status.values:
        raise PlanError(_("Choose one of the statuses offered."), "status")
    try:
        progress = int(progress)
    except (TypeError, ValueError):
        progress = -1
    if not 0 <= progress <= 100:
        raise PlanError(_("Progress is a whole number from 0 to 100."), "progress")
    if status == Status.DONE and progress != 100:
        raise PlanError(
            _("A done action is at 100%%: set the progress to 100, or choose another status.") % {},
            "progress",
        )
    reason = str(reason or "").strip()
    if len(reason) > REASON_MAX:
        raise PlanError(_("The reason is too long."), "reason")
    if status == Status.DROPPED and not reason:
        raise PlanError(_("Say why the action was dropped: everyone will read it."), "reason")
    return status, progress, reason if status == Status.DROPPED else ""


def _is_member(person, coalition) -> bool:
    return Membership.objects.filter(coalition=coalition, person=person).exists()


@transaction.atomic
def add_action(goal: Goal, draft: ActionDraft, *, by=None, since: datetime | None = None) -> Action:
    """A new action of the goal; its owners own it from `since` (now, unless the plan is
    written down after the fact)."""
    draft = _checked(draft, goal.plan.coalition)
    now = timezone.now()
    action = Action.objects.create(
        goal=goal,
        position=goal.actions.count(),
        **_columns(draft),
    )
    action.partners.set(draft.partners)
    for organisation in draft.owners:
        Ownership.objects.create(
            action=action, organisation=organisation, since=since or now, recorded_by=by
        )
    _touch(goal.plan)
    return action


@transaction.atomic
def edit_action(action: Action, draft: ActionDraft, *, by=None, note: str = "") -> Action:
    """Save the action as the draft has it; a change of owners is recorded as a hand-over."""
    action = Action.objects.select_for_update().get(pk=action.pk)
    draft = _checked(draft, action.coalition)
    for name, value in _columns(draft).items():
        setattr(action, name, value)
    action.updated_at = timezone.now()
    action.save()
    action.partners.set(draft.partners)
    _hand_over(action, draft.owners, by=by, note=note)
    _touch(action.goal.plan)
    return action


def _columns(draft: ActionDraft) -> dict:
    return {
        "title": draft.title,
        "description": draft.description,
        "lead": draft.lead,
        "starts_on": draft.starts_on,
        "due_on": draft.due_on,
        "status": draft.status,
        "progress": draft.progress,
        "reason": draft.reason,
        "budget": draft.budget,
        "weight": draft.weight,
    }


def owners_of(action: Action) -> list:
    return [o.organisation for o in action.ownerships.filter(until__isnull=True)]


@transaction.atomic
def hand_over(action: Action, owners: list, *, by=None, note: str = "") -> None:
    """Make these organisations the action's owners from now on (they must be partners of
    the coalition); the ownerships that end keep their dates."""
    _check_organisations(owners, [], action.coalition)
    _hand_over(action, owners, by=by, note=note)


def _hand_over(action: Action, owners: list, *, by, note: str) -> None:
    now = timezone.now()
    current = {o.organisation_id: o for o in action.ownerships.filter(until__isnull=True)}
    wanted = {organisation.pk for organisation in owners}
    for organisation_id, ownership in current.items():
        if organisation_id not in wanted:
            ownership.until = now
            ownership.save(update_fields=["until"])
    for organisation in owners:
        if organisation.pk not in current:
            Ownership.objects.create(
                action=action, organisation=organisation, since=now, note=note[:500], recorded_by=by
            )


# -- updates --------------------------------------------------------------------------------


@transaction.atomic
def post_update(
    action: Action,
    *,
    by,
    text: str,
    status: str | None = None,
    progress=None,
    reason: str = "",
    evidence_url: str = "",
    evidence_file=None,
    at: datetime | None = None,
) -> Update:
    """What happened, by an owner: the action takes the status and progress the update gives
    (unchanged where it gives none)."""
    action = Action.objects.select_for_update().get(pk=action.pk)
    text = str(text or "").strip()
    if not text:
        raise PlanError(_("Say what happened."), "text")
    if len(text) > UPDATE_MAX:
        raise PlanError(_("The update is too long."), "text")
    status, progress, reason = _checked_state(
        status or action.status,
        action.progress if progress in (None, "") else progress,
        reason or (action.reason if (status or action.status) == Status.DROPPED else ""),
    )
    update = Update.objects.create(
        action=action,
        author=by,
        text=text,
        status=status,
        progress=progress,
        evidence_url=evidence_url,
        evidence_file=evidence_file or "",
        written_at=at or timezone.now(),
    )
    action.status, action.progress, action.reason = status, progress, reason
    action.updated_at = update.written_at
    action.save(update_fields=["status", "progress", "reason", "updated_at"])
    webhook_events.action_updated(update)
    return update


# -- where actions came from, and why nothing did -------------------------------------------


def link_source(action: Action, kind: str, target, *, theme: int | None = None) -> Source:
    """Trace the action to what people said: a note, a statement, a principle or a library
    entry (`target`), or a harvest theme (`target` its report, `theme` its number)."""
    found = _reference(kind, target, theme, action.coalition)
    source, _created = Source.objects.get_or_create(action=action, **found)
    return source


def unlink_source(source: Source) -> None:
    """The action no longer traces to this (a theme or statement may need an answer again)."""
    source.delete()


def record_no_action(coalition, kind: str, target, reason: str, *, by, theme=None) -> Unactioned:
    """Say why a harvest theme or a common-ground statement led to no action."""
    if kind not in (Kind.THEME, Kind.STATEMENT):
        raise PlanError(_("Only a theme or a statement is answered this way."), "kind")
    reason = str(reason or "").strip()
    if not reason:
        raise PlanError(
            _("Say why nothing was done: the people who said it will read it."), "reason"
        )
    if len(reason) > REASON_MAX:
        raise PlanError(_("The reason is too long."), "reason")
    found = _reference(kind, target, theme, coalition)
    kept, _created = Unactioned.objects.update_or_create(
        coalition=coalition,
        **found,
        defaults={"reason": reason, "recorded_by": by, "recorded_at": timezone.now()},
    )
    return kept


def _reference(kind: str, target, theme, coalition) -> dict:
    column = {
        Kind.NOTE: "note",
        Kind.THEME: "report",
        Kind.STATEMENT: "statement",
        Kind.PRINCIPLE: "principle",
        Kind.LIBRARY: "entry",
    }.get(kind)
    if column is None or target is None:
        raise PlanError(_("Choose what the action came from."), "kind")
    if not _belongs(kind, target, coalition):
        raise PlanError(_("That belongs to another coalition's work."), "kind")
    found = {"kind": kind, column: target}
    if kind == Kind.THEME:
        if theme not in theme_numbers(target):
            raise PlanError(_("That theme is no longer in the report."), "theme")
        found["theme"] = theme
    return found


def _belongs(kind: str, target, coalition) -> bool:
    """Is this part of the coalition's own work? A library entry may also be any entry
    everyone can read: a plan may borrow from what another city tried."""
    if kind == Kind.NOTE:
        return target.cafe.agenda_item.workshop.coalition_id == coalition.pk
    if kind == Kind.THEME:
        return target.workshop.coalition_id == coalition.pk
    if kind == Kind.STATEMENT:
        return target.conversation.coalition_id == coalition.pk
    if kind == Kind.PRINCIPLE:
        return target.charter.coalition_id == coalition.pk
    if target.coalition_id == coalition.pk:
        return True
    public = target.coalition_id is None or target.coalition.is_public
    return target.status == "published" and public


def theme_numbers(report) -> set[int]:
    """The numbers of the themes a workshop report holds now, every question's."""
    questions = (report.themes or {}).get("questions", {})
    return {int(raw["id"]) for themes in questions.values() for raw in themes}


# -- progress -------------------------------------------------------------------------------


def progress(plan: Plan) -> rollup.Progress:
    """Each goal's progress and the plan's (0-100, None where nothing counts), summed in the
    database: two queries whatever the number of actions."""
    return rollup.roll_up(totals(plan))


def totals(plan: Plan) -> list[rollup.GoalTotals]:
    sums = (
        Action.objects.filter(goal__plan=plan)
        .exclude(status=Status.DROPPED)
        .values("goal")
        .annotate(counted=Sum("weight"), points=Sum(F("weight") * F("progress")))
    )
    by_goal = {row["goal"]: row for row in sums}
    return [
        rollup.GoalTotals(
            goal=pk,
            parent=parent,
            weight=weight,
            action_weight=by_goal.get(pk, {}).get("counted") or 0,
            action_points=by_goal.get(pk, {}).get("points") or 0,
        )
        for pk, parent, weight in plan.goals.values_list("pk", "parent_id", "weight")
    ]


def _touch(plan: Plan) -> None:
    Plan.objects.filter(pk=plan.pk).update(updated_at=timezone.now())
