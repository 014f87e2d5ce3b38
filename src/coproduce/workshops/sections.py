"""The workshops section of the coalition page."""

from django.db.models import Count, Q
from django.utils import timezone

from coproduce.coalitions.permissions import Action, can

from .models import Registration, Workshop

SHOWN = 20


def coalition_section(request, coalition, role) -> dict:
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
