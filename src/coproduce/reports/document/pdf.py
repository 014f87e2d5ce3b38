"""The report as PDF: WeasyPrint over the standalone HTML page."""

from __future__ import annotations

from .html import to_html
from .model import Document


def to_pdf(doc: Document) -> bytes:
    from weasyprint import HTML, URLFetcher

    # The page references nothing outside itself (charts are inline SVG, user images become
    # their alt text), so any fetch would be a bug or an attack: allow none but data: URLs.
    fetcher = URLFetcher(allowed_protocols={"data"})
    return HTML(string=to_html(doc), url_fetcher=fetcher).write_pdf()
