"""The conversations' parts of the coalition and workshop pages."""

from django.db.models import Count

from coproduce.coalitions.permissions import Action, can

from .access import voter_of
from .selectors import without_map

SHOWN = 20


def coalition_panel(request, coalition, role) -> dict:
    conversations = (
        without_map()
        .filter(coalition=coalition)
        .annotate(n_voters=Count("voters", distinct=True))
        .order_by("-created_at")[:SHOWN]
    )
    return {
        "conversations": list(conversations),
        "can_run": can(request.user, Action.RUN_CONVERSATION, coalition),
    }


def workshop_panel(request, workshop, can_run: bool) -> dict | None:
    conversations = list(without_map().filter(workshop=workshop).order_by("created_at"))
    can_open = can(request.user, Action.RUN_CONVERSATION, workshop)
    if not conversations and not can_open:
        return None
    for conversation in conversations:
        conversation.voter = voter_of(request, conversation)
    return {"conversations": conversations, "can_open": can_open, "workshop": workshop}
