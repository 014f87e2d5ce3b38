"""Participedia's CSV exports imported into the shared library.

The person running the import is trusted (it is a command for whoever runs the site), so the
entries are published at once, with Participedia's id and page as their source: a second import
of the same file finds them again and updates only what changed. By default the import is all or
nothing: one bad line and nothing is saved, and every bad line is named. With
``skip_bad_rows`` the good lines are saved and the bad ones listed as skipped.

Fast enough for a whole Participedia export (100,000 rows in well under a minute on SQLite):
entries, revisions, facets and the search index are written in batches, never row by row.
"""

import functools
import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext

from . import participedia, services
from .models import BODY_MAX, Entry, Revision, Status

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
    parsed = participedia.read(data, body_max=BODY_MAX)
    rows, refused = _checked(parsed)
    report = ImportReport(refused=refused, unknown_values=parsed.unknown, dry_run=dry_run)
    if parsed.fatal or (refused and not skip_bad_rows):
        return report
    # A dry run does all the work in a transaction it then rolls back: what it reports is
    # exactly what the import would do, database checks included.
    with transaction.atomic():
        for start in range(0, len(rows), BATCH):
            _import_batch(rows[start : start + BATCH], by, report)
        if dry_run:
            transaction.set_rollback(True)
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
    return reasons


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
    created, changed = [], {}
    for row in rows:
        values = _values(row)
        entry = existing.get(row.source_id)
        line = Line(row.line, row.source_id, row.fields["title"])
        if entry is None:
            entry = Entry(
                **values,
                source=SOURCE,
                source_id=row.source_id,
                status=Status.PUBLISHED,
                added_by=by,
                created_at=now,
                updated_at=now,
            )
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
    if created or updated:
        services.refresh_derived(created + updated)


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
    new_note = gettext("Imported from Participedia")
    update_note = gettext("Updated from Participedia")
    revisions = [
        Revision(entry=entry, number=1, data=services.snapshot(entry), author=by, note=new_note)
        for entry in created
    ] + [
        Revision(
            entry=entry,
            number=latest.get(entry.pk, 0) + 1,
            data=services.snapshot(entry),
            author=by,
            note=update_note,
        )
        for entry in changed
    ]
    _insert(Revision, revisions)


def _insert(model, objects: list, batch: int = 1000) -> None:
    """INSERT the objects as they are, in one executemany per batch: the values each field
    saves (cleaned, JSON encoded, as the ORM writes them) without bulk_create's work of
    building a statement of 500 rows, which cost an import more than half its time."""
    fields = [field for field in model._meta.concrete_fields if not field.primary_key]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in fields)
    marks = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES ({marks})"  # noqa: S608
    with connection.cursor() as cursor:
        for start in range(0, len(objects), batch):
            cursor.executemany(
                sql,
                [
                    [
                        field.get_db_prep_save(getattr(item, field.attname), connection)
                        for field in fields
                    ]
                    for item in objects[start : start + batch]
                ],
            )


def _by_source_id(ids: list[str]):
    """Participedia's entries with these ids. The condition repeats the unique index's own
    (source_id not empty): without it neither SQLite nor PostgreSQL uses that partial index,
    and every batch of an import read the whole table."""
    return Entry.objects.filter(source=SOURCE, source_id__in=ids).exclude(source_id="").order_by()


def _found(entries: list) -> None:
    """The new entries' ids, read back by their source ids (one query)."""
    ids = dict(_by_source_id([entry.source_id for entry in entries]).values_list("source_id", "pk"))
    for entry in entries:
        entry.pk = ids[entry.source_id]
        entry._state.adding = False
        entry._state.db = connection.alias
