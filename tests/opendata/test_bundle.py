"""The open-data bundle: what it holds (only what anyone may see), its datapackage.json, the
nightly build, and the pages that publish and serve it (SQLite and PostgreSQL)."""

import csv
import hashlib
import io
import json
import zipfile
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from factories import CoalitionFactory, MembershipFactory, PersonFactory, WorkshopFactory

from coproduce.coalitions.models import Role, Visibility
from coproduce.conversations import services as conversations
from coproduce.jobs.models import Job
from coproduce.library import services as library
from coproduce.opendata import bundle
from coproduce.opendata.models import Publication

pytestmark = pytest.mark.django_db


@pytest.fixture
def coalition():
    coalition = CoalitionFactory(name="GM Coproduction", slug="gm")
    WorkshopFactory(coalition=coalition, title="Coproducing the city")
    talk = conversations.open_conversation(
        coalition=coalition, question="What matters?", seed_statements=["Parks", "Buses"]
    )
    voter = conversations.voter_for(talk, person=PersonFactory(full_name="Ada Secretname"))
    for statement in talk.statements.all():
        conversations.cast_vote(voter, statement.pk, 1)
    entry = library.create_entry(
        {"kind": "case", "title": "Bologna's commons"}, coalition=coalition
    )
    library.moderate(entry, publish=True)
    declined = library.create_entry({"kind": "case", "title": "Declined"}, coalition=coalition)
    library.moderate(declined, publish=False)
    hidden = CoalitionFactory(visibility=Visibility.PRIVATE)
    entry = library.create_entry({"kind": "method", "title": "Secret method"}, coalition=hidden)
    library.moderate(entry, publish=True)
    shared = library.create_entry({"kind": "method", "title": "World Café"})
    library.link_entry(library.moderate(shared, publish=True), coalition=coalition)
    unlinked = library.create_entry({"kind": "method", "title": "Citizens' jury"})
    library.moderate(unlinked, publish=True)
    return coalition


def _published(coalition, licence="CC-BY-4.0"):
    return Publication.objects.create(coalition=coalition, published=True, licence=licence)


def _zip(publication) -> zipfile.ZipFile:
    with publication.bundle.open("rb") as file:
        return zipfile.ZipFile(io.BytesIO(file.read()))


def test_the_bundle_holds_what_anyone_may_see_and_describes_every_file(coalition):
    _published(coalition)
    publication = bundle.build(coalition, homepage="/coalitions/gm/open-data/")
    archive = _zip(publication)
    names = set(archive.namelist())
    described = json.loads(archive.read("datapackage.json"))
    paths = {resource["path"] for resource in described["resources"]}
    assert names == paths | {"datapackage.json"}
    assert {"coalition.json", "workshops.csv", "library/case.csv", "library/case.json"} <= names
    talk = coalition.conversations.get()
    assert f"conversations/{talk.pk}/votes.csv" in names
    for resource in described["resources"]:
        content = archive.read(resource["path"])
        assert resource["bytes"] == len(content)
        assert resource["hash"] == "sha256:" + hashlib.sha256(content).hexdigest()
    assert described["licenses"][0]["name"] == "CC-BY-4.0"
    everything = b"".join(archive.read(name) for name in names).decode()
    assert "Bologna's commons" in everything
    assert "Declined" not in everything and "Secret method" not in everything
    assert "World Café" in archive.read("library/method.json").decode()  # linked to its work
    assert "Citizens' jury" not in everything
    assert "Ada Secretname" not in everything
    cases = list(csv.DictReader(io.StringIO(archive.read("library/case.csv").decode("utf-8-sig"))))
    assert [row["title"] for row in cases] == ["Bologna's commons"]
    workshops = next(r for r in described["resources"] if r["path"] == "workshops.csv")
    assert {"name": "title", "type": "string"} in workshops["schema"]["fields"]
    assert publication.files and publication.size == publication.bundle.size


def test_a_new_build_replaces_the_old_file(coalition):
    _published(coalition)
    first = bundle.build(coalition).bundle.name
    second = bundle.build(coalition)
    assert second.bundle.name != first
    assert not second.bundle.storage.exists(first)


def test_a_private_coalition_cannot_build(coalition):
    _published(coalition)
    coalition.visibility = Visibility.PRIVATE
    coalition.save()
    with pytest.raises(bundle.NotPublishable):
        bundle.build(coalition)


def test_the_nightly_sweep_builds_each_published_bundle_once_a_day(coalition):
    publication = _published(coalition)
    CoalitionFactory()  # publishes nothing
    now = timezone.now()
    bundle.nightly(now)
    bundle.nightly(now + timedelta(minutes=5))  # a second worker's sweep, or the next one
    assert Job.objects.filter(kind=bundle.KIND).count() == 1
    publication.refresh_from_db()
    assert publication.built_at is not None
    bundle.nightly(now + timedelta(hours=25))
    assert Job.objects.filter(kind=bundle.KIND).count() == 2


def test_unpublished_and_private_bundles_are_not_built(coalition):
    Publication.objects.create(coalition=coalition, published=False)
    hidden = CoalitionFactory(visibility=Visibility.PRIVATE)
    _published(hidden)
    bundle.nightly(timezone.now())
    assert not Job.objects.filter(kind=bundle.KIND).exists()


# -- pages ----------------------------------------------------------------------------------


def _organiser(client, coalition):
    person = PersonFactory()
    MembershipFactory(coalition=coalition, person=person, role=Role.ORGANISER)
    client.force_login(person)
    return person


def test_an_organiser_publishes_and_anyone_downloads(client, coalition):
    _organiser(client, coalition)
    page = reverse("opendata:page", args=["gm"])
    answer = client.post(page, {"published": "on", "licence": "ODbL-1.0"})
    assert answer.status_code == 302  # to the build's job, run at once in tests
    publication = Publication.objects.get(coalition=coalition)
    assert publication.licence == "ODbL-1.0" and publication.bundle
    client.logout()
    shown = client.get(page).content.decode()
    assert "Open Data Commons Open Database License" in shown and "workshops.csv" in shown
    assert "Workshops, one row each" in shown
    client.cookies["django_language"] = "es"
    assert "Talleres, una fila cada uno" in client.get(page).content.decode()  # each reader's
    del client.cookies["django_language"]
    download = client.get(reverse("opendata:download", args=["gm"]))
    assert download.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content)))
    assert "datapackage.json" in archive.namelist()


def test_a_licence_not_in_the_list_is_refused_and_nothing_saved(client, coalition):
    _organiser(client, coalition)
    answer = client.post(
        reverse("opendata:page", args=["gm"]), {"published": "on", "licence": "mine-all-mine"}
    )
    assert answer.status_code == 200
    assert "licence" in answer.context["form"].errors
    assert not Publication.objects.exists()


def test_unpublishing_stops_the_download(client, coalition):
    _organiser(client, coalition)
    page = reverse("opendata:page", args=["gm"])
    client.post(page, {"published": "on", "licence": "CC0-1.0"})
    client.post(page, {"licence": "CC0-1.0"})  # the box unticked
    assert client.get(reverse("opendata:download", args=["gm"])).status_code == 404


def test_a_private_coalition_is_told_it_cannot_publish(client, coalition):
    coalition.visibility = Visibility.PRIVATE
    coalition.save()
    _organiser(client, coalition)
    page = reverse("opendata:page", args=["gm"])
    assert "Only a public coalition" in client.get(page).content.decode()
    client.post(page, {"published": "on", "licence": "CC0-1.0"})
    assert not Publication.objects.exists()


def test_html_in_file_titles_is_escaped(client, coalition):
    coalition.conversations.update(question="<script>alert(1)</script>")
    _organiser(client, coalition)
    client.post(reverse("opendata:page", args=["gm"]), {"published": "on", "licence": "CC0-1.0"})
    shown = client.get(reverse("opendata:page", args=["gm"])).content.decode()
    assert "<script>alert(1)" not in shown and "&lt;script&gt;" in shown
