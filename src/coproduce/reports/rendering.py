"""A workshop's report document in each format, from the data and the organisers' text.

The document itself (its model and renderers) is the pure `document` package; this module
gathers what it needs from the database and the report's saved texts and themes.

A published version is written in the language it was published in, whoever reads it and
whatever language the process has active; a draft follows the active language.
"""

from django.utils import translation

from . import builder, services
from .document import Document, to_html
from .document import render as render_document
from .gather import ReportData, gather
from .models import ReportVersion


def language_of(version: ReportVersion | None) -> str:
    if version is not None and not version.is_draft:
        return version.language
    return translation.get_language() or "en"


def document(
    workshop, version: ReportVersion | None, *, data: ReportData | None = None, report=None
) -> Document:
    """The report as a document. A page that has already gathered the workshop's data, or
    read its report, passes them on rather than reading them again."""
    report = services.report_of(workshop) if report is None else report
    texts = version.texts if version is not None else {}
    language = language_of(version)
    if language != translation.get_language():
        data = None  # gathered again in the report's language: sector and agenda kind names
    with translation.override(language):
        return builder.build(gather(workshop) if data is None else data, texts, report.themes)


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
