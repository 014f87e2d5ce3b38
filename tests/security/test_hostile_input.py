"""Hostile values in paths and query strings get a 4xx answer, never a server error.

Every URL pattern is tried with values its converter lets through but no view expects: NUL
bytes, numbers too large for the database, text far too long, broken percent-encoding, words
where numbers belong. First a fixed list on every pattern, then Hypothesis looks further.
"""

import re
from urllib.parse import quote

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from security.test_matrix import PATTERNS, site_routes
from security.world import ANONYMOUS, ORGANISER, REGISTRANT, build_world

from coproduce.core.doors import door_of

pytestmark = pytest.mark.django_db

SEGMENT = re.compile(r"<(?:(?P<converter>\w+):)?(?P<name>\w+)>")

# Values each converter lets reach the view, already percent-encoded as a client sends them.
HOSTILE_SEGMENTS = {
    "id": ["9" * 18, "0", "0" * 17 + "1"],  # longer numbers are refused by the converter
    "int": ["9" * 23, "0", "0" * 30 + "1", "9" * 400],
    "slug": ["a" * 3000, "-", "_-_"],
    "str": ["a%00b", "x" * 3000, "%C0%AF", "%E2%80%AE", "'%22%3C"],
}
HOSTILE_VALUES = ["\x00", "abc", "-1", "9" * 23, "x" * 5000, "%"]
# Every query parameter a view reads (grep request.GET), and one no view reads.
QUERY_KEYS = ["q", "page", "part", "round", "by", "next", "workshop", "version", "back"]
QUERY_KEYS += ["f", "from", "to", "unknown"]  # the library's picks and compared versions
QUERY_KEYS += ["entry"]  # the entry a link page starts from
VISITORS = (ANONYMOUS, ORGANISER, REGISTRANT)


def path_of(route, args: list, hostile: tuple[int, str] | None = None) -> str:
    """The route's path with the real arguments, one of them swapped for a hostile value."""
    values = [quote(str(real), safe="") for real in args]
    if hostile:
        values[hostile[0]] = hostile[1]
    pieces = iter(values)
    return "/" + SEGMENT.sub(lambda match: next(pieces), route.pattern)


def segments(route) -> list[str]:
    return [match["converter"] or "str" for match in SEGMENT.finditer(route.pattern)]


def methods(route) -> list[str]:
    return [method for method in ("GET", "POST") if method in door_of(route.callback).actions]


def answer(world, visitor: str, method: str, url: str) -> int:
    with transaction.atomic():
        status = world.client(visitor).generic(method, url).status_code
        transaction.set_rollback(True)  # a hostile post must not leave anything behind
    return status


@pytest.fixture
def world(settings):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    settings.RATE_LIMITS = {key: "100000/s" for key in settings.RATE_LIMITS}
    return build_world(public=False)


def test_hostile_path_segments_never_give_a_server_error(world):
    problems = []
    for route in site_routes():
        args = PATTERNS[route.name][0].args(world)
        for position, converter in enumerate(segments(route)):
            for value in HOSTILE_SEGMENTS.get(converter, HOSTILE_SEGMENTS["str"]):
                url = path_of(route, args, (position, value))
                for method in methods(route):
                    status = answer(world, ORGANISER, method, url)
                    if status >= 500:
                        problems.append(f"{method} {url[:120]} ({route.name}): {status}")
    assert problems == [], "\n".join(problems)


def test_hostile_query_values_never_give_a_server_error(world):
    problems = []
    for route in site_routes():
        if "GET" not in methods(route):
            continue
        url = path_of(route, PATTERNS[route.name][0].args(world))
        for value in HOSTILE_VALUES:  # every parameter at once: each view reads its own
            query = "&".join(f"{key}={quote(value, safe='')}" for key in QUERY_KEYS)
            status = answer(world, ORGANISER, "GET", f"{url}?{query}")
            if status >= 500:
                problems.append(f"GET {url}?…={value[:20]!r} ({route.name}): {status}")
    assert problems == [], "\n".join(problems)


def test_hypothesis_finds_no_server_error_anywhere(world):
    routes = site_routes()

    @settings(
        max_examples=150,
        deadline=None,
        derandomize=True,  # the same examples on every run: a failure can be found again
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(
        route=st.sampled_from(routes),
        visitor=st.sampled_from(VISITORS),
        corrupt=st.booleans(),
        value=st.one_of(st.text(max_size=60), st.integers().map(str)),
        query=st.dictionaries(st.sampled_from(QUERY_KEYS), st.text(max_size=40), max_size=3),
    )
    def probe(route, visitor, corrupt, value, query):
        args = PATTERNS[route.name][0].args(world)
        position = 0 if corrupt and segments(route) else None
        hostile = (position, quote(value, safe="") or "%00") if position is not None else None
        url = path_of(route, args, hostile)
        if query:
            url += "?" + "&".join(f"{k}={quote(v, safe='')}" for k, v in query.items())
        for method in methods(route):
            status = answer(world, visitor, method, url)
            assert status < 500, f"{method} {url[:200]} as {visitor}: {status}"

    probe()


def test_a_nul_byte_names_no_page_and_asks_no_question(client):
    """PostgreSQL cannot compare text holding NUL: refused before any view queries with it."""
    assert client.get("/join/a%00b/").status_code == 404
    refused = client.get("/coalitions/?q=%00")
    assert refused.status_code == 400
    assert "This address cannot be right" in refused.content.decode()
