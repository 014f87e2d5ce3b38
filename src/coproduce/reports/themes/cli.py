"""``coproduce themes NOTES.csv``: suggested themes for a harvest of table notes, no database.

The CSV names its columns in the first row: ``id`` and ``text``, and optionally ``question``
(the question's text; each question's notes are then grouped separately, as on the platform).
Prints each suggested theme with its note ids and how sure the grouping is ("clear", "loose",
"no clear grouping"; with no clear grouping the notes come back one theme per question). Exit
status 2 means bad options or a file that cannot be used; the one line on stderr says which
line and field.
"""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

from coproduce.core.management.arguments import OneLineParser, one_line

from .finding import find_themes
from .model import Note, ThemeError, Theming

# Without a question column, a harvest with no clear grouping comes back as one theme.
ALL_NOTES = {None: "All notes"}
WORDS = {"clear": "clear", "loose": "loose", "none": "no clear grouping"}
# A table note is a few lines; a field this long is not a note (and csv refuses larger ones).
MAX_FIELD = 100_000


class NotesFileError(Exception):
    """The file cannot be read as notes; the message names the line and field."""


def build_parser() -> OneLineParser:
    parser = OneLineParser(
        prog="coproduce themes",
        description="Suggest themes for table notes in a CSV file (columns id, text, question).",
    )
    parser.add_argument("notes", type=Path, help="CSV file with columns id,text[,question]")
    parser.add_argument("--format", choices=("text", "json"), default="text")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        notes, has_questions = read_notes_csv(args.notes)
        theming = find_themes(notes, by_question=has_questions, question_names=ALL_NOTES)
    except (NotesFileError, ThemeError) as error:
        print(f"coproduce themes: error: {one_line(error)}", file=sys.stderr)
        return 2
    if args.format == "json":
        sys.stdout.write(json.dumps(as_json(theming), ensure_ascii=False, indent=2) + "\n")
    else:
        sys.stdout.write(as_text(theming))
    return 0


def read_notes_csv(path: Path) -> tuple[list[Note], bool]:
    """The notes in ``path``, and whether they name their question."""
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except OSError as error:
        raise NotesFileError(f"cannot read {path}: {error.strerror or error}") from error
    except UnicodeDecodeError as error:
        raise NotesFileError(
            f"{path} is not UTF-8 text (byte {error.start}); save it as CSV UTF-8"
        ) from error
    csv.field_size_limit(MAX_FIELD)
    reader = csv.DictReader(text.splitlines(keepends=True), strict=True)
    try:
        return _rows(path, reader)
    except csv.Error as error:
        raise NotesFileError(f"{path} line {reader.line_num}: {error}") from error


def _rows(path: Path, reader: csv.DictReader) -> tuple[list[Note], bool]:
    header = [h.strip().lower() for h in reader.fieldnames or []]
    missing = [c for c in ("id", "text") if c not in header]
    if missing:
        found = ", ".join(header) or "nothing"
        raise NotesFileError(
            f"{path} line 1: the header must name the columns id and text "
            f"(missing {', '.join(missing)}; found {found})"
        )
    reader.fieldnames = header
    has_questions = "question" in header
    notes, seen = [], {}
    for row in reader:
        line = reader.line_num
        if None in row:
            raise NotesFileError(f"{path} line {line}: more fields than the header names")
        note_id = (row["id"] or "").strip()
        if not note_id:
            raise NotesFileError(f"{path} line {line}: field id is empty")
        if note_id in seen:
            raise NotesFileError(
                f"{path} line {line}: field id {note_id!r} is already used on line {seen[note_id]}"
            )
        seen[note_id] = line
        question = (row.get("question") or "").strip() or None if has_questions else None
        notes.append(Note(note_id, row["text"] or "", question))
    if not notes:
        raise NotesFileError(f"{path}: no notes after the header line")
    return notes, has_questions


def as_json(theming: Theming) -> dict:
    return {
        "themes": [
            {
                "label": t.label,
                "confidence": WORDS.get(t.confidence or "", ""),
                "question": t.question_id,
                "note_ids": list(t.note_ids),
            }
            for t in theming.themes
        ],
        "groupings": [
            {"question": g.question_id, "notes": g.n_notes, "confidence": WORDS[g.confidence]}
            for g in theming.groups
        ],
        "left_out_blank": list(theming.ignored_ids),
    }


def as_text(theming: Theming) -> str:
    lines = []
    for g in theming.groups:
        where = f" for “{g.question_id}”" if g.question_id is not None else ""
        lines.append(f"Suggested themes{where}: {WORDS[g.confidence]} ({g.n_notes} notes)")
        for n, t in enumerate((t for t in theming.themes if t.question_id == g.question_id), 1):
            lines.append(f"  {n}. {t.label} ({t.size} notes): {', '.join(map(str, t.note_ids))}")
    if theming.ignored_ids:
        lines.append(f"Blank notes left out: {', '.join(map(str, theming.ignored_ids))}")
    if not theming.groups:
        lines.append("No notes with any words to group.")
    return "\n".join(lines) + "\n"
