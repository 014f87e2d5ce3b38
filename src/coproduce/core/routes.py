"""Every URL pattern of the site, and the system check that each view goes through a door
(see doors.py).

Django's admin is the one exception: it has its own door (`AdminSite.admin_view`, staff
accounts only), and the permission test tries it with every kind of visitor.
"""

from collections.abc import Iterator
from dataclasses import dataclass

from django.core.checks import Error, Tags, register
from django.urls import URLPattern, URLResolver, get_resolver

from .doors import door_of

OWN_DOOR_NAMESPACES = {"admin"}


@dataclass(frozen=True)
class Route:
    pattern: str  # the whole route, e.g. "cafe/<id:cafe_id>/plan/"
    name: str  # "namespace:name"
    namespace: str
    callback: object


def routes(resolver: URLResolver | None = None, prefix: str = "", namespace: str = ""):
    """Every URL pattern of the site, with its full route and namespaced name."""
    resolver = resolver or get_resolver()
    yield from _walk(resolver.url_patterns, prefix, namespace)


def _walk(patterns, prefix: str, namespace: str) -> Iterator[Route]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = namespace
            if entry.namespace:
                inner = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern), inner)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}:{entry.name}" if namespace and entry.name else entry.name or ""
            yield Route(prefix + str(entry.pattern), name, namespace, entry.callback)


def routes_without_door() -> list[Route]:
    return [
        route
        for route in routes()
        if route.namespace.split(":")[0] not in OWN_DOOR_NAMESPACES
        and door_of(route.callback) is None
    ]


@register(Tags.security, Tags.urls)
def every_view_has_a_door(app_configs=None, **kwargs) -> list[Error]:
    return [
        Error(
            f"The view of /{route.pattern} ({route.name or 'no name'}) has no door.",
            hint="Decorate it with coproduce.core.doors.door(get=..., post=..., find=...).",
            obj=route.callback,
            id="coproduce.E001",
        )
        for route in routes_without_door()
    ]
