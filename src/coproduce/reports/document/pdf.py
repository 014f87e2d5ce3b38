"""The report as PDF: WeasyPrint over the standalone HTML page, tagged for PDF/UA.

Tagged (PDF/UA-1): headings, tables with their header cells, lists and figures with their
text alternatives are in the structure tree, and the document's language is set, so screen
readers and public-sector accessibility checks can read it. A report longer than
`CONTENTS_FROM` pages begins with a contents page.
"""

from __future__ import annotations

from .html import to_html
from .model import Document

CONTENTS_FROM = 10  # pages: shorter reports are read straight through
PDF_VARIANT = "pdf/ua-1"


def to_pdf(doc: Document) -> bytes:
    # Laid out with the contents page first: a long report, the one whose layout is slow, is
    # then laid out once; only a short one, quick to lay out, is laid out again without it.
    laid_out = _layout(doc, contents=True)
    if len(laid_out.pages) <= CONTENTS_FROM + 1:  # + 1: the contents page itself
        laid_out = _layout(doc, contents=False)
    return laid_out.write_pdf(pdf_variant=PDF_VARIANT)


def _layout(doc: Document, *, contents: bool):
    from weasyprint import HTML, URLFetcher

    # The page references nothing outside itself (charts are inline SVG, photos data: URLs),
    # so any fetch would be a bug or an attack: allow none but data: URLs.
    fetcher = URLFetcher(allowed_protocols={"data"})
    page = to_html(doc, contents=contents)
    return HTML(string=page, url_fetcher=fetcher).render(pdf_variant=PDF_VARIANT)
