"""The coalition's report: its workshops, then what later capabilities contribute, on a page and
as files made in the background."""

import pytest
from django.urls import reverse
from factories import CoalitionFactory, PersonFactory, WorkshopFactory

from coproduce.coalitions.models import Visibility
from coproduce.jobs.models import Job
from coproduce.reports import coalition_report, sections
from coproduce.reports.document import Markdown, Section, to_markdown

pytestmark = pytest.mark.django_db


@pytest.fixture
def contributed():
    """A section some capability contributes, and its removal afterwards."""
    said = {"text": "Twelve organisations signed."}

    def build(coalition):
        return Section(key="test", heading="Our charter", blocks=(Markdown(said["text"]),))

    sections.register_coalition_section("zz_test", build, order=999)
    yield said
    sections._for_coalitions.pop("zz_test")


def test_the_report_lists_workshops_and_contributed_sections(client, contributed):
    coalition = CoalitionFactory()
    WorkshopFactory(coalition=coalition, title="How to coproduce the city")
    response = client.get(reverse("coalition_report:page", args=[coalition.slug]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "How to coproduce the city" in page
    assert "Twelve organisations signed." in page
    assert "Download PDF" in page


def test_without_contributions_it_says_what_will_come(client):
    coalition = CoalitionFactory()
    text = to_markdown(coalition_report.document(coalition))
    assert "no published charter or self-assessment yet" in text


def test_a_private_coalition_report_is_hidden_from_outsiders(client):
    coalition = CoalitionFactory(visibility=Visibility.PRIVATE)
    client.force_login(PersonFactory())
    response = client.get(reverse("coalition_report:page", args=[coalition.slug]))
    assert response.status_code == 404


def test_a_download_is_made_once_until_the_report_changes(client, contributed):
    coalition = CoalitionFactory()
    url = reverse("coalition_report:download", args=[coalition.slug, "md"])
    first = client.post(url)
    again = client.post(url)
    contributed["text"] = "Thirteen organisations signed."
    changed = client.post(url)
    assert first.status_code == again.status_code == changed.status_code == 302
    assert first.url == again.url
    assert changed.url != first.url


def test_an_unknown_format_is_not_found(client):
    coalition = CoalitionFactory()
    url = reverse("coalition_report:download", args=[coalition.slug, "exe"])
    assert client.post(url).status_code == 404


def test_the_file_is_made_in_the_background(client, contributed):
    coalition = CoalitionFactory(name="Coalition for Change")
    client.post(reverse("coalition_report:download", args=[coalition.slug, "md"]))
    job = Job.objects.get(kind="reports.render_coalition")
    assert job.status == "done"
    content = job.file.read().decode()
    assert content.startswith("# Coalition for Change")
    assert "Twelve organisations signed." in content
