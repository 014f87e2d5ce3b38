"""Rows kept in the process for a second or two, for requests a whole room repeats.

Three hundred phones asking every four seconds where to sit, or a hundred people voting, each
need the same café or conversation row. Reading it once per interval per process, rather than
once per request, takes most of their database work away; the price is that a change reaches
them up to `seconds` later, which is why only those repeated requests use it and every page a
person acts on reads the row fresh.
"""

import copy
import time
import weakref
from collections.abc import Callable, Hashable


class Recent[T]:
    _every: weakref.WeakSet = weakref.WeakSet()

    def __init__(self, seconds: float):
        self.seconds = seconds
        self._kept: dict[Hashable, tuple[float, T]] = {}
        Recent._every.add(self)

    @classmethod
    def forget_everything(cls) -> None:
        """Empty every keeper (tests: ids repeat from one test to the next)."""
        for recent in list(cls._every):
            recent._kept.clear()

    def get(self, key: Hashable, load: Callable[[], T]) -> T:
        """The value kept for `key` if it is young enough, else `load()`, kept from now.

        Each caller gets its own shallow copy: threads of one process share what is kept,
        and a view that sets an attribute on its object must not change another's."""
        now = time.monotonic()
        kept = self._kept.get(key)
        if kept is None or now - kept[0] >= self.seconds:
            kept = (now, load())
            self._kept[key] = kept
        return copy.copy(kept[1])

    def forget(self, key: Hashable) -> None:
        self._kept.pop(key, None)
