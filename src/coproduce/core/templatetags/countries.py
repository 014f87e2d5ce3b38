"""{{ entry.country|country }}: a stored country name in the reader's language
(core/countries.py)."""

from django import template

from coproduce.core.countries import country_name

register = template.Library()


@register.filter
def country(stored: str) -> str:
    return country_name(stored or "")
