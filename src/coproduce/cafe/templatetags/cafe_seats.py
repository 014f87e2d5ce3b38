"""Late arrivals, for the include that the live page and the check-in desk both show."""

from django import template

from coproduce.cafe import moves
from coproduce.cafe.models import Cafe

register = template.Library()


@register.simple_tag
def late_arrivals(cafe: Cafe) -> list[dict]:
    """Who has arrived but has no table in the round under way (see `moves.late_arrivals`)."""
    return moves.late_arrivals(cafe)


@register.simple_tag
def running_cafes(workshop) -> list[Cafe]:
    """The workshop's cafés with a round under way: the desk offers to seat late arrivals."""
    cafes = Cafe.objects.filter(agenda_item__workshop=workshop).select_related(
        "agenda_item__workshop"
    )
    return [cafe for cafe in cafes if cafe.is_running]
