"""A workshop's report document in each format, from the data and the organisers' text."""

from . import builder, layout, services
from .gather import gather
from .models import ReportVersion

FORMATS = {
    "pdf": ("pdf", "application/pdf"),
    "docx": ("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "md": ("md", "text/markdown; charset=utf-8"),
    "html": ("html", "text/html; charset=utf-8"),
}


def document(workshop, version: ReportVersion | None) -> layout.Document:
    report = services.report_of(workshop)
    data = gather(workshop)
    texts = version.texts if version is not None else {}
    return builder.build(data, texts, report.themes)


def render(workshop, version: ReportVersion | None, fmt: str, progress=None) -> bytes:
    doc = document(workshop, version)
    if progress:
        progress(0.5, "")
    if fmt == "pdf":
        return layout.to_pdf(doc)
    if fmt == "docx":
        return layout.to_docx(doc)
    if fmt == "md":
        return layout.to_markdown(doc).encode()
    if fmt == "html":
        return layout.to_html(doc).encode()
    raise ValueError(f"Unknown report format {fmt!r}; use one of {', '.join(FORMATS)}")


def article_html(workshop, version: ReportVersion | None) -> str:
    """The report as a fragment for the site's own pages (preview and published versions)."""
    return layout.to_html(document(workshop, version), standalone=False)
