"""The workshop report as a document, and its renderers: HTML, PDF, DOCX and Markdown.

Pure package: no Django, no database, no network. The platform gathers a workshop's data into
a `Document` (`model`: sections of blocks: the organisers' Markdown, the header table, tables,
lists, charts described by a `ChartSpec`, and quoted table notes); the `to_*` functions here
turn the same document into each format, and `render` picks one by its name in `FORMATS`.

    doc = Document("How to coproduce the city", sections=(
        Section("header", "Workshop", (KeyValueTable((("Participants", "18"),)),)),
        Section("notes", "Table notes", (), note="No table notes were written."),
    ))
    pdf = to_pdf(doc)   # or render(doc, "pdf")

Modules: `model` (the document), `core.user_markdown` (the organisers' Markdown, parsed and
sanitised), `tables` (charts as tables, column widths), one per format (`html`, `pdf`, `docx`,
`markdown`) and `png` (charts as pictures for DOCX).

The renderers import `model` and the helpers, never this package, so nothing here runs in a
circle. This module imports each renderer on first use: WeasyPrint and python-docx are slow
to import, and most callers need only one format.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

from .model import (
    BarChartSpec,
    Block,
    BulletList,
    ChartSpec,
    Document,
    Figure,
    KeyValueTable,
    Labels,
    Markdown,
    Photo,
    Quote,
    ScatterSpec,
    Section,
    Table,
    clean_text,
)


def to_html(doc: Document, *, standalone: bool = True) -> str:
    """A complete print-ready page (CSS with @page rules embedded), or with
    ``standalone=False`` just the ``<article>`` for embedding in a site page."""
    from .html import to_html as render_html

    return render_html(doc, standalone=standalone)


def to_pdf(doc: Document) -> bytes:
    from .pdf import to_pdf as render_pdf

    return render_pdf(doc)


def to_docx(doc: Document) -> bytes:
    from .docx import to_docx as render_docx

    return render_docx(doc)


def to_markdown(doc: Document) -> str:
    """GitHub-flavoured Markdown; figures become their description plus a data table."""
    from .markdown import to_markdown as render_markdown

    return render_markdown(doc)


def markdown_to_html(text: str) -> str:
    """User Markdown as sanitised HTML: CommonMark + tables + strikethrough; only safe tags,
    links to http(s)/mailto only, headings at h3 or below."""
    from coproduce.core.user_markdown import markdown_to_html as render_user_markdown

    return render_user_markdown(clean_text(text))


def report_css() -> str:
    """The stylesheet `to_html` embeds, for a site that serves it as a file (its CSP forbids
    inline style)."""
    from .html import REPORT_CSS

    return REPORT_CSS


# ---------------------------------------------------------------------------------------------
# Formats by name, for whoever lets people choose one (pages, the worker, the command line)


class Format(NamedTuple):
    extension: str
    media_type: str
    render: Callable[[Document], bytes]


FORMATS: dict[str, Format] = {
    "pdf": Format("pdf", "application/pdf", to_pdf),
    "docx": Format(
        "docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        to_docx,
    ),
    "md": Format("md", "text/markdown; charset=utf-8", lambda doc: to_markdown(doc).encode()),
    "html": Format("html", "text/html; charset=utf-8", lambda doc: to_html(doc).encode()),
}


def render(doc: Document, fmt: str) -> bytes:
    """The document as a file in the format named ``fmt`` (a key of `FORMATS`)."""
    if fmt not in FORMATS:
        raise ValueError(f"Unknown report format {fmt!r}; use one of {', '.join(FORMATS)}")
    return FORMATS[fmt].render(doc)


__all__ = [
    "FORMATS",
    "BarChartSpec",
    "Block",
    "BulletList",
    "ChartSpec",
    "Document",
    "Figure",
    "Format",
    "KeyValueTable",
    "Labels",
    "Markdown",
    "Photo",
    "Quote",
    "ScatterSpec",
    "Section",
    "Table",
    "clean_text",
    "markdown_to_html",
    "render",
    "report_css",
    "to_docx",
    "to_html",
    "to_markdown",
    "to_pdf",
]
