"""The entries of the library's most common words, kept beside PostgreSQL's full-text index.

Why: asked for a word found in most of the library, PostgreSQL's index gives the addresses of
70,000 rows and then reads every one of them (20 ms at 100,000 entries, whatever the query
asks for). A search that needs every match, for its count and its facets, pays that each time.
So for the words in at least COMMON_SHARE of the entries, each word's entries are also kept as
a bitmap (bits.py: 8 KB per 65,536 entries), read in well under a millisecond. A search whose
words are all common is answered from the bitmaps; any other goes to the index as before.
The answer is the same either way: the bitmaps hold exactly what the index holds.

How they stay exact:
- every (re)indexed entry updates them in the same transaction (`indexed`; an import gathers
  its batches and writes once, `deferred`);
- which words are common is chosen again by `refresh` when the library has grown or shrunk
  by a tenth, from the worker's sweep; a new common word's bitmap is built from the index;
- writers hold the table in ROW EXCLUSIVE mode and a refresh in EXCLUSIVE mode, so a refresh
  waits for the writers before it (and they for it): a writer never misses a word chosen while
  it was writing, and a refresh never builds a bitmap from an index that a writer is changing.
- a deleted entry's bits may stay: its id is never given again, and a search keeps only the
  ids of the entries it knows.

SQLite: nothing here (FTS5 lists even a common word's entries in a few milliseconds); the
worker keeps its common words' entries for one generation of the library (snapshot.py).
"""

from __future__ import annotations

import itertools
import logging
import math
import threading
from array import array
from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

import numpy as np
from django.db import connection, transaction

from .. import generation
from . import bits, text

logger = logging.getLogger("coproduce.library")

# A word in at least this share of the entries, and in at least COMMON_MIN of them, is common
# (below that, the index lists a word's entries in a few milliseconds). At 5 %, the Spanish
# stems of the commonest words (4,000 entries of 100,000, a tenth of the word's) were listed
# from the index at every search of the word: two words took 24 ms at the median, 20 at 2 %
# (1,000 common words rather than 425, chosen in 5.5-8.6 s rather than 3.0-3.9).
COMMON_SHARE = 0.02
COMMON_MIN = 2000
# A common word stays common until it is in fewer than half as many: no churn at the edge.
KEEP_FRACTION = 0.5
# The words are chosen again when the number of indexed entries moved by this share.
REFRESH_CHANGE = 0.1
# Held by the refresh running, so that two workers' sweeps never both refresh.
_REFRESH_LOCK = 0x1B_C0_44_01

_local = threading.local()


def enabled() -> bool:
    return connection.vendor == "postgresql"


# -- searching ------------------------------------------------------------------------------


def matching(query: text.Query, number: int | None) -> tuple[np.ndarray, text.Query] | None:
    """When each of the query's terms is a common word (in one of its stems: a word stands for
    its English and its Spanish stem, and the one an entry's language does not use is often
    in no entry at all): the ids of the entries with them all, and the rest of the query (its
    exclusions, perhaps none) for the index. None when the index must answer (a rarer word, a
    phrase, a prefix: asked with the common words, the index lists only the entries with all
    of them, which costs it less than listing the rarer word's own). `number` is the library's
    generation, which a change of the common words moves."""
    if not enabled() or query.any_of or not query.positive:
        return None
    known = words(number)
    answered = {term: text.single_words(term) for term in query.positive}
    if not all(known.intersection(found) for found in answered.values()):
        return None
    stems = list(answered.values())  # per term, its English and Spanish stems
    chunks = _chunks({word for both in stems for word in both if word in known})
    if chunks is None:
        return None
    rare = _rare_ids([[word for word in both if word not in known] for both in stems])
    found = [
        bits.any_of([*(c for word in both if word in known for c in chunks[word]), *more.items()])
        for both, more in zip(stems, rare, strict=True)
    ]
    rest = text.Query(tuple(term for term in query.terms if term not in answered))
    return bits.ids_of(bits.all_of(found)), rest


def having_any(lexemes: list[str], number: int | None) -> np.ndarray | None:
    """The ids of the entries with any of these processed words, when each is common; None
    when the index must answer."""
    if not enabled() or not lexemes or not words(number).issuperset(lexemes):
        return None
    chunks = _chunks(set(lexemes))
    return None if chunks is None else bits.ids_of(bits.any_of(itertools.chain(*chunks.values())))


def _chunks(wanted: set[str]) -> dict[str, list[tuple[int, bytes]]] | None:
    """Each common word's chunks; None when one of them is no longer common."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT lexeme, chunk, bits FROM library_common WHERE lexeme = ANY(%s)",
            [sorted(wanted)],
        )
        rows = cursor.fetchall()
    chunks = defaultdict(list)
    for lexeme, chunk, packed in rows:
        chunks[lexeme].append((chunk, bytes(packed)))
    return chunks if len(chunks) == len(wanted) else None  # fewer: the index answers


def _rare_ids(terms: list[list[str]]) -> list[dict[int, bytes]]:
    """For each term, the entries with any of these rarer words, from the index (few entries
    each), in one round trip for them all; as chunks of a bitmap."""
    asked = [at for at, words in enumerate(terms) if words]
    found: list[dict[int, bytes]] = [{} for _ in terms]
    if not asked:
        return found
    queries = [" | ".join(text.ts_quote(word) for word in terms[at]) for at in asked]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT library_matching(CAST(query AS tsquery), -1) "
            "FROM unnest(CAST(%s AS text[])) WITH ORDINALITY AS asked(query, at) ORDER BY at",
            [queries],
        )
        for at, (joined,) in zip(asked, cursor.fetchall(), strict=True):
            if joined:
                found[at] = bits.chunks_of(bits.id_list(joined))
    return found


_known: dict[str, tuple[int, frozenset[str]]] = {}
_knowing = threading.Lock()


def words(number: int | None) -> frozenset[str]:
    """The common words, read once per generation of the library (a refresh moves it), so
    that a search of a rarer word costs no extra round trip."""
    if not enabled():
        return frozenset()
    alias = connection.alias
    with _knowing:
        kept = _known.get(alias)
    if kept is not None and number is not None and kept[0] == number:
        return kept[1]
    with connection.cursor() as cursor:
        cursor.execute("SELECT DISTINCT lexeme FROM library_common")
        found = frozenset(word for (word,) in cursor.fetchall())
    if number is not None:
        with _knowing:
            _known[alias] = (number, found)
    return found


# -- writing --------------------------------------------------------------------------------


class _Gathered:
    """Re-indexed entries and, per common word, those of them that have it."""

    def __init__(self, common: frozenset[str]):
        self.common = common
        self.empty()

    def empty(self) -> None:
        self.touched = array("q")
        self.having: defaultdict[str, array] = defaultdict(lambda: array("q"))
        self.seen: set[int] = set()

    def add(self, lexemes: dict[int, Iterable[str]]) -> None:
        if self.seen.intersection(lexemes):  # indexed again: its earlier words written first
            _write(self)
            self.empty()
        self.seen.update(lexemes)
        for pk, words in lexemes.items():
            self.touched.append(pk)
            for word in self.common.intersection(words):
                self.having[word].append(pk)


def indexed(lexemes: dict[int, Iterable[str]]) -> None:
    """These entries were (re)indexed with these words: their bits follow, now or, inside
    `deferred`, at its end."""
    if not enabled() or not lexemes:
        return
    gathered = getattr(_local, "gathered", None)
    if gathered is not None:
        gathered.add(lexemes)
        return
    with transaction.atomic():  # LOCK needs a transaction (the caller's, if it has one)
        gathered = _Gathered(_hold())
        gathered.add(lexemes)
        _write(gathered)


@contextmanager
def deferred() -> Iterator[None]:
    """Inside a transaction: the bits of everything indexed in the block written once, at its
    end (an import indexes batch after batch; each bitmap is rewritten once, not per batch)."""
    if not enabled() or getattr(_local, "gathered", None) is not None:
        yield
        return
    if not connection.in_atomic_block:
        raise RuntimeError("deferred() holds the common words until its end: use it in atomic()")
    _local.gathered = _Gathered(_hold())
    try:
        yield
        _write(_local.gathered)
    finally:
        _local.gathered = None


def _hold() -> frozenset[str]:
    """Hold the table against a refresh until the transaction ends; the common words."""
    with connection.cursor() as cursor:
        cursor.execute("LOCK TABLE library_common IN ROW EXCLUSIVE MODE")
        cursor.execute("SELECT DISTINCT lexeme FROM library_common")
        return frozenset(word for (word,) in cursor.fetchall())


def _write(gathered: _Gathered) -> None:
    if not gathered.common or not gathered.touched:
        return
    touched = np.unique(np.frombuffer(gathered.touched, dtype=np.int64))
    numbers = np.unique(touched // bits.CHUNK).tolist()
    with connection.cursor() as cursor:
        # Every common word gets a row in each chunk written (an empty one if need be), so
        # that all the rows changed are locked below; in one order, so writers never deadlock.
        cursor.execute(
            "INSERT INTO library_common (lexeme, chunk, bits) "
            "SELECT lexeme, chunk, %s FROM unnest(CAST(%s AS text[])) AS lexeme, "
            "unnest(CAST(%s AS integer[])) AS chunk ORDER BY lexeme, chunk "
            "ON CONFLICT DO NOTHING",
            [bytes(bits.CHUNK_BYTES), sorted(gathered.common), numbers],
        )
        cursor.execute(
            "SELECT lexeme, chunk, bits FROM library_common WHERE chunk = ANY(%s) "
            "ORDER BY lexeme, chunk FOR UPDATE",
            [numbers],
        )
        rows = cursor.fetchall()
        having = {
            word: np.unique(np.frombuffer(ids, dtype=np.int64))
            for word, ids in gathered.having.items()
        }
        inside = {chunk: touched[touched // bits.CHUNK == chunk] for chunk in numbers}
        changed = ([], [], [])
        for lexeme, chunk, packed in rows:
            old = bytes(packed)
            has = having.get(lexeme, np.zeros(0, dtype=np.int64))
            new = bits.rewritten(old, chunk, inside[chunk], has[has // bits.CHUNK == chunk])
            if new != old:
                for column, value in zip(changed, (lexeme, chunk, new), strict=True):
                    column.append(value)
        if changed[0]:
            cursor.execute(
                "UPDATE library_common AS kept SET bits = new.bits FROM unnest("
                "CAST(%s AS text[]), CAST(%s AS integer[]), CAST(%s AS bytea[])) "
                "AS new (lexeme, chunk, bits) "
                "WHERE kept.lexeme = new.lexeme AND kept.chunk = new.chunk",
                list(changed),
            )


# -- choosing the common words --------------------------------------------------------------


def refresh_when_due(now=None) -> bool:
    """A step of the worker's sweep: refresh when the library changed by a tenth since the
    last time (one small query when it has not)."""
    if not enabled():
        return False
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT entries, (SELECT count(*) FROM library_search) "
            "FROM library_common_state WHERE id = 1"
        )
        row = cursor.fetchone()
    if row is None:
        return False
    then, now_entries = int(row[0]), int(row[1])
    if now_entries < COMMON_MIN and not then:
        return False
    if abs(now_entries - then) < max(1, then * REFRESH_CHANGE):
        return False
    refresh()
    return True


def refresh() -> int | None:
    """Choose the common words again and build the bitmaps of the new ones from the index;
    how many words are common now (None: another refresh is running, or not PostgreSQL)."""
    if not enabled():
        return None
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [_REFRESH_LOCK])
        if not cursor.fetchone()[0]:
            return None
        cursor.execute("SELECT count(*) FROM library_search")
        entries = cursor.fetchone()[0]
        threshold = max(COMMON_MIN, math.ceil(entries * COMMON_SHARE))
        # Counted before the table is held (the longest part, seconds at 100,000 entries):
        # the counts only choose the words; the bitmaps are built from the index below.
        cursor.execute(
            "SELECT word, ndoc FROM ts_stat('SELECT document FROM library_search') "
            "WHERE ndoc >= %s",
            [math.ceil(threshold * KEEP_FRACTION)],
        )
        counts = dict(cursor.fetchall())
        cursor.execute("LOCK TABLE library_common IN EXCLUSIVE MODE")
        cursor.execute("SELECT DISTINCT lexeme FROM library_common")
        existing = {word for (word,) in cursor.fetchall()}
        wanted = {word for word, ndoc in counts.items() if ndoc >= threshold and word.isalnum()}
        kept = (existing & set(counts)) | wanted
        cursor.execute("DELETE FROM library_common WHERE NOT (lexeme = ANY(%s))", [sorted(kept)])
        for word in sorted(wanted - existing):
            _build(cursor, word)
        cursor.execute(
            "UPDATE library_common_state SET entries = %s, refreshed_at = now() WHERE id = 1",
            [entries],
        )
        if kept != existing:
            generation.bump()  # searches read the common words again
    logger.info("Library: %s common words of %s entries", len(kept), entries)
    return len(kept)


def _build(cursor, word: str) -> None:
    """The word's bitmap from the full-text index (the word is letters and digits only)."""
    cursor.execute("SELECT library_matching(CAST(%s AS tsquery), -1)", [f"'{word}'"])
    joined = cursor.fetchone()[0]
    found = bits.chunks_of(bits.id_list(joined)) or {0: bytes(bits.CHUNK_BYTES)}
    cursor.execute(
        "INSERT INTO library_common (lexeme, chunk, bits) "
        "SELECT %s, chunk, packed FROM unnest(CAST(%s AS integer[]), CAST(%s AS bytea[])) "
        "AS new (chunk, packed)",
        [word, list(found), list(found.values())],
    )
