"""Asking before a destructive action, in one place and without JavaScript.

A button that replaces or removes something posts as before. The view first asks
`confirmed(request)`: a post without the `confirm` field is answered with a page that says
plainly what will be lost and offers "Yes, ..." and "Cancel"; only the post that page sends
(the same address, the same fields, plus `confirm`) acts. Nothing is changed by the first post.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from django.shortcuts import render

CONFIRM_FIELD = "confirm"
CONFIRM_VALUE = "yes"


def confirmed(request) -> bool:
    return request.POST.get(CONFIRM_FIELD) == CONFIRM_VALUE


@dataclass(frozen=True)
class Question:
    """What the confirmation says: a title, what will be lost (each in a sentence), the
    wording of the button that acts and where Cancel goes back to."""

    title: str
    losses: Sequence[str]
    yes: str
    cancel_url: str
    keep: Mapping[str, str] = field(default_factory=dict)  # fields the action needs again
    stays: Sequence[str] = ()  # what is not lost, when people would worry about it


def ask_first(request, question: Question, context: Mapping | None = None):
    """The confirmation page, posting back to the address that asked."""
    page = {**(context or {}), "confirm": question, "confirm_action": request.path}
    return render(request, "core/confirm_page.html", page)
