"""What the report shows (issue 10): tablecloth photos, downscaled, with their description;
the map as a picture with its groups named in it; no one-bar chart of people met."""

import base64
import io
import re

import docx
import pytest
from django.core.files.base import ContentFile
from PIL import Image

from coproduce.cafe.models import Note
from coproduce.core.charts import scatter
from coproduce.reports.document import Document, Photo, Section, to_docx, to_markdown
from coproduce.reports.rendering import render

pytestmark = pytest.mark.django_db


def _jpeg(width: int, height: int) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), "#f5f0e6").save(out, format="JPEG")
    return out.getvalue()


def test_tablecloth_photos_are_shown_downscaled_with_their_description(demo_with_themes):
    note = Note.objects.filter(cafe__agenda_item__workshop=demo_with_themes).first()
    note.photo.save("cloth.jpg", ContentFile(_jpeg(4000, 3000)))
    html = render(demo_with_themes, None, "html").decode()
    images = re.findall(
        r'<img class="photo" src="data:image/jpeg;base64,([^"]+)" alt="([^"]+)"', html
    )
    assert len(images) == 1
    data, alt = images[0]
    assert alt.startswith(
        f"Photo of the tablecloth at {note.table.name}, round {note.round_number}"
    )
    with Image.open(io.BytesIO(base64.b64decode(data))) as shown:
        assert max(shown.size) == 1400  # downscaled from 4000, its shape kept
        assert shown.size == (1400, 1050)
    assert "| Photos of tablecloths | 1 |" in render(demo_with_themes, None, "md").decode()


def test_a_photo_that_is_no_picture_is_left_out(demo_with_themes):
    note = Note.objects.filter(cafe__agenda_item__workshop=demo_with_themes).first()
    note.photo.save("cloth.jpg", ContentFile(b"not a picture"))
    assert 'class="photo"' not in render(demo_with_themes, None, "html").decode()


def test_docx_and_markdown_carry_the_photo_and_its_description():
    alt = "Photo of the tablecloth at Table 2, round 1"
    doc = Document(
        "Report", sections=(Section("cafe", "Café", (Photo(_jpeg(60, 40), "image/jpeg", alt),)),)
    )
    word = docx.Document(io.BytesIO(to_docx(doc)))
    assert [s._inline.docPr.get("descr") for s in word.inline_shapes] == [alt]
    assert alt in to_markdown(doc)


def test_the_map_names_its_groups_in_the_picture():
    svg = scatter(
        label_series=True,
        title="Opinion map",
        description="Group A: 2, Group B: 1",
        points=[(0, 0, 0), (1, 0, 0), (5, 5, 1), (2, 2, None)],
        series_names=["Group A", "Group B"],
    )
    # each name twice: in the legend, and written at the middle of its group's dots
    assert svg.count(">Group A</text>") == 2 and svg.count(">Group B</text>") == 2
    assert svg.endswith("</svg>")


def test_people_met_is_a_figure_not_a_one_bar_chart(demo_with_themes):
    text = render(demo_with_themes, None, "md").decode()
    assert "New people met at the tables" not in text
    assert re.search(r"\| Different people met at the tables \| \d+ \|", text)
