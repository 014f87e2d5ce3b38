"""Running the rounds on the day: starting the next round, the round's clock (pause, minutes
added or taken away), closing the café for notes, and undoing a start or a close for a minute.

Two facilitators may click at the same moment. Every change reads the café locked
(`select_for_update`; SQLite's immediate transactions serialise writers) and checks what the
click expected (the round it meant, the undo it was shown), so the later click changes nothing
and is told why. The café's revision is left alone: it stands for the tables and the plan (the
printed cards are made again when it changes), and the phones' poll sees the round and its clock
through `Cafe.clock_state` instead.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .errors import CafeError
from .models import Cafe
from .timer import ClockError, minutes_and_seconds

UNDO_FOR = timedelta(minutes=1)
# The fields a start or a close changes: what undo puts back.
ROUND_FIELDS = ("current_round", "round_started_at", "extra_seconds", "paused_seconds", "paused_at")
SMALLEST_CHANGE, LARGEST_CHANGE = -30, 30  # minutes, either way, in one click


def _locked(cafe: Cafe) -> Cafe:
    return Cafe.objects.select_for_update().get(pk=cafe.pk)


def _save(cafe: Cafe, fields) -> Cafe:
    cafe.save(update_fields=list(fields))
    return cafe


def _store(value):
    return value.isoformat() if isinstance(value, datetime) else value


def _load(field: str, value):
    return parse_datetime(value) if isinstance(value, str) and field != "action" else value


def _remember(cafe: Cafe, action: str, fields, now: datetime) -> None:
    cafe.undo = {
        "action": action,
        "token": secrets.token_urlsafe(9),
        "at": now.isoformat(),
        "before": {field: _store(getattr(cafe, field)) for field in fields},
    }


def undo_offer(cafe: Cafe, now: datetime | None = None) -> dict | None:
    """What the facilitator may still undo, with until when; None once the minute is over."""
    if not cafe.undo:
        return None
    at = parse_datetime(cafe.undo["at"])
    until = at + UNDO_FOR
    if (now or timezone.now()) >= until:
        return None
    return {"action": cafe.undo["action"], "token": cafe.undo["token"], "until": until}


# Starting rounds ----------------------------------------------------------------------------


@transaction.atomic
def advance_round(cafe: Cafe, expected: int | None = None, now: datetime | None = None) -> Cafe:
    """Start the next round (or finish after the last). `expected` is the round the
    facilitator confirmed starting: if someone else started it meanwhile, nothing changes."""
    now = now or timezone.now()
    cafe = _locked(cafe)
    if cafe.is_closed:
        raise CafeError(_("The café is closed."))
    if not cafe.seats.exists():
        raise CafeError(_("Make a seating plan first."))
    if cafe.is_finished:
        raise CafeError(_("All rounds are done."))
    if expected is not None and expected != cafe.next_round:
        raise CafeError(_already_moved_on(cafe))
    _remember(cafe, "advance", ROUND_FIELDS, now)
    cafe.current_round += 1
    cafe.round_started_at = None if cafe.is_finished else now
    cafe.set_clock(None)
    return _save(cafe, [*ROUND_FIELDS, "undo"])


def _already_moved_on(cafe: Cafe) -> str:
    if cafe.is_finished:
        return _("Someone else has just finished the last round. Nothing was changed.")
    return _("Someone else has just started round %(n)s. Nothing was changed.") % {
        "n": cafe.shown_round
    }


# Closing --------------------------------------------------------------------------------------


@transaction.atomic
def close_cafe(cafe: Cafe, now: datetime | None = None) -> Cafe:
    now = now or timezone.now()
    cafe = _locked(cafe)
    if cafe.is_closed:
        raise CafeError(_("The café is already closed."))
    _remember(cafe, "close", ["closed_at"], now)
    cafe.closed_at = now
    return _save(cafe, ["closed_at", "undo"])


@transaction.atomic
def reopen_cafe(cafe: Cafe) -> Cafe:
    cafe = _locked(cafe)
    cafe.closed_at, cafe.undo = None, None
    return _save(cafe, ["closed_at", "undo"])


# Undo -----------------------------------------------------------------------------------------


@transaction.atomic
def undo(cafe: Cafe, token: str, now: datetime | None = None) -> Cafe:
    """Put back what the last start or close changed, if it is the one the facilitator was
    shown and less than a minute old. An undone start returns to the previous round with the
    time it had left."""
    now = now or timezone.now()
    cafe = _locked(cafe)
    offer = undo_offer(cafe, now)
    if offer is None or not token or offer["token"] != token:
        raise CafeError(
            _("This can no longer be undone: a minute has passed, or it was already undone.")
        )
    before = {field: _load(field, value) for field, value in cafe.undo["before"].items()}
    was_ticking = before.get("round_started_at") is not None and before.get("paused_at") is None
    if offer["action"] == "advance" and was_ticking:
        # The clock shows what it showed when the next round was started: the time away
        # counts as a pause.
        away = now - parse_datetime(cafe.undo["at"])
        before["paused_seconds"] += int(away.total_seconds())
    for field, value in before.items():
        setattr(cafe, field, value)
    cafe.undo = None
    return _save(cafe, [*before, "undo"])


# The round's clock ----------------------------------------------------------------------------


def _running_clock(cafe: Cafe, expected_round: int | None):
    if cafe.is_closed:
        raise CafeError(_("The café is closed."))
    if expected_round is not None and expected_round != cafe.current_round:
        raise CafeError(_("The round has changed since this page was loaded. Nothing was changed."))
    clock = cafe.clock
    if clock is None:
        raise CafeError(_("No round is under way."))
    return clock


@transaction.atomic
def pause(cafe: Cafe, expected_round: int | None = None, now: datetime | None = None) -> Cafe:
    now = now or timezone.now()
    cafe = _locked(cafe)
    clock = _running_clock(cafe, expected_round)
    try:
        cafe.set_clock(clock.pause(now))
    except ClockError:
        if clock.is_paused:
            raise CafeError(_("The clock is already paused.")) from None
        raise CafeError(_("Time is up: add minutes to go on.")) from None
    return _save(cafe, ["round_started_at", "extra_seconds", "paused_seconds", "paused_at"])


@transaction.atomic
def resume(cafe: Cafe, expected_round: int | None = None, now: datetime | None = None) -> Cafe:
    now = now or timezone.now()
    cafe = _locked(cafe)
    clock = _running_clock(cafe, expected_round)
    try:
        cafe.set_clock(clock.resume(now))
    except ClockError:
        raise CafeError(_("The clock is already running.")) from None
    return _save(cafe, ["round_started_at", "extra_seconds", "paused_seconds", "paused_at"])


@transaction.atomic
def change_minutes(
    cafe: Cafe, minutes: int, expected_round: int | None = None, now: datetime | None = None
) -> Cafe:
    """Add minutes to the round (or take them away, with a negative number)."""
    now = now or timezone.now()
    if minutes == 0 or not SMALLEST_CHANGE <= minutes <= LARGEST_CHANGE:
        raise CafeError(
            _("Choose between %(low)s and %(high)s minutes, not 0.")
            % {"low": SMALLEST_CHANGE, "high": LARGEST_CHANGE}
        )
    cafe = _locked(cafe)
    clock = _running_clock(cafe, expected_round)
    try:
        cafe.set_clock(clock.change(timedelta(minutes=minutes), now))
    except ClockError:
        if minutes < 0:
            raise CafeError(_too_much_taken(clock.left(now), -minutes)) from None
        raise CafeError(_("A round cannot last more than four hours.")) from None
    return _save(cafe, ["round_started_at", "extra_seconds", "paused_seconds", "paused_at"])


def _too_much_taken(left: timedelta, minutes: int) -> str:
    return ngettext(
        "Only %(left)s left: %(n)s minute cannot be taken away.",
        "Only %(left)s left: %(n)s minutes cannot be taken away.",
        minutes,
    ) % {"left": minutes_and_seconds(left), "n": minutes}
