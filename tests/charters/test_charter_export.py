"""The `charters` part of `coproduce export`: the exact shape the issue names, private
signatures only for organisers (and the operator), unconfirmed ones never, drafts only for
members; and the charter's section of the reports."""

import json

import pytest
from django.core.management import call_command
from django.utils import timezone
from factories import CoalitionFactory, MembershipFactory, PersonFactory

from coproduce.charters import publishing, report
from coproduce.charters.models import Charter, Commitment, Signature, Version
from coproduce.coalitions.models import Role, Visibility

pytestmark = pytest.mark.django_db


def _signature(version, name, *, public=True, confirmed=True, withdrawn=False, org=True, **kw):
    now = timezone.now()
    signature = Signature.objects.create(
        version=version,
        organisation_name=name if org else "",
        organisation_key=publishing.fold(name) if org else "",
        name=f"Signer of {name}" if org else name,
        role="Chair" if org else "",
        sector=kw.get("sector", "civil_society"),
        email=f"{name.lower().replace(' ', '')}@example.org",
        email_key=f"{name.lower().replace(' ', '')}@example.org",
        public=public,
        token_hash=publishing.hash_token(name),
        confirmed_at=now if confirmed else None,
        withdrawn_at=now if withdrawn else None,
    )
    for position, text in enumerate(kw.get("commitments", [])):
        Commitment.objects.create(signature=signature, position=position, text=text)
    return signature


@pytest.fixture
def world():
    coalition = CoalitionFactory(slug="gm", visibility=Visibility.PUBLIC)
    people = {}
    for role in (Role.ORGANISER, Role.MEMBER, Role.OBSERVER):
        people[role] = PersonFactory(email=f"{role}@example.org")
        MembershipFactory(coalition=coalition, person=people[role], role=role)
    people["outsider"] = PersonFactory(email="outsider@example.org")
    charter = Charter.objects.create(coalition=coalition, title="Our charter")
    principles = [{"principle": None, "title": "Share power", "meaning": "m", "asks": ""}]
    published = Version.objects.create(
        charter=charter, number=1, title="Our charter", principles=principles
    )
    publishing.publish(published)
    Version.objects.create(charter=charter, number=2, title="Our charter", principles=[])
    _signature(published, "Public Org", commitments=["We will pay residents."])
    _signature(published, "Private Org", public=False, sector="business")
    _signature(published, "Unconfirmed Org", confirmed=False)
    _signature(published, "Withdrawn Org", withdrawn=True)
    _signature(published, "Ana Ruiz", org=False, sector="residents")
    return coalition, people


def exported(tmp_path, coalition, email=None) -> list:
    out = tmp_path / "export.json"
    extra = ["--as", email] if email else []
    call_command("export", coalition.slug, "-o", str(out), *extra)
    return json.loads(out.read_text())["charters"]


def names(charters, number=1) -> set:
    (charter,) = charters
    (version,) = [v for v in charter["versions"] if v["number"] == number]
    return {s["organisation"] or s["name"] for s in version["signatures"]}


def test_the_shape_is_exactly_what_the_issue_names(tmp_path, world):
    coalition, _people = world
    (charter,) = exported(tmp_path, coalition)
    assert isinstance(charter["versions"], list)
    first, second = charter["versions"]
    assert (first["number"], first["published"], second["published"]) == (1, True, False)
    assert first["principles"][0]["title"] == "Share power"
    for signature in first["signatures"]:
        assert {"organisation", "sector", "public", "withdrawn", "commitments"} <= set(signature)
        assert isinstance(signature["public"], bool) and isinstance(signature["withdrawn"], bool)
        assert all(isinstance(c, str) for c in signature["commitments"])
    public = next(s for s in first["signatures"] if s["organisation"] == "Public Org")
    assert public["commitments"] == ["We will pay residents."]
    person = next(s for s in first["signatures"] if s["organisation"] is None)
    assert person["sector"] == "residents"
    withdrawn = next(s for s in first["signatures"] if s["organisation"] == "Withdrawn Org")
    assert withdrawn["withdrawn"] is True


def test_the_operator_and_organisers_see_private_signatures_never_unconfirmed(tmp_path, world):
    coalition, people = world
    everything = {"Public Org", "Private Org", "Withdrawn Org", "Ana Ruiz"}
    assert names(exported(tmp_path, coalition)) == everything
    organiser = exported(tmp_path, coalition, people[Role.ORGANISER].email)
    assert "Private Org" in names(organiser)
    assert "Unconfirmed Org" not in names(organiser)


def test_others_get_public_signatures_and_drafts_only_as_members(tmp_path, world):
    coalition, people = world
    member = exported(tmp_path, coalition, people[Role.MEMBER].email)
    assert names(member) == {"Public Org", "Withdrawn Org", "Ana Ruiz"}
    assert [v["number"] for v in member[0]["versions"]] == [1, 2]
    outsider = exported(tmp_path, coalition, people["outsider"].email)
    assert names(outsider) == {"Public Org", "Withdrawn Org", "Ana Ruiz"}
    assert [v["number"] for v in outsider[0]["versions"]] == [1]


def test_an_outsider_sees_no_charter_that_was_never_published(tmp_path, world):
    coalition, people = world
    Charter.objects.create(coalition=coalition, title="A draft only")
    outsider = exported(tmp_path, coalition, people["outsider"].email)
    assert [c["title"] for c in outsider] == ["Our charter"]
    member = exported(tmp_path, coalition, people[Role.MEMBER].email)
    assert len(member) == 2


def test_the_report_section_shows_only_public_confirmed_signatories(world):
    coalition, _people = world
    section = report.coalition_section(coalition)
    text = repr(section)
    assert "Share power" in text
    assert "Public Org" in text and "Ana Ruiz" in text and "We will pay residents." in text
    for hidden in ("Private Org", "Unconfirmed Org", "Withdrawn Org"):
        assert hidden not in text
    chart = next(b.chart for b in section.blocks if hasattr(b, "chart"))
    # Private signatures count (3 counted: public, private, individual), nobody is named twice.
    assert sum(chart.series[0][1]) == 3
    # The chart carries its own table: the section does not repeat the figures.
    assert not any(getattr(b, "header", None) for b in section.blocks)


def test_no_section_without_a_published_charter():
    assert report.coalition_section(CoalitionFactory()) is None
