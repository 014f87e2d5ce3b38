"""The library's generation: a number that moves with every change to what a search reads,
so a process knows when its in-memory copy is out of date (migration 0004).

Triggers move it whenever an entry changes. Writing an entry's facet rows or its search index
moves it again, so a search that ran between the entry's change and those writes (in the same
transaction) is never kept as the answer for the finished change.

SQLite: one number, replaced by a random one (SQLite writes one transaction at a time, and a
rollback puts the old number back with the old data). PostgreSQL: a log with a row per change,
numbered from a sequence (writers never wait for each other, and a rolled-back change's number
is never used again); the generation is the highest number a transaction sees.
"""

from django.db import connection

# Rows of PostgreSQL's log kept when it is cleaned up (after a large import or a reindex).
KEPT = 100


def current() -> int | None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT max(number) FROM library_change")
        else:
            cursor.execute("SELECT number FROM library_generation")
        row = cursor.fetchone()
    return None if row is None or row[0] is None else int(row[0])


def bump() -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("INSERT INTO library_change DEFAULT VALUES")
        else:
            cursor.execute("UPDATE library_generation SET number = random()")


def tidy() -> None:
    """Drop all but the latest rows of PostgreSQL's log (the highest is all that is read)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "DELETE FROM library_change WHERE number < "
                "(SELECT max(number) FROM library_change) - %s",
                [KEPT],
            )
