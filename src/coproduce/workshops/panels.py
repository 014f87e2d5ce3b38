"""The workshops panel of the coalition page, and the registry of panels on the workshop page."""

from django.db.models import Count, Q
from django.utils import timezone

from coproduce.coalitions.permissions import Action, can

from .models import Registration, Workshop

SHOWN = 20


def coalition_panel(request, coalition, role) -> dict:
    workshops = Workshop.objects.filter(coalition=coalition).annotate(
        registered=Count(
            "registrations", filter=Q(registrations__status=Registration.Status.REGISTERED)
        )
    )
    now = timezone.now()
    return {
        "upcoming": list(workshops.filter(ends_at__gte=now).order_by("starts_at")[:SHOWN]),
        "past": list(workshops.filter(ends_at__lt=now).order_by("-starts_at")[:SHOWN]),
        "can_plan": can(request.user, Action.PLAN_WORKSHOP, coalition),
    }


# Panels of the workshop page that later capabilities add (the café, the conversation, the
# report), registered in their AppConfig.ready() so this app never imports them.
_workshop_panels: dict[str, tuple[int, str, object]] = {}


def register_workshop_panel(key: str, template: str, context, order: int = 100) -> None:
    """`context(request, workshop, can_run)` returns the panel's template context, or None
    to leave the panel out."""
    _workshop_panels[key] = (order, template, context)


def workshop_panels(request, workshop, can_run: bool) -> list[tuple[str, dict]]:
    shown = []
    for _order, template, context in sorted(_workshop_panels.values(), key=lambda s: s[0]):
        panel = context(request, workshop, can_run)
        if panel is not None:
            shown.append((template, panel))
    return shown
