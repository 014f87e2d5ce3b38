"""The strategies' part of the coalition page: for the coalition's members only."""

from coproduce.coalitions.permissions import Action, Visitor, can

from . import selectors

SHOWN = 10


def coalition_panel(request, coalition, role) -> dict | None:
    visitor = Visitor.of(request)
    if role is None and not visitor.is_admin:
        return None  # a strategy is the members' draft, in a public coalition too
    strategies = list(selectors.strategies_of(coalition)[:SHOWN])
    may_start = can(visitor, Action.EDIT_STRATEGY, coalition)
    if not strategies and not may_start:
        return None
    return {"strategies": strategies, "may_start": may_start}
