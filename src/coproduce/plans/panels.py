"""The plans' part of the coalition page: each plan with how far it has come, and a link."""

from coproduce.coalitions.permissions import Action, Visitor, can

from . import selectors, services

SHOWN = 5


def coalition_panel(request, coalition, role) -> dict | None:
    plans = list(selectors.plans_of(coalition)[:SHOWN])
    may_create = can(Visitor.of(request), Action.EDIT_PLAN, coalition)
    if not plans and not may_create:
        return None
    for plan in plans:
        found = services.progress(plan).plan
        plan.percent = None if found is None else int(round(found))
    return {"plans": plans, "may_create": may_create}
