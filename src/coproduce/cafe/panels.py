"""The café's part of the workshop page: links for the facilitator and each participant."""

from coproduce.workshops.models import AgendaItem

from .access import participant_for
from .models import Cafe


def workshop_panel(request, workshop, can_run: bool) -> dict | None:
    items = [
        item for item in workshop.agenda_items.all() if item.kind == AgendaItem.Kind.WORLD_CAFE
    ]
    if not items:
        return None
    cafes = {c.agenda_item_id: c for c in Cafe.objects.filter(agenda_item__in=items)}
    entries = []
    for item in items:
        cafe = cafes.get(item.pk)
        if cafe is not None:
            cafe.agenda_item = item
        participant = participant_for(request, cafe) if cafe else None
        if cafe or can_run:
            entries.append({"item": item, "cafe": cafe, "participant": participant})
    return {"cafes": entries, "can_run": can_run} if entries else None
