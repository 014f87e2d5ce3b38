"""The report as a document: sections of blocks, plain data that every renderer reads.

A `Document` holds numbered `Section`s; a section holds blocks: the organisers' `Markdown`,
the header `KeyValueTable`, data `Table`s, `BulletList`s, `Figure`s (a chart described by a
`ChartSpec`, drawn by each renderer in its own way), `Quote`s (table notes) and `Photo`s.
`Labels` are the few words the renderers write themselves, so the platform can pass
translations.

All values are plain text except `Markdown.text`, which is rendered after sanitising. Every
container is frozen and coerced to tuples, and characters that no output format can hold
(C0 controls other than tab and newline, lone surrogates, U+FFFE/U+FFFF) are dropped when a
block is built, so the renderers never meet them.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field, fields
from typing import Any

# C0 controls except tab/newline/CR, lone surrogates and the two non-characters: XML (DOCX) and
# HTML parsers reject or mangle them, and they carry nothing a reader could see.
_UNPRINTABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")


def clean_text(text: object) -> str:
    """Text safe for every output format: newlines normalised to \\n, unprintables dropped."""
    if not isinstance(text, str):
        raise TypeError(f"expected text, not {type(text).__name__}: {text!r}")
    return _UNPRINTABLE.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def _strings(values: Any) -> tuple[str, ...]:
    return tuple(clean_text(v) for v in values)


def _set(obj: object, name: str, value: object) -> None:
    # the one sanctioned way to normalise a field of a frozen dataclass in __post_init__
    object.__setattr__(obj, name, value)


def _clean_str_fields(obj: object) -> None:
    for f in fields(obj):  # type: ignore[arg-type]
        value = getattr(obj, f.name)
        if isinstance(value, str):
            _set(obj, f.name, clean_text(value))


# ---------------------------------------------------------------------------------------------
# Charts: plain descriptions, drawn as SVG (HTML, PDF) or PNG (DOCX) by the renderers.


@dataclass(frozen=True)
class BarChartSpec:
    """Grouped horizontal bars: one bar per series for each category.

    ``series`` is ``((name, values), ...)`` with one value per category.
    """

    title: str
    description: str
    categories: tuple[str, ...]
    series: tuple[tuple[str, tuple[float, ...]], ...]

    def __post_init__(self) -> None:
        _clean_str_fields(self)
        _set(self, "categories", _strings(self.categories))
        series = tuple((clean_text(name), tuple(values)) for name, values in self.series)
        for name, values in series:
            # bars are counts or shares: a negative or infinite length cannot be drawn
            if not all(math.isfinite(v) and v >= 0 for v in values):
                raise ValueError(
                    f"bar chart {self.title!r}: series {name!r} needs finite values >= 0"
                )
            if len(values) != len(self.categories):
                raise ValueError(
                    f"bar chart {self.title!r}: series {name!r} has {len(values)} values "
                    f"for {len(self.categories)} categories"
                )
        _set(self, "series", series)


@dataclass(frozen=True)
class ScatterSpec:
    """Points on a plane: ``points`` is ``((x, y, group or None), ...)``, where group indexes
    ``series_names`` (None: in no group, drawn grey)."""

    title: str
    description: str
    points: tuple[tuple[float, float, int | None], ...]
    series_names: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        _clean_str_fields(self)
        points = tuple((float(x), float(y), g) for x, y, g in self.points)
        if not all(math.isfinite(x) and math.isfinite(y) for x, y, _ in points):
            raise ValueError(f"scatter {self.title!r}: every point needs finite coordinates")
        _set(self, "points", points)
        _set(self, "series_names", _strings(self.series_names))


ChartSpec = BarChartSpec | ScatterSpec


# ---------------------------------------------------------------------------------------------
# Blocks


@dataclass(frozen=True)
class Markdown:
    """Text the organisers edited, as CommonMark (+ tables, strikethrough). Sanitised when
    rendered; its headings never outrank the section heading."""

    text: str

    def __post_init__(self) -> None:
        _clean_str_fields(self)


@dataclass(frozen=True)
class KeyValueTable:
    """The header table ("Title of the workshop" / "Organizer (s)" / ...); values may span
    several lines."""

    rows: tuple[tuple[str, str], ...]
    caption: str = ""

    def __post_init__(self) -> None:
        _clean_str_fields(self)
        rows = tuple(_strings(row) for row in self.rows)
        if any(len(row) != 2 for row in rows):
            raise ValueError("every row of a KeyValueTable is a (key, value) pair")
        _set(self, "rows", rows)


@dataclass(frozen=True)
class Table:
    """A data table with a header row; columns in ``numeric_columns`` are right-aligned."""

    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    caption: str = ""
    numeric_columns: tuple[int, ...] = ()

    def __post_init__(self) -> None:
        _clean_str_fields(self)
        _set(self, "header", _strings(self.header))
        _set(self, "rows", tuple(_strings(row) for row in self.rows))
        _set(self, "numeric_columns", tuple(self.numeric_columns))
        if not self.header:
            raise ValueError("a Table needs a header row")
        for number, row in enumerate(self.rows, 1):
            if len(row) != len(self.header):
                raise ValueError(
                    f"table row {number} has {len(row)} cells for {len(self.header)} columns"
                )


@dataclass(frozen=True)
class BulletList:
    items: tuple[str, ...]
    ordered: bool = False

    def __post_init__(self) -> None:
        _set(self, "items", _strings(self.items))


@dataclass(frozen=True)
class Figure:
    """A chart with its caption; ``alt`` is the text alternative (the picture's description
    in DOCX, the text in Markdown). The numbers are always shown as a table too."""

    chart: ChartSpec
    caption: str
    alt: str

    def __post_init__(self) -> None:
        _clean_str_fields(self)


@dataclass(frozen=True)
class Quote:
    """A supporting note, e.g. ``Quote("More buses at night", "Table 3, round 2")``."""

    text: str
    attribution: str = ""

    def __post_init__(self) -> None:
        _clean_str_fields(self)


@dataclass(frozen=True)
class Photo:
    """A picture people took (a tablecloth), already downscaled: JPEG or PNG bytes, with the
    text alternative a screen reader reads and the caption everyone reads."""

    image: bytes
    media_type: str
    alt: str
    caption: str = ""

    def __post_init__(self) -> None:
        _clean_str_fields(self)
        if self.media_type not in ("image/jpeg", "image/png"):
            raise ValueError(f"a Photo is JPEG or PNG, not {self.media_type!r}")
        if not self.alt.strip():
            raise ValueError("a Photo needs a text alternative")


Block = Markdown | KeyValueTable | Table | BulletList | Figure | Quote | Photo
BLOCK_TYPES = (Markdown, KeyValueTable, Table, BulletList, Figure, Quote, Photo)


# ---------------------------------------------------------------------------------------------
# Document


@dataclass(frozen=True)
class Section:
    """A numbered part of the report. ``note`` is shown instead of the blocks when there are
    none, e.g. "No table notes were written in this workshop."."""

    key: str
    heading: str
    blocks: tuple[Block, ...] = ()
    note: str = ""

    def __post_init__(self) -> None:
        _clean_str_fields(self)
        blocks = tuple(self.blocks)
        for block in blocks:
            if not isinstance(block, BLOCK_TYPES):
                raise TypeError(f"section {self.key!r}: not a block: {block!r}")
        _set(self, "blocks", blocks)


@dataclass(frozen=True)
class Labels:
    """The few words the renderers write themselves, so the platform can pass translations.

    ``page_number`` may use {page} and {pages}.
    """

    page_number: str = "Page {page} of {pages}"
    field: str = "Field"
    value: str = "Value"
    category: str = "Category"
    group: str = "Group"
    no_group: str = "No group"
    points: str = "People"
    contents: str = "Contents"
    photo: str = "Photo"

    def __post_init__(self) -> None:
        _clean_str_fields(self)


@dataclass(frozen=True)
class Document:
    title: str
    subtitle: str = ""
    language: str = "en"
    sections: tuple[Section, ...] = ()
    footer: str = ""
    labels: Labels = field(default_factory=Labels)

    def __post_init__(self) -> None:
        _clean_str_fields(self)
        # a BCP 47 tag goes into lang="" and w:lang; anything else would be noise there
        if not re.fullmatch(r"[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*", self.language):
            raise ValueError(f"not a language tag: {self.language!r}")
        sections = tuple(self.sections)
        if not all(isinstance(s, Section) for s in sections):
            raise TypeError("Document.sections must hold Section objects")
        _set(self, "sections", sections)


def page_number_parts(template: str) -> list[tuple[str, str]]:
    """``"Page {page} of {pages}"`` (`Labels.page_number`) as [("text", "Page "), ("page", ""),
    ...]: CSS and DOCX each write the text and the two counters in their own way."""
    parts: list[tuple[str, str]] = []
    rest = template
    while rest:
        cut = min((i for i in (rest.find("{page}"), rest.find("{pages}")) if i >= 0), default=-1)
        if cut < 0:
            parts.append(("text", rest))
            break
        if cut:
            parts.append(("text", rest[:cut]))
        counter = "pages" if rest.startswith("{pages}", cut) else "page"
        parts.append((counter, ""))
        rest = rest[cut + len(counter) + 2 :]
    return parts
