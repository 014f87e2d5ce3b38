"""A workshop's report document in each format, from the data and the organisers' text.

The document itself (its model and renderers) is the pure `document` package; this module
gathers what it needs from the database and the report's saved texts and themes.
"""

from . import builder, services
from .document import Document, to_html
from .document import render as render_document
from .gather import ReportData, gather
from .models import ReportVersion


def document(
    workshop, version: ReportVersion | None, *, data: ReportData | None = None, report=None
) -> Document:
    """The report as a document. A page that has already gathered the workshop's data, or
    read its report, passes them on rather than reading them again."""
    report = services.report_of(workshop) if report is None else report
    data = gather(workshop) if data is None else data
    texts = version.texts if version is not None else {}
    return builder.build(data, texts, report.themes)


def render(workshop, version: ReportVersion | None, fmt: str, progress=None) -> bytes:
    doc = document(workshop, version)
    if progress:
        progress(0.5, "")
    return render_document(doc, fmt)


def article_html(
    workshop, version: ReportVersion | None, *, data: ReportData | None = None, report=None
) -> str:
    """The report as a fragment for the site's own pages (preview and published versions)."""
    return to_html(document(workshop, version, data=data, report=report), standalone=False)
