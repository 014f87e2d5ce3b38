"""The entries of the library's common prefixes (on SQLite, of its common words too; on
PostgreSQL, of each pair of frequent words side by side), kept by the worker for one
generation of the library.

Why: a prefix of a few letters ("coop*", "peta*") stands for every word that begins so: at
100,000 entries, dozens of words and tens of thousands of entries. Both indexes list them by
merging all those words' entries, FTS5 in 5-30 ms and PostgreSQL in 25-55 ms (most of it
reading each matching row for its id), and a search needs them all for its counts. A word
in most of the library costs FTS5 a few milliseconds to list too. So for every prefix (and,
on SQLite, every word) in at least KEPT_SHARE of the entries, the worker's sweep
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

Pairs (PostgreSQL): its index holds no positions, so a phrase is checked entry by entry among
the entries with all its words; for two words each in tens of thousands of entries, a quarter
of a second. Every pair of words found side by side, among the words in PAIRED_MIN entries or
more, is kept with its entries' ids (library_snapshot_pair), read from the positions in the
index's own documents, so that a pair holds exactly the entries the phrase finds. The state
lists those words: a pair of them that is not kept is in no entry.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections import defaultdict
from dataclasses import dataclass

import numpy as np
from django.db import connection, transaction

from .. import generation
from . import bits, common, text

logger = logging.getLogger("coproduce.library")

# A prefix (on SQLite, a word) is kept when in at least this share of the entries, and in
# common.COMMON_MIN at least: below, the index lists it in a few milliseconds.
KEPT_SHARE = 0.05
# Seconds between two builds: after a change, the first sweep builds at once, the next waits.
REBUILD_PAUSE = 300
# A phrase is checked by PostgreSQL entry by entry among the entries with all its words, at
# most as many as its rarest word is in: for words in fewer than this many, 10-20 ms at
# 100,000 entries (for two words in tens of thousands, 300 ms). The pairs of all the words in
# more are kept (1,948 words and 1.2 million pairs in 100,000 entries, 40 s to build).
PAIRED_MIN = 1000
# Held by the worker building, so that two workers' sweeps never build at once (PostgreSQL).
_BUILD_LOCK = 0x1B_C0_44_02


def _postgresql() -> bool:
    return connection.vendor == "postgresql"


def _keeps_words() -> bool:
    """PostgreSQL keeps its common words' bitmaps as entries are written (common.py)."""
    return not _postgresql()


def _keeps_pairs() -> bool:
    """PostgreSQL's index holds no positions: it checks a phrase entry by entry, reading each
    entry's words (for two common words, tens of thousands of entries). FTS5's holds them."""
    return _postgresql()


# -- searching ------------------------------------------------------------------------------


def matching(query: text.Query, number: int | None) -> tuple[np.ndarray, text.Query] | None:
    """For a query with terms the snapshot holds (a prefix; on SQLite, a word; on PostgreSQL,
    a phrase of two common words): the ids of the entries with each of those terms, and the
    rest of the query for the index to answer (its other terms and its exclusions; it may ask
    nothing). None when the snapshot cannot help: not built for this generation of the
    library, no such term."""
    if number is None or query.any_of:
        return None
    if not any(_may_be_held(term) for term in query.positive):
        return None  # nothing to look up: skip even the state's row
    built = _built(number)
    if built is None:
        return None
    answered = {term: _split(term, built) for term in query.positive}
    answered = {term: split for term, split in answered.items() if split[0]}
    if not answered:
        return None
    # A word stands for its English and its Spanish stem, a prefix for its own stems too, a
    # phrase for its words' English and Spanish stems: those held come from the snapshot,
    # the others (in fewer entries) from the index.
    held = {token for tokens, _listed in answered.values() for token in tokens}
    chunks = _chunks({token for token in held if not _is_pair(token)}, number)
    pairs = _pairs({token for token in held if _is_pair(token)}, number)
    if chunks is None or pairs is None:
        return None
    found = []
    for tokens, listed in answered.values():
        ids = [pairs[token] for token in tokens if _is_pair(token)]
        if listed:
            ids.append(_having_any(listed, number))
        extra = bits.chunks_of(np.concatenate(ids)) if ids else {}
        kept = [chunk for token in tokens for chunk in chunks.get(token, [])]
        found.append(bits.any_of([*kept, *extra.items()]))
    rest = text.Query(tuple(term for term in query.terms if term not in answered))
    return bits.ids_of(bits.all_of(found)), rest


def _may_be_held(term: text.Term) -> bool:
    return term.prefix or _keeps_words() or (_keeps_pairs() and len(term.words) == 2)


def _split(term: text.Term, built: _Built) -> tuple[list[str], list[str]]:
    """The tokens that satisfy the term, as the snapshot names them ("peta*" a prefix, "pet"
    a word, "world cafe" a pair): those the snapshot holds, and the others, for the index to
    list (a prefix's own stems, a phrase's stems that are not all common words). Nothing held
    when the term's own tokens are not in the snapshot."""
    if term.prefix:
        own, others = [term.words[0] + "*"], term.stems_of_prefix()
    elif _keeps_pairs() and len(term.words) == 2:
        pairs = [" ".join(tokens) for tokens in term.alternatives()]
        held = [pair for pair in pairs if built.paired.issuperset(pair.split(" "))]
        return held, [pair for pair in pairs if pair not in held]
    elif _keeps_words():
        own, others = text.single_words(term), []
    else:
        return [], []
    if not built.tokens.intersection(own):
        return [], []
    held = [token for token in own + others if token in built.tokens]
    return held, [token for token in own + others if token not in held]


def _is_pair(token: str) -> bool:
    return " " in token


def _marks(values: list) -> str:
    """A parameter's mark for each value, for an IN list."""
    return ", ".join(["%s"] * len(values))


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
            f"WHERE generation = %s AND token IN ({_marks(ordered)})",
            [number, *ordered],
        )
        rows = cursor.fetchall()
    chunks = defaultdict(list)
    for token, chunk, packed in rows:
        chunks[token].append((chunk, bytes(packed)))
    return chunks if len(chunks) == len(ordered) else None


def _pairs(wanted: set[str], number: int) -> dict[str, np.ndarray] | None:
    """The ids of the entries with each pair of words side by side (none: a pair of common
    words never found so); None when the snapshot was built again meanwhile."""
    if not wanted:
        return {}
    ordered = sorted(wanted)
    with connection.cursor() as cursor:
        # The state's row comes back even when no pair is found: its generation tells whether
        # a pair missing has no entries or was built for another generation.
        cursor.execute(
            "SELECT generation, pair, ids FROM library_snapshot_state "  # noqa: S608
            "LEFT JOIN library_snapshot_pair "
            f"ON pair IN ({_marks(ordered)}) WHERE id = 1",
            ordered,
        )
        rows = cursor.fetchall()
    if not rows or rows[0][0] != number:
        return None
    found = {pair: bits.id_list(ids) for _generation, pair, ids in rows if pair is not None}
    return {pair: found.get(pair, bits.id_list(None)) for pair in ordered}


@dataclass(frozen=True)
class _Built:
    tokens: frozenset[str]  # with bitmaps: "peta*" a prefix, "peta" a word
    paired: frozenset[str]  # the words whose every pair is kept (PostgreSQL)


_known: dict[str, tuple[tuple, _Built]] = {}
_knowing = threading.Lock()


def _built(number: int) -> _Built | None:
    """What the snapshot holds for this generation of the library (None when it was built for
    another). The state is read every time (one row: the worker may have built it since),
    the list of tokens and paired words once per build."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT generation, built_at FROM library_snapshot_state WHERE id = 1")
        row = cursor.fetchone()
    if row is None or row[0] != number:
        return None
    alias, build = connection.alias, tuple(row)
    with _knowing:
        known = _known.get(alias)
    if known is not None and known[0] == build:
        return known[1]
    with connection.cursor() as cursor:
        cursor.execute("SELECT DISTINCT token FROM library_snapshot")
        tokens = frozenset(token for (token,) in cursor.fetchall())
        paired = ()
        if _keeps_pairs():
            # Of this build only: the worker may have built again since the state was read.
            cursor.execute(
                "SELECT paired FROM library_snapshot_state "
                "WHERE id = 1 AND generation = %s AND built_at = %s",
                build,
            )
            row = cursor.fetchone()
            if row is None:
                return None
            paired = row[0]
    found = _Built(tokens, frozenset(paired))
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
    if number is None or (row is not None and row[0] == number):
        return False
    # No row: never built, or PostgreSQL emptied the snapshot's tables after a crash (they
    # are unlogged: see migration 0008).
    if row is not None and row[1] is not None and seconds - row[1] < REBUILD_PAUSE:
        return False
    return rebuild() is not None


def rebuild() -> int | None:
    """Build the snapshot for the library as it is now; how many tokens have a bitmap (None:
    another worker is building it)."""
    # Read first: a change made while building moves the generation, and a snapshot built
    # for this number is then never used (the next sweep builds it again).
    number = generation.current()
    if _postgresql():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [_BUILD_LOCK])
            if not cursor.fetchone()[0]:
                return None
    try:
        started = time.perf_counter()
        kept, paired = _build()
        pairs = _store(number, kept, paired if _keeps_pairs() else [])
        _vacuum()
    finally:
        if _postgresql():
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [_BUILD_LOCK])
    seconds = time.perf_counter() - started
    logger.info(
        "Library: %s common words and prefixes and %s pairs of words kept in %.1f s",
        len(kept),
        pairs,
        seconds,
    )
    return len(kept)


def _build() -> tuple[dict[str, dict[int, bytes]], list[str]]:
    """The bitmaps of the common prefixes (and words, where kept), and the words whose
    pairs are worth keeping."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM library_search")
        entries = cursor.fetchone()[0]
    threshold = max(common.COMMON_MIN, math.ceil(entries * KEPT_SHARE))
    kept = {}
    if entries < threshold:
        return kept, []
    vocabulary = _vocabulary()
    words = [word for word, count in vocabulary if count >= threshold]
    prefixes = [prefix + "*" for prefix in candidates(vocabulary, threshold)]
    for token in [*(words if _keeps_words() else []), *prefixes]:
        prefix = token.endswith("*")
        ids = _listed([token.removesuffix("*")], prefix=prefix)
        if ids.size >= threshold:
            kept[token] = bits.chunks_of(ids)
    return kept, [word for word, count in vocabulary if count >= PAIRED_MIN]


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
    beginning as one of them does; a token of two words: the phrase), as the index lists
    them."""
    if _postgresql():
        sql = "SELECT library_matching(CAST(%s AS tsquery), -1)"
        expression = " | ".join(
            "(" + " <-> ".join(text.ts_quote(word) + ":*" * prefix for word in token.split()) + ")"
            for token in tokens
        )
    else:
        sql = "SELECT group_concat(rowid) FROM library_search WHERE library_search MATCH %s"
        expression = " OR ".join(text.fts5_quote(token) + "*" * prefix for token in tokens)
    with connection.cursor() as cursor:
        cursor.execute(sql, [expression])
        joined = cursor.fetchone()[0]
    return bits.id_list(joined)


def _store(number: int | None, kept: dict[str, dict[int, bytes]], paired: list[str]) -> int:
    """Replace the snapshot, bitmaps and pairs of the paired words at once; how many pairs."""
    rows = [
        (token, chunk, packed) for token, chunks in kept.items() for chunk, packed in chunks.items()
    ]
    pairs = 0
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM library_snapshot")
        cursor.executemany(
            "INSERT INTO library_snapshot (token, chunk, bits) VALUES (%s, %s, %s)", rows
        )
        # The row may be missing (see rebuild_when_due).
        cursor.execute(
            "INSERT INTO library_snapshot_state (id, generation, tokens, built_at) "
            "VALUES (1, %s, %s, %s) ON CONFLICT (id) DO UPDATE SET "
            "generation = excluded.generation, tokens = excluded.tokens, "
            "built_at = excluded.built_at",
            [number, len(kept), time.time()],
        )
        if _keeps_pairs():
            cursor.execute("DELETE FROM library_snapshot_pair")
            if paired:
                cursor.execute(PAIRS, [paired])
                pairs = cursor.rowcount
            cursor.execute("UPDATE library_snapshot_state SET paired = %s WHERE id = 1", [paired])
    return pairs


def _vacuum() -> None:
    """Each build deletes the rows of the last (a million pairs at 100,000 entries), which
    PostgreSQL keeps until they are vacuumed; the server's autovacuum may be late or off, so
    the table would grow by the whole snapshot at every build. VACUUM cannot run inside a
    transaction: a build inside one (a test's) leaves it to the next."""
    if _postgresql() and not connection.in_atomic_block:
        with connection.cursor() as cursor:
            cursor.execute("VACUUM library_snapshot, library_snapshot_pair")


# Every pair of the given words standing side by side in an entry (in one field: index.py
# leaves a gap between fields), read from the positions the index holds, so that a pair's
# entries are exactly those PostgreSQL's phrase finds. Each entry's words are put in order
# of position within the entry alone, which costs a fraction of joining all the library's
# positions at once (in 100,000 entries, the 148,731 pairs of 425 words took 23 s rather than
# 54; the 1.2 million of 1,948 words take 40 s). `= ANY` of a constant list is looked up by
# hashing.
PAIRS = """
INSERT INTO library_snapshot_pair (pair, ids)
SELECT pair, string_agg(entry_id::text, ',') FROM library_search, LATERAL (
    SELECT DISTINCT lexeme || ' ' || next AS pair FROM (
        SELECT word.lexeme, place, lead(word.lexeme) OVER by_place AS next,
            lead(place) OVER by_place AS next_place
        FROM unnest(document) word, unnest(word.positions) place
        WHERE word.lexeme = ANY(%s)
        WINDOW by_place AS (ORDER BY place)) placed
    WHERE next_place = place + 1) found
GROUP BY pair
"""
