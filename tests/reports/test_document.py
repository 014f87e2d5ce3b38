"""Tests for coproduce.reports.document and its renderers: plain pytest, no database, no Django.

PDFs are rendered a handful of times only (~0.2-0.5 s each): one document with every block
type is rendered once per format in module-scoped fixtures and shared by the tests.
"""

from __future__ import annotations

import io
import re
import subprocess
import sys
from pathlib import Path

import docx
import pytest
from docx.enum.text import WD_ALIGN_PARAGRAPH
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from PIL import Image

from coproduce.reports.document import (
    BarChartSpec,
    BulletList,
    Document,
    Figure,
    KeyValueTable,
    Labels,
    Markdown,
    Quote,
    ScatterSpec,
    Section,
    Table,
    clean_text,
    markdown_to_html,
    report_css,
    to_docx,
    to_html,
    to_markdown,
    to_pdf,
)
from coproduce.reports.document.html import css_string
from coproduce.reports.document.tables import percentages

GREEK = "Συμμετοχή των πολιτών στη γειτονιά"
CATALAN = "Participació veïnal a l'Eixample: què en pensen?"
BARS = BarChartSpec(
    title="Participants by sector",
    description="Registered and attended people in two sectors.",
    categories=("Local government", "Civil society"),
    series=(("Registered", (12, 8)), ("Attended", (10, 6.5))),
)
SCATTER = ScatterSpec(
    title="Opinion map",
    description="Five participants in two groups.",
    points=((0, 0, 0), (1, 0.5, 0), (3, 3, 1), (3.5, 2.5, 1), (2, 1, None)),
    series_names=("Group A", "Group B"),
)
USER_MARKDOWN = """# Lessons

Some **bold**, *italic* and a [link](https://example.org/iopd).

1. first
2. second

> a quoted line
"""


def full_document() -> Document:
    """The founding report's structure, with one block of every kind."""
    header = KeyValueTable(
        rows=(
            ("Title of the workshop", "How to coproduce the city"),
            ("Organizer (s)", "Bertie Russell, Beth Perry"),
            ("Participants", "18"),
            ("Organisation of session", "4 x 5min presentations\nWorld Café"),
        ),
        caption="The workshop",
    )
    return Document(
        title="How to coproduce the city",
        subtitle="IOPD 2018 workshop report",
        footer="Made with Coproduce",
        sections=(
            Section("header", "The workshop", (header, Markdown(USER_MARKDOWN))),
            Section(
                "cafe",
                "World Café",
                (
                    Quote("More buses at night, please", "Table 3, round 2"),
                    Quote(GREEK, "Table 1, round 1"),
                    Quote(CATALAN),
                    BulletList(("Policy", "Tools and values")),
                    BulletList(("Share", "Position", "Meet"), ordered=True),
                ),
            ),
            Section(
                "opinion",
                "Opinion map",
                (
                    Figure(SCATTER, "Where people stand", "Two groups: A has 2, B has 2."),
                    Table(
                        header=("Statement", "Agree"),
                        rows=(("Keep the café format", "14"), ("Meet again in spring", "9")),
                        caption="Statements",
                        numeric_columns=(1,),
                    ),
                ),
            ),
            Section(
                "participation",
                "Who took part",
                (Figure(BARS, "Participants by sector", "Local government 12/10, civil 8/6.5"),),
            ),
            Section("notes", "Table notes", note="No table notes were written in this workshop."),
        ),
    )


@pytest.fixture(scope="module")
def doc() -> Document:
    return full_document()


@pytest.fixture(scope="module")
def html(doc: Document) -> str:
    return to_html(doc)


@pytest.fixture(scope="module")
def md(doc: Document) -> str:
    return to_markdown(doc)


@pytest.fixture(scope="module")
def word(doc: Document) -> docx.document.Document:
    return docx.Document(io.BytesIO(to_docx(doc)))


@pytest.fixture(scope="module")
def pdf_text(doc: Document, tmp_path_factory: pytest.TempPathFactory) -> str:
    pdf = to_pdf(doc)
    assert pdf.startswith(b"%PDF")
    return pdf_to_text(pdf, tmp_path_factory.mktemp("pdf"))


def pdf_to_text(pdf: bytes, folder: Path) -> str:
    path = folder / "report.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True)
    return " ".join(out.stdout.decode().split())  # lines re-joined: wrapping is not content


# ---------------------------------------------------------------------------------------------
# The model


def test_blocks_are_frozen_tuples_and_lose_unprintable_characters():
    table = Table(header=["a", "b"], rows=[["1\x00", "2\r\n3"]])
    assert table.rows == (("1", "2\n3"),)
    with pytest.raises(AttributeError):
        table.caption = "x"  # type: ignore[misc]
    assert hash(Document("t", sections=[Section("k", "h", [Quote("q")])]))


@pytest.mark.parametrize(
    "make",
    [
        lambda: Table(header=("a", "b"), rows=(("only one",),)),
        lambda: Table(header=(), rows=()),
        lambda: KeyValueTable(rows=(("key", "value", "extra"),)),
        lambda: BarChartSpec("t", "d", ("a", "b"), (("s", (1,)),)),
        lambda: BarChartSpec("t", "d", ("a",), (("s", (-1,)),)),
        lambda: BarChartSpec("t", "d", ("a",), (("s", (float("nan"),)),)),
        lambda: ScatterSpec("t", "d", ((float("inf"), 0, None),)),
        lambda: Document("t", language="en<script>"),
    ],
)
def test_inconsistent_blocks_are_refused(make):
    with pytest.raises(ValueError):
        make()


def test_a_section_holds_blocks_only():
    with pytest.raises(TypeError):
        Section("k", "h", ("just a string",))  # type: ignore[arg-type]


# ---------------------------------------------------------------------------------------------
# HTML


def test_html_is_a_print_ready_page(html: str, doc: Document):
    assert html.startswith("<!DOCTYPE html>")
    assert '<html lang="en">' in html
    assert "@page" in html and "counter(page)" in html and "counter(pages)" in html
    assert '"Page " counter(page) " of " counter(pages)' in html
    # the font stacks, in the page margin boxes too
    stack = '"DejaVu Sans", "Noto Sans", "Noto Sans CJK SC", "WenQuanYi Zen Hei", sans-serif'
    assert html.count(stack) >= 3
    margin_boxes = re.search(r"@page \{.*\}", html).group(0)
    assert stack in margin_boxes and '"Made with Coproduce"' in margin_boxes


def test_html_shows_every_block(html: str):
    assert "<h1>How to coproduce the city</h1>" in html
    assert '<th scope="row">Organizer (s)</th><td>Bertie Russell, Beth Perry</td>' in html
    assert "<td>4 x 5min presentations<br>World Café</td>" in html  # newlines kept
    assert "More buses at night, please\u00a0— Table 3, round 2</blockquote>" in html
    assert "<ul><li>Policy</li><li>Tools and values</li></ul>" in html
    assert "<ol><li>Share</li>" in html
    assert '<th class="num" scope="col">Agree</th>' in html and '<td class="num">14</td>' in html
    assert '<p class="note">No table notes were written in this workshop.</p>' in html
    assert "<h3>Lessons</h3>" in html  # the user's h1, under the section's h2


def test_html_figures_are_svg_with_title_description_and_a_table(html: str):
    svgs = re.findall(r"<svg .*?</svg>", html)
    assert len(svgs) == 2
    for svg in svgs:
        assert 'role="img"' in svg and "<title" in svg and "<desc" in svg
    assert len(set(re.findall(r'<title id="([^"]+)"', html))) == 2  # ids unique on the page
    assert '<desc id="chart-1-desc">Two groups: A has 2, B has 2.</desc>' in html  # alt text
    # the numbers beside the chart: bars per category, the scatter as group sizes and centres
    assert '<td>Local government</td><td class="num">12</td><td class="num">10</td>' in html
    assert '<td>Group A</td><td class="num">2</td>' in html
    assert '<td>No group</td><td class="num">1</td>' in html
    assert "<figcaption>Participants by sector</figcaption>" in html


def test_html_escapes_plain_text():
    doc = Document(
        "<b>Title</b> & co",
        sections=(
            Section(
                "k",
                "A <i>heading</i>",
                (
                    Quote('<script>alert("x")</script>', "Table <1>"),
                    Table(("<th>",), (("a & b <td>",),)),
                    BulletList(("<li>item</li>",)),
                    KeyValueTable((("<k>", "<v>"),)),
                ),
            ),
        ),
    )
    page = to_html(doc)
    assert "<script>" not in page and "<i>heading" not in page and "<li>item" not in page
    assert "&lt;b&gt;Title&lt;/b&gt; &amp; co" in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
    assert "a &amp; b &lt;td&gt;" in page


def test_html_for_embedding_is_the_article_only(doc: Document):
    article = to_html(doc, standalone=False)
    assert article.startswith('<article class="report" lang="en">')
    assert "<style" not in article and "@page" not in article
    # the site has no page margins, so the footer is at the end of the article; its quotes
    # keep the attribution in a span the site can style
    assert '<footer class="report-footer">Made with Coproduce</footer>' in article
    assert '<span class="report-by">— Table 3, round 2</span>' in article
    assert "overflow-wrap: anywhere" in report_css()


def test_css_strings_cannot_end_the_style_element():
    doc = Document("t", footer='A "title" </style><script>x</script>\na\\b')
    page = to_html(doc)
    assert page.count("</style>") == 1 and "<script>" not in page
    assert '"A \\22 title\\22  \\3c /style\\3e \\3c script\\3e x\\3c /script\\3e  a\\5c b"' in page
    assert css_string('a"b') == '"a\\22 b"'


# ---------------------------------------------------------------------------------------------
# Sanitising user Markdown


def test_markdown_keeps_the_allowed_tags():
    html = markdown_to_html(
        "## Two\n\n#### Four\n\n**b** *i* ~~s~~ `code` [l](https://x.org) [m](mailto:a@b.org)"
        "\n\n- a\n\n3. c\n\n> q\n\n```\npre\n```\n\n---\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n"
        "line  \nbreak <strong>raw strong</strong>"
    )
    for tag in ("<h3>", "<h4>", "<strong>", "<em>", "<s>", "<code>", "<ul>", "<li>"):
        assert tag in html
    for tag in ("<blockquote>", "<pre>", "<hr>", "<table>", "<thead>", "<td>", "<br>"):
        assert tag in html
    assert '<ol start="3">' in html
    assert '<a href="https://x.org" rel="noopener">l</a>' in html
    assert '<a href="mailto:a@b.org" rel="noopener">m</a>' in html
    assert "<strong>raw strong</strong>" in html


@pytest.mark.parametrize(
    ("source", "gone"),
    [
        ("<script>alert(1)</script>", ["<script", "alert(1)"]),
        ("text <script>alert(1)</script> inline", ["<script", "alert(1)"]),
        ('<iframe src="https://evil.example"></iframe>', ["<iframe", "evil"]),
        ('<img src="x" onerror="alert(1)">', ["<img", "onerror", "alert"]),
        ('<p onclick="steal()">hi</p>', ["onclick", "steal"]),
        ("[click](javascript:alert(1))", ['href="javascript']),
        ('<a href="javascript:alert(1)">x</a>', ["javascript:"]),
        ('<a href="JaVaScRiPt:alert(1)">x</a>', ["javascript", "JaVaScRiPt"]),
        ('<a href="data:text/html,hi">x</a>', ["data:"]),
        ('<a href="/relative">x</a>', ["/relative"]),
        ('<p style="color: red">x</p>', ["style=", "color"]),
        ("<style>p { color: red }</style>", ["<style", "color"]),
        ('<div class="x" id="y">x</div>', ["class=", "id="]),
        ("![tracking pixel](https://tracker.example/p.png)", ["<img", "tracker"]),
    ],
)
def test_markdown_removes_what_is_unsafe(source: str, gone: list[str]):
    html = markdown_to_html(source)
    for fragment in gone:
        assert fragment not in html


def test_an_image_becomes_its_alt_text_in_every_format():
    doc = Document("t", sections=(Section("k", "h", (Markdown("![a chart](http://x/p.png)"),)),))
    assert "a chart" in to_html(doc) and "<img" not in to_html(doc)
    assert "a chart" in to_markdown(doc) and "http://x" not in to_markdown(doc)
    text = [p.text for p in docx.Document(io.BytesIO(to_docx(doc))).paragraphs]
    assert "a chart" in text


def test_user_headings_never_outrank_the_section():
    assert markdown_to_html("# One") == "<h3>One</h3>\n"
    assert markdown_to_html("Two\n===") == "<h3>Two</h3>\n"
    assert markdown_to_html("## Two") == "<h3>Two</h3>\n"
    assert markdown_to_html("###### Six") == "<h4>Six</h4>\n"
    doc = Document("t", sections=(Section("k", "Section", (Markdown("# Mine\n\n#### Small"),)),))
    assert "### Mine\n\n#### Small" in to_markdown(doc)
    styles = [(p.style.name, p.text) for p in docx.Document(io.BytesIO(to_docx(doc))).paragraphs]
    assert ("Heading 1", "Section") in styles and ("Heading 2", "Mine") in styles
    assert ("Heading 3", "Small") in styles


def test_script_typed_inline_is_dropped_from_docx_and_markdown_too():
    doc = Document(
        "t", sections=(Section("k", "h", (Markdown("before <script>alert(1)</script> after"),)),)
    )
    assert "alert" not in to_markdown(doc)
    text = " ".join(p.text for p in docx.Document(io.BytesIO(to_docx(doc))).paragraphs)
    assert "before" in text and "after" in text and "alert" not in text


# ---------------------------------------------------------------------------------------------
# Markdown


def test_markdown_output_has_every_block(md: str):
    assert md.startswith("# How to coproduce the city\n\nIOPD 2018 workshop report\n\n")
    assert "## The workshop" in md and "## World Café" in md
    assert "| Organizer (s) | Bertie Russell, Beth Perry |" in md
    assert "| Organisation of session | 4 x 5min presentations<br>World Café |" in md
    assert "### Lessons" in md  # the user's h1
    assert "Some **bold**, *italic* and a [link](https://example.org/iopd)." in md
    assert "> More buses at night, please\\\n> — Table 3, round 2" in md
    assert "- Policy\n- Tools and values" in md
    assert "1. Share\n2. Position\n3. Meet" in md
    assert "| Statement | Agree |\n| --- | ---: |\n| Keep the café format | 14 |" in md
    assert "*No table notes were written in this workshop.*" in md
    assert md.rstrip().endswith("---\n\nMade with Coproduce")


def test_markdown_figures_are_text_and_a_table(md: str):
    assert "**Participants by sector**\n\nLocal government 12/10, civil 8/6.5\n\n" in md
    assert "| Category | Registered | Attended |" in md
    assert "| Local government | 12 | 10 |" in md and "| Civil society | 8 | 6.5 |" in md
    assert "| Group | People |" in md and "| Group A | 2 |" in md and "Mean x" not in md


def test_markdown_tables_escape_pipes_angle_brackets_and_entities():
    table = Table(("a|b", "c"), (("x | y", "<script> & &amp; Q&A"), ("`code`", "*not em*")))
    md = to_markdown(Document("t", sections=(Section("k", "h", (table,)),)))
    assert "| a\\|b | c |" in md
    assert "| x \\| y | \\<script\\> & \\&amp; Q&A |" in md
    assert "| \\`code\\` | \\*not em\\* |" in md
    assert table_cells(md) == [
        ["a|b", "c"],
        ["x | y", "<script> & &amp; Q&A"],
        ["`code`", "*not em*"],
    ]


def table_cells(markdown: str) -> list[list[str]]:
    """Cell texts of the first table, as a GFM parser reads them."""
    tokens = MarkdownIt("commonmark", {"html": True}).enable("table").parse(markdown)
    rows, row = [], None
    for token in tokens:
        if token.type == "tr_open":
            row = []
        elif token.type == "inline" and row is not None:
            row.append(visible_text(token))
        elif token.type == "tr_close":
            rows.append(row)
            row = None
        elif token.type == "table_close":
            break
    return rows


def visible_text(inline) -> str:  # noqa: ANN001
    parts = []
    for child in inline.children or ():
        if child.type in ("text", "text_special", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak") or child.content.lower() == "<br>":
            parts.append("\n")
        else:
            parts.append(f"<{child.type}>")  # any markup we did not write is a failure
    return "".join(parts)


def test_markdown_plain_text_that_looks_like_syntax_stays_text():
    lines = ["# not a heading", "1. not a list", "- nor this", "> nor a quote", "===", "    code?"]
    doc = Document("t", sections=(Section("k", "h", (Quote("\n".join(lines), "T1"),)),))
    md = to_markdown(doc)
    tokens = MarkdownIt("commonmark").parse(md)
    inside = [t for t in tokens if t.type == "blockquote_open"]
    assert len(inside) == 1
    quote = next(t for t in tokens if t.type == "inline" and "not a heading" in t.content)
    assert visible_text(quote).split("\n") == [*(" ".join(x.split()) for x in lines), "— T1"]


def test_user_markdown_is_written_out_again_faithfully():
    source = (
        "Text with `a|b` code\n\n1) first\n2) second\n\n- one\n\n  more of one\n- two\n\n"
        "```python\nprint('hi')\n```\n\n"
        "| a | b |\n|---|---|\n| `x\\|y` | [l](https://x.org/a_(b)) |"
    )
    doc = Document("t", sections=(Section("k", "h", (Markdown(source),)),))
    again = MarkdownIt("commonmark").enable(["table", "strikethrough"])
    original = [t.type for t in again.parse(source)]
    written = to_markdown(doc).split("## h\n\n", 1)[1]
    assert [t.type for t in again.parse(written)] == original
    assert "1) first\n2) second" in written and "```python\nprint('hi')\n```" in written
    assert "[l](<https://x.org/a_(b)>)" in written


# ---------------------------------------------------------------------------------------------
# DOCX


def test_docx_has_title_headings_and_paragraph_formatting(word):
    styles = [(p.style.name, p.text) for p in word.paragraphs]
    assert styles[0] == ("Title", "How to coproduce the city")
    assert ("Subtitle", "IOPD 2018 workshop report") in styles
    assert ("Heading 1", "The workshop") in styles and ("Heading 2", "Lessons") in styles
    body = next(p for p in word.paragraphs if p.text.startswith("Some bold"))
    assert [r.text for r in body.runs if r.bold] == ["bold"]
    assert [r.text for r in body.runs if r.italic] == ["italic"]
    assert [(h.text, h.url) for h in body.hyperlinks] == [("link", "https://example.org/iopd")]
    assert ("Quote", "a quoted line") in styles
    assert ("Normal", "No table notes were written in this workshop.") in styles
    assert word.core_properties.title == "How to coproduce the city"


def test_docx_lists_restart_their_numbering(word):
    items = [(p.style.name, p.text) for p in word.paragraphs if p.style.name.startswith("List")]
    assert ("List Number", "first") in items and ("List Bullet", "Policy") in items
    assert ("List Number", "Share") in items
    numbered = [p for p in word.paragraphs if p.text in ("first", "Share")]
    ids = {p._p.pPr.numPr.numId.val for p in numbered}
    assert len(ids) == 2  # two lists, each its own numbering starting at 1


def test_docx_tables_have_a_header_row_and_sensible_widths(word):
    cells = [[[c.text for c in row.cells] for row in t.rows] for t in word.tables]
    assert ["Organizer (s)", "Bertie Russell, Beth Perry"] in cells[0]
    assert ["Organisation of session", "4 x 5min presentations\nWorld Café"] in cells[0]
    statements = next(t for t in word.tables if t.rows[0].cells[0].text == "Statement")
    assert statements.rows[0]._tr.trPr.xml.count("tblHeader") == 1
    assert statements.rows[0].cells[0].paragraphs[0].runs[0].bold
    widths = [c.width for c in statements.rows[1].cells]
    assert widths[0] > widths[1]  # the text column is wider than the number column
    assert statements.rows[1].cells[1].paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.RIGHT


def test_docx_figures_are_pictures_with_alt_text_and_a_caption(word):
    shapes = word.inline_shapes
    assert len(shapes) == 2
    descriptions = [s._inline.docPr.get("descr") for s in shapes]
    assert descriptions == ["Two groups: A has 2, B has 2.", "Local government 12/10, civil 8/6.5"]
    captions = [p.text for p in word.paragraphs if p.style.name == "Caption"]
    assert "Where people stand" in captions and "Participants by sector" in captions
    headers = [t.rows[0].cells[0].text for t in word.tables]
    assert "Category" in headers and "Group" in headers


def test_docx_quotes_and_footer(word):
    quote = next(p for p in word.paragraphs if p.text.startswith("More buses"))
    assert quote.style.name == "Quote"
    assert quote.text == "More buses at night, please\n— Table 3, round 2"
    footer = " ".join(p.text for p in word.sections[0].footer.paragraphs)
    assert "Made with Coproduce" in footer and "Page" in footer
    assert "NUMPAGES" in word.sections[0].footer._element.xml


# ---------------------------------------------------------------------------------------------
# PDF


def test_pdf_contains_the_text(pdf_text: str):
    for text in ("How to coproduce the city", "Organizer (s)", "Bertie Russell, Beth Perry"):
        assert text in pdf_text
    for text in ("More buses at night, please — Table 3, round 2", "Tools and values"):
        assert text in pdf_text
    assert "No table notes were written in this workshop." in pdf_text
    assert "Page 1 of" in pdf_text and "Made with Coproduce" in pdf_text
    assert "Keep the café format" in pdf_text and "Group A" in pdf_text


def test_pdf_shows_greek_and_catalan(pdf_text: str):
    assert GREEK in pdf_text
    assert CATALAN in pdf_text


def test_pdf_shows_chinese(tmp_path: Path):
    doc = Document("t", sections=(Section("k", "h", (Quote("共同创造城市"),)),))
    assert "共同创造城市" in pdf_to_text(to_pdf(doc), tmp_path)


def test_long_words_wrap_instead_of_widening_the_page(html: str):
    from weasyprint import HTML

    word = "x" * 500
    url = "https://example.org/" + "a" * 480
    long_doc = Document(
        "t",
        sections=(
            Section(
                "k",
                "h",
                (
                    Quote(word, url),
                    Markdown(f"{word} [{url}]({url})"),
                    Table(("a", "b"), ((word, url),)),
                    KeyValueTable(((word, url),)),
                    BulletList((word,)),
                ),
            ),
        ),
    )
    assert ".report { overflow-wrap: anywhere; }" in html
    short = HTML(string=to_html(Document("t"))).render()
    wrapped = HTML(string=to_html(long_doc)).render()
    unwrapped = HTML(string=to_html(long_doc).replace("overflow-wrap: anywhere", "")).render()
    assert wrapped.pages[0].width == short.pages[0].width
    content_right = short.pages[0].width - short.pages[0]._page_box.margin_right
    assert rightmost_box(wrapped) <= content_right + 1
    assert rightmost_box(unwrapped) > content_right + 100  # the test would catch a regression


def rightmost_box(document) -> float:  # noqa: ANN001 (weasyprint.Document)
    return max(
        box.position_x + box.margin_width()
        for page in document.pages
        for box in page._page_box.descendants()
        if box.element_tag is not None  # the page box and its margin boxes have none
    )


# ---------------------------------------------------------------------------------------------
# Charts as PNG (DOCX)


def test_png_charts_draw_any_text():
    from coproduce.core.charts import Series
    from coproduce.reports.document.png import bars_png, scatter_png

    bars = bars_png(
        title="t",
        description="d",
        categories=[GREEK, "共同创造", "x" * 300, ""],
        series=[Series("one", [1, 2, 3, 0]), Series("two " * 40, [0, 0, 0, 0])],
    )
    image = Image.open(io.BytesIO(bars))
    assert image.format == "PNG" and image.width == 1280 and image.height > 200
    assert image.text["Title"] == "t"
    scatter = scatter_png(title="t", description="d", points=[], series_names=[])
    assert Image.open(io.BytesIO(scatter)).size == (720, 720)


def test_percentages_fill_exactly_the_table():
    assert percentages([1, 1, 1]) == [34, 33, 33]
    assert percentages([28, 72]) == [28, 72]
    assert sum(percentages([1] * 100)) == 100
    assert sum(percentages([1000, *([1] * 60)])) == 100
    assert min(percentages([1000, *([1] * 60)])) >= 1


def test_labels_are_translatable():
    labels = Labels(page_number="Pàgina {page} de {pages}", category="Sector")
    doc = Document(
        "t", language="ca", labels=labels, sections=(Section("k", "h", (Figure(BARS, "c", "a"),)),)
    )
    assert '"Pàgina " counter(page) " de " counter(pages)' in to_html(doc)
    assert "| Sector | Registered | Attended |" in to_markdown(doc)
    assert '<html lang="ca">' in to_html(doc)


def test_importing_the_renderers_does_not_import_django_or_weasyprint():
    code = (
        "import sys\n"
        "import coproduce.reports.document, coproduce.reports.document.html\n"
        "import coproduce.reports.document.markdown, coproduce.reports.document.pdf\n"
        "assert 'django' not in sys.modules, 'django'\n"
        "assert 'weasyprint' not in sys.modules, 'weasyprint'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


# ---------------------------------------------------------------------------------------------
# Any text, any renderer

NASTY = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "|",
    "`",
    "```",
    "\\",
    "*",
    "_",
    "[",
    "](javascript:alert(1))",
    "&amp;",
    "&#0;",
    "#",
    "1. ",
    "- ",
    "> ",
    "\n",
    "\n\n",
    "\t",
    "    ",
    "---",
    "===",
    "</style>",
    '"',
    "'",
    "{page}",
    "{pages}",
    "\x00",
    "\x0b",
    "\u200b",
    "\u202e",
    "\ufeff",
    "Σ",
    "ç",
    "共",
    "👩🏽‍🌾",
    " ",
    "a",
    "word",
]
texts = st.one_of(
    st.text(max_size=80),
    st.lists(st.sampled_from(NASTY), max_size=12).map("".join),
)


def any_document(t: list[str]) -> Document:
    return Document(
        title=t[0],
        subtitle=t[1],
        footer=t[2],
        labels=Labels(page_number=t[3]),
        sections=(
            Section(
                t[4],
                t[5],
                (
                    Markdown(t[6]),
                    KeyValueTable(((t[7], t[8]),), caption=t[9]),
                    Table((t[10], t[11]), ((t[0], t[1]),), caption=t[2], numeric_columns=(1, 5)),
                    BulletList((t[3], t[4]), ordered=True),
                    BulletList((t[5],)),
                    Figure(
                        BarChartSpec(t[6], t[7], (t[8], t[9]), ((t[10], (1, 2.5)),)), t[11], t[0]
                    ),
                    Figure(ScatterSpec(t[1], t[2], ((0, 1, 0), (1, 0, None)), (t[3],)), t[4], t[5]),
                    Quote(t[6], t[7]),
                ),
                note=t[8],
            ),
            Section(t[9], t[10], note=t[11]),
        ),
    )


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(texts, min_size=12, max_size=12))
def test_any_text_renders_in_html_markdown_and_docx(t: list[str]):
    doc = any_document(t)
    page = to_html(doc)
    assert "<script" not in page.lower() and "javascript:" not in re.sub(r">[^<]*<", "><", page)
    assert to_html(doc, standalone=False)
    assert raw_html(to_markdown(doc)) <= {"<br>"}
    opened = docx.Document(io.BytesIO(to_docx(doc)))
    assert len(opened.inline_shapes) == 2


@settings(
    max_examples=4, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(texts, min_size=12, max_size=12))
def test_any_text_renders_as_pdf(t: list[str]):
    assert to_pdf(any_document(t)).startswith(b"%PDF")


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(texts, min_size=2, max_size=2))
def test_plain_text_reads_back_the_same_from_markdown_tables(t: list[str]):
    table = Table(("h",), ((t[0],), (t[1],)))
    md = to_markdown(Document("x", sections=(Section("k", "s", (table,)),)))
    assert table_cells(md) == [["h"], *([one_line_per_line(clean_text(c))] for c in t)]


def one_line_per_line(text: str) -> str:
    return "\n".join(" ".join(line.split()) for line in text.split("\n") if line.strip())


def raw_html(markdown: str) -> set[str]:
    """Raw HTML a Markdown reader would pass through: none but the <br> we write in cells."""
    parser = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
    found = set()
    for token in parser.parse(markdown):
        if token.type == "html_block":
            found.add(token.content)
        for child in token.children or ():
            if child.type == "html_inline":
                found.add(child.content)
    return found


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(texts, texts)
def test_plain_text_reads_back_the_same_from_markdown_quotes(text: str, attribution: str):
    md = to_markdown(Document("x", sections=(Section("k", "s", (Quote(text, attribution),)),)))
    lines = one_line_per_line(clean_text(text)).split("\n")
    by = " ".join(clean_text(attribution).split())
    expected = "\n".join(line for line in [*lines, f"— {by}" if by else ""] if line)
    tokens = MarkdownIt("commonmark", {"html": True}).parse(md.split("## s\n", 1)[1])
    if not expected:
        assert tokens == []
        return
    assert [t.type for t in tokens] == [
        "blockquote_open", "paragraph_open", "inline", "paragraph_close", "blockquote_close"
    ]  # fmt: skip
    assert visible_text(tokens[2]) == expected
