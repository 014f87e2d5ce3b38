"""The charter's part of the coalition page: drafts for members, published versions for all."""

from coproduce.coalitions.permissions import Action, Visitor, can

from . import selectors

SHOWN = 10


def coalition_panel(request, coalition, role) -> dict | None:
    visitor = Visitor.of(request)
    members = role is not None or can(visitor, Action.MEMBERS_VIEW, coalition)
    drafts = list(selectors.charters_of(coalition)[:SHOWN]) if members else []
    published = list(selectors.published_versions(coalition)[:SHOWN])
    may_start = can(visitor, Action.EDIT_CHARTER, coalition)
    if not drafts and not published and not may_start:
        return None
    return {"drafts": drafts, "published": published, "may_start": may_start, "members": members}
