"""Personal API tokens: made, checked, revoked, and the profile pages that manage them."""

import hashlib
import re
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from factories import PersonFactory

from coproduce.people import tokens
from coproduce.people.models import ApiToken
from coproduce.people.tokens import TokenRefused

pytestmark = pytest.mark.django_db

RAW = re.compile(r"cop_[A-Za-z0-9_-]{40,}")


@pytest.fixture
def person():
    return PersonFactory()


@pytest.fixture
def signed_in(client, person):
    client.force_login(person)
    return client


def refused(reason: str, call, *args, **kwargs) -> TokenRefused:
    with pytest.raises(TokenRefused) as caught:
        call(*args, **kwargs)
    assert caught.value.reason == reason
    assert str(caught.value)  # a message in words, not an empty error
    return caught.value


# --- the module ------------------------------------------------------------------------------


def test_issue_stores_only_a_hash_and_the_first_characters(person):
    token, raw = tokens.issue(person, name="  Council dashboard ", write=True)
    assert raw.startswith("cop_") and len(raw) > 40
    row = ApiToken.objects.filter(pk=token.pk).values().get()
    assert row["key_hash"] == hashlib.sha256(raw.encode()).hexdigest()
    assert row["prefix"] == raw[:8]
    assert row["name"] == "Council dashboard"
    assert not any(raw in str(value) for value in row.values())


def test_two_tokens_differ(person):
    (_, first), (_, second) = (tokens.issue(person, name=n, write=False) for n in "ab")
    assert first != second


def test_authenticate_gives_the_person_and_token_and_notes_the_use(person):
    token, raw = tokens.issue(person, name="Script", write=False)
    found_person, found = tokens.authenticate(raw)
    assert (found_person, found) == (person, token)
    assert not found.allows_write
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_write_scope_is_what_allows_write(person):
    token, _raw = tokens.issue(person, name="Writer", write=True)
    assert token.allows_write


@pytest.mark.parametrize(
    "raw", ["", "cop_", "cop_" + "A" * 43, "not-a-token", "cop_" + "x" * 10_000, None, 42]
)
def test_unknown_tokens_are_refused(person, raw):
    tokens.issue(person, name="Real", write=False)
    refused("unknown", tokens.authenticate, raw)


def test_the_hash_itself_does_not_authenticate(person):
    token, _raw = tokens.issue(person, name="Real", write=False)
    refused("unknown", tokens.authenticate, token.key_hash)
    refused("unknown", tokens.authenticate, "cop_" + token.key_hash)


def test_revoked_token_is_refused(person):
    token, raw = tokens.issue(person, name="Old", write=True)
    tokens.revoke(token, by=person)
    assert ApiToken.objects.get(pk=token.pk).revoked_at is not None
    refused("revoked", tokens.authenticate, raw)


def test_expired_token_is_refused(person):
    now = timezone.now()
    _token, raw = tokens.issue(person, name="Short", write=False, expires_at=now + timedelta(1))
    assert tokens.authenticate(raw, now=now + timedelta(hours=23))[0] == person
    refused("expired", tokens.authenticate, raw, now=now + timedelta(days=1))


def test_token_of_a_closed_account_is_refused(person):
    _token, raw = tokens.issue(person, name="Old", write=False)
    person.is_active = False
    person.save()
    refused("inactive", tokens.authenticate, raw)


def test_last_used_is_written_at_most_once_a_minute(person):
    token, raw = tokens.issue(person, name="Busy", write=False)
    start = timezone.now()
    tokens.authenticate(raw, now=start)
    with CaptureQueriesContext(connection) as queries:
        for seconds in (1, 30, 59):
            tokens.authenticate(raw, now=start + timedelta(seconds=seconds))
    assert not [q for q in queries.captured_queries if q["sql"].upper().startswith("UPDATE")]
    token.refresh_from_db()
    assert token.last_used_at == start
    later = start + timedelta(seconds=61)
    tokens.authenticate(raw, now=later)
    token.refresh_from_db()
    assert token.last_used_at == later


def test_a_person_has_at_most_20_live_tokens(person):
    made = [tokens.issue(person, name=f"T{i}", write=False)[0] for i in range(20)]
    refused("too_many", tokens.issue, person, name="One more", write=False)
    assert ApiToken.objects.filter(person=person).count() == 20
    tokens.revoke(made[0], by=person)
    tokens.issue(person, name="After revoking", write=False)
    refused("too_many", tokens.issue, person, name="Again", write=False)
    # Another person's allowance is their own.
    tokens.issue(PersonFactory(), name="Elsewhere", write=False)


def test_expired_tokens_do_not_count_towards_the_limit(person):
    now = timezone.now()
    for i in range(20):
        tokens.issue(person, name=f"T{i}", write=False, expires_at=now + timedelta(days=1))
    tokens.issue(person, name="Later", write=False, now=now + timedelta(days=2))


@pytest.mark.parametrize("name", ["", "   ", "\x00\u200b", "x" * 101, None])
def test_bad_names_are_refused(person, name):
    refused("name", tokens.issue, person, name=name, write=False)
    assert not ApiToken.objects.exists()


def test_names_are_cleaned(person):
    token, _raw = tokens.issue(person, name="Dash\u202eboard\nfor\tthe council", write=False)
    assert token.name == "Dashboard for the council"


@pytest.mark.parametrize(
    "expires_at",
    [
        lambda now: now - timedelta(seconds=1),
        lambda now: now,
        lambda now: now + timedelta(days=365, seconds=1),
        lambda now: (now + timedelta(days=3)).replace(tzinfo=None),
        lambda now: "2030-01-01",
    ],
    ids=["past", "now", "over a year", "no zone", "text"],
)
def test_bad_expiries_are_refused(person, expires_at):
    now = timezone.now()
    refused("expiry", tokens.issue, person, name="T", write=False, expires_at=expires_at(now))
    assert not ApiToken.objects.exists()


def test_a_year_exactly_is_allowed(person):
    now = timezone.now()
    token, _raw = tokens.issue(
        person, name="Yearly", write=False, expires_at=now + timedelta(days=365), now=now
    )
    assert token.expires_at == now + timedelta(days=365)


def test_only_the_owner_revokes_and_revoking_twice_keeps_the_first_time(person):
    token, _raw = tokens.issue(person, name="Mine", write=False)
    with pytest.raises(PermissionDenied):
        tokens.revoke(token, by=PersonFactory())
    assert ApiToken.objects.get(pk=token.pk).revoked_at is None
    first = timezone.now()
    tokens.revoke(token, by=person, now=first)
    tokens.revoke(token, by=person, now=first + timedelta(hours=1))
    assert ApiToken.objects.get(pk=token.pk).revoked_at == first


# --- the pages -------------------------------------------------------------------------------


def create(client, **overrides):
    data = {"name": "Council dashboard", "scope": "read", "expiry": "90", **overrides}
    return client.post(reverse("people:token_create"), data)


def test_creating_shows_the_token_once(signed_in, person):
    response = create(signed_in, scope="write", once="form-1")
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    page = response.content.decode()
    raw = RAW.search(page).group()
    assert "will not be shown again" in page
    assert "Authorization: Bearer" in page
    person_found, token = tokens.authenticate(raw)
    assert person_found == person and token.allows_write
    expected = timezone.now() + timedelta(days=90)
    assert abs(token.expires_at - expected) < timedelta(minutes=5)
    assert raw not in response.request["PATH_INFO"]
    assert raw not in str(dict(signed_in.session))

    profile = signed_in.get(reverse("people:profile")).content.decode()
    assert raw not in profile
    assert "Council dashboard" in profile and token.prefix in profile

    # Sending the same form again (a reload) makes no second token and shows none.
    again = create(signed_in, scope="write", once="form-1")
    assert again.status_code == 302
    assert ApiToken.objects.filter(person=person).count() == 1
    assert not RAW.search(signed_in.get(again["Location"]).content.decode())


@pytest.mark.parametrize(
    ("expiry", "days"), [("30", 30), ("365", 365), ("none", None)], ids=["30", "365", "none"]
)
def test_expiry_choices(signed_in, person, expiry, days):
    assert create(signed_in, expiry=expiry).status_code == 200
    token = ApiToken.objects.get(person=person)
    if days is None:
        assert token.expires_at is None
    else:
        wanted = timezone.now() + timedelta(days=days)
        assert abs(token.expires_at - wanted) < timedelta(minutes=5)
    assert not token.allows_write


@pytest.mark.parametrize(
    ("field", "overrides"),
    [
        ("name", {"name": ""}),
        ("name", {"name": "   "}),
        ("name", {"name": "x" * 500}),
        ("expiry", {"expiry": "7"}),
        ("expiry", {"expiry": ""}),
        ("scope", {"scope": "admin"}),
    ],
    ids=["empty name", "blank name", "500-character name", "7 days", "no expiry", "scope"],
)
def test_broken_input_is_refused_next_to_the_field(signed_in, field, overrides):
    response = create(signed_in, **overrides)
    assert response.status_code == 400
    assert field in response.context["token_form"].errors
    assert not RAW.search(response.content.decode())
    assert not ApiToken.objects.exists()


def test_html_in_the_name_is_escaped(signed_in):
    name = '<script>alert("x")</script>'
    created = create(signed_in, name=name).content.decode()
    profile = signed_in.get(reverse("people:profile")).content.decode()
    for page in (created, profile):
        assert name not in page
        assert "&lt;script&gt;" in page


def test_the_21st_token_is_refused_with_a_message(signed_in, person):
    for i in range(20):
        tokens.issue(person, name=f"T{i}", write=False)
    response = create(signed_in)
    assert response.status_code == 400
    assert "Revoke one you no longer use" in response.content.decode()
    assert ApiToken.objects.filter(person=person).count() == 20


def test_making_tokens_is_rate_limited(signed_in, person, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "api_token": "3/h"}
    for _ in range(3):
        assert create(signed_in, name="Broken", expiry="7").status_code == 400
    assert create(signed_in).status_code == 429
    assert not ApiToken.objects.exists()


def test_anonymous_cannot_create(client):
    response = create(client)
    assert response.status_code == 302 and "login" in response["Location"]
    assert not ApiToken.objects.exists()


def revoke_url(token) -> str:
    return reverse("people:token_revoke", args=[token.pk])


def test_owner_revokes_after_confirming(signed_in, person):
    token, raw = tokens.issue(person, name="Old script", write=False)
    asked = signed_in.post(revoke_url(token))
    assert asked.status_code == 200
    assert "Yes, revoke it" in asked.content.decode()
    assert ApiToken.objects.get(pk=token.pk).revoked_at is None

    done = signed_in.post(revoke_url(token), {"confirm": "yes"})
    assert done.status_code == 302
    assert ApiToken.objects.get(pk=token.pk).revoked_at is not None
    refused("revoked", tokens.authenticate, raw)
    profile = signed_in.get(reverse("people:profile")).content.decode()
    assert "revoked" in profile
    assert revoke_url(token) not in profile  # no Revoke button for a revoked token


def test_revoking_someone_elses_token_is_not_found(signed_in):
    theirs, raw = tokens.issue(PersonFactory(), name="Theirs", write=False)
    response = signed_in.post(revoke_url(theirs), {"confirm": "yes"})
    assert response.status_code == 404
    assert ApiToken.objects.get(pk=theirs.pk).revoked_at is None
    assert signed_in.post(reverse("people:token_revoke", args=[99999])).status_code == 404
    assert tokens.authenticate(raw)[1] == theirs


def test_get_never_revokes(signed_in, person):
    token, _raw = tokens.issue(person, name="Kept", write=False)
    assert signed_in.get(revoke_url(token)).status_code == 405
    assert ApiToken.objects.get(pk=token.pk).revoked_at is None


def test_anonymous_cannot_revoke(client, person):
    token, _raw = tokens.issue(person, name="Kept", write=False)
    response = client.post(revoke_url(token), {"confirm": "yes"})
    assert response.status_code == 302 and "login" in response["Location"]
    assert ApiToken.objects.get(pk=token.pk).revoked_at is None


def test_the_profile_lists_only_ones_own_tokens(signed_in, person):
    tokens.issue(person, name="Mine for sure", write=True)
    tokens.issue(PersonFactory(), name="Someone else's", write=False)
    page = signed_in.get(reverse("people:profile")).content.decode()
    assert "Tokens for programs" in page
    assert "Mine for sure" in page and "Read and write" in page
    assert "Someone else" not in page


def profile_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("people:profile")).status_code == 200
    return len(queries)


def test_the_list_takes_as_many_queries_for_15_tokens_as_for_1(signed_in, person):
    now = timezone.now()
    tokens.issue(person, name="First", write=False)
    one = profile_queries(signed_in)
    for i in range(14):
        token, raw = tokens.issue(person, name=f"T{i}", write=i % 2 == 0, expires_at=None)
        if i % 3 == 0:
            tokens.authenticate(raw)
        if i % 4 == 0:
            tokens.revoke(token, by=person, now=now)
    assert ApiToken.objects.filter(person=person).count() == 15
    assert profile_queries(signed_in) == one


def test_tokens_in_force_are_listed_before_revoked_ones(signed_in, person):
    now = timezone.now()
    tokens.issue(person, name="Older live token", write=False, now=now - timedelta(hours=2))
    tokens.issue(person, name="Newest live token", write=False, now=now - timedelta(hours=1))
    gone, _raw = tokens.issue(person, name="Gone token", write=False, now=now)
    tokens.revoke(gone, by=person)
    page = signed_in.get(reverse("people:profile")).content.decode()
    order = [page.index(name) for name in ("Newest live", "Older live", "Gone token")]
    assert order == sorted(order)
