"""Numbers that agree (issue 10): a figure has one name and one meaning (core/glossary.py), and
the same figure is the same number on the workshop page, the map page and every report
format."""

import io
import re
from html.parser import HTMLParser

import docx
import pytest
from django.urls import reverse
from django.utils import translation
from report_files import pdf_text

from coproduce.conversations.models import Conversation
from coproduce.core.glossary import figure
from coproduce.reports.builder import figures
from coproduce.reports.gather import gather
from coproduce.reports.rendering import render
from coproduce.workshops import demo
from coproduce.workshops.models import Workshop

pytestmark = pytest.mark.django_db


class _Figures(HTMLParser):
    """label -> number from every <dl class="figures"> (the first <dd> after each <dt>) and
    from every table row (first cell -> second cell)."""

    def __init__(self):
        super().__init__()
        self.found: dict[str, str] = {}
        self._in_figures = False
        self._cell: list[str] | None = None
        self._row: list[str] = []
        self._term: str | None = None
        self._kind = ""

    def handle_starttag(self, tag, attrs):
        if tag == "dl" and "figures" in (dict(attrs).get("class") or ""):
            self._in_figures = True
        if tag in ("dt", "dd", "td", "th"):
            self._cell, self._kind = [], tag
        if tag == "tr":
            self._row = []

    def handle_endtag(self, tag):
        if tag == "dl":
            self._in_figures = False
        if tag in ("dt", "dd", "td", "th") and self._cell is not None:
            text = " ".join("".join(self._cell).split())
            self._cell = None
            if tag == "dt":
                self._term = text
            elif tag == "dd" and self._in_figures and self._term is not None:
                self.found[self._term] = text.split(" ")[0]
                self._term = None
            elif tag in ("td", "th"):
                self._row.append(text)
        if tag == "tr" and len(self._row) >= 2:
            self.found.setdefault(self._row[0], self._row[1])

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def html_figures(html: str) -> dict[str, str]:
    parser = _Figures()
    parser.feed(html)
    return parser.found


def md_figures(text: str) -> dict[str, str]:
    return dict(re.findall(r"^\| ([^|]+?) \| ([\d.,%]+) \|", text, flags=re.MULTILINE))


def docx_figures(content: bytes) -> dict[str, str]:
    found: dict[str, str] = {}
    for table in docx.Document(io.BytesIO(content)).tables:
        for row in table.rows:
            cells = [c.text.strip() for c in row.cells]
            if len(cells) >= 2:
                found.setdefault(cells[0], cells[1])
    return found


def pdf_figures(content: bytes, labels: list[str]) -> dict[str, str]:
    text = pdf_text(content)
    found = {}
    for label in labels:
        match = re.search(rf"^\s*{re.escape(label)}\s+(\d+)\s", text, flags=re.MULTILINE)
        if match:
            found[label] = match[1]
    return found


@pytest.fixture
def demo_workshop(settings):
    settings.CAFE_SOLVER_SECONDS = 1.0
    demo.load_demo()
    return Workshop.objects.get(slug=demo.WORKSHOP_SLUG)


def test_every_report_format_shows_the_same_figures(demo_workshop):
    expected = {str(figure(key).label): value for key, value in figures(gather(demo_workshop))}
    assert expected["Voters"] == "18" and expected["Registered"] == "18"
    files = {fmt: render(demo_workshop, None, fmt) for fmt in ("pdf", "docx", "md", "html")}
    read = {
        "pdf": pdf_figures(files["pdf"], list(expected)),
        "docx": docx_figures(files["docx"]),
        "md": md_figures(files["md"].decode()),
        "html": html_figures(files["html"].decode()),
    }
    for fmt, found in read.items():
        shown = {label: found.get(label) for label in expected}
        assert shown == expected, fmt


def test_pages_and_report_agree(client, demo_workshop):
    report = {key: value for key, value in figures(gather(demo_workshop))}
    client.login(email=demo.ORGANISER_EMAIL, password=demo.ORGANISER_PASSWORD)
    workshop_page = html_figures(client.get(demo_workshop.get_absolute_url()).content.decode())
    conversation = Conversation.objects.get(workshop=demo_workshop)
    map_page = html_figures(
        client.get(reverse("conversations:detail", args=[conversation.pk])).content.decode()
    )
    for key in ("registered", "attended"):
        assert workshop_page[str(figure(key).label)] == report[key], key
    for key in ("voters", "statements"):
        assert map_page[str(figure(key).label)] == report[key], key


def test_registered_voters_and_all_voters_are_two_named_figures(demo_workshop):
    """ "Voted 4" beside "Voters 12" read as a contradiction: the two counts now have
    different names and each says whom it counts."""
    keys = dict(figures(gather(demo_workshop)))
    assert "registered_voted" in keys and "voters" in keys
    assert figure("registered_voted").label != figure("voters").label
    assert "without registering" in str(figure("registered_voted").means)
    assert int(keys["registered_voted"]) <= int(keys["voters"])


def test_figures_speak_the_readers_language(demo_workshop):
    with translation.override("es"):
        text = render(demo_workshop, None, "md").decode()
        label = str(figure("voters").label)
    assert f"| {label} | 18 |" in text
