"""Every word a person can see passes through translation: every page of the demo, as each
kind of visitor, and every format of the demo's report, rendered in a pseudo-language that
marks each translated string (tests/pseudo.py). Whatever is left unmarked, once people's own
data, numbers and punctuation are taken out, never went through translation and would stay
English in Spanish; the failure lists it with its page.
"""

import re
import subprocess
from io import BytesIO

import docx
import pseudo
import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from e2e.demo_pages import (
    guest_pages,
    load_demo_with_next_workshop,
    organiser_pages,
    participant_pages,
    public_pages,
)

from coproduce.people.models import Person
from coproduce.reports import rendering
from coproduce.workshops import demo

pytestmark = pytest.mark.django_db


@pytest.fixture
def pseudo_language(settings):
    with pseudo.installed(settings) as language:
        yield language


@pytest.fixture
def demo_data(settings):
    settings.CAFE_SOLVER_SECONDS = 1.0
    return load_demo_with_next_workshop()


def _client():
    client = Client()
    client.cookies["django_language"] = pseudo.CODE
    return client


def _visits(demo_data):
    """(who, their client, their pages) for every kind of visitor, each client come in."""
    held, cafe, conversation, upcoming = demo_data
    organiser = _client()
    organiser.force_login(Person.objects.get(email=demo.ORGANISER_EMAIL))
    participant = _client()
    card = cafe.participants.order_by("pk").first().get_absolute_url()
    participant.post(card)
    guest = _client()
    guest.post(f"/join/{upcoming.join_code}/", {"display_name": "Invitada", "sector": "not_given"})
    guest_urls = [f"/workshops/{upcoming.slug}/", f"/conversations/{conversation.pk}/vote/"]
    return [
        ("organiser", organiser, organiser_pages(cafe, conversation)),
        ("participant", participant, [card, *participant_pages(cafe, conversation)]),
        ("newcomer", _client(), guest_pages(upcoming, conversation)),
        ("guest", guest, guest_urls),
        ("anyone", _client(), public_pages(cafe, conversation)),
    ]


def test_every_page_of_the_demo_is_translated(pseudo_language, demo_data):
    data = pseudo.user_data()
    found = []
    visits = _visits(demo_data)
    for who, client, urls in visits:
        for url in urls:
            response = client.get(url, follow=True)
            assert response.status_code == 200, f"{who} {url}: {response.status_code}"
            page = response.content.decode()
            assert f'lang="{pseudo.CODE}"' in page, f"{who} {url} is not in the pseudo-language"
            found.extend(f"{who} {url}: {text}" for text in pseudo.unmarked_on_page(page, data))
    found.extend(_job_page(visits[0][1], demo_data[1], data))
    assert found == [], "Not translated:\n" + "\n".join(found)


def _job_page(organiser, cafe, data) -> list[str]:
    """A job's page, with its progress message and its file, from asking for the rosters."""
    response = organiser.post(reverse("cafe:printables", args=[cafe.pk, "roster"]), follow=True)
    assert response.redirect_chain and "/jobs/" in response.redirect_chain[-1][0]
    page = response.content.decode()
    return [f"organiser job page: {text}" for text in pseudo.unmarked_on_page(page, data)]


def test_every_message_on_the_demo_pages_has_its_spanish(pseudo_language, demo_data):
    for _who, client, urls in _visits(demo_data):
        for url in urls:
            client.get(url, follow=True)
    missing = pseudo.untranslated(pseudo_language.seen, "es")
    assert missing == [], "No Spanish for:\n" + "\n".join(missing)


def _report_texts(workshop) -> dict[str, str]:
    """The demo's report in every format, as the text a reader sees."""
    with translation.override(pseudo.CODE):
        files = {
            fmt: rendering.render(workshop, None, fmt) for fmt in ("html", "md", "docx", "pdf")
        }
    document = docx.Document(BytesIO(files["docx"]))
    cells = [c.text for table in document.tables for row in table.rows for c in row.cells]
    pdf = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-", "-"],
        input=files["pdf"],
        capture_output=True,
        check=True,
    )
    return {
        "html": "\n".join(pseudo.visible_texts(files["html"].decode())),
        "md": re.sub(r"<[^>]+>", " ", files["md"].decode()),  # line breaks in table cells
        "docx": "\n".join([p.text for p in document.paragraphs] + cells),
        "pdf": pdf.stdout.decode(),
    }


def test_every_format_of_the_demo_report_is_translated(pseudo_language, demo_data):
    data = pseudo.user_data()
    found = []
    for fmt, text in _report_texts(demo_data[0]).items():
        # A line of a PDF may end inside a name: the text is read as one.
        found.extend(f"{fmt}: {fragment}" for fragment in pseudo.unmarked(text, data))
    assert found == [], "Not translated:\n" + "\n".join(sorted(set(found)))
    missing = pseudo.untranslated(pseudo_language.seen, "es")
    assert missing == [], "No Spanish for:\n" + "\n".join(missing)


# ---------------------------------------------------------------- the check can fail


def test_a_string_that_skips_translation_is_caught(pseudo_language):
    with translation.override(pseudo.CODE):
        from django.utils.translation import gettext

        page = f"<p>{gettext('Coalitions')}</p><p>Select a table</p><img alt='A photo'>"
    assert pseudo.unmarked_on_page(page, []) == ["A photo", "Select a table"]


def test_only_what_is_marked_translate_no_is_left_out():
    """What a program sends (an API path, a field's name) is marked translate="no" and is the
    same in every language; the words around it are still checked."""
    page = '<p>Send <code translate="no">GET /api/x/</code> as is</p><p translate="no">limit</p>'
    assert pseudo.visible_texts(page) == ["Send as is"]
    assert pseudo.unmarked_on_page(page, []) == ["Send as is"]


def test_translated_strings_are_marked_with_django_own_words_and_dates(pseudo_language):
    from django import forms
    from django.template.defaultfilters import date
    from django.utils.translation import gettext, ngettext, pgettext

    with translation.override(pseudo.CODE):
        assert gettext("Coalitions") == "⟦Coalitions⟧"
        assert ngettext("%d seat", "%d seats", 2) == "⟦%d seats⟧"
        assert pgettext("month name", "May") == "⟦May⟧"
        assert "⟦December⟧" in date(timezone.datetime(2026, 12, 4), "j F Y")
        form = forms.Form(data={})
        form.fields["name"] = forms.CharField()
        assert form.errors["name"] == ["⟦This field is required.⟧"]


def test_people_data_nested_marks_and_numbers_are_not_counted():
    data = ["Ana López", "Table by the window"]
    text = "⟦Round ⟦two⟧ of 3⟧: Ana López, Table by the window — 12:30"
    assert pseudo.unmarked(text, data) == []
    assert pseudo.unmarked("Ana López sits at table 4", data) == ["sits at table"]


def test_a_marked_sentence_around_a_link_is_one_text():
    page = "<p>⟦Read <a href='/docs'>the guide</a> first⟧</p><p>Not this</p>"
    assert pseudo.unmarked_on_page(page, []) == ["Not this"]


def test_dates_are_written_as_each_language_writes_them(demo_data):
    client = Client()
    workshop = f"/workshops/{demo.WORKSHOP_SLUG}/"
    assert "Monday 26 November 2018, 15:00" in client.get(workshop).content.decode()
    client.cookies["django_language"] = "es"
    assert "lunes 26 de noviembre de 2018, 15:00" in client.get(workshop).content.decode()


def test_every_email_to_registrants_is_translated(pseudo_language, demo_data):
    """Confirmation, reminder and "the report is out", in the registrant's language."""
    from coproduce.workshops.emails import build_message
    from coproduce.workshops.models import EmailDelivery

    registration = demo_data[0].registrations.order_by("pk").first()
    registration.language = pseudo.CODE
    data = pseudo.user_data()
    found = []
    for kind in EmailDelivery.Kind.values:
        delivery = EmailDelivery(registration=registration, kind=kind, link="/reports/demo/")
        message = build_message(delivery)
        text = f"{message.subject}\n{message.body}"
        found.extend(f"{kind}: {fragment}" for fragment in pseudo.unmarked(text, data))
    assert found == [], "Not translated:\n" + "\n".join(found)
