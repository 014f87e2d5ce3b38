from django import template

from coproduce.cafe.timer import minutes_and_seconds

register = template.Library()


@register.filter
def clock_figure(left) -> str:
    """Time left as the clock shows it: "15:00"."""
    return minutes_and_seconds(left) if left is not None else ""
