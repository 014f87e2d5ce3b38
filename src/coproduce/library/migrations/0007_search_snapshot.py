"""The entries of the library's common prefixes (and, on SQLite, common words), as the worker
keeps them for one generation of the library (search/snapshot.py): listing the 90,000 entries
of a prefix such as "peta*" costs either index tens of milliseconds, a kept bitmap under one.
On SQLite, a view of the index's words with their entry counts (fts5vocab), from which the
worker picks what to keep."""

from django.db import migrations

from coproduce.core.vendor_sql import run_for_vendor

# A token as a query writes it: "peta*" a prefix, "peta" a whole processed word.
TABLE = """CREATE TABLE library_snapshot (
        token text NOT NULL,
        chunk integer NOT NULL CHECK (chunk >= 0),
        bits {binary} NOT NULL,
        PRIMARY KEY (token, chunk))
"""
# One row: the generation the bitmaps were built for (none yet: NULL), and when (seconds).
STATE = [
    """CREATE TABLE library_snapshot_state (
        id integer PRIMARY KEY CHECK (id = 1),
        generation bigint,
        tokens integer NOT NULL DEFAULT 0,
        built_at double precision)""",
    "INSERT INTO library_snapshot_state (id) VALUES (1)",
]
STATEMENTS = {
    "sqlite": [
        TABLE.format(binary="blob"),
        *STATE,
        "CREATE VIRTUAL TABLE library_search_vocab USING fts5vocab(library_search, row)",
    ],
    "postgresql": [
        TABLE.format(binary="bytea"),
        # Bitmaps hardly compress: kept out of line as they are (as library_common's).
        "ALTER TABLE library_snapshot ALTER COLUMN bits SET STORAGE EXTERNAL",
        *STATE,
    ],
}
UNDO = [
    "DROP TABLE IF EXISTS library_search_vocab",
    "DROP TABLE IF EXISTS library_snapshot_state",
    "DROP TABLE IF EXISTS library_snapshot",
]


class Migration(migrations.Migration):
    dependencies = [("library", "0006_facet_entry_index_once")]

    operations = [
        migrations.RunPython(
            run_for_vendor(STATEMENTS),
            run_for_vendor({"sqlite": UNDO, "postgresql": UNDO[1:]}),
        )
    ]
