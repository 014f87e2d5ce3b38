"""Keeping the search index in step with the entries.

The index holds each entry's processed words (see text.py): in SQLite's FTS5 table
`library_search` (rowid = the entry's id; columns title, description, body) or in PostgreSQL's
`library_search` (entry_id, one tsvector weighted A title, B description, C body, and the
title's alone in title_document). Every
entry is indexed whatever its status; who may find it is decided when searching. The
"description" column also carries the entry's place (its country in every language of the site),
issues and topics, so "Bologna" finds the entries from Bologna even when their text never names
it, and "Italia" finds them too.

Rows go in batches (an import indexes 100,000 entries): one delete and one insert per batch.
A deleted entry's row goes by trigger (see the migration 0002_search_index).
"""

from collections.abc import Iterable

from django.db import connection, transaction

from coproduce.core.countries import country_names

from .. import bulk, generation
from ..models import Entry
from . import common, text

BATCH = 2000
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
    # The country by its name in each of the site's languages too: a reader searching in
    # Spanish types "Reino Unido" for an entry stored as "United Kingdom".
    about = [entry.city, entry.province, *country_names(entry.country), *map(str, keys)]
    description = "\n".join([entry.description, *(part.replace("_", " ") for part in about)])
    return entry.title, description, text.plain(entry.body)


def update(entries: Iterable[Entry], *, analyze_after: int = ANALYZE_AFTER) -> None:
    """Write (or rewrite) the index rows of these saved entries, and refresh the statistics
    if there are `analyze_after` of them or more (an import writing batch after batch analyzes
    once, at its end: per batch, the statistics cost it a third of its time)."""
    entries = list(entries)
    for start in range(0, len(entries), BATCH):
        _write(entries[start : start + BATCH])
    generation.bump()  # matches a search remembered are out of date
    if len(entries) >= analyze_after:
        analyze()


def analyze() -> None:
    """Refresh the planner's statistics of the tables a search reads (well under a second at
    100,000 entries on SQLite, which samples), tidy the log of changes, and file the index's
    newest words where searches look first."""
    generation.tidy()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ANALYZE library_entry, library_facet, library_search")
        else:
            cursor.execute("ANALYZE library_entry")
            cursor.execute("ANALYZE library_facet")
    file_pending()


# PostgreSQL's full-text indexes (GIN) take new rows into a pending list, moved into the index
# proper only when the list reaches 4 MB (gin_pending_list_limit) or a vacuum runs. Until then
# every search reads the whole list as well: after the benchmark's import, 486 pages, 2-3 ms
# on every word looked up, and a phrase's check 6.6 ms at the median rather than 3.3. Owners
# only (PostgreSQL refuses anyone else): a site whose tables belong to another role leaves
# the lists to its autovacuum.
_FILE_PENDING = """
SELECT gin_clean_pending_list(oid) FROM pg_class
WHERE oid IN ('library_search_document'::regclass, 'library_search_title'::regclass)
    AND pg_has_role(relowner, 'USAGE')
"""


def file_pending(now=None) -> int:
    """Move the rows waiting in PostgreSQL's pending lists into its full-text indexes (after
    an import, and at every sweep of the worker for the trickle of edits); how many pages
    were moved. `now` is the sweep's, unused."""
    if connection.vendor != "postgresql":
        return 0
    with connection.cursor() as cursor:
        cursor.execute(_FILE_PENDING)
        return sum(pages for (pages,) in cursor.fetchall())


def remove(ids: Iterable[int]) -> None:
    ids = list(ids)
    column = "rowid" if connection.vendor == "sqlite" else "entry_id"
    with connection.cursor() as cursor:
        for start in range(0, len(ids), BATCH):
            chunk = ids[start : start + BATCH]
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(f"DELETE FROM library_search WHERE {column} IN ({marks})", chunk)  # noqa: S608
            if connection.vendor == "sqlite":
                cursor.execute(f"DELETE FROM library_search_title WHERE rowid IN ({marks})", chunk)  # noqa: S608
    generation.bump()


@transaction.atomic  # searches see the old index until the new one is whole
def rebuild() -> int:
    """Index every entry afresh (after a restore, or when the processing changed); returns
    how many entries were indexed."""
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM library_search")
        if connection.vendor == "sqlite":
            cursor.execute("DELETE FROM library_search_title")
    count = 0
    last = 0
    # Every entry's bits rewritten once, at the end; collector and cache as for an import.
    with common.deferred(), bulk.collector_paused(), bulk.large_cache():
        while True:
            batch = list(Entry.objects.filter(pk__gt=last).order_by("pk").only(*FIELDS)[:BATCH])
            if not batch:
                break
            update(batch, analyze_after=BATCH + 1)  # analyzed once, at the end
            count += len(batch)
            last = batch[-1].pk
    if count:
        analyze()
    return count


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
    bulk.write("library_search", ("rowid", "title", "description", "body"), rows)
    # The title's words again on their own: ranking a common word starts from the entries
    # with it in their title (engine.py), which this table finds without reading the rest.
    bulk.write("library_search_title", ("rowid", "title"), [row[:2] for row in rows])


def _write_postgresql(entries: list[Entry]) -> None:
    remove([entry.pk for entry in entries])
    lexemes: dict[int, Iterable[str]] = {}

    def rows():
        # Each row made as COPY takes it: PostgreSQL indexes one while Python makes the next.
        # COPY reads the literals as CAST(... AS tsvector) would. The title's own column:
        # ranking a common word starts from the entries with it in their title (engine.py).
        for entry in entries:
            language = text.index_language(entry.language)
            literals = text.tsvector_literals(list(fields_of(entry)), language)
            lexemes[entry.pk] = literals.lexemes
            yield entry.pk, literals.document, literals.title

    bulk.write("library_search", ("entry_id", "document", "title_document"), rows())
    common.indexed(lexemes)  # the bitmaps of the common words follow the index
