"""Reads the coalition pages share."""

from collections import Counter

from django.db.models import Count
from django.shortcuts import get_object_or_404

from coproduce.people.sectors import SECTOR_ORDER, sector_key, sector_label

from .models import Coalition, Membership


def find_coalition(request, coalition_slug: str) -> Coalition:
    """The coalition a page's address names (404 when there is none): the `find` of the doors
    of every capability's coalition pages."""
    return get_object_or_404(Coalition, slug=coalition_slug)


def members_by_sector(coalition: Coalition) -> list[dict]:
    """Members counted by their sector, in the fixed sector order, in one query."""
    rows = (
        Membership.objects.filter(coalition=coalition)
        .values("person__sector")
        .annotate(n=Count("id"))
    )
    counts: Counter[str] = Counter()
    for row in rows:
        counts[sector_key(row["person__sector"])] += row["n"]
    return [
        {"sector": s, "label": sector_label(s), "count": counts[s]}
        for s in SECTOR_ORDER
        if counts.get(s)
    ]


def memberships(coalition: Coalition):
    return (
        Membership.objects.filter(coalition=coalition)
        .select_related("person", "person__organisation")
        .order_by("role", "person__full_name")
    )
