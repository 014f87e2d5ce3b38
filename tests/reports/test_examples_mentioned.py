"""The report's "examples mentioned": the library entries a workshop linked, with their
sources, in every format; no section when nothing is linked; a new link dates the files."""

import io

import docx
import pytest
from factories import CoalitionFactory, WorkshopFactory

from coproduce.coalitions.models import Visibility
from coproduce.library import services
from coproduce.reports.gather import fingerprint
from coproduce.reports.rendering import render
from coproduce.workshops.models import AgendaItem, AgendaQuestion

pytestmark = pytest.mark.django_db

HEADING = "Examples mentioned"


@pytest.fixture
def workshop():
    workshop = WorkshopFactory(title="Learning from other cities")
    item = AgendaItem.objects.create(
        workshop=workshop, order=0, title="Café", kind=AgendaItem.Kind.WORLD_CAFE, minutes=60
    )
    AgendaQuestion.objects.create(agenda_item=item, label="POLICY", text="Who else did it?")
    return workshop


def published(title, **fields):
    return services.moderate(services.create_entry({"title": title, **fields}), True)


def bologna():
    return published(
        "Bologna's commons regulation",
        kind="policy",
        city="Bologna",
        country="Italy",
        start_year=2014,
        description="Residents and the city care for shared spaces together.",
        links=[{"url": "https://example.org/bologna regulation.pdf", "label": "The regulation"}],
    )


def link(entry, workshop, *, question=True, note=""):
    asked = workshop.agenda_items.get().questions.get() if question else None
    return services.link_entry(
        entry, coalition=workshop.coalition, workshop=workshop, question=asked, note=note
    )


def test_the_section_lists_each_linked_entry_with_what_where_when_and_its_source(workshop):
    link(bologna(), workshop, note="Pacts of collaboration")
    method = published(
        "World Café",
        kind="method",
        links=[{"url": "https://example.org/cafe", "label": ""}],
    )
    link(method, workshop, question=False)
    link(method, workshop)  # linked twice: listed once, under both places

    markdown = render(workshop, None, "md").decode()
    section = markdown[markdown.index(f"## {HEADING}") :]
    section = section[: section.index("\n## ")]
    assert "### Bologna's commons regulation" in section
    assert "Policy · Bologna, Italy · 2014" in section
    assert "Residents and the city care for shared spaces together." in section
    assert "Discussed under: POLICY: Who else did it?" in section
    assert "*Why it was mentioned:* Pacts of collaboration" in section
    assert "[The regulation](https://example.org/bologna%20regulation.pdf)" in section
    assert section.count("### World Café") == 1
    assert "[https://example.org/cafe](https://example.org/cafe)" in section
    # after the café, whose questions took the examples up
    order = [markdown.index(f"## {h}") for h in ("World Café", HEADING, "Where people agree")]
    assert order == sorted(order)

    html = render(workshop, None, "html").decode()
    assert HEADING in html
    assert (
        'href="https://example.org/bologna%20regulation.pdf" rel="noopener">The regulation<' in html
    )
    assert "Policy · Bologna, Italy · 2014" in html

    word = docx.Document(io.BytesIO(render(workshop, None, "docx")))
    text = "\n".join(p.text for p in word.paragraphs)
    assert HEADING in text and "Source: The regulation" in text


def test_no_section_when_nothing_is_linked(workshop):
    published("Linked elsewhere")  # in the library, but not linked to this workshop
    assert HEADING not in render(workshop, None, "md").decode()
    assert HEADING not in render(workshop, None, "html").decode()


def test_entries_readers_of_the_report_may_not_see_are_left_out(workshop):
    private = CoalitionFactory(visibility=Visibility.PRIVATE)
    secret = services.create_entry({"title": "Another coalition's secret"}, coalition=private)
    waiting = services.create_entry({"title": "Waiting for a moderator"})
    link(secret, workshop)
    link(waiting, workshop)
    assert HEADING not in render(workshop, None, "md").decode()
    own = services.create_entry({"title": "Our own case"}, coalition=workshop.coalition)
    link(own, workshop)
    markdown = render(workshop, None, "md").decode()
    assert "Our own case" in markdown
    assert "secret" not in markdown and "Waiting for a moderator" not in markdown


def test_text_and_addresses_people_wrote_stay_literal_and_safe(workshop):
    entry = published(
        "**Bold** <script>alert(1)</script> [x](javascript:alert(1))",
        links=[
            {"url": "javascript:alert(1)", "label": "click"},
            {"url": "https://example.org/a>b", "label": "odd ]( label"},
        ],
    )
    link(entry, workshop, note="<b>why</b>")
    html = render(workshop, None, "html").decode()
    assert "<script>alert" not in html and 'href="javascript' not in html
    assert "click" not in html  # not a web address: not listed as a source
    assert "&lt;b&gt;why&lt;/b&gt;" in html
    assert 'href="https://example.org/a%3Eb"' in html
    markdown = render(workshop, None, "md").decode()
    assert "\\*\\*Bold\\*\\*" in markdown


def test_a_new_link_or_a_changed_entry_makes_the_report_out_of_date(workshop):
    entry = bologna()
    before = fingerprint(workshop)
    made = link(entry, workshop)
    linked = fingerprint(workshop)
    assert linked != before
    services.update_entry(entry, {"title": "Bologna's regulation on the urban commons"})
    changed = fingerprint(workshop)
    assert changed != linked
    made.delete()
    assert fingerprint(workshop) not in (linked, changed)
