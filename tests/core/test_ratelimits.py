"""Rate limits that stop attackers and not rooms (core/ratelimit.py, core/codes.py).

Time is django-ratelimit's clock (``time.time`` as django_ratelimit.core reads it), replaced by a
clock the test moves; nothing here waits or measures the wall clock.
"""

import random
import types
import zlib
from datetime import timedelta

import pytest
from django.conf import settings as conf
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone
from django_ratelimit import core as ratelimit_core
from factories import CoalitionFactory, PersonFactory, WorkshopFactory

from coproduce.conversations.models import Conversation
from coproduce.core import codes, ratelimit

pytestmark = pytest.mark.django_db

ROOM_ADDRESS = "203.0.113.9"


class Clock:
    """django-ratelimit's clock, moved by the test."""

    def __init__(self, now: float):
        self.now = now

    def time(self) -> float:
        return self.now


def _allowance(scope: str) -> tuple[int, int]:
    """(count, seconds) of a scope, from the real settings."""
    return ratelimit_core._split_rate(conf.RATE_LIMITS[scope])


def _window_opening(key: str, period: int) -> float:
    """A moment just after this key's window opens (django-ratelimit staggers windows by key),
    so that everything the test does within ``period`` seconds falls in one window: the
    hardest case for a room, which no window edge can help."""
    base = 1_800_000_000 - 1_800_000_000 % period
    return float(base + zlib.crc32(key.encode()) % period + 1)


@pytest.fixture
def clock(monkeypatch):
    """django-ratelimit's clock, opened at the start of the room's 'join' window."""
    _limit, period = _allowance("join")
    request = RequestFactory().get("/", REMOTE_ADDR=ROOM_ADDRESS)
    clock = Clock(_window_opening(ratelimit.address_key(request), period))
    monkeypatch.setattr(ratelimit_core, "time", types.SimpleNamespace(time=clock.time))
    return clock


def _join_url(code: str) -> str:
    return reverse("workshops:join", args=[code])


def _typo(code: str, rng: random.Random) -> str:
    """One realistic slip: a wrong character, two swapped, one dropped, or one doubled."""
    i = rng.randrange(len(code))
    kind = rng.choice(["substitute", "swap", "drop", "double"])
    if kind == "substitute":
        return code[:i] + rng.choice(codes.ALPHABET.replace(code[i], "")) + code[i + 1 :]
    if kind == "swap" and i < len(code) - 1 and code[i] != code[i + 1]:
        return code[:i] + code[i + 1] + code[i] + code[i + 2 :]
    if kind == "drop":
        return code[:i] + code[i + 1 :]
    return code[: i + 1] + code[i:]  # doubled (a swap of two equal characters lands here too)


def _far_guesses(live: str, count: int, seed: int = 1) -> list[str]:
    """Random codes, none of them the live code or one edit from it."""
    rng = random.Random(seed)
    near = codes.neighbours(live) | {live}
    guesses: list[str] = []
    while len(guesses) < count:
        guess = "".join(rng.choice(codes.ALPHABET) for _ in range(codes.LENGTH))
        if guess not in near and guess not in guesses:
            guesses.append(guess)
    return guesses


def _post_code(client, code: str, **extra) -> int:
    extra.setdefault("REMOTE_ADDR", ROOM_ADDRESS)
    return client.post(reverse("workshops:join_start"), {"code": code}, **extra).status_code


# The room ------------------------------------------------------------------------------------


def test_a_room_of_200_behind_one_address_joins_in_five_minutes_despite_typos(client, clock):
    """200 people, one address, five minutes: 10 % make a typo first, 5 type another slide's
    code (a workshop that has ended). Nobody is refused and everyone ends up registered."""
    workshop = WorkshopFactory(capacity=200)
    past = timezone.now() - timedelta(days=1)
    other_slide = WorkshopFactory(starts_at=past - timedelta(hours=2), ends_at=past)
    rng = random.Random(2024)
    typists = set(rng.sample(range(200), 20))
    wrong_slide = set(rng.sample(sorted(set(range(200)) - typists), 5))
    start, statuses, misses = clock.now, [], []
    for i in range(200):
        clock.now = start + i * 1.5  # the last one arrives 298.5 s after the first
        client.cookies.clear()
        if i in typists:
            misses.append(
                client.get(_join_url(_typo(workshop.join_code, rng)), REMOTE_ADDR=ROOM_ADDRESS)
            )
        if i in wrong_slide:
            misses.append(client.get(_join_url(other_slide.join_code), REMOTE_ADDR=ROOM_ADDRESS))
        url = _join_url(workshop.join_code)
        statuses.append(client.get(url, REMOTE_ADDR=ROOM_ADDRESS).status_code)
        statuses.append(
            client.post(
                url, {"display_name": f"Person {i}", "sector": "other"}, REMOTE_ADDR=ROOM_ADDRESS
            ).status_code
        )
    assert clock.now - start <= 300
    assert [miss.status_code for miss in misses] == [404] * 25  # every slip was a miss...
    assert 429 not in statuses  # ...and nobody was refused for them
    assert statuses == [200, 302] * 200
    assert workshop.registrations.count() == 200


# Guessing ------------------------------------------------------------------------------------


def test_guessing_from_one_address_is_stopped_and_then_even_a_right_code_waits(client, clock):
    """Once the allowance of wrong codes is used up, the address is refused before any lookup,
    right codes included: if a right code still got through, every refused guess would still
    answer "not this one", and guessing would go on at full speed."""
    allowed, period = _allowance("join")
    workshop = WorkshopFactory()
    guesses = _far_guesses(workshop.join_code, allowed + 1)
    assert [_post_code(client, guess) for guess in guesses[:allowed]] == [200] * allowed
    assert _post_code(client, guesses[allowed]) == 429
    refused = client.get(_join_url(workshop.join_code), REMOTE_ADDR=ROOM_ADDRESS)
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    clock.now += period  # a rate, not a ban: the next window admits the right code
    assert client.get(_join_url(workshop.join_code), REMOTE_ADDR=ROOM_ADDRESS).status_code == 200


def test_rotating_forwarded_for_behind_our_proxy_does_not_escape_the_limit(client, clock, settings):
    """The client writes the left of X-Forwarded-For; our proxy appends the real address."""
    settings.TRUSTED_PROXY_COUNT = 1
    allowed, _period = _allowance("join")
    workshop = WorkshopFactory()
    guesses = _far_guesses(workshop.join_code, allowed + 1)

    def through_proxy(i: int) -> dict:
        return {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": f"198.51.100.{i}, 203.0.113.9"}

    statuses = [_post_code(client, guess, **through_proxy(i)) for i, guess in enumerate(guesses)]
    assert statuses == [200] * allowed + [429]
    assert _post_code(client, workshop.join_code, **through_proxy(250)) == 429
    # Someone else behind the same proxy has their own allowance.
    other = {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "192.0.2.44"}
    assert _post_code(client, workshop.join_code, **other) == 302


def test_forwarded_for_is_ignored_without_a_trusted_proxy(client, clock, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    allowed, _period = _allowance("join")
    guesses = _far_guesses(WorkshopFactory().join_code, allowed + 1)
    statuses = [
        _post_code(client, guess, HTTP_X_FORWARDED_FOR=f"198.51.100.{i}")
        for i, guess in enumerate(guesses)
    ]
    assert statuses == [200] * allowed + [429]


def test_ipv6_addresses_count_per_64(client, clock):
    """An IPv6 client usually holds a whole /64: rotating within it does not escape."""
    allowed, _period = _allowance("join")
    guesses = _far_guesses(WorkshopFactory().join_code, allowed + 1)
    statuses = [
        _post_code(client, guess, REMOTE_ADDR=f"2001:db8:1:2::{i + 1:x}")
        for i, guess in enumerate(guesses)
    ]
    assert statuses == [200] * allowed + [429]
    assert _post_code(client, guesses[0], REMOTE_ADDR="2001:db8:1:3::1") == 200


def test_typos_of_a_code_nobody_here_has_used_count_as_guesses(client, clock):
    """Otherwise a near miss would draw on another allowance than a far one, and a guesser
    could tell when a live code is one edit away."""
    allowed, _period = _allowance("join")
    workshop = WorkshopFactory()
    typos = sorted(c for c in codes.neighbours(workshop.join_code) if len(c) == codes.LENGTH)
    statuses = [_post_code(client, typo) for typo in typos[: allowed + 1]]
    assert statuses == [200] * allowed + [429]


def test_typos_of_a_code_used_here_draw_on_the_generous_allowance_then_count_as_guesses(
    client, clock
):
    allowed, _period = _allowance("join")
    typo_allowance, _typo_period = _allowance("join_typo")
    workshop = WorkshopFactory()
    assert client.get(_join_url(workshop.join_code), REMOTE_ADDR=ROOM_ADDRESS).status_code == 200
    near = sorted(c for c in codes.neighbours(workshop.join_code) if len(c) == codes.LENGTH)
    typos = [near[i % len(near)] for i in range(typo_allowance + allowed + 1)]
    statuses = [_post_code(client, typo) for typo in typos]
    assert statuses == [200] * (typo_allowance + allowed) + [429]


def test_expected_time_to_guess_one_of_1000_live_codes_is_over_a_year():
    misses_per_hour = ratelimit.per_hour("join")
    days = codes.expected_days_to_guess(1000, misses_per_hour)
    assert days == pytest.approx(31**6 / 1000 / misses_per_hour / 24)
    assert days > 365


# Codes ---------------------------------------------------------------------------------------


def _edit_distance(a: str, b: str) -> int:
    """Optimal string alignment distance (edits plus adjacent swaps), as an independent check."""
    d = [[i + j if i * j == 0 else 0 for j in range(len(b) + 1)] for i in range(len(a) + 1)]
    for i in range(1, len(a) + 1):
        for j in range(1, len(b) + 1):
            d[i][j] = min(
                d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] != b[j - 1])
            )
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
    return d[len(a)][len(b)]


def test_neighbours_are_every_code_one_edit_away():
    found = codes.neighbours("ABCDEF")
    # 180 changed, 6 dropped, 7 * 31 added less 6 that double a letter either side, 5 swapped.
    assert len(found) == 180 + 6 + (7 * 31 - 6) + 5
    assert {"XBCDEF", "BCDEF", "ABCCDEF", "BACDEF", "ABCDEFG"} <= found
    assert "ABCDEF" not in found
    assert all(_edit_distance("ABCDEF", other) == 1 for other in found)
    assert all(set(other) <= set(codes.ALPHABET) for other in found)
    # A character outside the alphabet (a zero for an O) is replaced, never kept.
    assert "ABCDEF" in codes.neighbours("AB0DEF")
    assert not any("0" in other for other in codes.neighbours("AB0DEF"))


def test_normalise_code_drops_spaces_and_dashes_and_upper_cases():
    assert codes.normalise_code(" abc-d ef\n") == "ABCDEF"


def test_new_codes_avoid_live_codes_and_their_neighbours(monkeypatch):
    """So the neighbours of a code you know never lead anywhere: typos of a code used here
    (the generous allowance) can never be a way to find another live code."""
    workshop = WorkshopFactory()
    conversation = Conversation.objects.create(coalition=CoalitionFactory(), question="Q")
    taken = {workshop.join_code, conversation.join_code}

    def next_to(code: str) -> str:
        return sorted(c for c in codes.neighbours(code) if len(c) == codes.LENGTH)[0]

    fresh = next(
        c
        for c in _far_guesses(workshop.join_code, 50, seed=9)
        if not ({c} | codes.neighbours(c)) & taken
    )
    planned = [workshop.join_code, next_to(workshop.join_code), conversation.join_code]
    planned += [next_to(conversation.join_code), fresh]
    characters = iter("".join(planned))
    monkeypatch.setattr(
        codes, "secrets", types.SimpleNamespace(choice=lambda _alphabet: next(characters))
    )
    assert codes.new_code() == fresh
    assert next(characters, None) is None  # it drew five codes and kept the fifth


def test_model_code_generators_use_the_one_helper():
    from coproduce.conversations.models import new_conversation_code
    from coproduce.workshops.models import new_join_code

    for code in (new_join_code(), new_conversation_code(), codes.new_code()):
        assert len(code) == codes.LENGTH and set(code) <= set(codes.ALPHABET)
    assert not set(codes.ALPHABET) & set("0O1IL")


# Addresses -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("proxies", "forwarded", "remote", "expected"),
    [
        (0, "198.51.100.1", "192.0.2.1", "192.0.2.1"),  # no proxy of ours: header ignored
        (1, "198.51.100.1, 203.0.113.9", "10.0.0.2", "203.0.113.9"),  # what our proxy appended
        (2, "198.51.100.1, 203.0.113.9, 10.0.0.3", "10.0.0.2", "203.0.113.9"),
        (2, "203.0.113.9", "10.0.0.2", "10.0.0.2"),  # shorter than our proxies: not trusted
        (1, "198.51.100.1, not-an-address", "10.0.0.2", "10.0.0.2"),  # malformed
        (1, "", "10.0.0.2", "10.0.0.2"),
        (1, "2001:db8::1", "10.0.0.2", "2001:db8::1"),
        (0, "", "::ffff:192.0.2.7", "192.0.2.7"),
    ],
)
def test_client_address(settings, proxies, forwarded, remote, expected):
    settings.TRUSTED_PROXY_COUNT = proxies
    request = RequestFactory().get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)
    assert ratelimit.client_address(request) == expected


# Logins --------------------------------------------------------------------------------------


def _login(client, name: str, address: str, *, admin: bool = False, password: str = "wrong"):
    url = reverse("admin:login") if admin else reverse("people:login")
    return client.post(url, {"username": name, "password": password}, REMOTE_ADDR=address)


def test_admin_login_is_limited_per_address_together_with_ours(client, clock):
    """Wrong passwords for many accounts (so no account locks): ours and the admin's share one
    allowance per address, and the next attempt on either is refused."""
    allowed, _period = _allowance("login")
    statuses = [
        _login(client, f"person{i}@example.org", ROOM_ADDRESS, admin=i % 2 == 0).status_code
        for i in range(allowed)
    ]
    assert statuses == [200] * allowed
    refused = _login(client, "next@example.org", ROOM_ADDRESS, admin=True)
    assert refused.status_code == 429
    assert "Retry-After" in refused
    assert _login(client, "next@example.org", ROOM_ADDRESS).status_code == 429
    assert _login(client, "next@example.org", "192.0.2.50", admin=True).status_code == 200


def test_a_room_logging_in_from_one_address_is_not_limited(client, clock):
    """Only failures count: 60 people get in from one address, 5 of them after a typo."""
    allowed, _period = _allowance("login")
    people = [PersonFactory() for _ in range(60)]
    for i, person in enumerate(people):
        client.cookies.clear()
        if i % 12 == 0:
            assert _login(client, person.email, ROOM_ADDRESS).status_code == 200
        response = _login(client, person.email, ROOM_ADDRESS, password="a-long-test-password-42")
        assert response.status_code == 302
    assert len(people) > allowed
