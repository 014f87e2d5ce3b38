"""Themes in a World Café harvest: finding them in the table notes, and editing them.

Pure package: no Django, no database, no network. `finding.find_themes` groups short notes
into labelled themes and says how (`Theming.groups`); the functions in `editing` (`rename`,
`merge`, `split`, `reorder`, `move_note`, `new_theme`, `relabel`) take a list of themes and
return a new list, so the platform can persist whatever they return. `model` holds the notes
and themes, `tokens` the tokeniser and its stop words (data files in ``stopwords/``, one per
language), `confidence` how sure a grouping is, `phrases` the names of suggested themes.

Words for people (how the themes were found, for the report) are the platform's:
`coproduce.reports.theme_method`.
"""

from .confidence import CLEAR, LOOSE, NONE
from .editing import (
    merge,
    move_note,
    new_theme,
    ordinal,
    relabel,
    rename,
    reorder,
    split,
    validate,
)
from .finding import MAX_THEMES, find_themes
from .model import Grouping, Note, NoteId, Theme, ThemeError, Theming, is_blank
from .tokens import label_terms, words

__all__ = [
    "CLEAR",
    "LOOSE",
    "MAX_THEMES",
    "NONE",
    "Grouping",
    "Note",
    "NoteId",
    "Theme",
    "ThemeError",
    "Theming",
    "find_themes",
    "is_blank",
    "label_terms",
    "merge",
    "move_note",
    "new_theme",
    "ordinal",
    "relabel",
    "rename",
    "reorder",
    "split",
    "validate",
    "words",
]
