"""Keeping the search index in step with the entries.

The index holds each entry's processed words (see text.py): in SQLite's FTS5 table
`library_search` (rowid = the entry's id; columns title, description, body) or in PostgreSQL's
`library_search` (entry_id, one tsvector weighted A title, B description, C body). Every
entry is indexed whatever its status; who may find it is decided when searching. The
"description" column also carries the entry's place, issues and topics, so "Bologna" finds the
entries from Bologna even when their text never names it.

Rows go in batches (an import indexes 100,000 entries): one delete and one insert per batch.
A deleted entry's row goes by trigger (see the migration 0002_search_index).
"""

from collections.abc import Iterable

from django.db import connection

from ..models import Entry
from . import text

BATCH = 500
# After this many entries at once (an import), the tables' statistics are refreshed: without
# them SQLite's planner walks every published entry instead of the few that match.
ANALYZE_AFTER = 1000
# The fields read to index an entry (rebuild loads only these).
FIELDS = (
    "id",
    "title",
    "description",
    "body",
    "language",
    "city",
    "province",
    "country",
    "issues",
    "topics",
    "purposes",
    "method_types",
)


def fields_of(entry: Entry) -> tuple[str, str, str]:
    """The entry's title, description and body as the index reads them (not yet processed)."""
    keys = [*entry.issues, *entry.topics, *entry.purposes, *entry.method_types]
    about = [entry.city, entry.province, entry.country, *(str(key) for key in keys)]
    description = "\n".join([entry.description, *(part.replace("_", " ") for part in about)])
    return entry.title, description, text.plain(entry.body)


def update(entries: Iterable[Entry]) -> None:
    """Write (or rewrite) the index rows of these saved entries."""
    entries = list(entries)
    for start in range(0, len(entries), BATCH):
        _write(entries[start : start + BATCH])
    if len(entries) >= ANALYZE_AFTER:
        analyze()


def analyze() -> None:
    """Refresh the planner's statistics of the tables a search reads (well under a second at
    100,000 entries on SQLite, which samples)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ANALYZE library_entry, library_facet, library_search")
        else:
            cursor.execute("ANALYZE library_entry")
            cursor.execute("ANALYZE library_facet")


def remove(ids: Iterable[int]) -> None:
    ids = list(ids)
    column = "rowid" if connection.vendor == "sqlite" else "entry_id"
    with connection.cursor() as cursor:
        for start in range(0, len(ids), BATCH):
            chunk = ids[start : start + BATCH]
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(f"DELETE FROM library_search WHERE {column} IN ({marks})", chunk)  # noqa: S608


def rebuild() -> int:
    """Index every entry afresh (after a restore, or when the processing changed)."""
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM library_search")
    count = 0
    last = 0
    while True:
        batch = list(Entry.objects.filter(pk__gt=last).order_by("pk").only(*FIELDS)[:2000])
        if not batch:
            return count
        update(batch)
        count += len(batch)
        last = batch[-1].pk


def _write(entries: list[Entry]) -> None:
    if connection.vendor == "postgresql":
        _write_postgresql(entries)
    else:
        _write_sqlite(entries)


def _write_sqlite(entries: list[Entry]) -> None:
    rows = []
    for entry in entries:
        language = text.index_language(entry.language)
        rows.append([entry.pk, *(text.index_text(part, language) for part in fields_of(entry))])
    remove([entry.pk for entry in entries])
    with connection.cursor() as cursor:
        cursor.executemany(
            "INSERT INTO library_search (rowid, title, description, body) VALUES (%s, %s, %s, %s)",
            rows,
        )


def _write_postgresql(entries: list[Entry]) -> None:
    params = []
    for entry in entries:
        language = text.index_language(entry.language)
        params += [entry.pk, text.tsvector_literal(list(fields_of(entry)), language)]
    values = ", ".join(["(%s, CAST(%s AS tsvector))"] * len(entries))
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO library_search (entry_id, document) VALUES {values} "  # noqa: S608
            "ON CONFLICT (entry_id) DO UPDATE SET document = EXCLUDED.document",
            params,
        )
