"""The entries of the library's most common words, kept beside PostgreSQL's full-text index
(search/common.py): listing the 70,000 entries of a word in most of the library costs the
index 20 ms (every row read), the kept bitmaps under one. SQLite's FTS5 lists them quickly
itself, so there it is nothing."""

from django.db import migrations

POSTGRESQL = [
    """CREATE TABLE library_common (
        lexeme text NOT NULL,
        chunk integer NOT NULL CHECK (chunk >= 0),
        bits bytea NOT NULL,
        PRIMARY KEY (lexeme, chunk))""",
    # Bitmaps of common words hardly compress: kept out of line as they are.
    "ALTER TABLE library_common ALTER COLUMN bits SET STORAGE EXTERNAL",
    """CREATE TABLE library_common_state (
        id integer PRIMARY KEY CHECK (id = 1),
        entries integer NOT NULL,
        refreshed_at timestamp with time zone)""",
    "INSERT INTO library_common_state (id, entries) VALUES (1, 0)",
]
POSTGRESQL_UNDO = [
    "DROP TABLE IF EXISTS library_common_state",
    "DROP TABLE IF EXISTS library_common",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("library", "0004_search_generation")]

    operations = [migrations.RunPython(_run(POSTGRESQL), _run(POSTGRESQL_UNDO))]
