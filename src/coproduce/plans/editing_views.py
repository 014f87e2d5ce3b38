"""The pages for writing a plan: the plan, its goals and actions (organisers), updates (the
action's owners and lead too), where each action came from, and "you said, we did".

Each view goes through a door; every write goes through `services`, whose refusals are shown
on the field they name with everything typed still in the form.
"""

from django.contrib import messages
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from coproduce.cafe.models import Note
from coproduce.charters.models import Principle
from coproduce.coalitions.models import Visibility
from coproduce.coalitions.permissions import Action as Do
from coproduce.conversations.models import Conversation, Statement
from coproduce.core.doors import door
from coproduce.library.models import Entry
from coproduce.reports.models import WorkshopReport

from . import outcomes_email, services
from .forms import (
    ActionForm,
    AnswerForm,
    GoalForm,
    PlanForm,
    SourceForm,
    UpdateForm,
    action_initial,
    refused,
)
from .models import Action, Goal, Kind, Plan, Source, Unactioned
from .services import ActionDraft, PlanError
from .views import find_action, find_coalition, find_plan

NOTES_OFFERED = 300  # the latest notes; older ones are reached through their theme
ENTRIES_OFFERED = 300


def find_goal(request, coalition_slug: str, plan_id: int, goal_id: int) -> Goal:
    return get_object_or_404(
        Goal.objects.select_related("plan__coalition"),
        pk=goal_id,
        plan_id=plan_id,
        plan__coalition__slug=coalition_slug,
    )


def _plan_url(plan: Plan) -> str:
    return reverse("plans:detail", args=[plan.coalition.slug, plan.pk])


def _action_url(action: Action) -> str:
    return reverse("plans:action", args=[action.coalition.slug, action.pk])


# --- the plan -------------------------------------------------------------------------------


@door(get=Do.EDIT_PLAN, post=Do.EDIT_PLAN, find=find_coalition)
def create_plan(request, coalition):
    form = PlanForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.start_plan(coalition, by=request.user, **form.cleaned_data)
        except PlanError as error:
            refused(form, error)
        else:
            messages.success(request, _("The plan is ready. Add its first goal."))
            return redirect(_plan_url(plan))
    context = {"coalition": coalition, "form": form, "plan": None}
    return render(request, "plans/edit_plan.html", context)


@door(get=Do.EDIT_PLAN, post=Do.EDIT_PLAN, find=find_plan)
def edit_plan(request, plan):
    initial = {"title": plan.title, "summary": plan.summary}
    form = PlanForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.edit_plan(plan, **form.cleaned_data)
        except PlanError as error:
            refused(form, error)
        else:
            messages.success(request, _("The plan is saved."))
            return redirect(_plan_url(plan))
    context = {"coalition": plan.coalition, "form": form, "plan": plan}
    return render(request, "plans/edit_plan.html", context)


# --- goals ----------------------------------------------------------------------------------


@door(get=Do.EDIT_PLAN, post=Do.EDIT_PLAN, find=find_plan)
def add_goal(request, plan):
    form = GoalForm(request.POST or None, plan=plan)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_goal(plan, **form.cleaned_data)
        except PlanError as error:
            refused(form, error)
        else:
            messages.success(request, _("The goal is added."))
            return redirect(_plan_url(plan))
    return _goal_page(request, plan, form, None)


@door(get=Do.EDIT_PLAN, post=Do.EDIT_PLAN, find=find_goal)
def edit_goal(request, goal):
    plan = goal.plan
    initial = {
        "title": goal.title,
        "description": goal.description,
        "weight": goal.weight,
        "parent": goal.parent_id,
    }
    form = GoalForm(request.POST or None, initial=initial, plan=plan, goal=goal)
    if request.method == "POST" and form.is_valid():
        try:
            services.edit_goal(goal, **form.cleaned_data)
        except PlanError as error:
            refused(form, error)
        else:
            messages.success(request, _("The goal is saved."))
            return redirect(_plan_url(plan))
    return _goal_page(request, plan, form, goal)


def _goal_page(request, plan, form, goal):
    context = {"coalition": plan.coalition, "plan": plan, "goal": goal, "form": form}
    return render(request, "plans/edit_goal.html", context)


# --- actions --------------------------------------------------------------------------------


@door(get=Do.EDIT_PLAN, post=Do.EDIT_PLAN, find=find_goal)
def add_action(request, goal):
    coalition = goal.plan.coalition
    form = ActionForm(request.POST or None, coalition=coalition)
    if request.method == "POST" and form.is_valid():
        try:
            action = services.add_action(goal, ActionDraft(**form.draft_fields()), by=request.user)
        except PlanError as error:
            refused(form, error)
        else:
            messages.success(request, _("The action is added."))
            return redirect(_action_url(action))
    context = {"coalition": coalition, "plan": goal.plan, "goal": goal, "form": form}
    return render(request, "plans/edit_action.html", {**context, "action": None})


@door(get=Do.EDIT_PLAN, post=Do.EDIT_PLAN, find=find_action)
def edit_action(request, action):
    coalition = action.coalition
    initial = action_initial(action, services.owners_of(action))
    form = ActionForm(request.POST or None, initial=initial, coalition=coalition, editing=True)
    if request.method == "POST" and form.is_valid():
        try:
            services.edit_action(
                action,
                ActionDraft(**form.draft_fields()),
                by=request.user,
                note=form.cleaned_data["handover_note"],
            )
        except PlanError as error:
            refused(form, error)
        else:
            messages.success(request, _("The action is saved."))
            return redirect(_action_url(action))
    context = {"coalition": coalition, "plan": action.goal.plan, "goal": action.goal}
    return render(request, "plans/edit_action.html", {**context, "form": form, "action": action})


# --- updates --------------------------------------------------------------------------------


@door(get=Do.UPDATE_ACTION, post=Do.UPDATE_ACTION, find=find_action)
def post_update(request, action):
    initial = {"status": action.status, "progress": action.progress, "reason": action.reason}
    form = UpdateForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.post_update(action, by=request.user, **form.cleaned_data)
        except PlanError as error:
            refused(form, error)
        else:
            messages.success(request, _("Your update is posted. Thank you."))
            return redirect(_action_url(action))
    context = {"coalition": action.coalition, "plan": action.goal.plan, "action": action}
    return render(request, "plans/update.html", {**context, "form": form})


# --- where an action came from --------------------------------------------------------------


@door(get=Do.EDIT_PLAN, post=Do.EDIT_PLAN, find=find_action)
def sources(request, action):
    coalition = action.coalition
    offered = _offered(coalition)
    form = SourceForm(groups=_groups(offered))
    if request.method == "POST" and "remove" in request.POST:
        removed = action.sources.filter(pk=_number(request.POST["remove"])).first()
        if removed is not None:
            services.unlink_source(removed)
            messages.success(request, _("It is no longer listed as where this action came from."))
        return redirect(reverse("plans:sources", args=[coalition.slug, action.pk]))
    if request.method == "POST":
        form = SourceForm(request.POST, groups=_groups(offered))
        if form.is_valid():
            kind, target, theme = offered["targets"][form.cleaned_data["source"]]
            try:
                services.link_source(action, kind, target, theme=theme)
            except PlanError as error:
                form.add_error("source", str(error))
            else:
                messages.success(request, _("Added to where this action came from."))
                return redirect(reverse("plans:sources", args=[coalition.slug, action.pk]))
    listed = [
        {"pk": source.pk, "kind": source.get_kind_display(), "label": _label(source, offered)}
        for source in action.sources.select_related(
            "note", "report__workshop", "statement", "principle", "entry"
        )
    ]
    context = {"coalition": coalition, "plan": action.goal.plan, "action": action}
    return render(request, "plans/sources.html", {**context, "form": form, "listed": listed})


def _number(value) -> int:
    return int(value) if str(value).isdigit() and len(str(value)) <= 18 else 0


def _offered(coalition) -> dict:
    """Everything of the coalition's work an action may come from: {"groups": [(kind label,
    [(value, label)])], "targets": {value: (kind, object, theme number)}}."""
    groups, targets = [], {}

    def add(kind, rows):
        choices = []
        for value, label, target, theme in rows:
            targets[value] = (kind, target, theme)
            choices.append((value, label))
        if choices:
            groups.append((Kind(kind).label, choices))

    notes = Note.objects.filter(cafe__agenda_item__workshop__coalition=coalition)
    notes = notes.exclude(text="").select_related("table").order_by("-pk")[:NOTES_OFFERED]
    add(Kind.NOTE, [(f"note:{n.pk}", _short(n.text), n, None) for n in notes])
    add(Kind.THEME, list(_theme_rows(coalition)))
    add(
        Kind.STATEMENT,
        [(f"statement:{s.pk}", _short(s.text), s, None) for s in _grounds(coalition)],
    )
    principles = Principle.objects.filter(charter__coalition=coalition).select_related("charter")
    add(
        Kind.PRINCIPLE,
        [
            (f"principle:{p.pk}", f"{p.charter.title}: {p.title}", p, None)
            for p in principles.order_by("charter", "position", "pk")
        ],
    )
    readable = Q(status="published") & (
        Q(coalition__isnull=True) | Q(coalition__visibility=Visibility.PUBLIC)
    )
    entries = Entry.objects.filter(Q(coalition=coalition) | readable)
    entries = entries.order_by("title", "pk")[:ENTRIES_OFFERED]
    add(Kind.LIBRARY, [(f"library:{e.pk}", _short(e.title), e, None) for e in entries])
    return {"groups": groups, "targets": targets}


def _groups(offered: dict) -> list:
    return offered["groups"]


def _theme_rows(coalition):
    reports = WorkshopReport.objects.filter(workshop__coalition=coalition).select_related(
        "workshop"
    )
    for report in reports.order_by("workshop__starts_at", "pk"):
        for number, label in _themes_of(report):
            text = f"{report.workshop.title}: {label}"
            yield f"theme:{report.pk}:{number}", _short(text), report, number


def _themes_of(report) -> list[tuple[int, str]]:
    found = {}
    for themes in (report.themes or {}).get("questions", {}).values():
        for raw in themes:
            found[int(raw["id"])] = str(raw.get("label") or "")
    return sorted(found.items())


def _grounds(coalition) -> list:
    """The statements the coalition's opinion maps found common ground on."""
    ids = set()
    for data in Conversation.objects.filter(coalition=coalition).values_list("map_data", flat=True):
        ground = (data or {}).get("common_ground") or {}
        ids |= {item["statement"] for items in ground.values() for item in items}
    return list(
        Statement.objects.filter(pk__in=ids, conversation__coalition=coalition).order_by("pk")
    )


def _short(text: str, limit: int = 120) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _label(source, offered) -> str:
    if source.kind == Kind.THEME:
        value = f"theme:{source.report_id}:{source.theme}"
        found = dict(choice for _kind, choices in offered["groups"] for choice in choices)
        return found.get(value) or source.report.workshop.title
    target = {
        Kind.NOTE: lambda: source.note.text,
        Kind.STATEMENT: lambda: source.statement.text,
        Kind.PRINCIPLE: lambda: source.principle.title,
        Kind.LIBRARY: lambda: source.entry.title,
    }[source.kind]()
    return _short(target)


# --- you said, we did -----------------------------------------------------------------------


@door(get=Do.EDIT_PLAN, post=Do.EDIT_PLAN, find=find_coalition)
def answers(request, coalition):
    posted = AnswerForm(request.POST) if request.method == "POST" else None
    items = _answer_items(coalition)
    by_key = {item["key"]: item for item in items}
    if posted is not None:
        if posted.is_valid() and posted.cleaned_data["item"] in by_key:
            item = by_key[posted.cleaned_data["item"]]
            try:
                services.record_no_action(
                    coalition,
                    item["kind"],
                    item["target"],
                    posted.cleaned_data["reason"],
                    by=request.user,
                    theme=item["theme"],
                )
            except PlanError as error:
                refused(posted, error)
            else:
                messages.success(request, _("The reason is recorded."))
                url = reverse("plans:answers", args=[coalition.slug])
                return redirect(f"{url}#{item['key'].replace(':', '-')}")
        elif posted.data.get("item") not in by_key:
            messages.error(request, _("That is no longer on the list. Choose again."))
        item = by_key.get(posted.data.get("item"))
        if item is not None:
            posted.auto_id = f"id_{item['anchor']}_%s"
            item["form"] = posted
    context = {"coalition": coalition, "items": items, "plan": None}
    context["tell"] = outcomes_email.workshops_to_tell(coalition)
    return render(request, "plans/answers.html", context)


def _answer_items(coalition) -> list[dict]:
    """Every theme and every common-ground statement, with the actions that took it up, the
    reason recorded, and a form for a reason."""
    taken: dict[str, list] = {}
    sources = Source.objects.filter(
        action__goal__plan__coalition=coalition, kind__in=[Kind.THEME, Kind.STATEMENT]
    ).select_related("action__goal__plan")
    for source in sources.order_by("action__goal__plan", "action__position", "action_id"):
        taken.setdefault(_key(source), []).append(source.action)
    reasons = {_key(kept): kept for kept in Unactioned.objects.filter(coalition=coalition)}
    items = [
        {"kind": Kind.THEME, "key": value, "label": label, "target": report, "theme": number}
        for value, label, report, number in _theme_rows(coalition)
    ]
    items += [
        {"kind": Kind.STATEMENT, "key": f"statement:{s.pk}", "label": s.text, "target": s}
        for s in _grounds(coalition)
    ]
    for item in items:
        item.setdefault("theme", None)
        item["kind_label"] = Kind(item["kind"]).label
        item["anchor"] = item["key"].replace(":", "-")
        seen = {}
        for action in taken.get(item["key"], []):
            seen[action.pk] = action
        item["actions"] = list(seen.values())
        item["reason"] = reasons.get(item["key"])
        reason = item["reason"].reason if item["reason"] else ""
        item["form"] = AnswerForm(
            initial={"item": item["key"], "reason": reason}, auto_id=f"id_{item['anchor']}_%s"
        )
    return items


def _key(reference) -> str:
    if reference.kind == Kind.THEME:
        return f"theme:{reference.report_id}:{reference.theme}"
    return f"statement:{reference.statement_id}"
