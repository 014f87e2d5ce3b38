"""The entries of the library's common prefixes (and, on SQLite, common words), kept by the
worker for one generation of the library.

Why: a prefix of a few letters ("coop*", "peta*") stands for every word that begins so: at
100,000 entries, dozens of words and tens of thousands of entries. Both indexes list them by
merging all those words' entries, FTS5 in 5-30 ms and PostgreSQL in 25-55 ms (most of it
reading each matching row for its id), and a search needs them all for its counts. A word
in most of the library costs FTS5 a few milliseconds to list too. So for every prefix (and,
on SQLite, every word) in at least common.COMMON_SHARE of the entries, the worker's sweep
keeps its entries as a bitmap (bits.py), read back in well under a millisecond. PostgreSQL
keeps its common words' bitmaps up to date as entries are written (common.py).

Exact, or not used: the bitmaps are built for one generation of the library (generation.py),
and a search uses them only while the library is at that generation. Any change to an entry
moves it; searches then go to the index, as before, until a sweep builds the bitmaps again
(at most once every REBUILD_PAUSE, so that a morning of edits does not keep the worker
building). Nothing is written when entries change: an import or an edit costs what it did.

Building: the index's own words with their entry counts (SQLite's fts5vocab, PostgreSQL's
ts_stat) give the words and the prefixes worth a look, those whose words' entries add up to
the threshold; each is then listed by the index itself, so that a bitmap holds exactly what
the index answers, and kept if it has the threshold's entries. A bitmap's token is written as
a query writes it: "peta*" the prefix, "peta" the whole word.
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


def _keeps_words() -> bool:
    """PostgreSQL keeps its common words' bitmaps as entries are written (common.py)."""
    return not _postgresql()


# -- searching ------------------------------------------------------------------------------


def matching(query: text.Query, number: int | None) -> tuple[np.ndarray, text.Query] | None:
    """For a query with terms the bitmaps hold (a prefix; on SQLite, a word): the ids of the
    entries with each of those terms, and the rest of the query for the index to answer (its
    other terms and its exclusions; it may ask nothing). None when the bitmaps cannot help:
    not built for this generation of the library, no such term."""
    if number is None or query.any_of:
        return None
    if not _keeps_words() and not any(term.prefix for term in query.positive):
        return None  # nothing to look up: skip even the state's row
    kept = kept_tokens(number)
    if not kept:
        return None
    answered = {term: _tokens_of(term) for term in query.positive}
    answered = {term: pair for term, pair in answered.items() if kept.intersection(pair[0])}
    if not answered:
        return None
    # A word stands for its English and its Spanish stem, a prefix for its own stems too:
    # those kept come from the bitmaps, the others (in fewer entries) from the index.
    wanted = {token for own, others in answered.values() for token in own + others}
    chunks = _chunks(kept & wanted, number)
    if chunks is None:
        return None
    found = []
    for satisfying in (own + others for own, others in answered.values()):
        listed = [token for token in satisfying if token not in chunks]
        extra = bits.chunks_of(_having_any(listed, number)) if listed else {}
        held = [chunk for token in satisfying for chunk in chunks.get(token, [])]
        found.append(bits.any_of([*held, *extra.items()]))
    rest = text.Query(tuple(term for term in query.terms if term not in answered))
    return bits.ids_of(bits.all_of(found)), rest


def _tokens_of(term: text.Term) -> tuple[list[str], list[str]]:
    """The tokens that satisfy the term, as bitmaps are named ("peta*", "pet"; a phrase has
    none), and its other tokens: a prefix's own stems, whole words."""
    if term.prefix:
        return [term.words[0] + "*"], term.stems_of_prefix()
    return (text.single_words(term) if _keeps_words() else []), []


def _chunks(wanted: set[str], number: int) -> dict[str, list[tuple[int, bytes]]] | None:
    """Each token's chunks; None when one of them is missing (built again meanwhile)."""
    if not wanted:
        return {}
    ordered = sorted(wanted)
    with connection.cursor() as cursor:
        # With the state, in one statement: bitmaps built meanwhile for another generation
        # are never read as this one's.
        cursor.execute(
            "SELECT token, chunk, bits FROM library_snapshot, library_snapshot_state "  # noqa: S608
            f"WHERE generation = %s AND token IN ({', '.join(['%s'] * len(ordered))})",
            [number, *ordered],
        )
        rows = cursor.fetchall()
    chunks = defaultdict(list)
    for token, chunk, packed in rows:
        chunks[token].append((chunk, bytes(packed)))
    return chunks if len(chunks) == len(ordered) else None


_known: dict[str, tuple[tuple, frozenset[str]]] = {}
_knowing = threading.Lock()


def kept_tokens(number: int) -> frozenset[str]:
    """The tokens with bitmaps for this generation of the library (none when they were built
    for another). The state is read every time (one row: the worker may have built them
    since), the list of tokens once per build."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT generation, built_at FROM library_snapshot_state WHERE id = 1")
        row = cursor.fetchone()
    if row is None or row[0] != number:
        return frozenset()
    alias, build = connection.alias, tuple(row)
    with _knowing:
        kept = _known.get(alias)
    if kept is not None and kept[0] == build:
        return kept[1]
    with connection.cursor() as cursor:
        cursor.execute("SELECT DISTINCT token FROM library_snapshot")
        found = frozenset(token for (token,) in cursor.fetchall())
    with _knowing:
        _known[alias] = (build, found)
    return found


def _having_any(lexemes: list[str], number: int | None) -> np.ndarray:
    """The ids of the entries with any of these whole processed words: PostgreSQL's common
    ones from their bitmaps (common.py), the others from the index."""
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
        cursor.execute("SELECT generation, built_at FROM library_snapshot_state WHERE id = 1")
        row = cursor.fetchone()
    if row is None or number is None or row[0] == number:
        return False
    if row[1] is not None and seconds - row[1] < REBUILD_PAUSE:
        return False
    return rebuild() is not None


def rebuild() -> int | None:
    """Build the bitmaps for the library as it is now; how many tokens have one (None:
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
    seconds = time.perf_counter() - started
    logger.info("Library: %s common words and prefixes kept in %.1f s", len(kept), seconds)
    return len(kept)


def _build() -> dict[str, dict[int, bytes]]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM library_search")
        entries = cursor.fetchone()[0]
    threshold = max(common.COMMON_MIN, math.ceil(entries * common.COMMON_SHARE))
    kept = {}
    if entries < threshold:
        return kept
    vocabulary = _vocabulary()
    words = [word for word, count in vocabulary if count >= threshold] if _keeps_words() else []
    for token in [*words, *(prefix + "*" for prefix in candidates(vocabulary, threshold))]:
        prefix = token.endswith("*")
        ids = _listed([token.removesuffix("*")], prefix=prefix)
        if ids.size >= threshold:
            kept[token] = bits.chunks_of(ids)
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
        (token, chunk, packed) for token, chunks in kept.items() for chunk, packed in chunks.items()
    ]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM library_snapshot")
        cursor.executemany(
            "INSERT INTO library_snapshot (token, chunk, bits) VALUES (%s, %s, %s)", rows
        )
        cursor.execute(
            "UPDATE library_snapshot_state SET generation = %s, tokens = %s, built_at = %s "
            "WHERE id = 1",
            [number, len(kept), time.time()],
        )
