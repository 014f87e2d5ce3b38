"""The assessments' panel on the coalition page: the latest assessments and what to do next."""

from coproduce.coalitions.permissions import Action, Visitor, can

SHOWN = 5


def coalition_panel(request, coalition, role) -> dict | None:
    visitor = Visitor.of(request)
    may_run = can(visitor, Action.RUN_ASSESSMENT, coalition)
    found = list(coalition.assessments.order_by("-created_at", "-pk")[: SHOWN + 1])
    if not found and not may_run:
        return None
    return {
        "assessments": found[:SHOWN],
        "more": len(found) > SHOWN,
        "may_run": may_run,
        "may_answer": can(visitor, Action.ANSWER_ASSESSMENT, coalition),
    }
