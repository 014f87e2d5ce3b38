"""Join codes: drawing them, reading what people type, and limiting guesses.

A join code is six characters from 31 that cannot be mistaken for one another (no 0/O, 1/I/L),
so there are 31**6 = 887,503,681 codes. Workshops and conversations draw theirs here and tell
this module which codes are live (``register_code_source`` in their ``AppConfig.ready()``), so
core never imports them.

A join view calls ``check_attempt`` before looking a code up, then ``count_right`` or
``count_wrong``. Two allowances per address (``settings.RATE_LIMITS``):

- ``join``, strict: every wrong code that could have been a guess. This is what bounds guessing:
  see ``expected_days_to_guess`` and docs/security.md.
- ``join_typo``, generous: a code one edit away from a live code that someone at this address
  has just used. That is a typo in a room (the code is on the slide, the neighbour typed it
  right a minute ago) and tells a guesser nothing: new codes are never drawn one edit away from
  a live code, so the neighbours of a code you know never lead anywhere.

A typo of a code nobody at this address has used counts as a guess. If it did not, the two
allowances would draw down differently and a guesser could tell a near miss from a far one,
then search the few hundred neighbours of the near miss instead of the whole space.

When the strict allowance is used up, the address is refused before any lookup, right codes
included: if a right code still got through, each refused guess would still say "not this one"
and the limit would limit nothing.
"""

import math
import secrets
from collections.abc import Callable, Iterable

from django.core.cache import cache
from django.db import DatabaseError, IntegrityError, connection, transaction

from . import ratelimit

ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
LENGTH = 6
SPACE = len(ALPHABET) ** LENGTH

# How long a code used from an address makes that address's typos of it typos.
USED_CODE_SECONDS = 12 * 3600

LiveCodes = Callable[[Iterable[str]], set[str]]
_sources: dict[str, LiveCodes] = {}

# Where a code leads: the address of the join page of whatever holds the code, or None. One box
# on the home page takes every kind of code, so each kind tells core where its codes lead.
Destination = Callable[[str], str | None]
_destinations: dict[str, Destination] = {}


def register_code_source(name: str, live_codes: LiveCodes) -> None:
    """A capability's codes: ``live_codes(candidates)`` returns those of them that work now."""
    _sources[name] = live_codes


def register_code_destination(name: str, destination: Destination) -> None:
    """A capability's join pages: ``destination(code)`` is the address the code opens, or None."""
    _destinations[name] = destination


def destination_of(code: str) -> str | None:
    """The join page a (normalised) code opens, asking each kind of code in turn."""
    for destination in _destinations.values():
        found = destination(code)
        if found:
            return found
    return None


def live_codes(candidates: Iterable[str]) -> set[str]:
    candidates = list(candidates)
    if not candidates:
        return set()
    live: set[str] = set()
    for source in _sources.values():
        live |= source(candidates)
    return live


def normalise_code(text: str) -> str:
    """What someone typed, as a code: no spaces or dashes, upper case."""
    return "".join(text.split()).replace("-", "").upper()


def neighbours(code: str) -> set[str]:
    """Every code one edit away: one character changed, dropped, added, or two swapped."""
    found: set[str] = set()
    for i in range(len(code) + 1):
        head, tail = code[:i], code[i:]
        found.update(head + letter + tail for letter in ALPHABET)
        if tail:
            found.add(head + tail[1:])
            found.update(head + letter + tail[1:] for letter in ALPHABET)
        if len(tail) > 1:
            found.add(head + tail[1] + tail[0] + tail[2:])
    found.discard(code)
    return {candidate for candidate in found if candidate and set(candidate) <= set(ALPHABET)}


def _same_length_neighbours(code: str) -> set[str]:
    return {candidate for candidate in neighbours(code) if len(candidate) == LENGTH}


def _live_or_none(candidates: Iterable[str]) -> set[str]:
    # Drawing a code can happen inside a transaction (or a migration): a failed query must not
    # spoil it, so it runs in a savepoint there; a failure means "cannot tell", not an error.
    try:
        if connection.in_atomic_block:
            with transaction.atomic():
                return live_codes(candidates)
        return live_codes(candidates)
    except DatabaseError:
        return set()


def new_code() -> str:
    """A random code that is neither live nor one edit away from a live code.

    Keeping live codes apart means the neighbours of a code you know never lead anywhere, so
    the generous typo allowance cannot be used to guess. The database's unique constraint still
    decides between two codes drawn at the same moment.
    """
    for _attempt in range(20):
        code = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
        if not _live_or_none({code, *_same_length_neighbours(code)}):
            return code
    return code


def replace_code(obj, field: str = "join_code") -> str:
    """Give a workshop or a conversation a new code; the old one stops working at once."""
    for _attempt in range(10):
        setattr(obj, field, new_code())
        try:
            with transaction.atomic():
                obj.save(update_fields=[field])
            return getattr(obj, field)
        except IntegrityError:  # drawn by someone else at the same moment: draw again
            continue
    raise RuntimeError("Could not draw a free join code")


def expected_days_to_guess(live_codes: int, misses_per_hour: float) -> float:
    """Days one address needs, on average, to hit any of ``live_codes`` by guessing.

    Each guess hits with probability live_codes / 31**6, so a hit takes 31**6 / live_codes
    guesses on average, made at the permitted rate of wrong codes.
    """
    if live_codes <= 0 or misses_per_hour <= 0:
        return math.inf
    return SPACE / live_codes / misses_per_hour / 24


def _used_key(address: str, code: str) -> str:
    return f"codes:used:{address}:{code}"


def check_attempt(request) -> None:
    """Before looking a code up: refuse an address that has used up its wrong codes."""
    ratelimit.check("join", ratelimit.address_key(request))


def count_right(request, code: str) -> None:
    """After a code led somewhere: remember that this address uses it (its typos are typos)."""
    cache.set(_used_key(ratelimit.address_key(request), normalise_code(code)), 1, USED_CODE_SECONDS)


def _typo_of_used_code(address: str, code: str) -> bool:
    if abs(len(code) - LENGTH) > 1:
        return False
    candidates = _same_length_neighbours(code)
    keys = {_used_key(address, candidate): candidate for candidate in candidates}
    used = [keys[key] for key in cache.get_many(list(keys))]
    return bool(used) and bool(live_codes(used))


def count_wrong(request, typed_code: str) -> None:
    """After a code led nowhere: count it as a typo or as a guess (see the module's notes)."""
    address = ratelimit.address_key(request)
    if _typo_of_used_code(address, normalise_code(typed_code)):
        try:
            ratelimit.hit("join_typo", address)
            return
        except ratelimit.RateLimited:
            pass  # more typos than any room makes: from here on they count as guesses
    ratelimit.hit("join", address)
