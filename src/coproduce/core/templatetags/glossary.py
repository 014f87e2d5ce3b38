"""{% figure_label "voters" %} and {% figure_means "voters" %}: the glossary in templates."""

from django import template

from coproduce.core.glossary import figure

register = template.Library()


@register.simple_tag
def figure_label(key: str) -> str:
    return str(figure(key).label)


@register.simple_tag
def figure_means(key: str) -> str:
    return str(figure(key).means)
