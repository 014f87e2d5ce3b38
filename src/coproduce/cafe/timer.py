"""The round's clock: when it ends, how long is left, pausing and changing its length.

Pure: no Django. Every function takes `now`, so a test freezes time by passing it, and the
café stores only what this module needs (`Clock`'s fields) to say the same thing on every page.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

# However often minutes are added, a round lasts at most this long: a typo ("+60") must not
# leave the room screen counting down for a day.
LONGEST_ROUND = timedelta(hours=4)


class ClockError(ValueError):
    """A change the clock refuses; the caller says why in the room's words."""


@dataclass(frozen=True)
class Clock:
    """A round's timer.

    `started_at` is when the round began, `planned` its length as set up, `extra` the minutes
    added (or, negative, removed) since, `paused` the time spent paused in pauses that ended, and
    `paused_at` when the current pause began (None while the clock runs)."""

    started_at: datetime
    planned: timedelta
    extra: timedelta = timedelta(0)
    paused: timedelta = timedelta(0)
    paused_at: datetime | None = None

    @property
    def is_paused(self) -> bool:
        return self.paused_at is not None

    def _stopped_for(self, now: datetime) -> timedelta:
        current = max(now - self.paused_at, timedelta(0)) if self.paused_at else timedelta(0)
        return self.paused + current

    def ends_at(self, now: datetime) -> datetime:
        """When the round ends if nobody touches the clock again (a paused clock's end moves
        on with every second of the pause)."""
        return self.started_at + self.planned + self.extra + self._stopped_for(now)

    def left(self, now: datetime) -> timedelta:
        """Time left, never negative."""
        return max(self.ends_at(now) - now, timedelta(0))

    def is_over(self, now: datetime) -> bool:
        return self.left(now) == timedelta(0)

    def pause(self, now: datetime) -> Clock:
        if self.is_paused:
            raise ClockError("already paused")
        if self.is_over(now):
            raise ClockError("time is up")
        return replace(self, paused_at=now)

    def resume(self, now: datetime) -> Clock:
        if not self.is_paused:
            raise ClockError("not paused")
        return replace(self, paused=self._stopped_for(now), paused_at=None)

    def change(self, by: timedelta, now: datetime) -> Clock:
        """Add time (or take it away, with a negative `by`). Taking away more than is left is
        refused rather than cut short, so the facilitator sees what happened; after time is
        up, adding starts the clock again from now."""
        if by < timedelta(0) and self.left(now) + by < timedelta(0):
            raise ClockError("not that much left")
        extra = self.extra + by
        if by > timedelta(0) and self.is_over(now) and not self.is_paused:
            # Minutes added after time ran out count from now, not from the missed end.
            extra = now - self.started_at - self.planned - self.paused + by
        changed = replace(self, extra=extra)
        if changed.ends_at(now) - self.started_at - changed._stopped_for(now) > LONGEST_ROUND:
            raise ClockError("too long")
        return changed


def minutes_and_seconds(left: timedelta) -> str:
    """ "15:00" for fifteen minutes, "1:05:00" past the hour."""
    seconds = max(math.ceil(left.total_seconds()), 0)  # round up: "0:00" only when it is over
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    if hours:
        return f"{hours}:{minutes:02d}:{seconds:02d}"
    return f"{minutes}:{seconds:02d}"
