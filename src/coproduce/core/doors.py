"""The one door every view goes through.

A view says, in its decorator, which action it needs for each HTTP method and how to find the
object from the URL:

    @door(get=Action.VIEW, post=Action.RUN_WORKSHOP, find=find_cafe)
    def setup(request, cafe): ...

Before the view runs, the door refuses methods it was not given (405), finds the object (404
when there is none), and asks who may do what (`authorize`). Only then does the view read or
write anything, and it receives the object rather than an id. A system check (`routes.py`) and
the permission test refuse any URL pattern whose view has no door, so a new page cannot be
written without saying who may open it.

Three doors need nothing of any coalition and are decided here: PUBLIC (anyone), SIGNED_IN
(anyone with an account) and ENTER (whoever holds the secret the link carries: a join code, a
card, an invitation; the finder checks it). Every other action is decided by the authority the
coalitions app registers (`coalitions/permissions.py`), so this module, at the bottom of the
house, imports none of the apps above it.

A finder is called as `find(request, **the URL's arguments it names)`. It may return a
response instead of an object, for doors whose secret is in the link (a mistyped join code is
answered with the form again, not an error page).
"""

import inspect
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import wraps

from django.core.exceptions import ImproperlyConfigured
from django.http import HttpResponseNotAllowed
from django.http.response import HttpResponseBase

PUBLIC, SIGNED_IN, ENTER = "public", "signed_in", "enter"
OPEN_DOORS = frozenset({PUBLIC, ENTER})

Authority = Callable[..., None]  # (request, action, obj): returns when allowed, raises if not
_authority: Authority | None = None


class NeedsLogin(Exception):
    """Raised instead of 403 when an anonymous visitor might be allowed after logging in."""


def set_authority(authority: Authority) -> None:
    """Who decides the actions beyond the three open doors (registered at start-up)."""
    global _authority
    _authority = authority


def authorize(request, action: str, obj=None) -> None:
    """Raise the answer a refusal deserves, or return quietly when allowed."""
    if action in OPEN_DOORS:
        return
    if action == SIGNED_IN:
        if not request.user.is_authenticated:
            raise NeedsLogin
        return
    if _authority is None:
        raise ImproperlyConfigured(f"No authority decides {action!r}: is coalitions installed?")
    _authority(request, action, obj)


@dataclass(frozen=True)
class Door:
    actions: Mapping[str, str]  # HTTP method -> the action it needs
    find: Callable | None

    @property
    def methods(self) -> list[str]:
        return sorted(self.actions)


def door(*, get: str | None = None, post: str | None = None, find: Callable | None = None):
    """Guard a view: `get` and `post` name the action each method needs; `find` the object."""
    actions: dict[str, str] = {}
    if get is not None:
        actions["GET"] = actions["HEAD"] = get
    if post is not None:
        actions["POST"] = post
    if not actions:
        raise ValueError("A door needs at least one method and its action.")
    wanted = finder_arguments(find)

    def guard(view: Callable) -> Callable:
        @wraps(view)
        def enter(request, *args, **kwargs):
            action = actions.get(request.method)
            if action is None:
                return HttpResponseNotAllowed(sorted(actions))
            if find is None:
                authorize(request, action)
                return view(request, *args, **kwargs)
            found = find(request, **{name: kwargs.pop(name) for name in wanted})
            if isinstance(found, HttpResponseBase):
                return found
            authorize(request, action, found)
            return view(request, found, *args, **kwargs)

        enter.door = Door(actions=actions, find=find)
        return enter

    return guard


def finder_arguments(find: Callable | None) -> list[str]:
    """The URL arguments a finder takes (after the request); the API's doors ask it too."""
    if find is None:
        return []
    names = list(inspect.signature(find).parameters)
    if not names or names[0] != "request":
        raise TypeError(f"{find.__name__} must take the request first.")
    return names[1:]


def door_of(view: Callable) -> Door | None:
    return getattr(view, "door", None)
