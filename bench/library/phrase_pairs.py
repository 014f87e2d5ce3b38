"""Would an index of word pairs make phrases quick on PostgreSQL? A probe, not the engine.

A phrase of two common words is checked entry by entry today: PostgreSQL's full-text index
gives the entries with both words, and each one's positions are then read to see whether the
words stand side by side. This probe stores each entry's adjacent words ("word+word", read from
the positions in its document) as a second tsvector with its own GIN index, counts the matches
of phrases taken as bench/library/search.py takes them (words 10 and 11 of random bodies), the
way the engine asks today and through the pairs, checks that both give the same count, and
prints the times and the space the pairs take. It works on a copy of the index (a table of its
own, dropped at the end): the benchmark's library is left as it was.

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/x
    .venv/bin/python bench/library/search.py --keep
    .venv/bin/python bench/library/phrase_pairs.py [--phrases 60]

It reads the library search.py keeps (the database coproduce_bench_library).
"""

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DSN = "host=127.0.0.1 user=postgres dbname=coproduce_bench_library"

PROBE = "library_search_pairs_probe"
# A fresh copy of the documents with their pairs: measured against each other on one table.
PAIRS = f"""
DROP TABLE IF EXISTS {PROBE};
CREATE TABLE {PROBE} AS SELECT entry_id, document FROM library_search;
ALTER TABLE {PROBE} ADD COLUMN pairs tsvector;
UPDATE {PROBE} s SET pairs = q.pairs FROM (
  WITH u AS (
    SELECT entry_id, t.lexeme, p FROM {PROBE}, unnest(document) t, unnest(t.positions) p
  )
  SELECT a.entry_id, array_to_tsvector(array_agg(DISTINCT a.lexeme || '+' || b.lexeme)) pairs
  FROM u a JOIN u b ON a.entry_id = b.entry_id AND b.p = a.p + 1 GROUP BY a.entry_id
) q WHERE q.entry_id = s.entry_id;
CREATE INDEX {PROBE}_document ON {PROBE} USING gin (document);
CREATE INDEX {PROBE}_pairs ON {PROBE} USING gin (pairs);
"""
SIZE = "SELECT pg_total_relation_size(%s)"


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def timed(cursor, sql: str, args: list) -> tuple[float, int]:
    start = time.perf_counter()
    cursor.execute(sql, args)
    count = cursor.fetchone()[0]
    return (time.perf_counter() - start) * 1000, count


def phrases(cursor, wanted: int) -> list[tuple[str, str]]:
    from coproduce.library.search import text

    cursor.execute("SELECT body FROM library_entry ORDER BY random() LIMIT %s", [wanted])
    found = []
    for (body,) in cursor.fetchall():
        words = [text.index_text(word, "english").split() for word in body.split()[10:12]]
        if len(words) == 2 and all(words):
            found.append((words[0][0], words[1][0]))
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--phrases", type=int, default=60)
    options = parser.parse_args()
    sys.path.insert(0, str(ROOT / "src"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coproduce.settings")
    import django
    import psycopg

    django.setup()
    with psycopg.connect(DSN, autocommit=True) as connection, connection.cursor() as cursor:
        start = time.perf_counter()
        cursor.execute(PAIRS)
        cursor.execute(f"VACUUM ANALYZE {PROBE}")
        built = time.perf_counter() - start
        try:
            cursor.execute(SIZE, ["library_search"])
            before = cursor.fetchone()[0]
            cursor.execute(SIZE, [PROBE])
            after = cursor.fetchone()[0]
            today, pairs, same, most = [], [], 0, 0
            for first, second in phrases(cursor, options.phrases):
                phrase = f"'{first}' <-> '{second}'"
                pair = f"'{first}+{second}'"
                sql = f"SELECT count(*) FROM {PROBE} WHERE document @@ CAST(%s AS tsquery)"
                ms, count = timed(cursor, sql, [phrase])
                today.append(ms)
                sql = f"SELECT count(*) FROM {PROBE} WHERE pairs @@ CAST(%s AS tsquery)"
                ms, paired = timed(cursor, sql, [pair])
                pairs.append(ms)
                same += count == paired
                most = max(most, count)
        finally:
            cursor.execute(f"DROP TABLE IF EXISTS {PROBE}")
    print(f"{len(today)} two-word phrases, up to {most:,} matches; pairs built in {built:.0f} s\n")
    print("| counting the matches | p50 ms | p95 ms |\n|---|---|---|")
    for label, times in (("the phrase in the document (today)", today), ("the pair", pairs)):
        print(f"| {label} | {percentile(times, 0.5):.1f} | {percentile(times, 0.95):.1f} |")
    print(f"\nSame count both ways: {same} of {len(today)}")
    sizes = (
        f"{before / 2**20:.0f} MB; the copy with its pairs and both indexes {after / 2**20:.0f} MB"
    )
    print(f"library_search with its indexes: {sizes}")
    return 0 if same == len(today) else 1


if __name__ == "__main__":
    sys.exit(main())
