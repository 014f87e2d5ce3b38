"""Participedia's CSV exports imported into the shared library.

The person running the import is trusted (it is a command for whoever runs the site), so the
entries are published at once, with Participedia's id and page as their source: a second import
of the same file finds them again and updates only what changed. By default the import is all or
nothing: one bad line and nothing is saved, and every bad line is named. With
``skip_bad_rows`` the good lines are saved and the bad ones listed as skipped.

Fast enough for a whole Participedia export (100,000 rows in about a minute;
bench/library/import_bench.py): entries, revisions, facets and the search index are written in
batches of plain rows (COPY on PostgreSQL, see bulk.py), never row by row, and the planner's
statistics are refreshed twice, not after every batch. A dry run leaves out the facet rows and
the search index: they are derived from entries already written and checked, and cannot change
what it reports.
"""

import functools
import json
import re
import unicodedata
from dataclasses import dataclass, field
from types import SimpleNamespace

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import DEFAULT_DB_ALIAS, connections, models, transaction
from django.db.models import Max
from django.utils import timezone

from coproduce.core.fields import CleanCharField, CleanTextField

from . import bulk, facets, notes, participedia, services
from .models import BODY_MAX, Entry, Revision, Status
from .search import common, index, text

SOURCE = "participedia"
LICENCE = "CC BY-NC-SA 3.0 (Participedia and its contributors)"
BATCH = 2000
# Written from a row; everything else on an entry (our own fields, status, coalition) is kept.
FROM_ROW = (*(name for name in services.EDITABLE if name not in ("licence",)), "licence")
_CHECKED_LENGTHS = ("title", "description", "language", "city", "province", "country")
_CHECKED_LENGTHS += ("iap2_level", "recruitment", "mode")


# Participedia's own page addresses need no full URL check (the common case, and the fast one).
_PARTICIPEDIA_PAGE = re.compile(r"https://participedia\.net/[a-z]{1,20}/\d{1,18}")


@dataclass(frozen=True)
class Line:
    line: int
    source_id: str
    title: str


@dataclass
class ImportReport:
    created: list[Line] = field(default_factory=list)
    updated: list[Line] = field(default_factory=list)
    unchanged: list[Line] = field(default_factory=list)
    refused: list[participedia.Problem] = field(default_factory=list)
    unknown_values: list[participedia.Unknown] = field(default_factory=list)
    dry_run: bool = False
    # True when the good rows were (or, in a dry run, would have been) saved.
    imported: bool = False


def import_participedia(
    data: bytes, *, dry_run: bool = False, skip_bad_rows: bool = False, by=None
) -> ImportReport:
    """Import one Participedia CSV export (cases or methods; each row's kind from ``type``)."""
    with bulk.collector_paused(), bulk.large_cache():
        return _import(data, dry_run=dry_run, skip_bad_rows=skip_bad_rows, by=by)


def _import(data: bytes, *, dry_run: bool, skip_bad_rows: bool, by) -> ImportReport:
    parsed = participedia.read(data, body_max=BODY_MAX)
    rows, refused = _checked(parsed)
    report = ImportReport(refused=refused, unknown_values=parsed.unknown, dry_run=dry_run)
    if parsed.fatal or (refused and not skip_bad_rows):
        return report
    # A dry run does the work in a transaction it then rolls back: what it reports is exactly
    # what the import would do, database checks included. It leaves out the facet rows and
    # the search index, which are derived from entries already written and checked.
    with transaction.atomic(), common.deferred():  # common words' bitmaps written once
        for start in range(0, len(rows), BATCH):
            _import_batch(rows[start : start + BATCH], by, report)
            if start == 0 and len(rows) > BATCH and not dry_run:
                # Statistics of a library that may have been empty: without them PostgreSQL
                # looked for each later batch's entries by reading the whole table.
                index.analyze()
        if dry_run:
            transaction.set_rollback(True)
        elif len(report.created) + len(report.updated) >= index.ANALYZE_AFTER:
            index.analyze()  # once more at the end: after every batch, it cost a third
    report.imported = True
    return report


def _checked(parsed: participedia.Parsed) -> tuple[list, list]:
    """The rows the database would accept, and every refused line in the file's order."""
    refused = list(parsed.problems)
    rows = []
    for row in parsed.rows:
        reasons = _limits(row)
        if reasons:
            refused.append(participedia.Problem(row.line, row.label, "; ".join(reasons)))
        else:
            rows.append(row)
    refused.sort(key=lambda problem: problem.line)
    return rows, refused


@functools.cache
def _max_length(name: str) -> int:
    return Entry._meta.get_field(name).max_length


def _limits(row: participedia.Row) -> list[str]:
    """What the entry's own fields refuse (checked here so no batch fails half way)."""
    reasons = []
    for name in _CHECKED_LENGTHS:
        value = row.fields.get(name) or ""
        if len(value) > _max_length(name):
            reasons.append(
                f"the {name} has {len(value):,} characters; the limit is {_max_length(name):,}"
            )
    for name in ("start_year", "end_year"):
        year = row.fields.get(name)
        if year is not None and year > 32767:
            reasons.append(f"the {name} {year} is out of range")
    if row.source_url and not _PARTICIPEDIA_PAGE.fullmatch(row.source_url):
        try:
            URLValidator(schemes=["http", "https"])(row.source_url)
        except ValidationError:
            reasons.append(f"the url {row.source_url[:80]!r} is no web address")
        if len(row.source_url) > _max_length("source_url"):
            reasons.append("the url is too long")
    if not _indexable(row):
        reasons.append("the text has too many different words for the search index")
    return reasons


# PostgreSQL refuses a tsvector whose different words take more than 1 MB together. Checked
# for every row on both databases, so that the import refuses such a row by its line (rather
# than failing at the index) and a dry run, which writes no index, refuses it too. The margin
# leaves room for the place and keys an update keeps from the entry.
_INDEX_BYTES_MAX = (1 << 20) - 1 - 4096
# Casefolding makes at most 3 characters of one, NFKD at most 18 of each, of up to 4 bytes.
_FOLDED_BYTES_PER_CHAR = 3 * 18 * 4


def _indexable(row: participedia.Row) -> bool:
    fields = _IndexFields(row.fields)
    # What the index reads is no longer than the fields (and a separator between keys).
    keys = [*fields.issues, *fields.topics, *fields.purposes, *fields.method_types]
    read = [fields.title, fields.description, fields.body, fields.city, fields.province]
    chars = sum(map(len, [*read, fields.country])) + sum(len(str(key)) + 1 for key in keys)
    if chars * _FOLDED_BYTES_PER_CHAR <= _INDEX_BYTES_MAX:
        return True  # every row but a long one
    texts = index.fields_of(fields)
    if all(part.isascii() for part in texts) and chars <= _INDEX_BYTES_MAX:
        return True  # folding ASCII only lowers it
    folded = sum(len(unicodedata.normalize("NFKD", part.casefold()).encode()) for part in texts)
    if folded <= _INDEX_BYTES_MAX:
        return True  # the words are parts of the folded text
    language = text.index_language(row.fields.get("language"))
    words = {word for part in texts for word in text.stem(text.words(part), language)}
    return sum(len(word.encode()) for word in words) <= _INDEX_BYTES_MAX


class _IndexFields:
    """A row's fields as index.fields_of reads an entry's."""

    def __init__(self, fields: dict):
        self._fields = fields

    def __getattr__(self, name: str):
        value = self._fields.get(name)
        if name in ("issues", "topics", "purposes", "method_types"):
            return value or []
        return value or ""


def _values(row: participedia.Row) -> dict:
    """What a row sets on its entry. A field the file has no column for (a methods file has
    no city) is left as it is."""
    values = {name: row.fields[name] for name in FROM_ROW if name in row.fields}
    values["licence"] = LICENCE
    values["participedia"] = row.participedia
    values["source_url"] = row.source_url
    return values


def _import_batch(rows: list, by, report: ImportReport) -> None:
    ids = [row.source_id for row in rows]
    existing = {entry.source_id: entry for entry in _by_source_id(ids)}
    now = timezone.now()
    new = {
        **_defaults(),
        "source": SOURCE,
        "status": Status.PUBLISHED,
        "added_by_id": by.pk if by is not None else None,
        "created_at": now,
        "updated_at": now,
    }
    created, changed = [], {}
    for row in rows:
        values = _values(row)
        entry = existing.get(row.source_id)
        line = Line(row.line, row.source_id, row.fields["title"])
        if entry is None:
            # A new entry as plain attributes, as an Entry would hold them: what the import
            # reads of it (to write it, its revision, facets and index) is the same, and
            # making a hundred thousand model objects cost a tenth of the import.
            entry = SimpleNamespace(**{**new, **values, "source_id": row.source_id})
            created.append(entry)
            report.created.append(line)
        elif names := _changed(entry, _keeping_our_links(entry, values)):
            for name in names:
                setattr(entry, name, values[name])
            entry.updated_at = now
            changed.setdefault(names, []).append(entry)
            report.updated.append(line)
        else:
            report.unchanged.append(line)
    _insert(Entry, created)
    _found(created)
    # One update per set of changed columns: a second import usually changes a few fields of
    # a few entries, and an UPDATE of every column costs many times one of the title alone.
    for names, entries in changed.items():
        Entry.objects.bulk_update(entries, [*names, "updated_at"], batch_size=500)
    updated = [entry for entries in changed.values() for entry in entries]
    _revise(created, updated, by)
    if (created or updated) and not report.dry_run:
        facets.write(created + updated)
        index.update(created + updated, analyze_after=BATCH + 1)  # analyzed at the end


def _keeping_our_links(entry: Entry, values: dict) -> dict:
    """Sources people added here stay after Participedia's own link (which the row sets)."""
    if "links" in values:
        ours = [link for link in entry.links if link.get("label") != participedia.LINK_LABEL]
        values["links"] = [*values["links"], *ours]
    return values


def _changed(entry: Entry, values: dict) -> tuple[str, ...]:
    return tuple(name for name, value in values.items() if getattr(entry, name) != value)


def _revise(created: list, changed: list, by) -> None:
    """One revision per saved entry, written in one go."""
    latest = (
        dict(
            Revision.objects.filter(entry__in=changed)
            .values("entry")
            .annotate(number=Max("number"))
            .values_list("entry", "number")
        )
        if changed
        else {}
    )
    # Stored in English, whoever ran the import: the history page translates them for its
    # reader (notes.shown).
    now = timezone.now()
    author = by.pk if by is not None else None
    # Plain rows with the fields' names rather than Revision objects, whose construction cost
    # as much as writing them.
    revisions = [_revision(entry, 1, author, notes.IMPORTED, now) for entry in created] + [
        _revision(entry, latest.get(entry.pk, 0) + 1, author, notes.UPDATED, now)
        for entry in changed
    ]
    _insert(Revision, revisions)


def _revision(entry: Entry, number: int, author, note: str, now) -> SimpleNamespace:
    return SimpleNamespace(
        entry_id=entry.pk,
        number=number,
        data=services.snapshot(entry),
        author_id=author,
        note=note,
        created_at=now,
    )


def _insert(model, objects: list) -> None:
    """Add the objects as they are, in one COPY or executemany (bulk.write): the values each
    field saves (cleaned, JSON encoded, as the ORM writes them) without bulk_create's work of
    building a statement of 500 rows, which cost an import more than half its time."""
    fields = [field for field in model._meta.concrete_fields if not field.primary_key]
    # The connection itself: `connection` looks itself up per thread on every use, a third
    # of the cost of preparing millions of values.
    database = connections[DEFAULT_DB_ALIAS]
    prepare = [(field.attname, _saver(field, database)) for field in fields]
    # Prepared as COPY takes them (bulk.write): PostgreSQL writes one while Python prepares
    # the next.
    rows = ([save(getattr(item, name)) for name, save in prepare] for item in objects)
    bulk.write(model._meta.db_table, [field.column for field in fields], rows)


# Field classes whose saved value is the value itself when it already has the stored type:
# their preparation (most of an import's millions of values) can be skipped.
_AS_IS = {
    models.CharField: str,
    models.TextField: str,
    models.URLField: str,
    models.BooleanField: bool,
    models.PositiveSmallIntegerField: int,
    models.PositiveIntegerField: int,
    models.ForeignKey: int,
}


def _saver(field, database):
    """How one field's values are written: as Django prepares them (cleaned, JSON encoded,
    adapted to the database), skipping the work where it gives the value back unchanged, and
    doing it once for the one timestamp every row of an import shares."""
    save = field.get_db_prep_save
    if type(field) in (CleanCharField, CleanTextField):
        # What saving gives back for a str is the cleaned str (core/fields.py), without the
        # steps of Django's preparation in between: millions of title and text values.
        clean = field._clean
        return lambda value: clean(value) if type(value) is str else save(value, database)
    kind = _AS_IS.get(type(field))
    if kind is not None:
        return lambda value: (
            value if value is None or type(value) is kind else save(value, database)
        )
    if type(field) is models.JSONField and field.encoder is None:
        return _json_text
    if isinstance(field, models.DateTimeField):
        # The value last seen (kept alive, so no other object takes its id) and its saved form.
        last = [object(), None]

        def once(value):
            if value is not last[0]:
                last[:] = [value, save(value, database)]
            return last[1]

        return once
    return lambda value: save(value, database)


def _json_text(value):
    """JSON as Django writes it (json.dumps), as text: SQLite stores the text, and COPY
    gives PostgreSQL the text its jsonb reads (bulk.write), without a wrapper per value."""
    if value is None:
        return None
    if type(value) is list and not value:  # most of an entry's lists
        return "[]"
    return json.dumps(value)


def _by_source_id(ids: list[str]):
    """Participedia's entries with these ids. The condition repeats the unique index's own
    (source_id not empty): without it neither SQLite nor PostgreSQL uses that partial index,
    and every batch of an import read the whole table."""
    return Entry.objects.filter(source=SOURCE, source_id__in=ids).exclude(source_id="").order_by()


def _defaults() -> dict:
    """What Entry() sets on a new entry, by attribute name."""
    return {field.attname: field.get_default() for field in Entry._meta.concrete_fields}


def _found(entries: list) -> None:
    """The new entries' ids, read back by their source ids (one query)."""
    ids = dict(_by_source_id([entry.source_id for entry in entries]).values_list("source_id", "pk"))
    for entry in entries:
        entry.pk = entry.id = ids[entry.source_id]
