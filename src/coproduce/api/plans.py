"""Action plans: a coalition's plans, one plan with its goals, actions and updates (as the
whole-coalition export gives it), and posting an update on an action, which its owners,
its lead and the coalition's organisers may do (the same rule as the action's page)."""

from datetime import datetime

from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext_noop
from ninja import Query, Router, Schema
from pydantic import AwareDatetime, Field

from coproduce.coalitions.permissions import Action as Do
from coproduce.plans import exports, services
from coproduce.plans.models import Action, Plan, Status

from .coalitions import find_coalition
from .doors import api_door
from .paging import DEFAULT_LIMIT, MAX_LIMIT, changed_since, paginate
from .problems import invalid
from .responses import answers, listed
from .schemas import Body

router = Router(tags=[gettext_noop("Action plans")])


class PlanSummary(Schema):
    id: int
    title: str
    summary: str
    updated_at: datetime
    url: str
    api_url: str


class PlanList(Schema):
    items: list[PlanSummary]
    next: str | None


class Ownership(Schema):
    organisation: str
    since: str
    until: str | None
    note: str


class SourceRef(Schema):
    kind: str
    id: int | str  # a theme's is "<workshop>/<number>"


class UpdateOut(Schema):
    at: str
    text: str
    status: str
    progress: int
    evidence: str | None


class ActionOut(Schema):
    id: int
    title: str
    description: str
    owners: list[str]
    ownership: list[Ownership]
    lead: str | None
    partners: list[str]
    start: str | None
    due: str | None
    status: str
    progress: int
    reason: str | None
    budget: str | None
    weight: int
    sources: list[SourceRef]
    updates: list[UpdateOut]


class Goal(Schema):
    id: int
    title: str
    description: str
    part_of: int | None
    weight: int
    progress: float  # 0-100
    actions: list[ActionOut]


class PlanOut(Schema):
    id: int
    title: str
    summary: str
    progress: float  # 0-100, the goals' weighted progress
    goals: list[Goal]


class NewUpdate(Body):
    text: str = Field(max_length=5000, description="What happened")
    status: Status | None = None
    progress: int | None = Field(None, ge=0, le=100)
    reason: str = Field("", max_length=2000, description="Why, when the action is dropped")
    evidence_url: str = Field("", max_length=500)


def find_plan(request, slug: str, plan_id: int) -> Plan:
    return get_object_or_404(
        Plan.objects.select_related("coalition"), pk=plan_id, coalition__slug=slug
    )


def find_action(request, slug: str, action_id: int) -> Action:
    return get_object_or_404(
        Action.objects.select_related("goal__plan__coalition"),
        pk=action_id,
        goal__plan__coalition__slug=slug,
    )


@router.get(
    "/coalitions/{slug}/plans/",
    response=answers(PlanList),
    summary=gettext_noop("A coalition's action plans"),
    description=gettext_noop("The coalition's plans, the least recently changed first."),
)
@api_door(Do.VIEW, find=find_coalition)
def coalition_plans(
    request,
    coalition,
    cursor: str | None = None,
    limit: int = Query(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT),
    updated_since: AwareDatetime | None = None,
):
    found = Plan.objects.filter(coalition=coalition)
    found = changed_since(found, updated_since)
    page = paginate(found, order="updated_at", cursor=cursor, limit=limit)
    items = [
        {
            "id": plan.pk,
            "title": plan.title,
            "summary": plan.summary,
            "updated_at": plan.updated_at,
            "url": request.build_absolute_uri(
                reverse("plans:detail", args=[coalition.slug, plan.pk])
            ),
            "api_url": request.build_absolute_uri(
                reverse("api:coalition_plan", args=[coalition.slug, plan.pk])
            ),
        }
        for plan in page.items
    ]
    return listed(request, items, page)


@router.get(
    "/coalitions/{slug}/plans/{plan_id}/",
    response=answers(PlanOut),
    summary=gettext_noop("One action plan, its goals, actions and updates"),
    url_name="coalition_plan",
)
@api_door(Do.VIEW, find=find_plan)
def plan(request, plan: Plan):
    return exports.plan_document(plan)


@router.post(
    "/coalitions/{slug}/actions/{action_id}/updates/",
    response=answers(UpdateOut),
    summary=gettext_noop("Post an update on an action"),
    description=gettext_noop(
        "What happened: the action takes the status and progress the update gives (unchanged "
        "where it gives none). Its owners, its lead and the coalition's organisers may post."
    ),
)
@api_door(Do.UPDATE_ACTION, find=find_action)
def post_update(request, action: Action, update: NewUpdate):
    try:
        made = services.post_update(
            action,
            by=request.user,
            text=update.text,
            status=update.status,
            progress=update.progress,
            reason=update.reason,
            evidence_url=update.evidence_url,
        )
    except services.PlanError as error:
        raise invalid(error.field or "body", "body", str(error)) from None
    return {
        "at": made.written_at.isoformat(),
        "text": made.text,
        "status": made.status,
        "progress": made.progress,
        "evidence": made.evidence_url or None,
    }
