"""The plan's pages for everyone who may see the coalition: its plans, a plan with its goals,
actions and timeline, one action with its owners, sources and updates, and the plan as a
spreadsheet, a calendar of due dates and a feed of updates.

Each view goes through a door; reads come from `selectors`, the files from `feeds`. Writing
the plan is in editing_views.py: these pages only link to it.
"""

import os

from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render
from django.urls import NoReverseMatch, reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from coproduce.coalitions.permissions import Action as Do
from coproduce.coalitions.permissions import Visitor, can
from coproduce.coalitions.selectors import find_coalition
from coproduce.core.doors import door
from coproduce.core.user_markdown import markdown_to_html

from . import feeds, selectors, services, timeline
from .models import Action, Kind, Plan, Status, Update


def find_plan(request, coalition_slug: str, plan_id: int) -> Plan:
    return get_object_or_404(
        Plan.objects.select_related("coalition"), pk=plan_id, coalition__slug=coalition_slug
    )


def find_action(request, coalition_slug: str, action_id: int) -> Action:
    return get_object_or_404(
        Action.objects.select_related("goal__plan__coalition", "lead"),
        pk=action_id,
        goal__plan__coalition__slug=coalition_slug,
    )


def find_evidence(request, coalition_slug: str, action_id: int, update_id: int) -> Action:
    """The action, carrying the update whose file is asked for (the door checks the action)."""
    update = get_object_or_404(
        Update.objects.select_related("action__goal__plan__coalition").exclude(evidence_file=""),
        pk=update_id,
        action_id=action_id,
        action__goal__plan__coalition__slug=coalition_slug,
    )
    action = update.action
    action.evidence_update = update
    return action


def percent(value: float | None) -> int | None:
    """A progress figure as the page shows it: a whole per cent, or None (nothing counts)."""
    return None if value is None else int(round(value))


# --- the coalition's plans ---------------------------------------------------------------------


@door(get=Do.VIEW, find=find_coalition)
def plan_list(request, coalition):
    plans = list(selectors.plans_of(coalition))
    for plan in plans:
        plan.percent = percent(services.progress(plan).plan)
    context = {
        "coalition": coalition,
        "plans": plans,
        "may_create": can(Visitor.of(request), Do.EDIT_PLAN, coalition),
    }
    return render(request, "plans/list.html", context)


# --- one plan ------------------------------------------------------------------------------------


def _filters(request, owners: list) -> tuple[int | None, str, list[str]]:
    """The owner and status asked for in the address; values that are not offered are
    ignored and said so, never an error."""
    ignored = []
    owner = None
    raw_owner = request.GET.get("owner", "").strip()
    if raw_owner:
        try:
            owner = int(raw_owner)
        except ValueError:
            owner = None
        if owner not in {organisation.pk for organisation in owners}:
            owner = None
            ignored.append(_("That organisation owns no action in this plan: showing every owner."))
    status = request.GET.get("status", "").strip()
    if status and status not in {*Status.values, selectors.OVERDUE}:
        status = ""
        ignored.append(_("There is no such status: showing every status."))
    return owner, status, ignored


def _groups(actions: list[Action], goals: list) -> list[dict]:
    """The page's actions under their goals, in the plan's order."""
    by_goal: dict[int, list[Action]] = {}
    for action in actions:
        by_goal.setdefault(action.goal_id, []).append(action)
    return [{"goal": goal, "actions": by_goal[goal.pk]} for goal in goals if goal.pk in by_goal]


def _state(action: Action) -> str:
    return "overdue" if action.overdue else action.status


def timeline_chart(actions: list[Action], today) -> str:
    bars = [
        timeline.Bar(
            label=action.title,
            start=action.starts_on,
            due=action.due_on,
            progress=action.progress,
            state=_state(action),
            note=_("overdue") if action.overdue else "",
        )
        for action in actions
    ]
    drawn = len(timeline.drawn(bars))
    overdue = sum(1 for action in actions if action.overdue)
    if drawn:
        description = ngettext(
            "%(n)s action drawn from its start to its due date",
            "%(n)s actions drawn from their start to their due date",
            drawn,
        ) % {"n": drawn}
        if overdue:
            description += "; " + ngettext("%(n)s is overdue", "%(n)s are overdue", overdue) % {
                "n": overdue
            }
        description += ". " + _("The table gives the same dates.")
    else:
        description = _("No action on this page has a start or a due date yet.")
    return timeline.draw(
        bars,
        today=today,
        words=timeline.Words(
            title=_("When each action starts and is due"),
            description=description,
            today=_("today"),
        ),
        month_label=lambda day: date_format(day, "SHORT_DATE_FORMAT"),
    )


@door(get=Do.VIEW, find=find_plan)
def plan_detail(request, plan):
    coalition = plan.coalition
    visitor = Visitor.of(request)
    today = selectors.today_for(coalition)
    found = services.progress(plan)
    goals = selectors.goals_of(plan)
    for goal in goals:
        goal.percent = percent(found.goals.get(goal.pk))
    owners = selectors.owner_choices(plan)
    owner, status, ignored = _filters(request, owners)
    actions = selectors.actions_of(plan, today=today, owner=owner, status=status)
    page = Paginator(actions, selectors.PAGE_SIZE).get_page(request.GET.get("page"))
    shown = selectors.mark(list(page.object_list), today)
    may_update = selectors.updatable(visitor, coalition, shown)
    for action in shown:
        action.may_update = action.pk in may_update
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "coalition": coalition,
        "plan": plan,
        "summary_html": markdown_to_html(plan.summary) if plan.summary else "",
        "percent": percent(found.plan),
        "counts": selectors.counts(plan, today),
        "goals": goals,
        "groups": _groups(shown, goals),
        "page": page,
        "shown": shown,
        "filtering": bool(owner or status),
        "owner": owner,
        "status": status,
        "owners": owners,
        "statuses": [*Status.choices, (selectors.OVERDUE, _("Overdue"))],
        "ignored": ignored,
        "query": query.urlencode(),
        "chart": timeline_chart(shown, today),
        "today": today,
        "may_edit": can(visitor, Do.EDIT_PLAN, plan),
    }
    return render(request, "plans/detail.html", context)


# --- one action ----------------------------------------------------------------------------------


def _theme_label(report, number: int) -> str:
    for themes in (report.themes or {}).get("questions", {}).values():
        for theme in themes:
            if int(theme.get("id", -1)) == number:
                return str(theme.get("label") or "")
    return ""


def _url(name: str, *args) -> str:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


def described(source, visitor: Visitor) -> dict:
    """What a source is, in words, and the page it lives on, as far as this visitor may see
    it (a principle of a draft charter, say, stays unnamed for those who cannot read drafts)."""
    kinds = dict(Kind.choices)
    found = {"kind": kinds.get(source.kind, source.kind), "text": "", "where": "", "url": ""}
    if source.kind == Kind.NOTE and source.note_id:
        note = source.note
        workshop = note.cafe.agenda_item.workshop
        found.update(text=note.text, where=workshop.title)
        found["url"] = _url("cafe:harvest", note.cafe_id)
    elif source.kind == Kind.THEME and source.report_id:
        workshop = source.report.workshop
        found.update(text=_theme_label(source.report, source.theme), where=workshop.title)
        found["url"] = workshop.get_absolute_url()
    elif source.kind == Kind.STATEMENT and source.statement_id:
        statement = source.statement
        if statement.status == statement.Status.ACCEPTED:
            found["text"] = statement.text
        found["where"] = statement.conversation.question
        found["url"] = _url("conversations:detail", statement.conversation_id)
    elif source.kind == Kind.PRINCIPLE and source.principle_id:
        charter = source.principle.charter
        if can(visitor, Do.VIEW, charter):
            found.update(text=source.principle.title, where=charter.title)
            found["url"] = _url("charters:detail", charter.coalition.slug, charter.pk)
        else:
            found["url"] = _url("charters:list", charter.coalition.slug)
    elif source.kind == Kind.LIBRARY and source.entry_id and can(visitor, Do.VIEW, source.entry):
        found["text"] = source.entry.title
        found["url"] = source.entry.get_absolute_url()
    return found


@door(get=Do.VIEW, find=find_action)
def action_detail(request, action):
    plan = action.goal.plan
    coalition = plan.coalition
    visitor = Visitor.of(request)
    today = selectors.today_for(coalition)
    action.overdue = action.is_overdue(today)
    history = selectors.action_history(action)
    context = {
        "coalition": coalition,
        "plan": plan,
        "goal": action.goal,
        "action": action,
        "description_html": markdown_to_html(action.description) if action.description else "",
        "owners_now": [o for o in history if o.until is None],
        "handed_over": [o for o in history if o.until is not None],
        "partners": list(action.partners.order_by("name")),
        "sources": [described(source, visitor) for source in selectors.sources_of(action)],
        "updates": selectors.updates_of(action),
        "today": today,
        "may_edit": can(visitor, Do.EDIT_PLAN, plan),
        "may_update": can(visitor, Do.UPDATE_ACTION, action),
    }
    return render(request, "plans/action.html", context)


# --- the plan as files ---------------------------------------------------------------------------


@door(get=Do.VIEW, find=find_plan)
def plan_csv(request, plan):
    return feeds.csv_response(plan)


@door(get=Do.VIEW, find=find_plan)
def due_ics(request, plan):
    return feeds.ics_response(plan, request)


@door(get=Do.VIEW, find=find_plan)
def updates_atom(request, plan):
    return feeds.atom_response(plan, request)


SHOWN_INLINE = {".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png"}


@door(get=Do.VIEW, find=find_evidence)
def evidence(request, action):
    """An update's evidence file, for whoever may see the action: photos shown, anything else
    downloaded, never guessed at by the browser."""
    stored = action.evidence_update.evidence_file
    name = os.path.basename(stored.name)
    inline = SHOWN_INLINE.get(os.path.splitext(name)[1].lower())
    try:
        handle = stored.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404 from None
    response = FileResponse(
        handle,
        as_attachment=inline is None,
        filename=name,
        content_type=inline or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
