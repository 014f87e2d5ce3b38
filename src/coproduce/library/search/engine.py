"""Searching the library: one interface over SQLite FTS5 and PostgreSQL full-text search.

The pages, the command line and the benchmarks call `search` and `similar`; they never see which
database answers. Both databases hold the same processed words (text.py), so the same data
gives the same matching entries and the same counts; only the scores' scale differs (FTS5's
bm25, PostgreSQL's ts_rank), both weighing a title above a description above a body.

A search runs three queries whatever the data: the page of hits, the entries on it, and the
facet counts over `library_facet` (one grouped count for the facets nobody picked, and one
per facet with picks, whose counts leave out its own picks so that picking one country still
shows the others' counts).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from html import escape

from django.db import connection
from django.db.models import Count, Exists, OuterRef, Q
from django.db.models.expressions import RawSQL

from ..facets import FACETS
from ..models import Entry, Facet
from . import text

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
    visible: Q,
    chosen: dict[str, list[str]] | None = None,
    limit: int = 20,
    offset: int = 0,
) -> Results:
    """The visible entries matching the text and the picked facet values, best first (by title
    when the text is empty), with the facet counts of the whole match."""
    chosen = _clean_choices(chosen)
    limit, offset = max(0, min(int(limit), LIMIT_MAX)), max(0, int(offset))
    query = text.parse(text_)
    if str(text_ or "").strip() and not query:
        return Results([], 0, _facets_without_matches(chosen), text_)
    match = _Match.of(query)
    counts = _facet_counts(match, visible, chosen)
    total = _total(counts, chosen)
    if match is None:
        hits = _browse(visible, chosen, limit, offset)
    else:
        hits = _ranked(match, visible, chosen, limit, offset)
    for hit in hits:
        hit.snippet_parts = _snippet(hit.entry, query)
    return Results(hits, total, _facet_values(counts, chosen), text_)


def similar(entry: Entry, *, visible: Q, limit: int = 5) -> list[Entry]:
    """Entries like this one: its most telling words (title, issues, topics, description) as
    an any-of search, the best candidates ordered again by the facet values they share."""
    base = Entry.objects.filter(visible).exclude(pk=entry.pk)
    telling = text.distinctive(
        [entry.title, " ".join(entry.issues), " ".join(entry.topics), entry.description],
        limit=8,
    )
    match = _Match.of(_rarest(telling))
    if match is None:
        ids = _sharing_facets(entry, base, SIMILAR_CANDIDATES)
        scores = {pk: 0.0 for pk in ids}
    else:
        others = visible & ~Q(pk=entry.pk)
        scores = dict(_scored(match, others, {}, SIMILAR_CANDIDATES, 0))
    if not scores:  # no word in common with anything: the places and topics it shares
        scores = {pk: 0.0 for pk in _sharing_facets(entry, base, SIMILAR_CANDIDATES)}
    shared = _shared_facets(entry, list(scores))
    ranked = sorted(scores, key=lambda pk: (-shared.get(pk, 0), -scores[pk], pk))[:limit]
    found = Entry.objects.in_bulk(ranked)
    return [found[pk] for pk in ranked if pk in found]


def _rarest(folded: list[str]) -> text.Query:
    """The words that say most about an entry are the ones few other entries have: any of
    those in fewer than RARE entries; when every word is common, all of the three least common
    ones that some other entry has too. This also keeps the candidates few, so ranking them
    stays fast at any size."""
    terms = [text.Term((word,)) for word in folded]
    if not terms:
        return text.Query()
    counts = _capped_counts(terms)
    order = sorted(range(len(terms)), key=lambda number: counts[number])
    # A count of one is the entry itself: a word no other entry has finds nothing.
    rare = [terms[number] for number in order if 1 < counts[number] < RARE]
    if rare:
        return text.Query(tuple(rare), any_of=True)
    shared = [number for number in order if counts[number] > 1]
    return text.Query(tuple(terms[number] for number in shared[:3]))


def _capped_counts(terms: list[text.Term]) -> list[int]:
    """How many entries have each word, counting no further than RARE (one query)."""
    selects, params = [], []
    for number, term in enumerate(terms):
        match = _Match.of(text.Query((term,)))
        # Only our own SQL and an int go into the text; the words are parameters.
        capped = f"SELECT COUNT(*) FROM ({match.ids} LIMIT {RARE}) AS capped"  # noqa: S608
        selects.append(f"SELECT {number}, ({capped})")
        params += match.params
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(selects), params)
        return [int(count) for _number, count in sorted(cursor.fetchall())]


# -- the text condition, per database -------------------------------------------------------


@dataclass
class _Match:
    """The text condition as SQL: `ids` selects the matching entry ids, `scored` the ids with
    their score (higher is better); each takes the query text as its parameters."""

    ids: str
    scored: str
    expression: str

    @property
    def params(self) -> list:
        return [self.expression]

    @property
    def scored_params(self) -> list:
        return [self.expression] * self.scored.count("%s")

    @classmethod
    def of(cls, query: text.Query) -> _Match | None:
        if connection.vendor == "postgresql":
            return cls._postgresql(text.to_tsquery(query))
        return cls._sqlite(text.to_fts5(query))

    @classmethod
    def _sqlite(cls, expression: str | None) -> _Match | None:
        if expression is None:
            return None
        where = "FROM library_search WHERE library_search MATCH %s"
        return cls(
            ids=f"SELECT rowid AS entry_id {where}",
            scored=f"SELECT rowid AS entry_id, -bm25(library_search, {FTS5_WEIGHTS}) AS score "
            + where,
            expression=expression,
        )

    @classmethod
    def _postgresql(cls, expression: str | None) -> _Match | None:
        if expression is None:
            return None
        where = "FROM library_search WHERE document @@ CAST(%s AS tsquery)"
        return cls(
            ids=f"SELECT entry_id {where}",
            scored="SELECT entry_id, "
            f"ts_rank('{TS_WEIGHTS}', document, CAST(%s AS tsquery)) AS score {where}",
            expression=expression,
        )


# -- hits -----------------------------------------------------------------------------------


def _ranked(match: _Match, visible: Q, chosen: dict, limit: int, offset: int) -> list[Hit]:
    scored = _scored(match, visible, chosen, limit, offset)
    found = Entry.objects.select_related("coalition").in_bulk([pk for pk, _score in scored])
    return [Hit(found[pk], score) for pk, score in scored if pk in found]


def _scored(match: _Match, visible: Q, chosen: dict, limit: int, offset: int) -> list:
    """The page of (id, score) pairs. The matches are found once (MATERIALIZED; otherwise
    SQLite runs the full-text match again for every candidate) and their entries are then
    checked by primary key, rather than listing every visible entry first."""
    allowed_sql, allowed_params = _matching("SELECT entry_id FROM m", [], visible, chosen)
    sql = (
        f"WITH m AS MATERIALIZED ({match.scored}) SELECT m.entry_id, m.score FROM m "  # noqa: S608
        f"WHERE m.entry_id IN ({allowed_sql}) "
        "ORDER BY m.score DESC, m.entry_id LIMIT %s OFFSET %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*match.scored_params, *allowed_params, limit, offset])
        return [(int(pk), float(score)) for pk, score in cursor.fetchall()]


def _browse(visible: Q, chosen: dict, limit: int, offset: int) -> list[Hit]:
    # The ids first: sorting titles and ids is much lighter than sorting whole entries.
    entries = _narrowed(Entry.objects.filter(visible), chosen).order_by("title", "pk")
    ids = list(entries.values_list("pk", flat=True)[offset : offset + limit])
    found = Entry.objects.select_related("coalition").in_bulk(ids)
    return [Hit(found[pk], 0.0) for pk in ids if pk in found]


def _matching(match_ids: str | None, params: list, visible: Q, chosen: dict, leave_out=None):
    """SQL for the ids of the visible entries among the matches (all of them when `match_ids`
    is None) with the picked facet values but `leave_out`'s."""
    entries = _narrowed(Entry.objects.filter(visible), chosen, leave_out)
    if match_ids is not None:
        entries = entries.filter(pk__in=RawSQL(match_ids, params))  # noqa: S611 (our SQL)
    return _ids(entries)


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


def _narrowed(entries, chosen: dict, leave_out: str | None = None):
    """Entries with at least one picked value of every facet with picks (but `leave_out`)."""
    # EXISTS per entry rather than IN (list): a popular value (a country with a third of the
    # library) would otherwise be listed in full for every search.
    for name, values in chosen.items():
        if name != leave_out:
            picked = Facet.objects.filter(entry_id=OuterRef("pk"), name=name, value__in=values)
            entries = entries.filter(Exists(picked))
    return entries


def _ids(entries) -> tuple[str, tuple]:
    return entries.order_by().values("pk").query.sql_with_params()


def _facet_counts(match: _Match | None, visible: Q, chosen: dict) -> dict[str, Counter]:
    """Entries per facet value, in one query: a grouped count for the facets without picks,
    and one for each facet with picks (narrowed by the other facets' picks only). The matches
    are found once, MATERIALIZED, so each database's planner uses its full-text index for
    them (PostgreSQL otherwise chose to read every document for a two-word search)."""
    counts: dict[str, Counter] = {name: Counter() for name in FACETS}
    groups = [[name for name in FACETS if name not in chosen]] + [[name] for name in chosen]
    selects, params = [], []
    for names in [names for names in groups if names]:
        leave_out = names[0] if names[0] in chosen else None
        match_ids = None if match is None else "SELECT entry_id FROM m"
        entries_sql, entries_params = _matching(match_ids, [], visible, chosen, leave_out)
        marks = ", ".join(["%s"] * len(names))
        selects.append(
            f"SELECT f.name, f.value, COUNT(*) FROM library_facet f WHERE f.name IN ({marks}) "  # noqa: S608
            f"AND f.entry_id IN ({entries_sql}) GROUP BY f.name, f.value"
        )
        params += [*names, *entries_params]
    sql = " UNION ALL ".join(selects)
    if match is not None:
        sql = f"WITH m AS MATERIALIZED ({match.ids}) {sql}"
        params = [*match.params, *params]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for name, value, count in cursor.fetchall():
            counts[name][value] = count
    return counts


def _total(counts: dict[str, Counter], chosen: dict) -> int:
    # Every entry has exactly one kind, so the kind counts add up to the number of matches.
    kinds = counts["kind"]
    if "kind" in chosen:
        return sum(kinds[value] for value in chosen["kind"])
    return sum(kinds.values())


def _facet_values(counts: dict[str, Counter], chosen: dict) -> dict[str, list[FacetValue]]:
    found = {}
    for name in FACETS:
        picked = chosen.get(name, [])
        top = [value for value, _n in _ordered(counts[name])[:FACET_VALUES_MAX]]
        values = top + [value for value in picked if value not in top]
        found[name] = [FacetValue(value, counts[name][value], value in picked) for value in values]
    return found


def _ordered(counter: Counter) -> list[tuple[str, int]]:
    return sorted(counter.items(), key=lambda item: (-item[1], item[0]))


def _facets_without_matches(chosen: dict) -> dict[str, list[FacetValue]]:
    return {name: [FacetValue(value, 0, True) for value in chosen.get(name, [])] for name in FACETS}


# -- similar entries ------------------------------------------------------------------------

_SHARED = ("issue", "city", "country", "four_cos", "kind", "iap2", "mode")


def _shared_facets(entry: Entry, ids: list[int]) -> dict[int, int]:
    """How many facet values each of these entries shares with the entry."""
    own = Facet.objects.filter(entry=entry, name__in=_SHARED).values_list("name", "value")
    condition = Q(pk__in=[])
    for name, value in own:
        condition |= Q(name=name, value=value)
    rows = Facet.objects.filter(condition, entry_id__in=ids).values_list("entry_id", flat=True)
    return Counter(rows)


def _sharing_facets(entry: Entry, base, limit: int) -> list[int]:
    """For an entry without telling words: the entries sharing most of its values, counted in
    the database (a common kind or country would be tens of thousands of rows to fetch)."""
    own = Facet.objects.filter(entry=entry, name__in=_SHARED).values_list("name", "value")
    condition = Q(pk__in=[])
    for name, value in own:
        condition |= Q(name=name, value=value)
    visible = base.filter(pk=OuterRef("entry_id"))
    rows = Facet.objects.filter(condition).filter(Exists(visible)).values("entry_id")
    top = rows.annotate(shared=Count("id")).order_by("-shared", "entry_id")[:limit]
    return [row["entry_id"] for row in top]
