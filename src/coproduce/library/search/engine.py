"""Searching the library: one interface over SQLite FTS5 and PostgreSQL full-text search.

The pages, the command line and the benchmarks call `search` and `similar`; they never see which
database answers. Both databases hold the same processed words (text.py), so the same data
gives the same matching entries and the same counts; only the scores' scale differs (FTS5's
bm25, PostgreSQL's ts_rank).

The database answers what it is built for: which entries have these words, and how well the
best of them match. Everything else happens in memory over a `Tally` of the whole library
(tally.py): who may see which entry, the picked facet values, the counts of every value and
the order by title. The tally is read once per process and read again only after the entries
changed (migration 0004 keeps a number that every change replaces).

On PostgreSQL, a search whose words are all among the library's most common is answered
from bitmaps kept beside the index (common.py): listing such a word's tens of thousands of
entries is what costs the index most. For the same reason, a common prefix (and on SQLite a
common word) comes from bitmaps the worker keeps for the library's current generation
(snapshot.py), the rest of the query from the index.

Ranking puts first the entries with any of the words in their title (they have all the words
somewhere), best title first, then the others, best first. Only the first group is scored
when it fills the page, which is what keeps a search with thousands of matches quick to rank:
scoring every match over its whole text is the one cost that grows with the library.
"""

from __future__ import annotations

import math
import threading
from collections import OrderedDict
from dataclasses import dataclass, field, replace
from html import escape

import numpy as np
from django.db import connection

from .. import generation
from ..facets import FACETS
from ..models import Entry
from ..rules import Sight
from . import bits, common, snapshot, text
from . import tally as tallying

# Column weights: a word in the title counts ten times one in the body, in the description four.
FTS5_WEIGHTS = "10.0, 4.0, 1.0"
# ts_rank's weights for D, C, B, A (body C, description B, title A), in the same proportions.
TS_WEIGHTS = "{0.0, 0.1, 0.4, 1.0}"
FACET_VALUES_MAX = 30  # per facet, most entries first (picked values are always listed)
LIMIT_MAX = 200
SIMILAR_CANDIDATES = 50
RARE = 500  # entries: a word in fewer is telling, and any-of them stays quick to rank


@dataclass
class Hit:
    entry: Entry
    score: float
    snippet_parts: list[tuple[str, bool]] = field(default_factory=list)

    @property
    def snippet_html(self) -> str:
        """The snippet with its matched words in <mark>, everything escaped."""
        return "".join(
            f"<mark>{escape(part)}</mark>" if matched else escape(part)
            for part, matched in self.snippet_parts
        )

    @property
    def snippet_text(self) -> str:
        return "".join(part for part, _matched in self.snippet_parts)


@dataclass
class FacetValue:
    value: str
    count: int
    chosen: bool


@dataclass
class Results:
    hits: list[Hit]
    total: int
    facets: dict[str, list[FacetValue]]
    text: str


def search(
    text_: str,
    *,
    sight: Sight,
    chosen: dict[str, list[str]] | None = None,
    limit: int = 20,
    offset: int = 0,
) -> Results:
    """The entries this sight finds matching the text and the picked facet values, best first
    (by title when the text is empty), with the facet counts of the whole match."""
    chosen = _clean_choices(chosen)
    limit, offset = max(0, min(int(limit), LIMIT_MAX)), max(0, int(offset))
    query = text.parse(text_)
    if str(text_ or "").strip() and not query:
        return Results([], 0, _facets_without_matches(chosen), text_)
    number, tally = _current()
    found = _visible(tally, sight)
    match = _Match.of(query)
    if match is not None:
        found &= _mask(tally, _matching(tally, number, match))
    picks = {name: tally.having(name, values) for name, values in chosen.items()}
    allowed = _all_of(found, picks.values())
    counts = _facet_counts(tally, found, picks, allowed)
    if match is None:
        ids = tally.by_title(allowed, offset, limit)
        hits = _hits([(pk, 0.0) for pk in ids])
    else:
        hits = _hits(_ranked(match, tally, allowed, limit, offset))
    for hit in hits:
        hit.snippet_parts = _snippet(hit.entry, query)
    return Results(hits, int(allowed.sum()), _facet_values(counts, chosen), text_)


def similar(entry: Entry, *, sight: Sight, limit: int = 5) -> list[Entry]:
    """Entries like this one: those sharing its most telling words (title, issues, topics,
    description), the best candidates ordered again by the facet values they share; without
    such words, the entries sharing most of its places and topics."""
    number, tally = _current()
    position = tally.position(entry.pk)
    others = _visible(tally, sight)
    if position is not None:
        others[position] = False
    telling = text.distinctive(
        [entry.title, " ".join(entry.issues), " ".join(entry.topics), entry.description],
        limit=8,
    )
    words = _word_scores(tally, number, telling) * others
    shared = (
        tally.shared(position, others, _SHARED)
        if position is not None
        else np.zeros(tally.size, dtype=np.int32)
    )
    candidates = _best(words, SIMILAR_CANDIDATES)
    if not candidates.size:  # no word in common with anything: the places and topics it shares
        candidates = _best(shared.astype(float), SIMILAR_CANDIDATES)
    ranked = sorted(candidates, key=lambda at: (-shared[at], -words[at], tally.ids[at]))[:limit]
    ids = [int(tally.ids[at]) for at in ranked]
    found = listed_entries(ids)
    return [found[pk] for pk in ids if pk in found]


# -- the tally ------------------------------------------------------------------------------

_tallies: dict[str, tuple[int, tallying.Tally]] = {}
_reading = threading.Lock()


def current_tally() -> tallying.Tally:
    """The tally of the library as it is now (see `_current`)."""
    return _current()[1]


def _current() -> tuple[int | None, tallying.Tally]:
    """The library's generation and its tally: this process's copy, read again when the
    generation moved (or when there is none to compare)."""
    number = generation.current()
    alias = connection.alias
    kept = _tallies.get(alias)
    if kept is not None and number is not None and kept[0] == number:
        return kept
    with _reading:
        kept = _tallies.get(alias)  # read by another thread meanwhile?
        if kept is not None and number is not None and kept[0] == number:
            return kept
        # The number is read before the entries: a change in between makes the next search
        # read them again, never keep older entries under a newer number.
        fresh = read_tally()
        if number is not None:
            _tallies[alias] = (number, fresh)
            common.words(number)  # read with the rest, not by the first search of a word
        return number, fresh


def read_tally() -> tallying.Tally:
    """Every entry's id, title, status and owners, and every facet value with its entries
    (one row per value, its entry ids joined in the database: a million facet rows would
    cost far more to fetch one by one)."""
    rows = Entry.objects.order_by("pk").values_list(
        "pk", "title", "status", "coalition_id", "added_by_id"
    )
    ids, keys, published, coalition, added_by = [], [], [], [], []
    for pk, title, status, coalition_id, added_by_id in rows.iterator(chunk_size=10_000):
        ids.append(pk)
        keys.append(text.fold(title))
        published.append(status == "published")
        coalition.append(coalition_id or 0)
        added_by.append(added_by_id or 0)
    joined = "string_agg(entry_id::text, ',')" if _postgresql() else "group_concat(entry_id)"
    facets: dict[str, list] = {name: [] for name in FACETS}
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT name, value, {joined} FROM library_facet GROUP BY name, value"  # noqa: S608
        )
        for name, value, entry_ids in cursor.fetchall():
            if name in facets:
                facets[name].append((value, bits.id_list(entry_ids)))
    columns = {"published": published, "coalition": coalition, "added_by": added_by}
    return tallying.build(ids, keys, facets, columns)


def _visible(tally: tallying.Tally, sight: Sight) -> np.ndarray:
    from coproduce.coalitions.models import Coalition, Visibility

    public = []
    if not sight.everything:
        public = Coalition.objects.filter(visibility=Visibility.PUBLIC).values_list("pk", flat=True)
    columns = tally.columns
    published = columns["published"].astype(bool)
    coalition, added_by = columns["coalition"], columns["added_by"]
    return sight.mask(published, coalition, added_by, list(public), sight.member_of())


def _mask(tally: tallying.Tally, positions: np.ndarray) -> np.ndarray:
    found = np.zeros(tally.size, dtype=bool)
    found[positions] = True
    return found


def _all_of(found: np.ndarray, masks) -> np.ndarray:
    result = found.copy()
    for mask in masks:
        result &= mask
    return result


# -- the text condition, per database -------------------------------------------------------


@dataclass
class _Match:
    """The text condition as SQL, with the query as its parameter: `ids` the matching
    entries' ids joined by commas (one row, however many match; a second parameter caps how
    many, -1 for all), `scored` their ids and scores (higher is better), `titled_scored` the
    same for the entries with any of the words in their title, by their title alone, best
    first (a second parameter caps how many: NULL on PostgreSQL, -1 on SQLite for all);
    `titled_among` (PostgreSQL) the same among the entries whose ids are its second
    parameter, and `scored_among` (PostgreSQL) the scores of the entries whose ids are its
    second parameter, all known to match."""

    ids: str
    scored: str
    titled_scored: str
    expression: str
    titled_expression: str
    query: text.Query
    titled_among: str | None = None
    scored_among: str | None = None

    @classmethod
    def of(cls, query: text.Query) -> _Match | None:
        titled = text.Query(query.positive, any_of=True)
        if _postgresql():
            expression = text.to_tsquery(query)
            return expression and cls._postgresql(expression, text.to_tsquery(titled), query)
        expression = text.to_fts5(query)
        return expression and cls._sqlite(expression, text.to_fts5(titled), query)

    @classmethod
    def _sqlite(cls, expression: str, titled_expression: str, query: text.Query) -> _Match:
        where = "FROM library_search WHERE library_search MATCH %s"
        scored = f"SELECT rowid, -bm25(library_search, {FTS5_WEIGHTS}) {where}"
        ids = f"SELECT group_concat(rowid) FROM (SELECT rowid {where} LIMIT %s)"  # noqa: S608
        titled = "SELECT rowid, -bm25(library_search_title) AS score FROM library_search_title "
        titled += "WHERE library_search_title MATCH %s ORDER BY score DESC, rowid LIMIT %s"
        return cls(ids, scored, titled, expression, titled_expression, query)

    @classmethod
    def _postgresql(cls, expression: str, titled_expression: str, query: text.Query) -> _Match:
        def ranked(column: str, normalization: int, rows="library_search", where=True) -> str:
            # Our own column names only; the query is the parameter.
            rank = f"ts_rank('{TS_WEIGHTS}', {column}, CAST(%s AS tsquery), {normalization})"
            where = f"WHERE {column} @@ CAST(%s AS tsquery)" if where else ""
            return f"SELECT entry_id, {rank} AS score FROM {rows} {where}"  # noqa: S608

        # The given entries (their ids the parameter), each read through the table's key. A
        # join for the titles (a few thousand short ones: a merge join over the key's index),
        # `= ANY` for the whole texts (one index probe each: the merge join read through
        # every entry's key first, twice the time for a few thousand).
        joined = (
            "unnest(CAST(%s AS bigint[])) AS asked (entry_id) JOIN library_search USING (entry_id)"
        )
        listed = "library_search WHERE entry_id = ANY(CAST(%s AS bigint[]))"
        best = " ORDER BY score DESC, entry_id LIMIT %s"
        return cls(
            # A function of migration 0004, so that the planner uses the full-text index
            # for a word in most of the library too (see there).
            ids="SELECT library_matching(CAST(%s AS tsquery), %s)",
            scored=ranked("document", 0),
            # A shorter title with the words ranks higher, as with FTS5's bm25.
            titled_scored=ranked("title_document", 1) + best,
            expression=expression,
            titled_expression=titled_expression,
            query=query,
            titled_among=ranked("title_document", 1, joined) + best,
            scored_among=ranked("document", 0, listed, where=False),
        )


def _postgresql() -> bool:
    return connection.vendor == "postgresql"


class _Remembered:
    """Positions in one tally, kept by key for as long as the library does not change (the
    key holds the library's generation), the latest used last and the oldest dropped first.
    Positions are kept with their tally and given back for no other."""

    def __init__(self, most: int):
        self.most = most
        self._kept: OrderedDict[tuple, tuple[tallying.Tally, np.ndarray]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple, tally: tallying.Tally) -> np.ndarray | None:
        with self._lock:
            kept = self._kept.pop(key, None)
            if kept is None or kept[0] is not tally:
                return None
            self._kept[key] = kept  # the latest used again
            return kept[1]

    def put(self, key: tuple, tally: tallying.Tally, positions: np.ndarray) -> None:
        with self._lock:
            self._kept[key] = (tally, positions)
            while len(self._kept) > self.most:
                self._kept.popitem(last=False)


# The matches of the last searches, at most 400 KB each at 100,000 entries.
_searched = _Remembered(64)
# The entries with each telling word of "similar entries" (at most RARE, 4 KB each): the
# same words come back entry after entry (a place, an issue), and each costs PostgreSQL a
# few milliseconds to look up.
_telling = _Remembered(4096)


def _matching(tally: tallying.Tally, number: int | None, match: _Match) -> np.ndarray:
    """The positions of the entries matching the text. The last searches' are kept, for as
    long as the library does not change: a popular word found in most of the library costs
    the database tens of milliseconds to list every time, and memory a few hundred KB."""
    key = (connection.alias, number, match.expression)
    found = _searched.get(key, tally) if number is not None else None
    if found is None:
        found = tally.positions(_matching_ids(match, number)).astype(np.int32)
        if number is not None:
            _searched.put(key, tally, found)
    return found


def _matching_ids(match: _Match, number: int | None) -> np.ndarray:
    """The ids of the entries matching. The terms the worker keeps bitmaps of for this
    generation of the library (a common prefix; on SQLite a common word: snapshot.py), or
    PostgreSQL keeps up to date (a common word: common.py), come from those; the rest of the
    query is asked as a query of its own, and the two are intersected. Any other query goes to
    the index."""
    for source in (snapshot, common):
        kept = source.matching(match.query, number)
        if kept is not None:
            break
    else:
        return _ids(match)
    ids, rest = kept
    if rest:  # other terms, perhaps exclusions
        return np.intersect1d(ids, _matching_ids(_Match.of(rest), number), assume_unique=True)
    for term in rest.excluded:  # only exclusions: the entries with any of them taken out
        unwanted = _Match.of(text.Query((replace(term, exclude=False),)))
        ids = np.setdiff1d(ids, _matching_ids(unwanted, number), assume_unique=True)
    return ids


def _ids(match: _Match, most: int = -1) -> np.ndarray:
    """The ids of the entries matching, at most `most` of them (-1: all)."""
    with connection.cursor() as cursor:
        cursor.execute(match.ids, [match.expression, most])
        return bits.id_list(cursor.fetchone()[0])


def _filled(sql: str, expression: str, *more) -> list:
    """The SQL's parameters: the query in every one but the last `more`."""
    return [expression] * (sql.count("%s") - len(more)) + list(more)


def _scores(sql: str, parameters: list, tally: tallying.Tally, allowed: np.ndarray):
    """The positions and scores of the rows the SQL scores, for the allowed entries only, and
    how many rows it gave."""
    with connection.cursor() as cursor:
        cursor.execute(sql, parameters)
        rows = cursor.fetchall()
    ids = np.fromiter((row[0] for row in rows), dtype=np.int64, count=len(rows))
    scores = np.fromiter((row[1] for row in rows), dtype=float, count=len(rows))
    at = tally.aligned(ids)
    kept = at >= 0
    kept[kept] = allowed[at[kept]]
    return at[kept], scores[kept], len(rows)


# -- hits -----------------------------------------------------------------------------------


def _ranked(match: _Match, tally: tallying.Tally, allowed: np.ndarray, limit: int, offset: int):
    """The page of (id, score) pairs: the entries with any of the words in their title
    first, best title first (the more of the words, the better); then the others, best
    first. Only when the titles do not fill the page are the others scored (the costly part
    for thousands of matches). The scores go down the whole list: above 1 for the first
    group, below for the others."""
    need = offset + limit
    if not need or not allowed.any():
        return []
    at, scores = _titled(match, tally, allowed, need)
    scores = 1.0 + _below_one(scores)
    order = np.lexsort((at, -scores))
    if at.size < need:
        rest, rest_scores = _scored(match, tally, allowed & ~_mask(tally, at))
        rest_order = at.size + np.lexsort((rest, -rest_scores))
        at = np.concatenate([at[order], rest])
        scores = np.concatenate([scores[order], _below_one(rest_scores)])
        order = np.concatenate([np.arange(order.size), rest_order])
    page = order[offset:need]
    return list(zip(tally.ids[at[page]].tolist(), scores[page].tolist(), strict=True))


# The best titles asked for first, as a multiple of the page: a prefix or a common word can
# be in the titles of tens of thousands of entries, and bringing every one of them and its
# score over from the database costs more than the database's scoring them. Entries the
# reader may not see or did not pick are then left out; only when too few are left are all
# the titles asked for.
TITLED_FIRST, TITLED_FIRST_MIN = 4, 100


# At most this many allowed entries, PostgreSQL ranks the titles of those alone, each read
# through the table's key: two words in a few thousand entries, and one of them in the titles
# of thousands of others, which the best titles asked for first would then be.
TITLED_AMONG_MAX = 5000


def _titled(match: _Match, tally: tallying.Tally, allowed: np.ndarray, need: int):
    """The positions and scores of the allowed entries with any of the words in their title:
    at least the best `need` of them, or all when there are fewer."""
    sql, expression = match.titled_scored, match.titled_expression
    if match.titled_among is not None and allowed.sum() <= TITLED_AMONG_MAX:
        ids = tally.ids[np.flatnonzero(allowed)].tolist()
        parameters = [expression, ids, expression, need]
        at, scores, _rows = _scores(match.titled_among, parameters, tally, allowed)
        return at, scores
    everything = None if _postgresql() else -1  # LIMIT NULL, LIMIT -1: no limit
    first = max(TITLED_FIRST * need, TITLED_FIRST_MIN)
    at, scores, rows = _scores(sql, _filled(sql, expression, first), tally, allowed)
    if at.size < need and rows == first:
        at, scores, _rows = _scores(sql, _filled(sql, expression, everything), tally, allowed)
    return at, scores


def _scored(match: _Match, tally: tallying.Tally, wanted: np.ndarray):
    """The positions and scores of the wanted entries (all matching), over their whole text.
    PostgreSQL scores them alone, read through the table's key: asked for every match, it
    would check a phrase again in every entry with its words (tens of thousands for two
    common words, a quarter of a second), where the phrase's few hundred entries take a few
    milliseconds."""
    if match.scored_among is not None:
        ids = tally.ids[np.flatnonzero(wanted)].tolist()
        at, scores, _rows = _scores(match.scored_among, [match.expression, ids], tally, wanted)
    else:
        parameters = _filled(match.scored, match.expression)
        at, scores, _rows = _scores(match.scored, parameters, tally, wanted)
    return at, scores


def _below_one(scores: np.ndarray) -> np.ndarray:
    """The same order, from 0 up to (never reaching) 1: scores are never negative."""
    scores = np.maximum(scores, 0.0)
    return scores / (1.0 + scores)


def _hits(scored: list[tuple[int, float]]) -> list[Hit]:
    found = listed_entries([pk for pk, _score in scored])
    return [Hit(found[pk], score) for pk, score in scored if pk in found]


# What a list of entries shows of each (a page of results, similar entries, the command line,
# the API), and what a snippet is taken from. The rest is never shown in a list: ten lists of
# Participedia's values, each read from JSON, and Participedia's own record of an imported
# entry, often larger than all the rest. With every field, a page of 20 took 3.3 ms to load
# on PostgreSQL at the median; with these, 2.3.
LISTED_FIELDS = (
    *("kind", "title", "description", "body", "language", "status", "is_sample"),
    *("city", "province", "country", "start_year", "end_year", "source_id", "coalition"),
)


def listed_entries(ids: list[int]) -> dict[int, Entry]:
    """These entries by id, with the fields a list shows (and their coalitions, few)."""
    return Entry.objects.only(*LISTED_FIELDS).prefetch_related("coalition").in_bulk(ids)


def _snippet(entry: Entry, query: text.Query) -> list[tuple[str, bool]]:
    source = "\n\n".join(part for part in (entry.description, text.plain(entry.body)) if part)
    return text.snippet(source or entry.title, query)


# -- facets ---------------------------------------------------------------------------------


def _clean_choices(chosen: dict | None) -> dict[str, list[str]]:
    cleaned = {}
    for name, values in (chosen or {}).items():
        if name in FACETS and values:
            picked = [str(value) for value in values if str(value).strip()]
            if picked:
                cleaned[name] = list(dict.fromkeys(picked))[:50]
    return cleaned


def _facet_counts(tally, found: np.ndarray, picks: dict, allowed: np.ndarray) -> dict:
    """Entries per facet value: a facet nobody picked counts the whole narrowed match (its
    first FACET_VALUES_MAX values); a facet with picks leaves out its own picks (picking
    one country still shows the others' counts, as alternatives)."""
    counts = {name: {} for name in FACETS}
    # The first values only: the others are never listed, and a facet has thousands (cities).
    counts.update(tally.top_counts(allowed, FACET_VALUES_MAX))
    for name in picks:
        others = [mask for other, mask in picks.items() if other != name]
        counts[name] = tally.counts(name, _all_of(found, others))
    return counts


def _facet_values(counts: dict[str, dict], chosen: dict) -> dict[str, list[FacetValue]]:
    found = {}
    for name in FACETS:
        picked = chosen.get(name, [])
        ordered = sorted(counts[name].items(), key=lambda item: (-item[1], item[0]))
        top = [value for value, _n in ordered[:FACET_VALUES_MAX]]
        values = top + [value for value in picked if value not in top]
        found[name] = [
            FacetValue(value, counts[name].get(value, 0), value in picked) for value in values
        ]
    return found


def _facets_without_matches(chosen: dict) -> dict[str, list[FacetValue]]:
    return {name: [FacetValue(value, 0, True) for value in chosen.get(name, [])] for name in FACETS}


# -- similar entries ------------------------------------------------------------------------

_SHARED = ("issue", "city", "country", "four_cos", "kind", "iap2", "mode")


def _word_scores(tally: tallying.Tally, number: int | None, folded: list[str]) -> np.ndarray:
    """Per entry, how telling the words it shares are: a word few entries have says more
    (each adds the log of how rare it is). Only words in fewer than RARE entries count;
    when every word is common, the first RARE entries with all of the first three do."""
    scores = np.zeros(tally.size)
    terms = [text.Term((word,)) for word in folded]
    found = _capped(tally, number, [text.Query((term,)) for term in terms])
    # A count of one is the entry itself: a word no other entry has finds nothing.
    rare = [at for at, ids in enumerate(found) if 1 < ids.size < RARE]
    for at in rare:
        scores[found[at]] += math.log(tally.size / found[at].size)
    common = [term for term, ids in zip(terms, found, strict=True) if ids.size >= RARE]
    if not rare and common:
        scores[_capped(tally, number, [text.Query(tuple(common[:3]))])[0]] = 1.0
    return scores


def _capped(tally: tallying.Tally, number: int | None, queries: list[text.Query]) -> list:
    """For each query, the positions of the entries matching, at most RARE of them (any
    RARE). Those the library's generation already answered are not asked again; the others
    are asked together on PostgreSQL (one round trip rather than one per word)."""
    matches = [_Match.of(query) for query in queries]
    keys = [(connection.alias, number, match and match.expression) for match in matches]
    found = [
        _telling.get(key, tally) if match is not None and number is not None else None
        for key, match in zip(keys, matches, strict=True)
    ]
    asked = [at for at, match in enumerate(matches) if match is not None and found[at] is None]
    for at, ids in zip(asked, _ids_of_each([matches[at] for at in asked], RARE), strict=True):
        found[at] = tally.positions(ids)
        if number is not None:
            _telling.put(keys[at], tally, found[at])
    return [positions if positions is not None else np.zeros(0, dtype=int) for positions in found]


def _ids_of_each(matches: list[_Match], most: int) -> list[np.ndarray]:
    """`_ids` of each match: one query for them all on PostgreSQL, one each on SQLite (in
    the same process, where a query costs no round trip)."""
    if not matches:
        return []
    if not _postgresql():
        return [_ids(match, most) for match in matches]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT library_matching(CAST(query AS tsquery), %s) "
            "FROM unnest(CAST(%s AS text[])) WITH ORDINALITY AS asked(query, at) ORDER BY at",
            [most, [match.expression for match in matches]],
        )
        return [bits.id_list(joined) for (joined,) in cursor.fetchall()]


def _best(scores: np.ndarray, count: int) -> np.ndarray:
    """The positions of the highest positive scores, at most `count` of them."""
    positive = np.flatnonzero(scores > 0)
    if positive.size > count:
        positive = positive[np.argsort(-scores[positive], kind="stable")[:count]]
    return positive
