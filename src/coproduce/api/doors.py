"""One door per API operation, as every page has (core/doors.py).

    @router.get("/coalitions/{slug}/", ...)
    @api_door(Action.VIEW, find=find_coalition)
    def coalition(request, coalition): ...

Before the operation runs, the door refuses writes without a token that allows them, finds the
object (a 404 problem when there is none), asks `authorize` and refuses query fields the
operation does not take. Only then does the operation read anything; it receives the object.
A refusal is the answer a page gives (404 for those who may not know the object exists, 403
otherwise), except that an anonymous caller gets 401 instead of a login redirect: the
problem handlers (problems.py) turn `Http404`, `PermissionDenied` and `NeedsLogin` into
problems.
"""

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps

from django.utils.translation import gettext as _

from coproduce.core.doors import authorize, finder_arguments

from .problems import ApiProblem, invalid

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@dataclass(frozen=True)
class ApiDoor:
    action: str
    find: Callable | None
    query: frozenset[str]  # the query fields the operation takes


def api_door(action: str, *, find: Callable | None = None):
    """Guard an API operation: `action` is what it needs, `find` how to find its object from
    the path's arguments (called as `find(request, **those arguments)`)."""
    wanted = finder_arguments(find)

    def guard(operation: Callable) -> Callable:
        takes = [name for name in inspect.signature(operation).parameters if name != "request"]
        door = ApiDoor(action=action, find=find, query=frozenset(takes[1:] if find else takes))

        @wraps(operation)
        def enter(request, **kwargs):
            _refuse_unsafe_without_token(request)
            if find is None:
                authorize(request, action)
                _refuse_unknown_fields(request, door)
                return operation(request, **kwargs)
            found = find(request, **{name: kwargs.pop(name) for name in wanted})
            authorize(request, action, found)
            _refuse_unknown_fields(request, door)
            return operation(request, found, **kwargs)

        # Ninja reads the operation's parameters from the signature: the path's arguments
        # (which the finder takes) and then the operation's own, less the object.
        enter.__signature__ = _signature(operation, find, wanted)
        del enter.__wrapped__
        enter.api_door = door
        return enter

    return guard


def _signature(operation: Callable, find: Callable | None, wanted: list[str]):
    keyword = inspect.Parameter.KEYWORD_ONLY
    own = list(inspect.signature(operation).parameters.values())
    request, own = own[0], own[2:] if find else own[1:]
    path = (
        [
            p.replace(kind=keyword, default=inspect.Parameter.empty)
            for p in inspect.signature(find).parameters.values()
            if p.name in wanted
        ]
        if find
        else []
    )
    return inspect.Signature([request, *path, *(p.replace(kind=keyword) for p in own)])


def _refuse_unsafe_without_token(request) -> None:
    """Writes need a token that allows them: no session writes, so no cross-site forgery."""
    if request.method in SAFE_METHODS:
        return
    token = getattr(request, "api_token", None)
    if token is None:
        raise ApiProblem(
            401,
            _("Changes through the API need a token: Authorization: Bearer <token>."),
            WWW_Authenticate='Bearer realm="coproduce"',
        )
    if not token.allows_write:
        raise ApiProblem(403, _("This token may only read; make one that may also write."))


def _refuse_unknown_fields(request, door: ApiDoor) -> None:
    for name in request.GET:
        if name not in door.query:
            raise invalid(name, "query", _("this operation takes no such field"))


def door_of(operation) -> ApiDoor | None:
    return getattr(operation.view_func, "api_door", None)


def operations(api):
    """Every operation of the API, with the path it answers at."""
    for router in api._get_bound_routers():
        for path, path_view in router.path_operations.items():
            for operation in path_view.operations:
                yield path, operation


def operations_without_door(api) -> list[str]:
    return [f"{'/'.join(op.methods)} {path}" for path, op in operations(api) if door_of(op) is None]
