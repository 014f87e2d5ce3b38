"""A report is published in the language chosen, and its version remembers it: its page and
its files read in that language whatever language the reader's browser asks for (issue 10)."""

import pytest
from django.urls import reverse
from django.utils import translation

from coproduce.jobs.models import Job
from coproduce.reports.models import ReportVersion
from coproduce.reports.rendering import render
from coproduce.workshops import demo

pytestmark = pytest.mark.django_db


@pytest.fixture
def organiser(client, demo_with_themes):
    client.login(email=demo.ORGANISER_EMAIL, password=demo.ORGANISER_PASSWORD)
    return client


def publish(client, workshop, **fields) -> ReportVersion:
    client.post(reverse("reports:edit", args=[workshop.slug]), {"conclusions": "Gracias."})
    client.post(
        reverse("reports:publish", args=[workshop.slug]), {"visibility": "public", **fields}
    )
    return ReportVersion.objects.exclude(published_at=None).latest("number")


def test_a_version_published_in_spanish_reads_in_spanish_in_an_english_browser(
    organiser, demo_with_themes
):
    version = publish(organiser, demo_with_themes, language="es")
    assert version.language == "es"
    page = organiser.get(
        reverse("reports:version", args=[demo_with_themes.slug, version.number]),
        HTTP_ACCEPT_LANGUAGE="en",
    ).content.decode()
    assert '<article class="report" lang="es">' in page
    assert "Quién participó" in page and "Who took part" not in page
    with translation.override("en"):
        text = render(demo_with_themes, version, "md").decode()
    assert "## Quién participó" in text and "26 de noviembre de 2018" in text
    assert "Bologna, Italia" in text and "Barcelona, España" in text  # the examples' places


def test_a_download_of_a_spanish_version_is_made_in_spanish(organiser, demo_with_themes):
    version = publish(organiser, demo_with_themes, language="es")
    organiser.post(
        reverse("reports:download_version", args=[demo_with_themes.slug, version.number, "md"])
    )
    job = Job.objects.filter(kind="reports.render").latest("pk")
    assert "## Quién participó" in job.file.read().decode()


def test_a_draft_downloads_in_the_language_it_is_asked_in(organiser, demo_with_themes):
    url = reverse("reports:download", args=[demo_with_themes.slug, "md"])
    organiser.post(url, HTTP_ACCEPT_LANGUAGE="es")
    spanish = Job.objects.filter(kind="reports.render").latest("pk")
    organiser.post(url, HTTP_ACCEPT_LANGUAGE="en")
    english = Job.objects.filter(kind="reports.render").latest("pk")
    assert spanish.pk != english.pk  # not the Spanish file handed back again
    assert "## Quién participó" in spanish.file.read().decode()
    assert "## Who took part" in english.file.read().decode()


def test_left_unchosen_the_language_is_the_organisers(organiser, demo_with_themes):
    version = publish(organiser, demo_with_themes)
    assert version.language == "en"
    text = render(demo_with_themes, version, "md").decode()
    assert "## Who took part" in text


def test_the_publish_form_offers_both_languages(organiser, demo_with_themes):
    page = organiser.get(reverse("reports:edit", args=[demo_with_themes.slug])).content.decode()
    assert 'name="language" value="es"' in page and 'name="language" value="en"' in page
