"""Workshop reports through the API: the published versions each reader may read, one version as
it was published, drafts never shown, constant queries (SQLite and PostgreSQL)."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from factories import CoalitionFactory, MembershipFactory, PersonFactory, WorkshopFactory

from coproduce.coalitions.models import Role, Visibility
from coproduce.people import tokens
from coproduce.reports import services as report_services
from coproduce.reports.models import ReportVersion

pytestmark = pytest.mark.django_db

DRAFT = "DraftWordsOnlyOrganisersReadQx"
MEMBERS = "MembersOnlyWordsQx"


def bearer(person) -> dict:
    return {"authorization": "Bearer " + tokens.issue(person, name="r", write=False)[1]}


@pytest.fixture
def report():
    """A public coalition's workshop: version 1 for everyone, 2 for members, 3 a draft."""
    coalition = CoalitionFactory(slug="open", visibility=Visibility.PUBLIC)
    workshop = WorkshopFactory(coalition=coalition, slug="ws", title="Town hall")
    report = report_services.report_for(workshop)
    now = timezone.now()
    for number, (visibility, words) in enumerate(
        [("public", "Everyone reads this"), ("members", MEMBERS)], start=1
    ):
        ReportVersion.objects.create(
            report=report,
            number=number,
            texts={"conclusions": words, "summary": f"Summary {number}"},
            visibility=visibility,
            language="es",
            published_at=now - timedelta(hours=3 - number),
            snapshot_html=f"<p>{words}</p>",
        )
    ReportVersion.objects.create(report=report, number=3, texts={"conclusions": DRAFT})
    member, organiser = PersonFactory(), PersonFactory()
    MembershipFactory(coalition=coalition, person=member, role=Role.OBSERVER)
    MembershipFactory(coalition=coalition, person=organiser, role=Role.ORGANISER)
    return workshop, member, organiser


def test_everyone_reads_the_public_version_and_members_the_members_one(client, report):
    _workshop, member, organiser = report
    public = client.get("/api/workshops/ws/report/")
    assert [v["number"] for v in public.json()["items"]] == [1]
    assert MEMBERS not in public.content.decode() and DRAFT not in public.content.decode()
    for person in (member, organiser):
        listed = client.get("/api/workshops/ws/report/", headers=bearer(person)).json()["items"]
        assert [(v["number"], v["readers"]) for v in listed] == [(1, "public"), (2, "members")]
    refused = client.get("/api/workshops/ws/report/versions/2/")
    assert refused.status_code in (401, 403, 404) and MEMBERS not in refused.content.decode()
    members_version = client.get("/api/workshops/ws/report/versions/2/", headers=bearer(member))
    assert MEMBERS in members_version.json()["html"]


def test_a_version_reads_as_it_was_published(client, report):
    listed = client.get("/api/workshops/ws/report/").json()["items"]
    version = client.get(listed[0]["api_url"]).json()
    assert version["number"] == 1 and version["language"] == "es"
    assert version["html"] == "<p>Everyone reads this</p>"
    assert version["title"] == "Town hall" and version["workshop"] == "ws"
    sections = {s["key"]: s for s in version["sections"]}
    assert sections["conclusions"]["text"] == "Everyone reads this"
    assert sections["conclusions"]["title"] == "Conclusiones"  # in the report's language
    assert [s["key"] for s in version["sections"]] == ["summary", "conclusions"]
    assert version["url"].endswith("/ws/v/1/")


def test_a_draft_is_found_by_nobody(client, report):
    _workshop, member, organiser = report
    for headers in ({}, bearer(member), bearer(organiser)):
        answer = client.get("/api/workshops/ws/report/versions/3/", headers=headers)
        assert answer.status_code == 404
        assert DRAFT not in answer.content.decode()
        listed = client.get("/api/workshops/ws/report/", headers=headers)
        assert DRAFT not in listed.content.decode()
        assert 3 not in [v["number"] for v in listed.json()["items"]]


def test_a_private_coalitions_report_is_not_found_by_strangers(client, report):
    workshop, member, _organiser = report
    workshop.coalition.visibility = Visibility.PRIVATE
    workshop.coalition.save()
    for url in ("/api/workshops/ws/report/", "/api/workshops/ws/report/versions/1/"):
        assert client.get(url).status_code == 404
        assert client.get(url, headers=bearer(PersonFactory())).status_code == 404
        assert client.get(url, headers=bearer(member)).status_code == 200


def test_pages_and_updated_since(client, report):
    workshop, member, _organiser = report
    headers = bearer(member)
    first = client.get("/api/workshops/ws/report/?limit=1", headers=headers).json()
    assert [v["number"] for v in first["items"]] == [1] and first["next"]
    rest = client.get(first["next"], headers=headers).json()
    assert [v["number"] for v in rest["items"]] == [2] and rest["next"] is None
    later = timezone.now() + timedelta(hours=1)
    ReportVersion.objects.filter(report__workshop=workshop, number=2).update(updated_at=later)
    since = (later - timedelta(minutes=1)).isoformat()
    found = client.get("/api/workshops/ws/report/", {"updated_since": since}, headers=headers)
    assert [v["number"] for v in found.json()["items"]] == [2]


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_version_list_costs_the_same_at_10_and_200(client, report):
    workshop, _member, _organiser = report
    published = workshop.report

    def grow(total: int) -> None:
        have = published.versions.count()
        ReportVersion.objects.bulk_create(
            ReportVersion(
                report=published,
                number=n + 1,
                visibility="public",
                published_at=timezone.now(),
                snapshot_html="<p>x</p>",
            )
            for n in range(have, total)
        )

    grow(10)
    small = _queries(client, "/api/workshops/ws/report/?limit=200")
    grow(200)
    assert _queries(client, "/api/workshops/ws/report/?limit=200") == small
