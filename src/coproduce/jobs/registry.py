"""Which function does each kind of job. Capabilities register their handlers at start-up.

A handler is called as `handler(job, progress)`. It may call `progress(fraction, message)` to show
progress, returns a JSON-able result, and may attach a file with `attach(job, name, bytes, type)`.
"""

from collections.abc import Callable

Handler = Callable[..., object]
_handlers: dict[str, Handler] = {}


def register(kind: str, handler: Handler) -> None:
    _handlers[kind] = handler


def handler_for(kind: str) -> Handler:
    try:
        return _handlers[kind]
    except KeyError:
        raise LookupError(f"No job handler is registered for {kind!r}") from None
