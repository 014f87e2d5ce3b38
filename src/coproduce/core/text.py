"""Person-written text as it is stored: no control characters, no bidi spoofing.

Pure (no Django import): the model fields in ``core/fields.py`` call it on every save, so forms,
imports, ``bulk_create`` and ``QuerySet.update`` all store the same clean text.
"""

import re
import unicodedata

# Terminal escape sequences go whole: dropping only ESC would leave "[2J" or an OSC 8 link's
# address in the text. CSI (ESC [ ... final byte), OSC (ESC ] ... BEL or ESC \\) and the
# two-character ones (ESC and one of @ to _). A lone ESC is dropped with the other controls.
_ESCAPES = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x00-\x1f]*(?:\x07|\x1b\\)|[@-Z\\-_])")

# Line breaks in every spelling become one LF first, so CR LF is not two breaks. VT, FF, NEL
# (U+0085) and the Unicode line/paragraph separators end a line in some editor or other;
# dropping them would glue two words together.
_LINE_BREAKS = re.compile("\r\n|[\r\v\f\x85\u2028\u2029]")

# Dropped: C0 controls except TAB and LF, DEL, C1 controls; the bidi embeddings, overrides and
# isolates (LRE RLE PDF LRO RLO, LRI RLI FSI PDI), which reorder what a reader sees ("Trojan
# Source" spoofing); invisible characters that only hide or join text: zero width space,
# word joiner and the invisible maths operators, the deprecated format characters,
# interlinear annotation marks, the BOM / zero width no-break space; lone surrogates, which
# PostgreSQL cannot store.
_DROPPED = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f"
    "\u200b\u202a-\u202e\u2060-\u2064\u2066-\u206f"
    "\ufeff\ufff9-\ufffb\ud800-\udfff]"
)

# Tag characters (U+E0000-U+E007F) smuggle invisible ASCII, but a run of them closed by
# CANCEL TAG after the black flag spells a subdivision flag (England, Scotland, Wales).
_FLAG = "\U0001f3f4[\U000e0020-\U000e007e]+\U000e007f"
_STRAY_TAGS = re.compile(f"({_FLAG})|[\U000e0000-\U000e007f]")

# Printable ASCII with tabs and line feeds has nothing above to remove and nothing for NFC to
# change: most text is like that, and an import of 100,000 entries cleans it millions of times.
_ASCII_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f]")


def clean_text(value: str, *, multiline: bool = True) -> str:
    """``value`` in NFC with the characters that only serve spoofing or break terminals removed.

    Dropped: terminal escape sequences (whole), C0 controls other than TAB and LF, DEL, C1
    controls, the bidi embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069),
    zero width space, word joiner, U+FEFF and other invisible format characters, tag
    characters outside a flag emoji.

    Kept on purpose: Arabic, Hebrew and every other script as written; the directional marks
    LRM, RLM and ALM (U+200E, U+200F, U+061C), which only nudge neutral characters such as
    punctuation and cannot reorder a run of text; ZWNJ and ZWJ (U+200C, U+200D), which Persian,
    the Indic scripts and emoji sequences need; variation selectors (emoji presentation).

    Line breaks (CR LF, CR, VT, FF, NEL, U+2028, U+2029) become LF. With ``multiline=False``
    every line break and tab becomes one space, for names and titles.

    Normalisation comes last, so removing a character never leaves a sequence that NFC would
    still compose: cleaning twice gives the same text as cleaning once.
    """
    if value.isascii() and not _ASCII_CONTROLS.search(value):
        return value if multiline else value.replace("\n", " ").replace("\t", " ")
    return _clean_thoroughly(value, multiline=multiline)


def _clean_thoroughly(value: str, *, multiline: bool) -> str:
    text = _ESCAPES.sub("", value)
    text = _LINE_BREAKS.sub("\n", text)
    if not multiline:
        text = text.replace("\n", " ").replace("\t", " ")
    text = _DROPPED.sub("", text)
    text = _STRAY_TAGS.sub(lambda match: match.group(1) or "", text)
    return unicodedata.normalize("NFC", text)


def first_line(error: BaseException) -> str:
    """An exception in one line, for a log line or a message: database drivers write several."""
    return (str(error).strip().splitlines() or [type(error).__name__])[0]
