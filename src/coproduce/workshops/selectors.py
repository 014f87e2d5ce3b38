"""Reads the workshop pages share. Each runs a fixed number of queries, whatever the size."""

from collections import Counter
from dataclasses import dataclass

from django.db.models import Count, Q
from django.shortcuts import get_object_or_404
from django.utils import timezone

from coproduce.coalitions.permissions import visible_coalitions
from coproduce.people.sectors import SECTOR_ORDER, sector_key, sector_label

from .models import Registration, Workshop


def find_workshop(request, slug: str) -> Workshop:
    """The workshop a page's address names (404 when there is none): the `find` of the doors
    of every page and API operation about one workshop."""
    return get_object_or_404(Workshop.objects.select_related("coalition"), slug=slug)


@dataclass(frozen=True)
class SectorCount:
    sector: str
    label: str
    registered: int
    attended: int


def sector_counts(workshop: Workshop) -> list[SectorCount]:
    """Registered and checked-in people per sector, in the fixed sector order (one query)."""
    rows = (
        Registration.objects.filter(workshop=workshop, status=Registration.Status.REGISTERED)
        .values("sector")
        .annotate(
            registered=Count("id"), attended=Count("id", filter=Q(checked_in_at__isnull=False))
        )
        .order_by()
    )
    registered: Counter[str] = Counter()
    attended: Counter[str] = Counter()
    for row in rows:  # "Prefer not to say" and never asked share the "not given" bar
        registered[sector_key(row["sector"])] += row["registered"]
        attended[sector_key(row["sector"])] += row["attended"]
    return [
        SectorCount(s, sector_label(s), registered[s], attended[s])
        for s in SECTOR_ORDER
        if s in registered
    ]


def totals(counts: list[SectorCount]) -> dict[str, int]:
    return {
        "registered": sum(c.registered for c in counts),
        "attended": sum(c.attended for c in counts),
    }


def registration_of(workshop: Workshop, user, guest) -> Registration | None:
    """This visitor's own active registration, if any."""
    active = workshop.registrations.filter(status=Registration.Status.REGISTERED)
    if getattr(user, "is_authenticated", False):
        return active.filter(person_id=user.pk).first()
    if guest is not None:
        return active.filter(guest_id=guest.pk).first()
    return None


def registrations_for_desk(workshop: Workshop, query: str = ""):
    """The check-in desk's list: everyone registered, searchable by name."""
    registrations = workshop.registrations.filter(status=Registration.Status.REGISTERED)
    if query:
        registrations = registrations.filter(display_name__icontains=query)
    return registrations.order_by("display_name", "pk")


def workshop_page_data(workshop: Workshop) -> Workshop:
    """The workshop with everything its page shows, fetched in a fixed number of queries."""
    return (
        Workshop.objects.select_related("coalition")
        .prefetch_related(
            "contributors", "desired_outcomes", "agenda_items__questions", "conclusions"
        )
        .get(pk=workshop.pk)
    )


def visible_workshops(user):
    return Workshop.objects.filter(coalition__in=visible_coalitions(user)).select_related(
        "coalition"
    )


def upcoming_workshops(user, limit: int = 6):
    return visible_workshops(user).filter(ends_at__gte=timezone.now()).order_by("starts_at")[:limit]


def recent_workshops(user, limit: int = 6):
    return visible_workshops(user).filter(ends_at__lt=timezone.now()).order_by("-starts_at")[:limit]
