"""Every URL pattern of the site, and the system check that each view goes through a door
(see doors.py).

Django's admin is the one exception: it has its own door (`AdminSite.admin_view`, staff
accounts only), and the permission test tries it with every kind of visitor.

A namespace whose URL patterns stand for operations with doors of their own (the API: ninja's
patterns each serve several operations) registers a check of those operations (`own_doors`);
its patterns are then judged by that check instead, so an operation without a door fails it.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.core.checks import Error, Tags, register
from django.urls import URLPattern, URLResolver, get_resolver

from .doors import door_of

OWN_DOOR_NAMESPACES = {"admin"}
# namespace -> a function naming its operations that have no door (registered at start-up)
_operation_checks: dict[str, Callable[[], list[str]]] = {}


def own_doors(namespace: str, operations_without_door: Callable[[], list[str]]) -> None:
    """Let `namespace` answer for its doors by operation rather than by URL pattern."""
    _operation_checks[namespace] = operations_without_door


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
        if route.namespace.split(":")[0] not in OWN_DOOR_NAMESPACES | set(_operation_checks)
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
    ] + [
        Error(
            f"The {namespace} operation {operation} has no door.",
            hint="Decorate it with its namespace's door (coproduce.api.doors.api_door).",
            id="coproduce.E002",
        )
        for namespace, check in _operation_checks.items()
        for operation in check()
    ]
