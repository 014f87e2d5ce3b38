"""Participedia's CSV exports read into library fields, and library fields written back as rows.

Pure (no Django import): the import (``library/imports.py``), the export and the benchmark call it.

Participedia's "download CSV" writes one row per entry: a byte-order mark, multi-value fields
spread over ``name_1``, ``name_2``, ``name_3`` columns (the second and third with a leading
space), numbers with a trailing ``.0``, ``body`` as flattened text (or HTML), related entries as
``(id,type,"title")`` tuples. :func:`read` turns each good row into the fields of an entry, keeps
every other column in a ``participedia`` dict, and names every bad line and why.

Round trip: :func:`to_row` gives back the cells it was read from. Where the library's form of a
value would write a cell differently ("160.0" read as 160, a date read as its year, an iap2 level
the library does not know), the cells as given are kept under ``_as_given`` and written back as
long as the field still reads the same; once someone changes the field, its new value is written.
"""

import csv
import functools
import hashlib
import io
import re
import sys
from dataclasses import dataclass, field

from coproduce.core.csvfiles import unescape_cell
from coproduce.core.text import clean_text

from .htmltext import html_to_markdown, looks_like_html


def _spread(name: str, count: int) -> tuple[str, ...]:
    return tuple(f"{name}_{number}" for number in range(1, count + 1))


CASE_COLUMNS = (
    *("id", "type", "title", "url", "description", "featured", "post_date", "updated_date"),
    *("creator_id", "creator_name", "creator_profile_url", "last_updated_by_id"),
    *("last_updated_by_name", "last_updated_by_profile_url", "original_language"),
    *("address1", "address2", "city", "province", "postal_code", "country", "latitude"),
    *("longitude", "is_component_of_id", "is_component_of_title", "is_component_of_url"),
    *("specific_methods_tools_techniques_titles", "has_components_titles"),
    *_spread("general_issues", 3),
    *_spread("specific_topics", 3),
    *_spread("scope_of_influence", 1),
    *("start_date", "end_date", "ongoing", "time_limited"),
    *_spread("purposes", 3),
    *_spread("approaches", 3),
    "public_spectrum",
    *_spread("number_of_participants", 1),
    *("open_limited", "recruitment_method"),
    *_spread("targeted_participants", 3),
    *_spread("method_types", 3),
    *_spread("tools_techniques_types", 3),
    *("legality", "facilitators", "facilitator_training", "facetoface_online_or_both"),
    *_spread("participants_interactions", 3),
    *_spread("learning_resources", 5),
    *_spread("decision_methods", 4),
    *_spread("if_voting", 3),
    *_spread("insights_outcomes", 3),
    *("primary_organizer_id", "primary_organizer_title", "primary_organizer_url"),
    *_spread("organizer_types", 3),
    "funder",
    *_spread("funder_types", 3),
    *("staff", "volunteers", "impact_evidence"),
    *_spread("change_types", 5),
    *_spread("implementers_of_change", 3),
    *("formal_evaluation", "body", "files_count", "links_count", "photos_count"),
    *("videos_count", "audio_count", "evaluation_reports_count", "evaluation_links_count"),
    "collections",
)

METHOD_COLUMNS = (
    *("id", "type", "title", "url", "description", "featured", "post_date", "updated_date"),
    *("creator_id", "creator_name", "creator_profile_url", "last_updated_by_id"),
    *("last_updated_by_name", "last_updated_by_profile_url", "original_language"),
    *("facilitators", "facetoface_online_or_both", "public_spectrum", "open_limited"),
    *("recruitment_method", "level_polarization", "level_complexity"),
    *_spread("method_types", 3),
    *_spread("number_of_participants", 3),
    *_spread("scope_of_influence", 3),
    *_spread("participants_interactions", 3),
    *_spread("decision_methods", 3),
    *_spread("if_voting", 3),
    *_spread("purpose_method", 3),
    *("body", "photos_count", "files_count", "videos_count", "links_count", "audio_count"),
    "collections",
)

KINDS = ("case", "method", "organization", "policy")
IAP2_LEVELS = ("inform", "consult", "involve", "collaborate", "empower")
MODES = ("facetoface", "online", "both")
LINK_LABEL = "Participedia"
# Keys of the participedia dict that are no column: the cells as given, the body's outer spaces.
AS_GIVEN = "_as_given"
BODY_EDGES = "_body_edges"
RELATED = "_related"
TUPLE_COLUMNS = (
    "specific_methods_tools_techniques_titles",
    "has_components_titles",
    "collections",
)
_TUPLE = re.compile(r'\(\s*(\d+)(?:\.0)?\s*,\s*(\w+)\s*,\s*("(?:[^"]|"")*"|[^)]*)\)')
_YEAR = re.compile(r"\s*(\d{4})(?:-\d\d(?:-\d\d)?)?(?:[ T].*)?\s*")
_WHOLE = re.compile(r"\s*(\d{1,10})(?:\.0*)?\s*")
_ID = re.compile(r"(\d{1,18})(?:\.0*)?")
_SURROGATE = re.compile("[\udc80-\udcff]")  # a byte that was no UTF-8, as decoded here
_LARGEST_INTEGER = 2_147_483_647  # PositiveIntegerField on every database


def columns_for(kind: str) -> tuple[str, ...]:
    """The columns an entry of this kind is written in. Participedia's methods have their own
    export; organisations and policies use the case columns (the widest)."""
    return METHOD_COLUMNS if kind == "method" else CASE_COLUMNS


# --- reading cells into fields, and fields back into cells --------------------------------


def _line(cell: str) -> str:
    """One line of text (cells are cleaned as they are read; titles and names lose breaks)."""
    if "\n" in cell or "\t" in cell:
        cell = cell.replace("\n", " ").replace("\t", " ")
    return cell.strip()


def _year(cell: str) -> int | None:
    match = _YEAR.fullmatch(cell)
    return int(match.group(1)) if match and int(match.group(1)) > 0 else None


def _whole(cell: str) -> int | None:
    match = _WHOLE.fullmatch(cell)
    return int(match.group(1)) if match and int(match.group(1)) <= _LARGEST_INTEGER else None


def _known(choices: tuple[str, ...]):
    def read(cell: str) -> str:
        value = cell.strip().lower()
        return value if value in choices else ""

    return read


def body_text(cell: str) -> str:
    """A body cell as the library keeps it: Markdown paragraphs when it is HTML (no tag left),
    the text itself otherwise, without its outer spaces."""
    text = cell
    if looks_like_html(text):
        text = html_to_markdown(text)
    return text.strip()


@dataclass(frozen=True)
class Single:
    """An entry field read from one column."""

    field: str
    column: str
    read: object  # cell -> value
    write: object = str  # value -> cell

    def columns(self, available) -> tuple[str, ...]:
        return (self.column,) if self.column in available else ()

    def parse(self, cells: dict, names) -> object:
        return self.read(cells[self.column])

    def render(self, value, columns) -> dict:
        return {self.column: "" if value in (None, "") else self.write(value)}

    def same(self, value, cells: dict, names) -> bool:
        """Whether rendering the value gives the cell back as it was read."""
        return cells[self.column] == ("" if value in (None, "") else self.write(value))


@dataclass(frozen=True)
class Spread:
    """A list field spread over ``prefix_1``, ``prefix_2``, ...; the second value on carries
    Participedia's leading space."""

    field: str
    prefixes: tuple[str, ...]

    def columns(self, available) -> tuple[str, ...]:
        for prefix in self.prefixes:
            found = [name for name in available if re.fullmatch(rf"{prefix}_\d+", name)]
            if found:
                return tuple(sorted(found, key=lambda name: int(name.rsplit("_", 1)[1])))
        return ()

    def parse(self, cells: dict, names) -> list[str]:
        values = (_line(cells[name]) for name in names)
        return [value for value in values if value]

    def same(self, value, cells: dict, names) -> bool:
        return self.render(value, names) == {name: cells[name] for name in names}

    def render(self, value, columns) -> dict:
        values = list(value or [])[: len(columns)]
        cells = {name: "" for name in columns}
        for position, (name, item) in enumerate(zip(columns, values, strict=False)):
            cells[name] = item if position == 0 else f" {item}"
        return cells


def _links(cell: str) -> list[dict]:
    url = cell.strip()
    return [{"url": url, "label": LINK_LABEL}] if url else []


def _url_of(links: list[dict]) -> str:
    ours = [link for link in links if link.get("label") == LINK_LABEL] or links
    return str(ours[0].get("url", "")) if ours else ""


SPECS = (
    Single("kind", "type", lambda cell: cell.strip().lower()),
    Single("title", "title", _line),
    Single("description", "description", str.strip),
    Single("body", "body", body_text),
    Single("language", "original_language", _line),
    Single("city", "city", _line),
    Single("province", "province", _line),
    Single("country", "country", _line),
    Single("start_year", "start_date", _year),
    Single("end_year", "end_date", _year),
    Single("links", "url", _links, _url_of),
    Single("iap2_level", "public_spectrum", _known(IAP2_LEVELS)),
    Single("recruitment", "recruitment_method", _line),
    Single("mode", "facetoface_online_or_both", _known(MODES)),
    Spread("issues", ("general_issues",)),
    Spread("topics", ("specific_topics",)),
    Spread("purposes", ("purposes", "purpose_method")),
    Spread("approaches", ("approaches",)),
    Spread("method_types", ("method_types",)),
    Spread("decision_methods", ("decision_methods",)),
    Spread("organiser_types", ("organizer_types",)),
)
# Participedia counts a case's participants; a method's "number of participants" is a range of
# sizes, which stays in the participedia dict.
PARTICIPANTS = Single("participants", "number_of_participants_1", _whole, lambda n: f"{n}.0")
UNKNOWN_CHECKED = {"public_spectrum": IAP2_LEVELS, "facetoface_online_or_both": MODES}


@functools.lru_cache(maxsize=16)
def _mapped(columns) -> frozenset[str]:
    return frozenset(name for _spec, names in columns for name in names)


@functools.lru_cache(maxsize=16)
def layout(columns: tuple[str, ...]) -> tuple[tuple[object, tuple[str, ...]], ...]:
    """(spec, its columns) for every field these columns hold: worked out once per file."""
    specs = SPECS + ((PARTICIPANTS,) if "purpose_method_1" not in columns else ())
    return tuple((spec, names) for spec in specs if (names := spec.columns(columns)))


def to_row(fields: dict, participedia: dict, kind: str) -> dict:
    """The cells of one row of ``kind``'s export: the columns of :func:`columns_for` in order."""
    columns = columns_for(kind)
    given = participedia.get(AS_GIVEN, {})
    row = {name: str(participedia.get(name, "")) for name in columns}
    for spec, names in layout(columns):
        row.update(_cells(spec, fields.get(spec.field), names, given))
    row["type"] = kind
    if "body" in row and "body" not in given:
        row["body"] = _with_edges(str(fields.get("body") or ""), participedia.get(BODY_EDGES))
    return row


def _cells(spec, value, names, given: dict) -> dict:
    if all(name in given for name in names):
        cells = {name: given[name] for name in names}
        if spec.parse(cells, names) == _as_read(spec, value):
            return cells
    return spec.render(value, names)


def _as_read(spec, value):
    # The value as reading its cells would give it: an empty list or text for an empty cell.
    if isinstance(spec, Spread):
        return list(value or [])
    if spec.field in ("start_year", "end_year", "participants"):
        return value
    if spec.field == "links":
        return list(value or [])
    return value if value is not None else ""


def _fingerprint(text: str) -> str:
    return hashlib.blake2s(text.encode("utf-8", "surrogatepass"), digest_size=8).hexdigest()


def _with_edges(body: str, edges) -> str:
    """The body with the spaces Participedia had around it, while it is the body it came with."""
    if edges and len(edges) == 3 and edges[2] == _fingerprint(body):
        return f"{edges[0]}{body}{edges[1]}"
    return body


# --- reading a file ------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """A line that cannot be imported, and why (line 1 is the header)."""

    line: int
    label: str  # "id 7 (title)" or "" when the line gave neither
    reason: str


@dataclass(frozen=True)
class Unknown:
    """A value the library has no place for; kept for the export, listed for a person."""

    line: int
    label: str
    column: str
    value: str


@dataclass
class Row:
    line: int
    source_id: str
    source_url: str
    fields: dict
    participedia: dict

    @property
    def kind(self) -> str:
        return self.fields["kind"]

    @property
    def label(self) -> str:
        return f"id {self.source_id} ({self.fields['title']})"


@dataclass
class Parsed:
    columns_kind: str = "case"  # whose export the header matches: "case" or "method"
    header: list[str] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    unknown: list[Unknown] = field(default_factory=list)
    fatal: bool = False  # the file as a whole is unreadable: no row can be imported
    undecodable: bool = False  # some byte is not UTF-8: look for it line by line


class _Lines:
    """Physical lines that a csv reader can restart from after a broken quote."""

    def __init__(self, text: str):
        self.lines = io.StringIO(text, newline="").readlines()
        self.at = 0

    def __iter__(self):
        return self

    def __next__(self) -> str:
        if self.at >= len(self.lines):
            raise StopIteration
        self.at += 1
        return self.lines[self.at - 1]


def read(data: bytes, *, body_max: int) -> Parsed:
    """Every row of a Participedia CSV export: good ones as fields, bad ones as problems."""
    parsed = Parsed()
    text = data.removeprefix(b"\xef\xbb\xbf").decode("utf-8", "surrogateescape")
    # The reader refuses fields over its limit (128 KiB): the body's own limit decides instead.
    csv.field_size_limit(max(csv.field_size_limit(), min(len(text) + 1, sys.maxsize)))
    parsed.undecodable = bool(_SURROGATE.search(text))
    lines = _Lines(text)
    records = _records(lines)
    first = next(records, None)
    if first is None:
        return _fatal(parsed, "the file is empty")
    _line_no, header, error = first
    if error or not _header(parsed, header):
        return _fatal(parsed, parsed.problems[0].reason if parsed.problems else error)
    seen: dict[str, int] = {}
    for line_no, cells, error in records:
        if error:
            first = lines.lines[line_no - 1].split(",", 1)[0].strip()
            label = f"id {first}" if first.isascii() and first.isdigit() else ""
            parsed.problems.append(Problem(line_no, label, error))
        elif any(cell.strip() for cell in cells):
            _record(parsed, line_no, cells, seen, body_max)
    return parsed


def _records(lines: _Lines):
    """(first line number, cells, error) per record; after a broken quote the reader starts
    again on the next line, so one bad line does not hide the rest of the file."""
    while lines.at < len(lines.lines):
        start = lines.at
        reader = csv.reader(lines, strict=True)
        try:
            for cells in reader:
                yield start + 1, cells, ""
                start = lines.at
        except csv.Error as error:
            yield start + 1, [], _quote_problem(start + 1, lines.at, error)
            lines.at = start + 1


def _quote_problem(line: int, stopped: int, error: csv.Error) -> str:
    if stopped > line + 1 or "end of data" in str(error):
        return f"a quote opened on this line is never closed ({error})"
    return f"a broken quote ({error})"


def _fatal(parsed: Parsed, reason: str) -> Parsed:
    parsed.fatal = True
    if not parsed.problems:
        parsed.problems.append(Problem(1, "", reason))
    return parsed


def _header(parsed: Parsed, cells: list[str]) -> bool:
    names = [unescape_cell(cell).strip().lstrip("\ufeff") for cell in cells]
    if any(_not_utf8(name) for name in names):
        parsed.problems.append(Problem(1, "", "the header is not UTF-8 text"))
        return False
    overlap_case = len(set(names) & set(CASE_COLUMNS))
    overlap_method = len(set(names) & set(METHOD_COLUMNS))
    parsed.columns_kind = "method" if overlap_method > overlap_case else "case"
    expected = columns_for(parsed.columns_kind)
    missing = [name for name in expected if name not in names]
    repeated = sorted({name for name in names if names.count(name) > 1})
    if missing or repeated:
        parsed.problems.append(Problem(1, "", _header_reason(parsed, missing, repeated, names)))
        return False
    parsed.header = names
    return True


def _header_reason(parsed, missing, repeated, names) -> str:
    kind = "methods" if parsed.columns_kind == "method" else "cases"
    parts = []
    if missing:
        parts.append(
            f"the header is not Participedia's {kind} export: missing {len(missing)} "
            f"column(s): {', '.join(missing)}"
        )
        extra = [name for name in names if name not in columns_for(parsed.columns_kind)]
        if extra:
            parts.append(f"unexpected: {', '.join(extra[:20])}")
    if repeated:
        parts.append(f"columns named twice: {', '.join(repeated)}")
    return "; ".join(parts)


def _not_utf8(text: str) -> str:
    """The first byte that was no UTF-8 (decoded as a lone surrogate), or ""."""
    match = _SURROGATE.search(text)
    return f"0x{ord(match.group()) - 0xDC00:02X}" if match else ""


def _clean_cell(cell: str) -> str:
    """A cell as the library stores text (core.text.clean_text), without the quote an export
    put before a formula-like cell. Printable ASCII is clean already: the common, fast case."""
    if not cell:
        return cell
    if not (cell.isascii() and cell.isprintable()):
        cell = clean_text(cell)
    return unescape_cell(cell) if cell[0] == "'" else cell


def _record(parsed: Parsed, line: int, cells: list[str], seen: dict, body_max: int) -> None:
    header = parsed.header
    raw_id = cells[0].strip() if cells else ""
    label = f"id {raw_id}" if raw_id else ""
    for position, cell in enumerate(cells if parsed.undecodable else ()):
        if byte := _not_utf8(cell):
            column = header[position] if position < len(header) else f"cell {position + 1}"
            reason = f"not UTF-8: the byte {byte} in {column}"
            parsed.problems.append(Problem(line, label, reason))
            return
    if len(cells) != len(header):
        reason = (
            f"{len(cells)} cells where the header has {len(header)} "
            "(a comma or a quote out of place?)"
        )
        parsed.problems.append(Problem(line, label, reason))
        return
    joined = "".join(cells)
    if joined.isascii() and joined.isprintable():  # the common case: only quotes to look at
        cleaned = [unescape_cell(cell) if cell[:1] == "'" else cell for cell in cells]
    else:
        cleaned = [_clean_cell(cell) for cell in cells]
    cells = dict(zip(header, cleaned, strict=True))
    row, reasons = _row(line, cells, body_max)
    label = row.label if row.fields.get("title") and row.source_id else label
    if row.source_id and row.source_id in seen:
        reasons.append(f"id {row.source_id} is already on line {seen[row.source_id]}")
    if reasons:
        parsed.problems.append(Problem(line, label, "; ".join(reasons)))
        return
    seen[row.source_id] = line
    parsed.rows.append(row)
    parsed.unknown.extend(_unknown(line, row.label, cells))


def _row(line: int, cells: dict, body_max: int) -> tuple[Row, list[str]]:
    """The fields of one row, and what is wrong with it."""
    fields, given = {}, {}
    columns = layout(tuple(cells))
    for spec, names in columns:
        value = spec.parse(cells, names)
        fields[spec.field] = value
        if spec.field != "body" and not spec.same(value, cells, names):
            given.update((name, cells[name]) for name in names)
    mapped = _mapped(columns)
    other = {name: cell for name, cell in cells.items() if cell and name not in mapped}
    _keep_body(cells.get("body", ""), fields.get("body", ""), given, other)
    if given:
        other[AS_GIVEN] = given
    related = _related(cells)
    if related:
        other[RELATED] = related
    source_id = _ID.fullmatch(cells["id"].strip())
    row = Row(
        line=line,
        source_id=source_id.group(1) if source_id else "",
        source_url=cells.get("url", "").strip(),
        fields=fields,
        participedia=other,
    )
    return row, _reasons(cells, row, body_max)


def _keep_body(cell: str, body: str, given: dict, other: dict) -> None:
    """What a body cell needs to come back as it was: its outer spaces (cheap), or the whole
    cell when reading changed more than that (HTML made Markdown)."""
    if cell == body:
        return
    if cell.strip() == body:
        stripped = cell.lstrip()
        lead, trail = cell[: len(cell) - len(stripped)], stripped[len(stripped.rstrip()) :]
        other[BODY_EDGES] = [lead, trail, _fingerprint(body)]
    else:
        given["body"] = cell


def _reasons(cells: dict, row: Row, body_max: int) -> list[str]:
    reasons = []
    if not row.source_id:
        reasons.append(
            "no id" if not cells["id"].strip() else f"the id {cells['id'].strip()!r} is no number"
        )
    if row.fields["kind"] not in KINDS:
        reasons.append(
            f"the type {cells['type'].strip()!r} is none of: case, method, organization, policy"
        )
    if not row.fields["title"]:
        reasons.append("no title")
    if len(row.fields.get("body", "")) > body_max:
        reasons.append(
            f"the body has {len(row.fields['body']):,} characters; the limit is {body_max:,}"
        )
    return reasons


def _unknown(line: int, label: str, cells: dict) -> list[Unknown]:
    found = []
    for column, choices in UNKNOWN_CHECKED.items():
        value = cells.get(column, "").strip()
        if value and value.lower() not in choices:
            found.append(Unknown(line, label, column, value))
    for column in ("start_date", "end_date", "number_of_participants_1"):
        value = cells.get(column, "").strip()
        reader = _whole if column == "number_of_participants_1" else _year
        if column in cells and value and reader(value) is None and "purpose_method_1" not in cells:
            found.append(Unknown(line, label, column, value))
    return found


def _related(cells: dict) -> list[dict]:
    """Participedia's links to other entries, ``(id,type,"title")`` tuples, as dicts."""
    found = []
    for column in TUPLE_COLUMNS:
        for number, kind, title in parse_tuples(cells.get(column, "")):
            found.append({"column": column, "id": number, "type": kind, "title": title})
    if cells.get("is_component_of_id", "").strip():
        number = _ID.fullmatch(cells["is_component_of_id"].strip())
        if number:
            found.append(
                {
                    "column": "is_component_of_id",
                    "id": number.group(1),
                    "type": "case",
                    "title": cells.get("is_component_of_title", "").strip(),
                }
            )
    return found


def parse_tuples(cell: str) -> list[tuple[str, str, str]]:
    """``(4232,method,"Online Deliberation"),(565,method,Survey)`` as (id, type, title)s."""
    found = []
    for match in _TUPLE.finditer(cell):
        title = match.group(3).strip()
        if title.startswith('"') and title.endswith('"') and len(title) >= 2:
            title = title[1:-1].replace('""', '"')
        found.append((match.group(1), match.group(2), title))
    return found
