"""The demo report says what happened in plain words: no method words, no database ids, in
any format or language (issue 10: "a report a council can publish")."""

import re

import pytest
from report_files import ALL_FORMATS, report_text

pytestmark = pytest.mark.django_db

METHOD_WORDS = [
    r"TF-IDF",
    r"k-means",
    r"k-medias",
    r"silhouette",
    r"silueta",
    r"\bseed\b",
    r"\bsemilla\b",
    r"CP-SAT",
    r"C\(m, ?2\)",
    r"Mean x",
    r"Mean y",
    r"n-grams?",
    # ids: questions go by their label or text, never "question 5"
    r"\bquestion \d+",
    r"\bpregunta \d+",
]


@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize("fmt", ALL_FORMATS)
def test_demo_report_has_no_method_words(demo_with_themes, fmt, language):
    text = report_text(demo_with_themes, fmt, language)
    assert "Bertie Russell" in text  # the file has content: an empty one would pass below
    found = [w for w in METHOD_WORDS if re.search(w, text, flags=re.IGNORECASE)]
    assert not found, f"{fmt} ({language}) says {found}"


def test_the_checked_words_are_caught():
    # the list above must be able to fail: each pattern catches the word it names
    said = "TF-IDF, k-means, silhouette 0.02, random seed 0, CP-SAT, C(m, 2), Mean x, question 5"
    assert sum(bool(re.search(w, said, flags=re.IGNORECASE)) for w in METHOD_WORDS) == 8


@pytest.mark.parametrize("fmt", ALL_FORMATS)
def test_empty_rows_are_left_out(demo_with_themes, fmt):
    demo_with_themes.desired_outcomes.all().delete()
    text = report_text(demo_with_themes, fmt)
    assert "Organisers" in text
    assert "Desired outcomes" not in text


def test_spanish_report_reads_in_spanish(demo_with_themes):
    text = report_text(demo_with_themes, "md", "es")
    assert "## Quién participó" in text
    assert "26 de noviembre de 2018" in text
    assert "| Categoría |" in text and "| Category |" not in text
    assert "Page {page}" not in text and "Registered and voted" not in text
