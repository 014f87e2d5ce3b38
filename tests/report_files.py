"""The text a reader finds in each report file (PDF, DOCX, HTML, Markdown)."""

import io
import re
import subprocess
import zipfile

from django.utils import translation

from coproduce.reports.document import FORMATS
from coproduce.reports.rendering import render
from coproduce.workshops.models import Workshop


def pdf_text(content: bytes) -> str:
    """What a reader of the PDF sees, laid out as on the page."""
    return subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=content, capture_output=True, check=True
    ).stdout.decode()


def docx_text(content: bytes) -> str:
    """Every word the DOCX holds: its text and its pictures' descriptions and titles."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        xml = " ".join(
            archive.read(name).decode()
            for name in archive.namelist()
            if name.startswith("word/") and name.endswith(".xml")
        )
    attributes = re.findall(r'(?:descr|title)="([^"]*)"', xml)
    return re.sub(r"<[^>]+>", " ", xml) + " " + " ".join(attributes)


def report_text(workshop: Workshop, fmt: str, language: str = "en") -> str:
    with translation.override(language):
        content = render(workshop, None, fmt)
    if fmt == "pdf":
        return pdf_text(content)
    if fmt == "docx":
        return docx_text(content)
    return content.decode()


ALL_FORMATS = list(FORMATS)
