"""Charters through the API, on the permission tests' world (a charter published twice, with a
draft version 3, public, private and unconfirmed signatures, and a draft charter): what each
reader sees is what the pages show, no address or private signature ever, constant queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from factories import CoalitionFactory
from security.world import MEMBER, ORGANISER, OUTSIDER, build_world

from coproduce.charters.models import Charter, Signature, Version
from coproduce.people import tokens

pytestmark = pytest.mark.django_db


def bearer(person) -> dict:
    return {"authorization": "Bearer " + tokens.issue(person, name="c", write=False)[1]}


@pytest.fixture
def world():
    return build_world(public=True)


def _base(w) -> str:
    return f"/api/coalitions/{w.coalition.slug}/charters/"


def test_outsiders_see_published_calls_and_members_the_drafts_too(client, world):
    w = world
    public = client.get(_base(w))
    items = public.json()["items"]
    assert [c["id"] for c in items] == [w.call_charter.pk]  # the draft charter is not known
    assert [v["number"] for v in items[0]["published"]] == [1, 2]
    assert items[0]["draft"] is None and items[0]["api_url"] is None
    assert w.markers["charter_draft"] not in public.content.decode()
    member = client.get(_base(w), headers=bearer(w.accounts[MEMBER])).json()["items"]
    by_id = {c["id"]: c for c in member}
    assert set(by_id) == {w.call_charter.pk, w.charter.pk}
    assert by_id[w.charter.pk]["title"] == w.markers["charter_draft"]
    assert by_id[w.charter.pk]["published"] == []
    assert by_id[w.call_charter.pk]["draft"] == {
        "principles": 0,
        "versions": 3,
        "open_proposals": 0,
    }
    assert by_id[w.charter.pk]["draft"]["open_proposals"] == 1


def test_the_draft_is_for_members_only_in_a_public_coalition_too(client, world):
    w = world
    url = f"{_base(w)}{w.charter.pk}/"
    for headers in ({}, bearer(w.accounts[OUTSIDER])):
        answer = client.get(url, headers=headers)
        assert answer.status_code in (401, 403, 404)
        assert w.markers["principle"] not in answer.content.decode()
    draft = client.get(url, headers=bearer(w.accounts[MEMBER])).json()
    assert [p["title"] for p in draft["principles"]] == [w.markers["principle"]]
    assert draft["status"] == "draft" and draft["versions"]
    assert all(v["published_at"] is None for v in draft["versions"])
    published = client.get(f"{_base(w)}{w.call_charter.pk}/", headers=bearer(w.accounts[MEMBER]))
    assert published.json()["status"] == "changed_since_published"  # version 3 is a draft
    # Comments and proposals stay on the page.
    assert w.markers["charter_comment"] not in published.content.decode()


def test_a_version_reads_as_its_call_to_action(client, world):
    w = world
    listed = client.get(_base(w)).json()["items"][0]["published"]
    call = client.get(listed[1]["api_url"]).json()
    assert call["number"] == 2 and call["published"] and call["replaced_by"] is None
    assert call["principles"] == [
        {"title": "Share power", "meaning": "Decide together.", "asks": ""}
    ]
    assert call["signatures_total"] == 1 and call["short_url"].endswith(f"/c/{w.call.short_code}/")
    old = client.get(listed[0]["api_url"]).json()
    assert old["replaced_by"] == 2
    # Two confirmed signatures count (the private one too), the pending one does not.
    assert old["signatures_total"] == 2 and old["by_sector"][0]["signatures"] == 2


def test_a_draft_version_is_for_members_only(client, world):
    w = world
    url = f"{_base(w)}{w.call_charter.pk}/versions/3/"
    assert client.get(url).status_code in (401, 403, 404)
    draft = client.get(url, headers=bearer(w.accounts[MEMBER])).json()
    assert draft["published"] is False and draft["signatures"] is None
    assert draft["short_url"] is None
    signatures = client.get(f"{url}signatures/", headers=bearer(w.accounts[MEMBER]))
    assert signatures.status_code == 404  # as the call's JSON: published versions only


def test_only_public_confirmed_signatures_and_never_an_address(client, world):
    w = world
    url = f"{_base(w)}{w.call_charter.pk}/versions/1/signatures/"
    for headers in ({}, bearer(w.accounts[MEMBER]), bearer(w.accounts[ORGANISER])):
        answer = client.get(url, headers=headers)
        text = answer.content.decode()
        names = [s["organisation"] for s in answer.json()["items"]]
        assert names == [w.markers["signatory"]]
        assert w.markers["private_signatory"] not in text
        assert "Pending org" not in text
        assert "@" not in text and "example.org" not in text
        assert "email" not in text


def test_withdrawn_signatures_show_as_withdrawn_and_updated_since(client, world):
    w = world
    url = f"{_base(w)}{w.call_charter.pk}/versions/1/signatures/"
    before = timezone.now()
    Signature.objects.filter(organisation_name=w.markers["signatory"]).update(
        withdrawn_at=timezone.now()
    )
    items = client.get(url).json()["items"]
    assert [s["withdrawn"] for s in items] == [True]
    assert client.get(url, {"updated_since": before.isoformat()}).json()["items"] == items
    later = (timezone.now() + timezone.timedelta(minutes=5)).isoformat()
    assert client.get(url, {"updated_since": later}).json()["items"] == []


def test_the_charter_list_since_a_time(client, world):
    w = world
    later = timezone.now() + timezone.timedelta(hours=1)
    Version.objects.filter(pk=w.call.pk).update(published_at=later)
    since = (later - timezone.timedelta(minutes=1)).isoformat()
    assert [c["id"] for c in client.get(_base(w), {"updated_since": since}).json()["items"]] == [
        w.call_charter.pk
    ]
    member = bearer(w.accounts[MEMBER])
    Charter.objects.filter(pk=w.charter.pk).update(updated_at=later)
    found = client.get(_base(w), {"updated_since": since}, headers=member).json()["items"]
    assert {c["id"] for c in found} == {w.call_charter.pk, w.charter.pk}


# -- constant queries ------------------------------------------------------------------------


def _queries(client, url: str, headers=None) -> int:
    with CaptureQueriesContext(connection) as captured:
        answer = client.get(url, headers=headers or {})
        assert answer.status_code == 200, answer.content
    return len(captured)


def grow_charters(coalition, total: int) -> None:
    have = Charter.objects.filter(coalition=coalition).count()
    made = Charter.objects.bulk_create(
        Charter(coalition=coalition, title=f"Charter {n}") for n in range(have, total)
    )
    Version.objects.bulk_create(
        Version(charter=c, number=1, title=c.title, published_at=timezone.now()) for c in made
    )


def test_the_charter_list_costs_the_same_at_10_and_200(client):
    coalition = CoalitionFactory(slug="many")
    counts = []
    for size in (10, 200):
        grow_charters(coalition, size)
        counts.append(_queries(client, "/api/coalitions/many/charters/?limit=200"))
    assert counts[0] == counts[1]


def test_the_charter_list_costs_the_same_for_members(client, world):
    w = world
    headers = bearer(w.accounts[MEMBER])
    url = f"{_base(w)}?limit=200"
    client.get(url, headers=headers)  # a token's first use is noted
    counts = []
    for size in (10, 200):
        grow_charters(w.coalition, size)
        counts.append(_queries(client, url, headers))
    assert counts[0] == counts[1]


def test_the_signature_list_costs_the_same_at_10_and_200(client, world):
    w = world
    version = w.call

    def grow(total: int) -> None:
        have = version.signatures.count()
        made = Signature.objects.bulk_create(
            Signature(
                version=version,
                organisation_name=f"Org {n}",
                organisation_key=f"org {n}",
                name="Someone",
                sector="residents",
                email=f"o{n}@example.org",
                email_key=f"o{n}@example.org",
                confirmed_at=timezone.now(),
            )
            for n in range(have, total)
        )
        for signature in made:
            signature.commitments.create(text="We will")

    url = f"{_base(w)}{version.charter_id}/versions/{version.number}/signatures/?limit=200"
    grow(10)
    small = _queries(client, url)
    grow(200)
    assert _queries(client, url) == small
