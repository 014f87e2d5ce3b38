"""{{ revision.note|revision_note }}: a revision's note in the reader's language when the
platform wrote it (see library/notes.py), and as typed when a person did."""

from django import template

from coproduce.library.notes import shown

register = template.Library()


@register.filter
def revision_note(note: str) -> str:
    return shown(note or "")
