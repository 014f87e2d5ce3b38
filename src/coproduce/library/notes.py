"""The notes the platform itself writes on revisions, stored in English and translated when
shown.

A revision's note is stored as written. The platform's own notes (an import, the demo's starter
library) are written in English whatever the language of the process that saved them, and
``shown`` translates them for the reader. A note a person typed is shown as typed (unless it
reads exactly like one of these, word for word).
"""

from django.utils.translation import gettext, gettext_noop

IMPORTED = gettext_noop("Imported from Participedia")
UPDATED = gettext_noop("Updated from Participedia")
STARTER = gettext_noop("Starter library written by the Coproduce project.")
OURS = frozenset({IMPORTED, UPDATED, STARTER})


def shown(note: str) -> str:
    """The note in the reader's language if the platform wrote it, else as it is."""
    return gettext(note) if note in OURS else note
