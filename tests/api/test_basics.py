"""The API's envelope: problems for every kind of error, cursors, ETags, limits, the reference."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone
from factories import CoalitionFactory, MembershipFactory, PersonFactory, WorkshopFactory

from coproduce.api.views import needs
from coproduce.coalitions.models import Role, Visibility
from coproduce.coalitions.permissions import Action

pytestmark = pytest.mark.django_db
PROBLEM = "application/problem+json"


def problem_of(response, status: int) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith(PROBLEM)
    body = json.loads(response.content)
    assert body["status"] == status
    assert body["title"] and body["detail"] and body["type"]
    return body


def test_the_description_is_openapi_3_1(client):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    description = response.json()
    assert description["openapi"].startswith("3.1")
    assert "/api/coalitions/" in description["paths"]
    operation = description["paths"]["/api/coalitions/{slug}/"]["get"]
    assert operation["x-coproduce-needs"] == "view"
    assert PROBLEM in operation["responses"]["404"]["content"]


def test_the_reference_page_lists_operations_and_who_may_call_them(client):
    response = client.get("/api/")
    assert response.status_code == 200
    text = response.content.decode()
    assert "GET /api/workshops/{slug}/" in text
    assert "whoever may see it on the site" in text
    assert 'href="/api/openapi.json"' in text


def test_every_action_a_door_may_ask_has_words_on_the_reference_page():
    for action in Action:
        assert needs(action) and needs(action) != str(action), action  # a KeyError when missing


def test_a_coalition_nobody_may_see_is_a_404_problem(client):
    CoalitionFactory(slug="hidden", visibility=Visibility.PRIVATE)
    body = problem_of(client.get("/api/coalitions/hidden/"), 404)
    missing = problem_of(client.get("/api/coalitions/no-such/"), 404)
    assert body == missing  # nothing tells a private coalition from none


def test_members_read_their_private_coalition_with_the_session(client):
    coalition = CoalitionFactory(slug="hidden", name="Hidden one", visibility=Visibility.PRIVATE)
    person = PersonFactory()
    MembershipFactory(coalition=coalition, person=person, role=Role.OBSERVER)
    client.force_login(person)
    response = client.get("/api/coalitions/hidden/")
    assert response.status_code == 200
    assert response.json()["name"] == "Hidden one"
    assert response.json()["created_at"].endswith(("Z", "+00:00"))


def test_writes_without_a_token_are_refused_even_with_a_session(client):
    client.force_login(PersonFactory())
    body = problem_of(client.post("/api/coalitions/"), 405)
    assert body["type"] == "/api/#problem-method-not-allowed"


def test_405_says_what_is_allowed(client):
    response = client.delete("/api/coalitions/")
    problem_of(response, 405)
    assert "GET" in response["Allow"]


def test_unknown_query_field_is_a_422_naming_it(client):
    body = problem_of(client.get("/api/coalitions/?colour=red"), 422)
    assert body["errors"] == [
        {"field": "colour", "location": "query", "message": "this operation takes no such field"}
    ]


@pytest.mark.parametrize("value", ["2026-01-01T00:00:00", "yesterday", "2026-13-01T00:00Z"])
def test_bad_updated_since_is_a_422_naming_it(client, value):
    body = problem_of(client.get("/api/coalitions/", {"updated_since": value}), 422)
    assert [e["field"] for e in body["errors"]] == ["updated_since"]


@pytest.mark.parametrize("value", ["0", "201", "many"])
def test_limit_out_of_range_is_a_422_naming_it(client, value):
    body = problem_of(client.get("/api/coalitions/", {"limit": value}), 422)
    assert [e["field"] for e in body["errors"]] == ["limit"]


def test_a_tampered_cursor_is_a_400_naming_it(client):
    for n in range(3):
        CoalitionFactory(name=f"C{n}")
    cursor = client.get("/api/coalitions/?limit=1").json()["next"].split("cursor=")[1]
    for bad in ["nonsense", cursor[:-2] + "xx", cursor.upper()]:
        body = problem_of(client.get("/api/coalitions/", {"cursor": bad}), 400)
        assert body["errors"][0]["field"] == "cursor"


def test_a_cursor_of_another_list_is_refused(client):
    coalition = CoalitionFactory(slug="c1")
    for n in range(2):
        CoalitionFactory(name=f"C{n}")
        WorkshopFactory(coalition=coalition)
    cursor = client.get("/api/coalitions/?limit=1").json()["next"].split("cursor=")[1]
    problem_of(client.get("/api/coalitions/c1/workshops/", {"cursor": cursor}), 400)


def test_pages_follow_each_other_without_gaps_or_repeats(client):
    names = {f"Coalition {n:02}" for n in range(7)}
    for name in names:
        CoalitionFactory(name=name)
    seen, url, links = [], "/api/coalitions/?limit=3", 0
    while url:
        response = client.get(url)
        body = response.json()
        seen += [c["name"] for c in body["items"]]
        url = body["next"]
        if url:
            assert response["Link"] == f'<{url}>; rel="next"'
            links += 1
        else:
            assert "Link" not in response
    assert seen == sorted(names)
    assert links == 2


def test_updated_since_filters_workshops(client):
    coalition = CoalitionFactory(slug="c1")
    old = WorkshopFactory(coalition=coalition, title="Old")
    WorkshopFactory(coalition=coalition, title="New")
    type(old).objects.filter(pk=old.pk).update(updated_at=timezone.now() - timedelta(days=3))
    since = (timezone.now() - timedelta(days=1)).isoformat()
    body = client.get("/api/coalitions/c1/workshops/", {"updated_since": since}).json()
    assert [w["title"] for w in body["items"]] == ["New"]


def test_etag_and_if_none_match_give_304(client):
    CoalitionFactory(slug="c1")
    first = client.get("/api/coalitions/c1/")
    etag = first["ETag"]
    assert etag.startswith('W/"')
    again = client.get("/api/coalitions/c1/", headers={"if-none-match": etag})
    assert again.status_code == 304 and again.content == b""
    assert again["ETag"] == etag
    other = client.get("/api/coalitions/c1/", headers={"if-none-match": 'W/"other"'})
    assert other.status_code == 200


def test_bodies_over_the_limit_are_413(client, settings):
    settings.API_MAX_BODY_BYTES = 10
    response = client.post("/api/coalitions/", data=b"x" * 11, content_type="application/json")
    problem_of(response, 413)


def test_rate_limit_headers_and_429_with_retry_after(client, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "api": "3/m"}
    answers = [client.get("/api/coalitions/") for _ in range(4)]
    assert [a["RateLimit-Remaining"] for a in answers[:3]] == ["2", "1", "0"]
    assert all(a["RateLimit-Limit"] == "3" for a in answers)
    refused = answers[3]
    problem_of(refused, 429)
    assert 0 < int(refused["Retry-After"]) <= 60


def test_a_bad_authorization_header_is_a_401_problem(client):
    response = client.get("/api/coalitions/", headers={"authorization": "Basic abc"})
    problem_of(response, 401)
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_a_server_error_is_a_500_problem(client, monkeypatch):
    from coproduce.api import coalitions

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(coalitions, "visible_coalitions", broken)
    body = problem_of(client.get("/api/coalitions/"), 500)
    assert "boom" not in body["detail"]


def test_head_answers_like_get_without_a_body(client):
    CoalitionFactory(slug="c1")
    head = client.head("/api/coalitions/c1/")
    assert head.status_code == 200 and head.content == b""
    assert head["ETag"] == client.get("/api/coalitions/c1/")["ETag"]


def test_a_body_with_an_unknown_field_is_refused_naming_it():
    from ninja.errors import ValidationError as NinjaValidationError
    from pydantic import ValidationError

    from coproduce.api.problems import _validation
    from coproduce.api.schemas import Body

    class Vote(Body):
        choice: int

    with pytest.raises(ValidationError) as refused:
        Vote.model_validate({"choice": 1, "colour": "red"})
    errors = [{**e, "loc": ("body", *e["loc"])} for e in refused.value.errors()]
    body = problem_of(_validation(None, NinjaValidationError(errors)), 422)
    assert [e["field"] for e in body["errors"]] == ["colour"]


def test_refusals_before_any_view_are_problems_too(client):
    problem_of(client.get("/api/no-such-thing/"), 404)
    problem_of(client.get("/api/coalitions/", {"cursor": "a\x00b"}), 400)
    # Elsewhere the site's own pages.
    assert client.get("/no-such-page/")["Content-Type"].startswith("text/html")


@pytest.mark.parametrize(
    "query, english, spanish",
    [
        ({"limit": "many"}, "should be a whole number", "debe ser un número entero"),
        ({"limit": "0"}, "should be at least 1", "debe ser como mínimo 1"),
        ({"updated_since": "2026-12-06T10:00:00"}, "with its zone", "con su zona"),
    ],
)
def test_invalid_input_is_told_in_the_readers_language(client, query, english, spanish):
    body = problem_of(client.get("/api/coalitions/", query), 422)
    assert english in body["errors"][0]["message"]
    answer = client.get("/api/coalitions/", query, headers={"accept-language": "es"})
    assert spanish in answer.json()["errors"][0]["message"]


def test_no_two_answers_share_a_name():
    """Ninja names the description's schemas by their class's name: two classes of one name in
    different modules would describe one operation with the other's fields."""
    from ninja import Schema

    import coproduce.api.api  # noqa: F401 (every router, so every schema, loaded)

    def below(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from below(sub)

    names: dict[str, set[str]] = {}
    for cls in below(Schema):
        if cls.__module__.startswith("coproduce.api."):
            names.setdefault(cls.__name__, set()).add(cls.__module__)
    assert {name: m for name, m in names.items() if len(m) > 1} == {}


def test_numbers_too_large_for_the_database_are_not_found(client):
    """Every operation, its numbers beyond 64 bits (which no database column holds), answers
    without a server error: schemathesis once found an OverflowError in a finder on SQLite."""
    from coproduce.people import tokens

    person = PersonFactory()
    _token, raw = tokens.issue(person, name="big", write=True)
    paths = client.get("/api/openapi.json").json()["paths"]
    huge = str(2**64)
    bodies = {  # a valid body for each write, so the operation reaches its finder
        "notes": {"round_number": 1, "text": "x"},
        "votes": {"statement": 1, "value": 1},
        "registrations": {"sector": "research"},
        "updates": {"text": "x"},
        "imports": {"csv": "x"},
    }
    answered = {}
    for path, methods in paths.items():
        url = path
        for name in (part.strip("{}") for part in path.split("/") if part.startswith("{")):
            url = url.replace("{" + name + "}", "riverside" if name == "slug" else huge)
        for method in methods:
            body = bodies.get(path.rstrip("/").rsplit("/", 1)[-1], {}) if method == "post" else {}
            response = client.generic(
                method.upper(),
                url,
                json.dumps(body),
                "application/json",
                headers={"authorization": f"Bearer {raw}"},
            )
            answered[f"{method} {url}"] = response.status_code
    assert {key: code for key, code in answered.items() if code >= 500} == {}
    assert 404 in answered.values()
