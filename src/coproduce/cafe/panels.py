"""The café's parts of the workshop page: links for the facilitator and each participant, and
at the top, what a participant does now."""

from django.utils import timezone

from coproduce.workshops.models import AgendaItem

from .access import participant_for
from .models import Cafe
from .selectors import my_state


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


def participant_now(request, workshop, can_run: bool) -> dict | None:
    """What a participant does now, for the top of the workshop page: the café under way
    (or about to start, once the workshop has begun), with their table, question and clock.
    None when they are in no café, or before the day (the page then says "see you at ...")."""
    cafes = Cafe.objects.filter(agenda_item__workshop=workshop).select_related("agenda_item")
    found = []
    for cafe in cafes:
        cafe.agenda_item.workshop = workshop
        participant = participant_for(request, cafe)
        if participant is not None:
            found.append((cafe, participant))
    if not found:
        return None
    # The café under way first, then one still to come, then one that is done.
    order = {Cafe.Phase.RUNNING: 0, Cafe.Phase.NOT_STARTED: 1, Cafe.Phase.FINISHED: 2}
    cafe, participant = min(found, key=lambda pair: order[pair[0].phase])
    if not cafe.has_started and timezone.now() < workshop.starts_at:
        return None
    return {
        "top": True,
        "cafe": cafe,
        "server_now": timezone.now(),
        **my_state(cafe, participant, route=False),
    }
