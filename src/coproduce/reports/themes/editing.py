"""Editing themes: the facilitator's rename, merge, split, move, reorder and relabel.

Each function takes the list of themes (in report order), checks it and its arguments, and
returns a new list: none mutates its arguments, so the platform can persist whatever they
return. A `ThemeError` says what was wrong and which id.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping, Sequence

from .finding import (
    LABEL_TERMS,
    centrality_order,
    check_n_terms,
    features,
    label_for,
    one_thread,
    top_terms,
)
from .model import NoteId, NoteLike, Theme, ThemeError, ThemeId, id_key, read_notes
from .tokens import Corpus


def validate(themes: Sequence[Theme]) -> None:
    """Raise ThemeError unless ids are unique, no theme is empty and no note is in two themes."""
    theme_ids: set[ThemeId] = set()
    owner: dict[NoteId, ThemeId] = {}
    for theme in themes:
        if not isinstance(theme, Theme):
            raise ThemeError(f"not a Theme: {theme!r}")
        if theme.id in theme_ids:
            raise ThemeError(f"theme id {theme.id!r} appears more than once")
        theme_ids.add(theme.id)
        if not theme.note_ids:
            raise ThemeError(f"theme {theme.id!r} has no notes")
        for note_id in theme.note_ids:
            if note_id in owner:
                raise ThemeError(
                    f"note {note_id!r} is in both theme {owner[note_id]!r} and theme {theme.id!r}"
                )
            owner[note_id] = theme.id
        if theme.example_id not in theme.note_ids:
            raise ThemeError(f"theme {theme.id!r}: example note {theme.example_id!r} is not in it")


def _index(themes: Sequence[Theme], theme_id: ThemeId) -> int:
    for i, theme in enumerate(themes):
        if theme.id == theme_id:
            return i
    known = ", ".join(repr(t.id) for t in themes) or "none"
    raise ThemeError(f"no theme with id {theme_id!r} (known: {known})")


def _owner(themes: Sequence[Theme], note_id: NoteId) -> int:
    for i, theme in enumerate(themes):
        if note_id in theme.note_ids:
            return i
    raise ThemeError(f"note {note_id!r} is not in any theme")


def _with_notes(theme: Theme, note_ids: Sequence[NoteId]) -> Theme:
    """Same theme with these notes; keeps the example if it is still there."""
    example = theme.example_id if theme.example_id in note_ids else note_ids[0]
    return dataclasses.replace(theme, note_ids=tuple(note_ids), example_id=example)


def _clean_label(label: object) -> str:
    if not isinstance(label, str) or not label.strip():
        raise ThemeError(f"a theme's label must be non-empty text, not {label!r}")
    return " ".join(label.split())  # one line in the report, whatever was typed


def rename(themes: Sequence[Theme], theme_id: ThemeId, label: str) -> list[Theme]:
    validate(themes)
    i = _index(themes, theme_id)
    out = list(themes)
    # named by the facilitator, it is theirs now rather than the machine's suggestion
    out[i] = dataclasses.replace(themes[i], label=_clean_label(label), confidence=None)
    return out


def new_theme(themes: Sequence[Theme], note_id: NoteId, label: str) -> list[Theme]:
    """Take a note out of its theme into a new theme placed last (the board's "new theme").

    A note that was alone in its theme takes that theme along: it is renamed and moved last,
    since a theme cannot be left empty.
    """
    validate(themes)
    i = _owner(themes, note_id)
    source = themes[i]
    if source.size == 1:
        renamed = rename(themes, source.id, label)
        return [t for t in renamed if t.id != source.id] + [renamed[i]]
    split_off = split(themes, source.id, [note_id], label=label)
    return [t for t in split_off if t.id != split_off[i + 1].id] + [split_off[i + 1]]


def merge(themes: Sequence[Theme], into: ThemeId, other: ThemeId) -> list[Theme]:
    """Put ``other``'s notes after ``into``'s; ``into`` keeps its id, label, place and example."""
    validate(themes)
    if into == other:
        raise ThemeError(f"cannot merge theme {into!r} with itself")
    i, j = _index(themes, into), _index(themes, other)
    merged = _with_notes(themes[i], themes[i].note_ids + themes[j].note_ids)
    if themes[i].question_id != themes[j].question_id:
        merged = dataclasses.replace(merged, question_id=None)
    return [merged if k == i else t for k, t in enumerate(themes) if k != j]


def split(
    themes: Sequence[Theme],
    theme_id: ThemeId,
    note_ids: Iterable[NoteId],
    label: str | None = None,
) -> list[Theme]:
    """Move ``note_ids`` out of a theme into a new theme placed right after it.

    The new theme gets the next free id and keeps the notes' centrality order; both parts must
    keep at least one note.
    """
    validate(themes)
    i = _index(themes, theme_id)
    source = themes[i]
    moving = set(note_ids)
    stray = [n for n in moving if n not in source.note_ids]
    if stray:
        raise ThemeError(f"notes not in theme {theme_id!r}: {sorted(stray, key=id_key)!r}")
    if not moving or len(moving) == source.size:
        raise ThemeError("a split must leave notes on both sides")
    new_label = f"{source.label} (split)" if label is None else _clean_label(label)
    stay = [n for n in source.note_ids if n not in moving]
    go = [n for n in source.note_ids if n in moving]
    new_id = max(t.id for t in themes) + 1
    new = Theme(
        id=new_id,
        label=new_label,
        note_ids=tuple(go),
        example_id=go[0],
        question_id=source.question_id,
    )
    return [*themes[:i], _with_notes(source, stay), new, *themes[i + 1 :]]


def reorder(themes: Sequence[Theme], theme_ids: Sequence[ThemeId]) -> list[Theme]:
    """Themes in the order given; ``theme_ids`` must list every theme exactly once."""
    validate(themes)
    ids = list(theme_ids)
    if len(set(ids)) != len(ids):
        raise ThemeError(
            f"theme ids listed more than once: {sorted({i for i in ids if ids.count(i) > 1})}"
        )
    unknown = [t for t in ids if t not in {th.id for th in themes}]
    if unknown:
        raise ThemeError(f"no theme with id {unknown[0]!r}")
    missing = [t.id for t in themes if t.id not in ids]
    if missing:
        raise ThemeError(f"the new order leaves out theme(s) {missing}")
    return [themes[_index(themes, t)] for t in ids]


def move_note(
    themes: Sequence[Theme], note_id: NoteId, to: ThemeId, *, drop_empty: bool = True
) -> list[Theme]:
    """Move a note to the end of theme ``to`` (least central until ``relabel``).

    A theme left without notes is dropped (an empty theme cannot go in the report) unless
    ``drop_empty`` is False, in which case moving its last note out is an error.
    """
    validate(themes)
    j = _index(themes, to)
    i = _owner(themes, note_id)
    if i == j:
        return list(themes)
    rest = [n for n in themes[i].note_ids if n != note_id]
    if not rest and not drop_empty:
        raise ThemeError(f"note {note_id!r} is the last note of theme {themes[i].id!r}")
    out = list(themes)
    out[j] = _with_notes(themes[j], themes[j].note_ids + (note_id,))
    if rest:
        out[i] = _with_notes(themes[i], rest)
        return out
    return [t for k, t in enumerate(out) if k != i]


def relabel(
    themes: Sequence[Theme],
    theme_id: ThemeId | None,
    notes: Iterable[NoteLike],
    *,
    keep_label: bool = False,
    n_terms: int = LABEL_TERMS,
) -> list[Theme]:
    """Recompute top terms, centrality order and example for one theme (None: all themes).

    ``notes`` must include the text of every note in ``themes``. Distinctiveness is measured
    against the other themes of the same question as they are now, so call it after merges,
    splits and moves; on untouched themes it gives back what ``find_themes`` gave. The label
    becomes the new terms unless ``keep_label`` (e.g. after the facilitator renamed it).
    """
    validate(themes)
    check_n_terms(n_terms)
    targets = range(len(themes)) if theme_id is None else [_index(themes, theme_id)]
    texts = _texts_for(themes, notes)
    out = list(themes)
    with one_thread():
        for question in dict.fromkeys(themes[k].question_id for k in targets):
            members = [k for k, t in enumerate(themes) if t.question_id == question]
            fresh = _refresh(themes, members, texts, n_terms)
            for k in set(targets) & set(members):
                ordered, terms = fresh[k]
                central = texts[ordered[0]]
                label = themes[k].label if keep_label else label_for(central, themes[k].id)
                out[k] = dataclasses.replace(
                    themes[k], label=label, note_ids=ordered, example_id=ordered[0], terms=terms
                )
    return out


def _texts_for(themes: Sequence[Theme], notes: Iterable[NoteLike]) -> dict[NoteId, str]:
    texts = {n.id: n.text for n in read_notes(notes)}
    missing = [n for t in themes for n in t.note_ids if n not in texts]
    if missing:
        raise ThemeError(f"no text given for note(s) {sorted(missing, key=id_key)[:5]!r}")
    return texts


def _refresh(
    themes: Sequence[Theme], members: list[int], texts: Mapping[NoteId, str], n_terms: int
) -> dict[int, tuple[tuple[NoteId, ...], tuple[str, ...]]]:
    """Centrality order and top terms of themes[k] for k in members, computed among them."""
    # canonical row order, as in find_themes, so the same notes give the same vectors
    rows = sorted(
        ((n, k) for k in members for n in themes[k].note_ids),
        key=lambda nk: (texts[nk[0]].strip(), id_key(nk[0])),
    )
    corpus = Corpus.of([texts[n] for n, _ in rows])
    terms = top_terms(corpus, [k for _, k in rows], n_terms)
    x = features(corpus)
    fresh = {}
    for k in members:
        own = [r for r, (_, kk) in enumerate(rows) if kk == k]
        ordered = tuple(rows[r][0] for r in centrality_order(x, own))
        fresh[k] = (ordered, tuple(terms[k]))
    return fresh


def ordinal(themes: Sequence[Theme], theme_id: ThemeId) -> int:
    """1-based position of a theme in the report."""
    return _index(themes, theme_id) + 1
