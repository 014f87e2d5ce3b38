"""The entries of each pair of common words found side by side, as the worker keeps them on
PostgreSQL for one generation of the library (search/snapshot.py): a phrase of two common
words was checked entry by entry, reading the positions of every entry with both words
(300-470 ms at 100,000 entries); its entries are now one row. The state records the words
whose every pair is kept, so that a pair of them missing from the table has no entries."""

from django.db import migrations

from coproduce.core.vendor_sql import run_for_vendor

# ids: the entries' ids, comma-separated (read as the index's own lists are, engine._id_list).
POSTGRESQL = [
    "CREATE TABLE library_snapshot_pair (pair text PRIMARY KEY, ids text NOT NULL)",
    "ALTER TABLE library_snapshot_state ADD COLUMN paired text[] NOT NULL DEFAULT '{}'",
]
POSTGRESQL_UNDO = [
    "ALTER TABLE library_snapshot_state DROP COLUMN IF EXISTS paired",
    "DROP TABLE IF EXISTS library_snapshot_pair",
]


class Migration(migrations.Migration):
    dependencies = [("library", "0007_search_snapshot")]

    operations = [
        migrations.RunPython(
            run_for_vendor({"postgresql": POSTGRESQL}),
            run_for_vendor({"postgresql": POSTGRESQL_UNDO}),
        )
    ]
