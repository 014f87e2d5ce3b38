"""What the search keeps in memory, and when to read it again (see library/search/engine.py).

Every change to the entries gives the library a new generation number, by trigger, so bulk
writes, cascades and flushes count too (see library/generation.py). A process compares it with
the number its in-memory copy was read at. SQLite keeps one number, replaced by a random one:
a rolled-back transaction puts back the old number, and a counter would then give the next
change a number already used for other data. PostgreSQL keeps a log (see there).

The index also gains the titles' words on their own (SQLite: the FTS5 table
`library_search_title`; PostgreSQL: the column `title_document` with its GIN index): ranking a
common word reads only the entries with it in their title, and their short titles, instead of
every matching document. And `library_matching` lists the
entries matching a query through the full-text index whatever the planner would choose.
"""

from django.db import migrations

from coproduce.core.vendor_sql import run_for_vendor

SQLITE = [
    "CREATE TABLE library_generation (number bigint NOT NULL)",
    "INSERT INTO library_generation (number) VALUES (random())",
    *(
        f"""CREATE TRIGGER library_generation_{event.lower()} AFTER {event} ON library_entry
            BEGIN UPDATE library_generation SET number = random(); END"""
        for event in ("INSERT", "UPDATE", "DELETE")
    ),
    # The titles' words on their own, for ranking a common word by its titles first (see
    # the PostgreSQL part): filled from the index as it is, then kept by index.py.
    """CREATE VIRTUAL TABLE library_search_title USING fts5(
        title, tokenize='unicode61 remove_diacritics 2')""",
    "INSERT INTO library_search_title (rowid, title) SELECT rowid, title FROM library_search",
    """CREATE TRIGGER library_search_title_entry_gone AFTER DELETE ON library_entry
        BEGIN DELETE FROM library_search_title WHERE rowid = old.id; END""",
]
SQLITE_UNDO = [
    "DROP TRIGGER IF EXISTS library_search_title_entry_gone",
    "DROP TABLE IF EXISTS library_search_title",
    *(f"DROP TRIGGER IF EXISTS library_generation_{e}" for e in ("insert", "update", "delete")),
    "DROP TABLE IF EXISTS library_generation",
]

POSTGRESQL = [
    # PostgreSQL runs writers side by side: one shared row updated by every change would make
    # each transaction that changes an entry wait for every other (an import would hold up
    # every edit, and two could deadlock). Each change adds a row instead, numbered from a
    # sequence, whose numbers a rollback never gives back; the generation is the highest.
    "CREATE TABLE library_change (number bigserial PRIMARY KEY)",
    "INSERT INTO library_change DEFAULT VALUES",
    """CREATE FUNCTION library_change_made() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN INSERT INTO library_change DEFAULT VALUES; RETURN NULL; END $$""",
    # Statements that changed no row (an UPDATE matching nothing) are no change.
    *(
        f"""CREATE FUNCTION library_change_{event}() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN IF EXISTS (SELECT 1 FROM {table}) THEN
                INSERT INTO library_change DEFAULT VALUES; END IF; RETURN NULL; END $$"""
        for event, table in (("insert", "made"), ("update", "made"), ("delete", "gone"))
    ),
    """CREATE TRIGGER library_change_insert AFTER INSERT ON library_entry
        REFERENCING NEW TABLE AS made
        FOR EACH STATEMENT EXECUTE FUNCTION library_change_insert()""",
    """CREATE TRIGGER library_change_update AFTER UPDATE ON library_entry
        REFERENCING NEW TABLE AS made
        FOR EACH STATEMENT EXECUTE FUNCTION library_change_update()""",
    """CREATE TRIGGER library_change_delete AFTER DELETE ON library_entry
        REFERENCING OLD TABLE AS gone
        FOR EACH STATEMENT EXECUTE FUNCTION library_change_delete()""",
    """CREATE TRIGGER library_change_truncate AFTER TRUNCATE ON library_entry
        FOR EACH STATEMENT EXECUTE FUNCTION library_change_made()""",
    "ALTER TABLE library_search ADD COLUMN title_document tsvector NOT NULL DEFAULT ''",
    # The title is the document's weight A: the rows indexed before this column have theirs.
    "UPDATE library_search SET title_document = ts_filter(document, '{a}')",
    "CREATE INDEX library_search_title ON library_search USING gin (title_document)",
    # The ids of the entries matching a query, at most `most` (-1: all), joined by commas.
    # The planner's estimates do not count the cost of reading each document, so for a word
    # in most of the library it chose to read every document (ten times slower than the
    # index at 100,000 entries); the function's own setting rules that out for this query
    # alone. LIMIT NULL is no limit.
    """CREATE FUNCTION library_matching(query tsquery, most integer) RETURNS text
        LANGUAGE sql STABLE SET enable_seqscan = off AS $$
        SELECT string_agg(entry_id::text, ',') FROM (
            SELECT entry_id FROM library_search WHERE document @@ query
            LIMIT CASE WHEN most < 0 THEN NULL ELSE most END) AS matching $$""",
]
POSTGRESQL_UNDO = [
    "DROP FUNCTION IF EXISTS library_matching(tsquery, integer)",
    "DROP INDEX IF EXISTS library_search_title",
    "ALTER TABLE library_search DROP COLUMN IF EXISTS title_document",
    *(
        f"DROP TRIGGER IF EXISTS library_change_{event} ON library_entry"
        for event in ("insert", "update", "delete", "truncate")
    ),
    *(
        f"DROP FUNCTION IF EXISTS library_change_{name}()"
        for name in ("made", "insert", "update", "delete")
    ),
    "DROP TABLE IF EXISTS library_change",
]


class Migration(migrations.Migration):
    dependencies = [("library", "0003_entry_title_index")]

    operations = [
        migrations.RunPython(
            run_for_vendor({"sqlite": SQLITE, "postgresql": POSTGRESQL}),
            run_for_vendor({"sqlite": SQLITE_UNDO, "postgresql": POSTGRESQL_UNDO}),
        ),
    ]
