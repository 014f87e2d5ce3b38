"""A workshop's report document in each format, from the data and the organisers' text.

The document itself (its model and renderers) is the pure `document` package; this module
gathers what it needs from the database and the report's saved texts and themes.
"""

from . import builder, services
from .document import Document, to_html
from .document import render as render_document
from .gather import gather
from .models import ReportVersion


def document(workshop, version: ReportVersion | None) -> Document:
    report = services.report_of(workshop)
    data = gather(workshop)
    texts = version.texts if version is not None else {}
    return builder.build(data, texts, report.themes)


def render(workshop, version: ReportVersion | None, fmt: str, progress=None) -> bytes:
    doc = document(workshop, version)
    if progress:
        progress(0.5, "")
    return render_document(doc, fmt)


def article_html(workshop, version: ReportVersion | None) -> str:
    """The report as a fragment for the site's own pages (preview and published versions)."""
    return to_html(document(workshop, version), standalone=False)
