"""Programs call with a token: it stands for its person, may only read unless it allows
writing, and a revoked, expired or unknown one is a 401 problem."""

import json
from datetime import timedelta

import pytest
from django.test import RequestFactory
from django.utils import timezone
from factories import CoalitionFactory, MembershipFactory, PersonFactory

from coproduce.api.doors import api_door
from coproduce.api.problems import ApiProblem
from coproduce.coalitions.models import Role, Visibility
from coproduce.coalitions.permissions import Action
from coproduce.people import tokens

pytestmark = pytest.mark.django_db


def bearer(raw: str) -> dict:
    return {"authorization": f"Bearer {raw}"}


@pytest.fixture
def member():
    coalition = CoalitionFactory(slug="hidden", visibility=Visibility.PRIVATE)
    person = PersonFactory()
    MembershipFactory(coalition=coalition, person=person, role=Role.MEMBER)
    return person


def test_a_token_reads_what_its_person_may_see(client, member):
    _token, raw = tokens.issue(member, name="dashboard", write=False)
    assert client.get("/api/coalitions/hidden/", headers=bearer(raw)).status_code == 200
    assert client.get("/api/coalitions/hidden/").status_code == 404


def test_a_strangers_token_gets_404(client, member):
    _token, raw = tokens.issue(PersonFactory(), name="other", write=True)
    assert client.get("/api/coalitions/hidden/", headers=bearer(raw)).status_code == 404


@pytest.mark.parametrize("how", ["revoked", "expired", "unknown"])
def test_a_refused_token_is_a_401_problem(client, member, how):
    token, raw = tokens.issue(
        member, name="t", write=False, expires_at=timezone.now() + timedelta(days=1)
    )
    if how == "revoked":
        tokens.revoke(token, by=member)
    if how == "expired":
        type(token).objects.filter(pk=token.pk).update(
            expires_at=timezone.now() - timedelta(seconds=1)
        )
    if how == "unknown":
        raw = raw[:-3] + "abc"
    response = client.get("/api/coalitions/", headers=bearer(raw))
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert json.loads(response.content)["status"] == 401
    assert "invalid_token" in response["WWW-Authenticate"]


def test_the_rate_limit_counts_per_token(client, member, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "api": "2/m"}
    _one, first = tokens.issue(member, name="one", write=False)
    _two, second = tokens.issue(member, name="two", write=False)
    for _ in range(2):
        assert client.get("/api/coalitions/", headers=bearer(first)).status_code == 200
    assert client.get("/api/coalitions/", headers=bearer(first)).status_code == 429
    assert client.get("/api/coalitions/", headers=bearer(second)).status_code == 200


@api_door(Action.PUBLIC)
def a_write(request):
    return "written"


def test_writes_need_a_token_that_allows_them(member):
    post = RequestFactory().post("/api/anything/")
    post.user = member
    post.api_token = None
    with pytest.raises(ApiProblem) as no_token:
        a_write(post)
    assert no_token.value.status == 401
    post.api_token, _raw = tokens.issue(member, name="read", write=False)
    with pytest.raises(ApiProblem) as read_only:
        a_write(post)
    assert read_only.value.status == 403
    post.api_token, _raw = tokens.issue(member, name="write", write=True)
    assert a_write(post) == "written"
