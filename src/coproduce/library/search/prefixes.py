"""The entries of the library's common prefixes, kept by the worker for one state of the library.

Why: a prefix of a few letters ("coop*", "peta*") stands for every word that begins so: at
100,000 entries, dozens of words and tens of thousands of entries. Both indexes list them by
merging all those words' entries, FTS5 in 5-30 ms and PostgreSQL in 25-55 ms (most of it
reading each matching row for its id), and a search needs them all for its counts. So for
every prefix in at least common.COMMON_SHARE of the entries, the worker's sweep keeps its
entries as a bitmap (bits.py), read back in well under a millisecond.

Exact, or not used: the bitmaps are built for one generation of the library (generation.py),
and a search uses them only while the library is at that generation. Any change to an entry
moves it; prefixes then go to the index, as before, until a sweep builds the bitmaps again
(at most once every REBUILD_PAUSE, so that a morning of edits does not keep the worker
building). Nothing is written when entries change: an import or an edit costs what it did.

Building: the index's own words with their entry counts (SQLite's fts5vocab, PostgreSQL's
ts_stat) give the prefixes worth a look, those whose words' entries add up to the threshold;
each is then listed by the index itself, so that a bitmap holds exactly what the index
answers, and kept if it has the threshold's entries.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections import defaultdict

import numpy as np
from django.db import connection, transaction

from .. import generation
from . import bits, common, text

logger = logging.getLogger("coproduce.library")

# Seconds between two builds: after a change, the first sweep builds at once, the next waits.
REBUILD_PAUSE = 300
# Held by the worker building, so that two workers' sweeps never build at once (PostgreSQL).
_BUILD_LOCK = 0x1B_C0_44_02


def _postgresql() -> bool:
    return connection.vendor == "postgresql"


# -- searching ------------------------------------------------------------------------------


def matching(query: text.Query, number: int | None) -> tuple[np.ndarray, text.Query] | None:
    """For a query with prefixes the bitmaps hold: the ids of the entries with each of those
    prefixes (or one of its own stems, `Term.stems_of_prefix`), and the rest of the query, for
    the index to answer (its other terms and its exclusions; it may ask nothing). None when the
    bitmaps cannot help: not built for this generation of the library, no such prefix."""
    asked = [term for term in query.positive if term.prefix]
    if number is None or query.any_of or not asked:
        return None
    known = prefixes(number)
    answered = [term for term in asked if term.words[0] in known]
    if not answered:
        return None
    wanted = sorted({term.words[0] for term in answered})
    with connection.cursor() as cursor:
        # With the state, in one statement: bitmaps built meanwhile for another generation
        # are never read as this one's.
        cursor.execute(
            "SELECT prefix, chunk, bits FROM library_prefix, library_prefix_state "  # noqa: S608
            f"WHERE generation = %s AND prefix IN ({', '.join(['%s'] * len(wanted))})",
            [number, *wanted],
        )
        rows = cursor.fetchall()
    chunks = defaultdict(list)
    for prefix, chunk, packed in rows:
        chunks[prefix].append((chunk, bytes(packed)))
    if len(chunks) < len(wanted):  # built again meanwhile: the index answers
        return None
    found = []
    for term in answered:
        own = term.stems_of_prefix()
        stems = bits.chunks_of(_having_any(own, number)) if own else {}
        found.append(bits.any_of([*chunks[term.words[0]], *stems.items()]))
    rest = text.Query(tuple(term for term in query.terms if term not in answered))
    return bits.ids_of(bits.all_of(found)), rest


_known: dict[str, tuple[tuple, frozenset[str]]] = {}
_knowing = threading.Lock()


def prefixes(number: int) -> frozenset[str]:
    """The prefixes with bitmaps for this generation of the library (none when they were
    built for another). The state is read every time (one row: the worker may have built
    them since), the list of prefixes once per build."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT generation, built_at FROM library_prefix_state WHERE id = 1")
        row = cursor.fetchone()
    if row is None or row[0] != number:
        return frozenset()
    alias, build = connection.alias, tuple(row)
    with _knowing:
        kept = _known.get(alias)
    if kept is not None and kept[0] == build:
        return kept[1]
    with connection.cursor() as cursor:
        cursor.execute("SELECT DISTINCT prefix FROM library_prefix")
        found = frozenset(prefix for (prefix,) in cursor.fetchall())
    with _knowing:
        _known[alias] = (build, found)
    return found


def _having_any(lexemes: list[str], number: int | None) -> np.ndarray:
    """The ids of the entries with any of these whole processed words: the common ones from
    their bitmaps (PostgreSQL, common.py), the others from the index."""
    known = common.words(number)
    found = common.having_any([word for word in lexemes if word in known], number)
    if found is None:
        found = np.zeros(0, dtype=np.int64)
    else:
        lexemes = [word for word in lexemes if word not in known]
    return np.union1d(found, _listed(lexemes)) if lexemes else found


# -- building -------------------------------------------------------------------------------


def rebuild_when_due(now=None) -> bool:
    """A step of the worker's sweep: build the bitmaps again when the library changed since
    they were built, unless they were built less than REBUILD_PAUSE ago."""
    seconds = now.timestamp() if now is not None else time.time()
    number = generation.current()
    with connection.cursor() as cursor:
        cursor.execute("SELECT generation, built_at FROM library_prefix_state WHERE id = 1")
        row = cursor.fetchone()
    if row is None or number is None or row[0] == number:
        return False
    if row[1] is not None and seconds - row[1] < REBUILD_PAUSE:
        return False
    return rebuild() is not None


def rebuild() -> int | None:
    """Build the bitmaps for the library as it is now; how many prefixes have one (None:
    another worker is building them)."""
    # Read first: a change made while building moves the generation, and bitmaps built for
    # this number are then never used (the next sweep builds them again).
    number = generation.current()
    if _postgresql():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [_BUILD_LOCK])
            if not cursor.fetchone()[0]:
                return None
    try:
        started = time.perf_counter()
        kept = _build()
        _store(number, kept)
    finally:
        if _postgresql():
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [_BUILD_LOCK])
    logger.info(
        "Library: %s common prefixes kept in %.1f s", len(kept), time.perf_counter() - started
    )
    return len(kept)


def _build() -> dict[str, dict[int, bytes]]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM library_search")
        entries = cursor.fetchone()[0]
    threshold = max(common.COMMON_MIN, math.ceil(entries * common.COMMON_SHARE))
    kept = {}
    if entries < threshold:
        return kept
    for prefix in candidates(_vocabulary(), threshold):
        ids = _listed([prefix], prefix=True)
        if ids.size >= threshold:
            kept[prefix] = bits.chunks_of(ids)
    return kept


def candidates(vocabulary: list[tuple[str, int]], threshold: int) -> list[str]:
    """The prefixes whose words' entry counts add up to the threshold: only these can be in
    that many entries (a word's entries are counted once per word, so the sum is at least
    the prefix's own count)."""
    sums: defaultdict[str, int] = defaultdict(int)
    for word, count in vocabulary:
        for end in range(1, len(word) + 1):
            sums[word[:end]] += count
    return sorted(prefix for prefix, total in sums.items() if total >= threshold)


def _vocabulary() -> list[tuple[str, int]]:
    """Every word of the index with the number of entries it is in."""
    with connection.cursor() as cursor:
        if _postgresql():
            cursor.execute("SELECT word, ndoc FROM ts_stat('SELECT document FROM library_search')")
        else:
            cursor.execute("SELECT term, doc FROM library_search_vocab")
        return cursor.fetchall()


def _listed(tokens: list[str], prefix: bool = False) -> np.ndarray:
    """The ids of the entries with any of these processed words (`prefix`: with a word
    beginning as one of them does), as the index lists them."""
    if _postgresql():
        sql = "SELECT library_matching(CAST(%s AS tsquery), -1)"
        expression = " | ".join(text.ts_quote(token) + ":*" * prefix for token in tokens)
    else:
        sql = "SELECT group_concat(rowid) FROM library_search WHERE library_search MATCH %s"
        expression = " OR ".join(text.fts5_quote(token) + "*" * prefix for token in tokens)
    with connection.cursor() as cursor:
        cursor.execute(sql, [expression])
        joined = cursor.fetchone()[0]
    return np.fromstring(joined, dtype=np.int64, sep=",") if joined else np.zeros(0, np.int64)


def _store(number: int | None, kept: dict[str, dict[int, bytes]]) -> None:
    rows = [
        (prefix, chunk, packed)
        for prefix, chunks in kept.items()
        for chunk, packed in chunks.items()
    ]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM library_prefix")
        cursor.executemany(
            "INSERT INTO library_prefix (prefix, chunk, bits) VALUES (%s, %s, %s)", rows
        )
        cursor.execute(
            "UPDATE library_prefix_state SET generation = %s, prefixes = %s, built_at = %s "
            "WHERE id = 1",
            [number, len(kept), time.time()],
        )
