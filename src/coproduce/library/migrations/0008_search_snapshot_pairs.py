"""The entries of each pair of frequent words found side by side, as the worker keeps them on
PostgreSQL for one generation of the library (search/snapshot.py): a phrase of two common
words was checked entry by entry, reading the positions of every entry with both words
(300-470 ms at 100,000 entries); its entries are now one row. The state records the words
whose every pair is kept, so that a pair of them missing from the table has no entries.

The snapshot's tables are unlogged: what they hold is built again from the index, and a build
rewrote 630 MB of write-ahead log at 100,000 entries, for the server to write twice and ship
to its replicas every few minutes while people edit. After a crash PostgreSQL empties them,
state included; searches then go to the index until the worker's next sweep builds them."""

from django.db import migrations

from coproduce.core.vendor_sql import run_for_vendor

# ids: the entries' ids, comma-separated (read as the index's own lists are, engine._id_list).
POSTGRESQL = [
    "CREATE UNLOGGED TABLE library_snapshot_pair (pair text PRIMARY KEY, ids text NOT NULL)",
    "ALTER TABLE library_snapshot_state ADD COLUMN paired text[] NOT NULL DEFAULT '{}'",
    "ALTER TABLE library_snapshot SET UNLOGGED",
    "ALTER TABLE library_snapshot_state SET UNLOGGED",
]
POSTGRESQL_UNDO = [
    "ALTER TABLE library_snapshot_state SET LOGGED",
    "ALTER TABLE library_snapshot SET LOGGED",
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
