"""The library's search index, one table per database kind (see library/search/index.py).

SQLite: an FTS5 table whose rowid is the entry's id and whose columns hold the processed words
of the title, the description and the body. PostgreSQL: a table of one weighted tsvector per
entry with a GIN index. On both, triggers drop an entry's row when the entry goes (a delete, or
PostgreSQL's TRUNCATE when tests flush the database), so no row outlives its entry.
"""

from django.db import migrations

from coproduce.core.vendor_sql import run_for_vendor

SQLITE = [
    """CREATE VIRTUAL TABLE library_search USING fts5(
        title, description, body, tokenize='unicode61 remove_diacritics 2')""",
    """CREATE TRIGGER library_search_entry_gone AFTER DELETE ON library_entry
        BEGIN DELETE FROM library_search WHERE rowid = old.id; END""",
]
SQLITE_UNDO = [
    "DROP TRIGGER IF EXISTS library_search_entry_gone",
    "DROP TABLE IF EXISTS library_search",
]

POSTGRESQL = [
    """CREATE TABLE library_search (
        entry_id bigint PRIMARY KEY, document tsvector NOT NULL)""",
    "CREATE INDEX library_search_document ON library_search USING gin (document)",
    """CREATE FUNCTION library_search_entry_gone() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN DELETE FROM library_search WHERE entry_id = OLD.id; RETURN NULL; END $$""",
    """CREATE TRIGGER library_search_entry_gone AFTER DELETE ON library_entry
        FOR EACH ROW EXECUTE FUNCTION library_search_entry_gone()""",
    """CREATE FUNCTION library_search_entries_gone() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN TRUNCATE library_search; RETURN NULL; END $$""",
    """CREATE TRIGGER library_search_entries_gone AFTER TRUNCATE ON library_entry
        FOR EACH STATEMENT EXECUTE FUNCTION library_search_entries_gone()""",
]
POSTGRESQL_UNDO = [
    "DROP TRIGGER IF EXISTS library_search_entries_gone ON library_entry",
    "DROP TRIGGER IF EXISTS library_search_entry_gone ON library_entry",
    "DROP FUNCTION IF EXISTS library_search_entries_gone()",
    "DROP FUNCTION IF EXISTS library_search_entry_gone()",
    "DROP TABLE IF EXISTS library_search",
]


class Migration(migrations.Migration):
    dependencies = [("library", "0001_initial")]

    operations = [
        migrations.RunPython(
            run_for_vendor({"sqlite": SQLITE, "postgresql": POSTGRESQL}),
            run_for_vendor({"sqlite": SQLITE_UNDO, "postgresql": POSTGRESQL_UNDO}),
        ),
    ]
