"""The library's parts of the workshop and coalition pages ("From the library")."""

from coproduce.coalitions.permissions import Action, Visitor, can

from .links import entries_for_coalition, entries_for_workshop


def workshop_panel(request, workshop, can_run: bool) -> dict | None:
    """The entries the workshop's café discussed, by question, and for those who contribute a
    search box that leads to the link form (the page's queries stay few: one for the panel)."""
    visitor = Visitor.of(request)
    groups = entries_for_workshop(workshop, visitor)
    can_contribute = can(visitor, Action.CONTRIBUTE, workshop)
    if not groups and not can_contribute:
        return None
    return {"workshop": workshop, "groups": groups, "can_contribute": can_contribute}


def coalition_panel(request, coalition, role) -> dict | None:
    """The coalition's own entries and those its work links to."""
    visitor = Visitor.of(request)
    found = entries_for_coalition(coalition, visitor)
    can_contribute = can(visitor, Action.CONTRIBUTE, coalition)
    if not found.own and not found.linked and not can_contribute:
        return None
    return {
        "own": found.own,
        "linked": found.linked,
        "can_contribute": can_contribute,
    }
