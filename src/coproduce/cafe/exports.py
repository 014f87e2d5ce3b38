"""The café's harvest as a spreadsheet: one row per note, with the theme it was put in.

Themes belong to the report, a floor above the café, so the report registers how to find a
note's theme (`register_theme_source`, from its AppConfig.ready) and the café never imports it.
"""

from collections.abc import Callable, Iterator

from django.utils.translation import gettext as _

from coproduce.coalitions.permissions import Action
from coproduce.core.doors import door
from coproduce.workshops.exports import csv_response

from .models import Cafe, Note
from .views import find_cafe

# Each source gives {note id: theme label} for a café.
ThemeSource = Callable[[Cafe], dict[int, str]]
_theme_sources: list[ThemeSource] = []


def register_theme_source(source: ThemeSource) -> None:
    if source not in _theme_sources:
        _theme_sources.append(source)


def themes_of_notes(cafe: Cafe) -> dict[int, str]:
    themes: dict[int, str] = {}
    for source in _theme_sources:
        themes.update(source(cafe))
    return themes


def harvest_rows(cafe: Cafe) -> Iterator[list]:
    yield [_("Question"), _("Round"), _("Table"), _("Note"), _("Author's sector"), _("Theme")]
    themes = themes_of_notes(cafe)
    notes = (
        Note.objects.filter(cafe=cafe)
        .select_related("table", "question", "author__registration")
        .order_by("round_number", "table__order", "created_at", "pk")
    )
    for note in notes.iterator(chunk_size=1000):
        author = note.author.registration if note.author else None
        yield [
            str(note.question) if note.question else "",
            note.round_number,  # a number, left as one
            note.table.name,
            note.text or _("(photo of the tablecloth)"),
            author.get_sector_display() if author else "",
            themes.get(note.pk, ""),
        ]


# For those who run the workshop: beside what the harvest page shows everyone, the file names
# each note's author's sector (in a small café that can point at one person) and the draft themes.
@door(get=Action.RUN_WORKSHOP, find=find_cafe)
def harvest_csv(request, cafe):
    filename = "{}-{}.csv".format(cafe.workshop.slug, _("harvest").replace(" ", "-"))
    return csv_response(harvest_rows(cafe), filename)
