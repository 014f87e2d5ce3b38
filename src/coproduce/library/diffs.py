"""A readable difference between two versions of an entry: per changed field, the words added
and removed, with a little unchanged text around them for orientation.

Pure Python (no Django): the pages pass field labels in and render the parts themselves.
Bodies run to a quarter of a million characters, so text is compared paragraph by paragraph
first and word by word only inside the paragraphs that changed; a word-by-word comparison of two
whole long texts costs quadratic time.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

SAME, ADDED, REMOVED = "same", "added", "removed"
# Unchanged text longer than this many words is shortened to its two ends.
CONTEXT_WORDS = 12
# Paragraphs changed this much or more are shown as removed and added whole: a word-by-word
# diff of two unrelated paragraphs is harder to read than both of them.
WORD_DIFF_MAX_TOKENS = 4000

_TOKEN = re.compile(r"\s+|\w+|[^\w\s]")


@dataclass
class Part:
    op: str  # SAME, ADDED or REMOVED
    text: str


@dataclass
class FieldChange:
    name: str
    label: str
    parts: list[Part] = field(default_factory=list)
    is_list: bool = False  # parts are whole items (issues, sources), not runs of words

    @property
    def words_added(self) -> int:
        return _count_words(part.text for part in self.parts if part.op == ADDED)

    @property
    def words_removed(self) -> int:
        return _count_words(part.text for part in self.parts if part.op == REMOVED)


def diff(
    old: Mapping, new: Mapping, labels: Mapping[str, str], order: Iterable[str] | None = None
) -> list[FieldChange]:
    """The fields whose values differ between two versions, in `order` (default: `labels`)."""
    changes = []
    for name in order if order is not None else labels:
        before, after = old.get(name), new.get(name)
        if _same(before, after):
            continue
        change = FieldChange(name=name, label=labels.get(name, name))
        change.parts = _parts(before, after)
        change.is_list = isinstance(before, list) or isinstance(after, list)
        changes.append(change)
    return changes


def _same(before, after) -> bool:
    empty = (None, "", [], {})
    if before in empty and after in empty:
        return True
    return before == after


def _parts(before, after) -> list[Part]:
    if isinstance(before, list) or isinstance(after, list):
        return _list_parts(before or [], after or [])
    return text_parts(_as_text(before), _as_text(after))


def _as_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dict):
        return " ".join(str(v) for v in value.values() if v)
    return str(value)


def _item_text(item) -> str:
    """A list item as a line: a source link {"url", "label"} reads "label (url)"."""
    if isinstance(item, dict):
        url, label = item.get("url", ""), item.get("label", "")
        return f"{label} ({url})" if label and url else str(url or label)
    return str(item)


def _list_parts(before: list, after: list) -> list[Part]:
    """Lists (issues, links) change by whole items: which went, which came, which stayed."""
    old = [_item_text(item) for item in before]
    new = [_item_text(item) for item in after]
    parts = [Part(REMOVED, text) for text in old if text not in new]
    parts += [Part(ADDED, text) for text in new if text not in old]
    parts += [Part(SAME, text) for text in new if text in old]
    return parts


def text_parts(before: str, after: str) -> list[Part]:
    """Words added and removed between two texts, unchanged stretches shortened."""
    old_lines, new_lines = before.splitlines(keepends=True), after.splitlines(keepends=True)
    parts: list[Part] = []
    matcher = difflib.SequenceMatcher(None, old_lines, new_lines, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        old_chunk, new_chunk = "".join(old_lines[i1:i2]), "".join(new_lines[j1:j2])
        if op == "equal":
            parts.append(Part(SAME, old_chunk))
        elif op == "replace":
            parts += _word_parts(old_chunk, new_chunk)
        elif op == "delete":
            parts.append(Part(REMOVED, old_chunk))
        else:
            parts.append(Part(ADDED, new_chunk))
    return _shorten(_merge(parts))


def _word_parts(before: str, after: str) -> list[Part]:
    old, new = _TOKEN.findall(before), _TOKEN.findall(after)
    if len(old) + len(new) > WORD_DIFF_MAX_TOKENS:
        return [Part(REMOVED, before), Part(ADDED, after)]
    parts = []
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            parts.append(Part(SAME, "".join(old[i1:i2])))
            continue
        if i2 > i1:
            parts.append(Part(REMOVED, "".join(old[i1:i2])))
        if j2 > j1:
            parts.append(Part(ADDED, "".join(new[j1:j2])))
    return parts


def _merge(parts: list[Part]) -> list[Part]:
    """Neighbouring parts of the same kind as one, and no empty parts."""
    merged: list[Part] = []
    for part in parts:
        if not part.text:
            continue
        if merged and merged[-1].op == part.op:
            merged[-1] = Part(part.op, merged[-1].text + part.text)
        else:
            merged.append(part)
    return merged


def _shorten(parts: list[Part]) -> list[Part]:
    """Long unchanged stretches keep a few words at each end that touch a change."""
    shortened = []
    last = len(parts) - 1
    for index, part in enumerate(parts):
        words = part.text.split(" ")
        if part.op != SAME or len(words) <= 2 * CONTEXT_WORDS + 1 or last == 0:
            shortened.append(part)
            continue
        head = " ".join(words[:CONTEXT_WORDS]) + " …" if index > 0 else "…"
        tail = " " + " ".join(words[-CONTEXT_WORDS:]) if index < last else ""
        shortened.append(Part(SAME, head + tail))
    return shortened


def _count_words(texts: Iterable[str]) -> int:
    return sum(len(re.findall(r"\w+", text)) for text in texts)
