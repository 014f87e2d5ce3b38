"""Writing many rows at once, as an import does: PostgreSQL's COPY, or SQLite's executemany.

COPY takes the rows as one stream, where an INSERT per row (even pipelined) costs PostgreSQL
a statement each: about five times as fast for the hundreds of thousands of rows (entries,
revisions, facets, index rows) of a large import. Both take the values as prepared for the
database (see imports._saver) and check every constraint as an INSERT would.

Rows may come from a generator: PostgreSQL then reads, checks and indexes each row while
Python works out the next, so on a machine with two cores the database's half of the work
costs next to no time.
"""

import contextlib
import gc
from collections.abc import Iterable, Iterator, Sequence

from django.db import DEFAULT_DB_ALIAS, connections


def write(table: str, columns: Sequence[str], rows: Iterable[Sequence]) -> None:
    """Add the rows (each a sequence of values in the order of `columns`) to the table."""
    # The connection itself rather than the per-thread proxy (looked up on every use).
    database = connections[DEFAULT_DB_ALIAS]
    quote = database.ops.quote_name
    names = ", ".join(quote(column) for column in columns)
    with database.cursor() as cursor:
        if database.vendor == "postgresql":
            statement = f"COPY {quote(table)} ({names}) FROM STDIN"
            # Errors as Django's (DataError, IntegrityError), like those of any other query.
            with database.wrap_database_errors, cursor.copy(statement) as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(columns))
            insert = f"INSERT INTO {quote(table)} ({names}) VALUES ({marks})"  # noqa: S608
            cursor.executemany(insert, list(rows))  # a list: Django's query log counts them


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cycle collector held off for the length of a bulk job. An import keeps
    hundreds of thousands of parsed rows alive and makes millions of small lists, so the
    collector ran again and again over everything alive: a third of the import's CPU, finding
    a few cycles it may as well find afterwards. Leaves the collector as it found it (a job
    inside another, or one already paused, changes nothing)."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


# SQLite's page cache for a bulk job, in KiB (a negative cache_size is KiB): the default 2 MB
# kept re-reading the pages of the entries' and facets' indexes as they grew, and 100,000
# entries imported 7 to 9 % faster with this. Only for the job's length: every connection has
# its own cache.
BULK_CACHE_KIB = 128 * 1024


@contextlib.contextmanager
def large_cache() -> Iterator[None]:
    """SQLite's page cache enlarged for the length of a bulk job (PostgreSQL's is the
    server's)."""
    database = connections[DEFAULT_DB_ALIAS]
    if database.vendor != "sqlite":
        yield
        return
    with database.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        (before,) = cursor.fetchone()
        cursor.execute(f"PRAGMA cache_size = -{BULK_CACHE_KIB}")
    try:
        yield
    finally:
        with database.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(before)}")
