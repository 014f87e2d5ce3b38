"""A suggested theme's name: a readable phrase from its most central note.

Three distinctive words ("people, afterwards, already") read like a machine's; the note that
sits nearest the theme's centre, in the words a table wrote, reads like a theme. Long notes
are cut at a word boundary so that a name fits a column heading.
"""

import re

PHRASE_CHARS = 60
_END = re.compile(r"[\s,;:\-–—.!?…]+$")


def phrase(text: str, limit: int = PHRASE_CHARS) -> str:
    """The note as one line, cut at the last word boundary within ``limit`` characters."""
    line = " ".join(text.split())
    if len(line) <= limit:
        return _END.sub("", line) or line
    cut = line[: limit + 1]
    space = cut.rfind(" ")
    # one very long word (a URL, Chinese text without spaces): cut it where the limit falls
    head = cut[:space] if space > limit // 3 else line[:limit]
    return (_END.sub("", head) or head) + "…"
