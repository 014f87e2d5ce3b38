"""Every operation of the API's description, tried by the nine visitors of the permission test
against a public and a private coalition: the same answers as the pages, and nobody outside a
private coalition reads any of its text. The walk reads the operations from openapi.json, so a
new operation without an expectation here fails.

tests/security/test_matrix.py leaves the API's operations to this walk (its table has the two
pages with doors of their own: the reference page and openapi.json).
"""

import json
from pathlib import Path

import pytest
from api import (
    expect_assessments,
    expect_cafes,
    expect_charters,
    expect_conversations,
    expect_reports,
)
from api.expecting import Expectation
from django.core.cache import cache
from django.db import transaction
from django.test import Client
from security.test_matrix import (
    ACCOUNTS,
    ALL,
    REFUSE,
    RUN,
    SHOW,
    secrets_of,
    sees_coalition,
    sees_conversation,
    sees_workshop,
)
from security.world import (
    MEMBER,
    ORGANISER,
    REGISTRANT,
    ROLES,
    STRANGERS,
    VISITORS,
    World,
    build_world,
)

from coproduce.people import tokens
from coproduce.workshops.models import Registration

pytestmark = pytest.mark.django_db

METHODS_CSV = (Path(__file__).parents[1] / "data/participedia/methods.csv").read_text("utf-8-sig")


EXPECTATIONS = {
    "GET /api/coalitions/": Expectation(lambda w: {}, lambda w: ALL),
    "GET /api/coalitions/{slug}/": Expectation(
        lambda w: {"slug": w.coalition.slug}, sees_coalition
    ),
    "GET /api/coalitions/{slug}/workshops/": Expectation(
        lambda w: {"slug": w.coalition.slug}, sees_coalition
    ),
    "GET /api/workshops/{slug}/": Expectation(lambda w: {"slug": w.workshop.slug}, sees_workshop),
    # Search and lists answer everyone, with what each may see (the walk checks that no
    # stranger reads a private coalition's entry).
    "GET /api/library/search/": Expectation(lambda w: {}, lambda w: ALL),
    "GET /api/library/entries/": Expectation(lambda w: {}, lambda w: ALL),
    "GET /api/library/entries/{entry_id}/": Expectation(
        lambda w: {"entry_id": w.entry.pk}, sees_coalition
    ),
    "GET /api/coalitions/{slug}/plans/": Expectation(
        lambda w: {"slug": w.coalition.slug}, sees_coalition
    ),
    "GET /api/coalitions/{slug}/plans/{plan_id}/": Expectation(
        lambda w: {"slug": w.coalition.slug, "plan_id": w.plan.pk}, sees_coalition
    ),
    # A write: the walk's callers hold sessions and read-only tokens, so all are refused;
    # tests/api/test_library_and_plans.py posts with a write token.
    "POST /api/coalitions/{slug}/actions/{action_id}/updates/": Expectation(
        lambda w: {"slug": w.coalition.slug, "action_id": w.action.pk},
        lambda w: frozenset(),
        body=lambda w: {"text": "From the walk", "progress": 30},
        writers=lambda w: frozenset({MEMBER, ORGANISER}),  # the world's action is the member's
    ),
    # Writes, as the pages allow them (tests/security/test_matrix.py): registering and taking
    # part for whoever sees the workshop or the conversation, notes for who runs the café
    # (the registrant who sat at the table has no account, so no token).
    "POST /api/workshops/{slug}/registrations/": Expectation(
        lambda w: {"slug": w.workshop.slug},
        lambda w: frozenset(),
        body=lambda w: {"sector": "research"},
        writers=lambda w: sees_workshop(w) & ACCOUNTS,
    ),
    "POST /api/conversations/{conversation_id}/votes/": Expectation(
        lambda w: {"conversation_id": w.conversation.pk},
        lambda w: frozenset(),
        body=lambda w: {"statement": w.statement.pk, "value": -1},
        writers=lambda w: sees_conversation(w) & ACCOUNTS,
    ),
    "POST /api/cafe/{cafe_id}/tables/{table_id}/notes/": Expectation(
        lambda w: {"cafe_id": w.cafe.pk, "table_id": w.table.pk},
        lambda w: frozenset(),
        body=lambda w: {"round_number": 1, "text": "From the walk"},
        writers=lambda w: RUN & ACCOUNTS,
    ),
    # Imported entries are published at once: the shared library's moderators (the site's
    # staff, none of the nine) may import; tests/api/test_library_imports.py imports as one.
    "POST /api/library/imports/": Expectation(
        lambda w: {},
        lambda w: frozenset(),
        body=lambda w: {"csv": METHODS_CSV, "dry_run": True},
        writers=lambda w: frozenset(),
    ),
    # Each capability's reads, in a file of its own beside this one.
    **expect_cafes.EXPECTATIONS,
    **expect_conversations.EXPECTATIONS,
    **expect_reports.EXPECTATIONS,
    **expect_charters.EXPECTATIONS,
    **expect_assessments.EXPECTATIONS,
}

# What no visitor ever reads through the API, whatever their role: registrations' names
# (except where a page names them: expect_cafes.NAMES_FOR).
NEVER = ("participant",)


def operations(client) -> list[tuple[str, str]]:
    description = client.get("/api/openapi.json").json()
    return [
        (method.upper(), path)
        for path, methods in description["paths"].items()
        for method in methods
    ]


def test_every_operation_has_an_expectation(client):
    found = {f"{method} {path}" for method, path in operations(client)}
    assert found == set(EXPECTATIONS)


def callers(w: World, visitor: str) -> list[tuple[str, Client]]:
    """The visitor with their browser's session, and (accounts) with a read-only token."""
    ways = [("session", w.client(visitor))]
    if visitor in w.accounts:
        # One token per account for the whole walk: a person may hold only so many.
        key = f"walk token of {visitor}"
        if key not in w.objects:
            w.objects[key] = tokens.issue(w.accounts[visitor], name="walk", write=False)[1]
        raw = w.objects[key]
        ways.append(("token", Client(headers={"authorization": f"Bearer {raw}"})))
    return ways


def walk(w: World) -> list[str]:
    problems = []
    anonymous = Client()
    for method, path in operations(anonymous):
        expectation = EXPECTATIONS[f"{method} {path}"]
        url = path.format(**expectation.args(w))
        for visitor in VISITORS:
            wanted = SHOW if visitor in expectation.sees(w) else REFUSE
            for how, client in callers(w, visitor):
                cache.clear()
                body = json.dumps(expectation.body(w)) if expectation.body is not None else ""
                response = client.generic(method, url, body, content_type="application/json")
                where = (
                    f"{method} {url} as {visitor} by {how} ({'public' if w.public else 'private'})"
                )
                got = SHOW if response.status_code == 200 else REFUSE
                if got != wanted or response.status_code not in (200, 401, 403, 404):
                    problems.append(f"{where}: expected {wanted}, got {response.status_code}")
                text = response.content.decode()
                named = expect_cafes.NAMES_FOR.get(f"{method} {path}", frozenset())
                for label in NEVER:
                    if w.markers[label] in text and visitor not in named:
                        problems.append(f"{where}: shows the {label}")
                if not w.public and visitor in STRANGERS:
                    for label, secret in secrets_of(w).items():
                        if secret in text or secret in str(response.headers):
                            problems.append(f"{where}: shows the {label}")
    return problems


def write_walk(w: World) -> list[str]:
    """Every write, by every account with a token that may write: done for those the pages
    let do it (200), refused for the others; each in a transaction rolled back after it."""
    problems = []
    for key, expectation in EXPECTATIONS.items():
        if expectation.body is None:
            continue
        method, path = key.split(" ", 1)
        url = path.format(**expectation.args(w))
        for visitor, person in w.accounts.items():
            with transaction.atomic():
                cache.clear()
                _token, raw = tokens.issue(person, name="writer", write=True)
                client = Client(headers={"authorization": f"Bearer {raw}"})
                body = json.dumps(expectation.body(w))
                response = client.generic(method, url, body, content_type="application/json")
                transaction.set_rollback(True)
            wanted = 200 if visitor in expectation.writers(w) else (401, 403, 404)
            if response.status_code != wanted and response.status_code not in (
                wanted if isinstance(wanted, tuple) else ()
            ):
                where = f"{key} as {visitor} ({'public' if w.public else 'private'})"
                problems.append(f"{where}: expected {wanted}, got {response.status_code}")
    return problems


@pytest.mark.parametrize("public", [False, True], ids=["private", "public"])
def test_every_write_for_every_account_with_a_write_token(public):
    problems = write_walk(build_world(public))
    assert problems == [], "\n".join(problems)


@pytest.mark.parametrize("public", [False, True], ids=["private", "public"])
def test_every_operation_for_every_visitor(public):
    world = build_world(public)
    problems = walk(world)
    assert problems == [], "\n".join(problems)


def test_the_walk_would_see_a_leak():
    """The walk is able to fail: a public coalition's text is read by everyone."""
    world = build_world(public=True)
    text = Client().get(f"/api/coalitions/{world.coalition.slug}/").content.decode()
    assert world.markers["coalition"] in text
    workshop = Client().get(f"/api/workshops/{world.workshop.slug}/").json()
    registered = world.workshop.registrations.filter(status=Registration.Status.REGISTERED)
    assert workshop["participation"]["registered"] == registered.count() > 0  # never named
    assert world.markers["participant"] in set(registered.values_list("display_name", flat=True))


def test_refusals_answer_as_pages_do():
    """404 for who may not know a private coalition exists, the same with a token."""
    world = build_world(public=False)
    url = f"/api/workshops/{world.workshop.slug}/"
    assert Client().get(url).status_code == 404
    assert world.client(REGISTRANT).get(url).status_code == 200
    for visitor in ROLES:
        assert world.client(visitor).get(url).status_code == 200
