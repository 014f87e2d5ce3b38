"""Notes and themes as plain data, and the checks on notes coming in.

A `Note` is one table note (an id, its text, the question it answers); a `Theme` is a labelled
group of notes; `find_themes` returns a `Theming`: the themes and, per question, a `Grouping`
saying how they were found. Ids are ints or strings, so the platform's primary keys and a
CSV's labels both work.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

NoteId = int | str
QuestionId = int | str
ThemeId = int

_WORDY = re.compile(r"\w")


class ThemeError(ValueError):
    """Bad input to ``find_themes`` or to an edit; the message says what and which id."""


@dataclass(frozen=True, slots=True)
class Note:
    id: NoteId
    text: str
    question_id: QuestionId | None = None


NoteLike = Note | tuple[Any, ...] | Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class Theme:
    """A theme: its position in the list is its ordinal in the report.

    ``id`` stays the same through edits (so the platform can persist it); ``note_ids`` are
    ordered most central first, and ``example_id`` is the note to quote. ``terms`` are the
    automatic top terms, kept even after the facilitator renames the theme.
    """

    id: ThemeId
    label: str
    note_ids: tuple[NoteId, ...]
    example_id: NoteId
    terms: tuple[str, ...] = ()
    question_id: QuestionId | None = None
    # How sure the machine is of this group ("clear", "loose", "none"); None once it is the
    # facilitator's own (made or renamed by them), which the board shows without a badge.
    confidence: str | None = None

    @property
    def size(self) -> int:
        return len(self.note_ids)

    def as_dict(self) -> dict[str, Any]:
        """JSON-friendly form for persisting."""
        return {
            "id": self.id,
            "label": self.label,
            "note_ids": list(self.note_ids),
            "example_id": self.example_id,
            "terms": list(self.terms),
            "question_id": self.question_id,
            "confidence": self.confidence,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Theme:
        return cls(
            id=data["id"],
            label=data["label"],
            note_ids=tuple(data["note_ids"]),
            example_id=data["example_id"],
            terms=tuple(data.get("terms", ())),
            question_id=data.get("question_id"),
            confidence=data.get("confidence"),
        )


@dataclass(frozen=True, slots=True)
class Grouping:
    """How one set of notes (all notes, or one question's) was split into themes."""

    question_id: QuestionId | None
    n_notes: int
    n_distinct: int
    k: int
    chosen_by: str  # "silhouette", "given", "too few" or "no split"
    silhouette: float | None = None
    dims: int | None = None
    k_range: tuple[int, int] | None = None
    # "clear", "loose" or "none" (see `confidence`), and the measure it was read from
    confidence: str = "none"
    contrast: float | None = None


@dataclass(frozen=True, slots=True)
class Theming:
    """What ``find_themes`` returns: the themes in report order, and how they were found
    (the facts only: the platform words them for the report)."""

    themes: list[Theme]
    ignored_ids: list[NoteId]
    seed: int
    groups: tuple[Grouping, ...]
    by_question: bool = False


# ---------------------------------------------------------------------------------------------
# Notes coming in


def read_notes(notes: Iterable[NoteLike]) -> list[Note]:
    """Notes as `Note`s, checked: ids are ints or strings and appear once, texts are text."""
    out = [_as_note(n) for n in notes]
    seen: set[NoteId] = set()
    for note in out:
        if note.id in seen:
            raise ThemeError(f"note id {note.id!r} appears more than once")
        seen.add(note.id)
    return out


def _as_note(raw: NoteLike) -> Note:
    if isinstance(raw, Note):
        note = raw
    elif isinstance(raw, Mapping):
        note = Note(raw.get("id"), raw.get("text"), raw.get("question_id"))
    elif isinstance(raw, tuple) and len(raw) in (2, 3):
        note = Note(*raw)
    else:
        raise ThemeError(f"a note must be a Note, (id, text[, question_id]) or dict: {raw!r}")
    _check_id(note.id, "note")
    if note.question_id is not None:
        _check_id(note.question_id, f"note {note.id!r}: question")
    if not isinstance(note.text, str):
        raise ThemeError(f"note {note.id!r}: text must be a string, not {type(note.text).__name__}")
    return note


def _check_id(value: object, what: str) -> None:
    # bool is an int subclass but True == 1 would silently collide with note 1.
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise ThemeError(f"{what} id must be an int or a str, not {value!r}")


def id_key(note_id: NoteId) -> tuple[str, NoteId]:
    """A total order over mixed int/str ids (ints numerically), used to break ties."""
    return (type(note_id).__name__, note_id)


def is_blank(text: str) -> bool:
    """Empty, whitespace or punctuation only: nothing to group by."""
    return _WORDY.search(text) is None
