"""The PDF a council can publish: tagged (PDF/UA-1), its language set, figures and photos with
text alternatives, tables with header cells, a contents page when it is long (issue 10)."""

import io
import subprocess

import pikepdf
import pytest
from django.core.management import call_command
from PIL import Image

from coproduce.reports.document import (
    Document,
    Markdown,
    Photo,
    Section,
    to_pdf,
)
from coproduce.reports.document.html import to_html

pytestmark = pytest.mark.django_db


def structure(pdf: pikepdf.Pdf) -> list[pikepdf.Dictionary]:
    """Every element of the structure tree, depth first."""
    found, todo = [], [pdf.Root.StructTreeRoot]
    while todo:
        node = todo.pop()
        kids = node.get("/K")
        if kids is None:
            continue
        for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
            if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
                found.append(kid)
                todo.append(kid)
    return found


def tags(pdf: pikepdf.Pdf) -> list[str]:
    return [str(element.S) for element in structure(pdf)]


@pytest.mark.parametrize("language", ["en", "es"])
def test_the_demo_report_is_a_tagged_pdf(demo_with_themes, tmp_path, language):
    target = tmp_path / "report.pdf"
    call_command(
        "report", demo_with_themes.slug, format="pdf", output=str(target), language=language
    )
    info = subprocess.run(["pdfinfo", str(target)], capture_output=True, check=True).stdout
    assert b"Tagged:          yes" in info
    with pikepdf.open(target) as pdf:
        assert pdf.Root.MarkInfo.Marked is True or str(pdf.Root.MarkInfo.Marked) == "true"
        assert str(pdf.Root.Lang) == language
        found = tags(pdf)
        assert {"/H1", "/H2", "/Table", "/TH", "/TD", "/L", "/Figure"} <= set(found)
        figures = [e for e in structure(pdf) if e.S == "/Figure"]
        # the map, the sector chart and the funnel: each with words, not only a title
        assert len(figures) >= 3
        assert all(len(str(f.get("/Alt", ""))) > 20 for f in figures)


def _photo() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), "#b3541e").save(out, format="JPEG")
    return out.getvalue()


def test_photos_are_figures_with_their_description():
    alt = "Photo of the tablecloth at Table 2, round 1"
    doc = Document(
        "Report",
        sections=(Section("cafe", "World Café", (Photo(_photo(), "image/jpeg", alt, "Table 2"),)),),
    )
    assert f'alt="{alt}"' in to_html(doc)
    with pikepdf.open(io.BytesIO(to_pdf(doc))) as pdf:
        figures = [e for e in structure(pdf) if e.S == "/Figure"]
        assert [str(f.Alt) for f in figures] == [alt]


def test_a_long_report_begins_with_contents():
    long_text = "\n\n".join(f"Paragraph {n}. " + "Words people wrote. " * 40 for n in range(120))
    sections = tuple(Section(f"part-{n}", f"Part {n}", (Markdown(long_text),)) for n in range(1, 4))
    long_pdf = to_pdf(Document("Report", sections=sections))
    short_pdf = to_pdf(Document("Report", sections=(Section("one", "Part 1", ()),)))
    long_text_read = subprocess.run(
        ["pdftotext", "-layout", "-f", "1", "-l", "1", "-", "-"],
        input=long_pdf,
        capture_output=True,
        check=True,
    ).stdout.decode()
    assert "Contents" in long_text_read and "Part 3" in long_text_read
    assert (
        "Contents"
        not in subprocess.run(
            ["pdftotext", "-", "-"], input=short_pdf, capture_output=True, check=True
        ).stdout.decode()
    )


def test_a_long_docx_begins_with_a_contents_field():
    import zipfile

    from coproduce.reports.document import to_docx

    long_text = "\n\n".join(f"Paragraph {n}. " + "Words people wrote. " * 40 for n in range(120))
    long_doc = Document(
        "Report",
        sections=tuple(Section(f"p{n}", f"Part {n}", (Markdown(long_text),)) for n in (1, 2)),
    )
    short_doc = Document("Report", sections=(Section("one", "Part 1", (Markdown("Short."),)),))

    def parts(doc):
        with zipfile.ZipFile(io.BytesIO(to_docx(doc))) as archive:
            return archive.read("word/document.xml").decode(), archive.read(
                "word/settings.xml"
            ).decode()

    body, settings = parts(long_doc)
    assert 'w:instr=" TOC ' in body and "Contents" in body
    assert '<w:updateFields w:val="true"/>' in settings
    body, settings = parts(short_doc)
    assert "TOC" not in body and "updateFields" not in settings
