"""The plan's part of the whole-coalition export (`coproduce export`): `plans` (goals, actions
with owners, lead, dates, status, progress, sources and updates) and `outcomes` ("you said, we
did": what became of each harvest theme and each common-ground statement).

Whoever may see the coalition may see its plans, so the export gives everything here to every
reader. Ids are the platform's, but a theme's, which lives in its report: "<workshop>/<number>".
"""

from collections import defaultdict

from django.db.models import Prefetch

from coproduce.conversations.models import Conversation
from coproduce.reports.models import WorkshopReport

from . import services
from .models import Action, Kind, Ownership, Source, Unactioned


def theme_key(report: WorkshopReport, number: int) -> str:
    return f"{report.workshop.slug}/{number}"


def source_id(source) -> int | str:
    if source.kind == Kind.THEME:
        return theme_key(source.report, source.theme)
    return source.target_id


def coalition_plans(coalition, visitor) -> list[dict]:
    return [plan_document(plan) for plan in coalition.plans.order_by("created_at", "pk")]


def plan_document(plan) -> dict:
    """One plan: goals with their progress, actions with owners, sources and updates."""
    found = services.progress(plan)
    actions = defaultdict(list)
    for action in _actions(plan):
        actions[action.goal_id].append(_action(action))
    return {
        "id": plan.pk,
        "title": plan.title,
        "summary": plan.summary,
        "progress": _percent(found.plan),
        "goals": [
            {
                "id": goal.pk,
                "title": goal.title,
                "description": goal.description,
                "part_of": goal.parent_id,
                "weight": goal.weight,
                "progress": _percent(found.goals.get(goal.pk)),
                "actions": actions[goal.pk],
            }
            for goal in plan.goals.order_by("position", "pk")
        ],
    }


def _actions(plan):
    ownerships = Ownership.objects.select_related("organisation").order_by("since", "pk")
    sources = Source.objects.select_related("report__workshop").order_by("pk")
    return (
        Action.objects.filter(goal__plan=plan)
        .select_related("lead")
        .prefetch_related(
            Prefetch("ownerships", queryset=ownerships),
            Prefetch("sources", queryset=sources),
            "partners",
            "updates",
        )
        .order_by("goal", "position", "pk")
    )


def _action(action) -> dict:
    ownerships = list(action.ownerships.all())
    return {
        "id": action.pk,
        "title": action.title,
        "description": action.description,
        "owners": [o.organisation.name for o in ownerships if o.until is None],
        "ownership": [
            {
                "organisation": o.organisation.name,
                "since": o.since.isoformat(),
                "until": o.until.isoformat() if o.until else None,
                "note": o.note,
            }
            for o in ownerships
        ],
        "lead": action.lead.full_name if action.lead else None,
        "partners": sorted(partner.name for partner in action.partners.all()),
        "start": action.starts_on.isoformat() if action.starts_on else None,
        "due": action.due_on.isoformat() if action.due_on else None,
        "status": action.status,
        "progress": action.progress,
        "reason": action.reason or None,
        "budget": str(action.budget) if action.budget is not None else None,
        "weight": action.weight,
        "sources": [{"kind": s.kind, "id": source_id(s)} for s in action.sources.all()],
        "updates": [
            {
                "at": update.written_at.isoformat(),
                "text": update.text,
                "status": update.status,
                "progress": update.progress,
                "evidence": update.evidence_url or None,
            }
            for update in sorted(action.updates.all(), key=lambda u: (u.written_at, u.pk))
        ],
    }


def _percent(value: float | None) -> float:
    """0-100 with one decimal; a goal with nothing left to count reads 0."""
    return round(value, 1) if value is not None else 0.0


# -- you said, we did -----------------------------------------------------------------------


def coalition_outcomes(coalition, visitor) -> list[dict]:
    """Every harvest theme of the coalition's workshops and every statement with common
    ground in its conversations (and any other a plan or a reason names), with the actions
    that took it up or, when none did, the reason an organiser recorded."""
    taken = defaultdict(list)
    sources = Source.objects.filter(action__goal__plan__coalition=coalition)
    for source in sources.select_related("report__workshop").order_by("action_id"):
        if source.kind in (Kind.THEME, Kind.STATEMENT):
            taken[(source.kind, source_id(source))].append(source.action_id)
    reasons = {
        (kept.kind, source_id(kept)): kept.reason
        for kept in Unactioned.objects.filter(coalition=coalition).select_related(
            "report__workshop"
        )
    }
    items = [*_themes(coalition), *_statements(coalition)]
    listed = set(items)
    items += sorted(key for key in (*taken, *reasons) if key not in listed)
    out = []
    for kind, key in items:
        entry = {"kind": kind, "id": key}
        if taken.get((kind, key)):
            entry["actions"] = sorted(set(taken[(kind, key)]))
        elif (kind, key) in reasons:
            entry["reason"] = reasons[(kind, key)]
        else:
            entry["actions"] = []
        out.append(entry)
    return out


def _themes(coalition) -> list[tuple[str, str]]:
    reports = WorkshopReport.objects.filter(workshop__coalition=coalition).select_related(
        "workshop"
    )
    return [
        (Kind.THEME.value, theme_key(report, number))
        for report in reports.order_by("workshop__starts_at", "pk")
        for number in sorted(services.theme_numbers(report))
    ]


def _statements(coalition) -> list[tuple[str, int]]:
    found = []
    for conversation in Conversation.objects.filter(coalition=coalition).order_by("pk"):
        ground = (conversation.map_data or {}).get("common_ground") or {}
        ids = {item["statement"] for items in ground.values() for item in items}
        found += [(Kind.STATEMENT.value, pk) for pk in sorted(ids)]
    return found
