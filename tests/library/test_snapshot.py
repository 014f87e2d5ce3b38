"""The bitmaps of the library's common prefixes, on SQLite of its common words, and on
PostgreSQL the entries of each pair of common words side by side (search/snapshot.py): built by
the worker for one generation of the library, they answer exactly as the full-text index does,
and are left unused as soon as the library changes, until the next build. On SQLite and on
PostgreSQL alike. The thresholds are lowered so that ten entries have common prefixes and
words."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from library.test_common_words import entry

from coproduce.library import generation, services
from coproduce.library.rules import sight
from coproduce.library.search import common, engine, snapshot, text

EVERYONE = sight(AnonymousUser())


BODIES = [
    "river garden budget",
    "riverside gardening roadabout",
    "rivers and communities",
    "the river meets the road",
    "garden budget community roadable",
    "rivet works jury",
    "communities of the road",
    "road budget roadable",
    "market square",
    "riverbank garden",
]


@pytest.fixture
def library(db, low):
    return [entry(f"Case {n}", body) for n, body in enumerate(BODIES)]


def index_ids(query: str) -> list[int]:
    """What the full-text index alone answers."""
    return sorted(engine._ids(engine._Match.of(text.parse(query))).tolist())


def answered(query: str) -> list[int]:
    """What the search answers, bitmaps and all (they must be used: the query has a term
    they hold)."""
    parsed = text.parse(query)
    number = generation.current()
    assert snapshot.matching(parsed, number) is not None, query
    return sorted(engine._matching_ids(engine._Match.of(parsed), number).tolist())


def test_candidates_are_prefixes_whose_words_add_up_to_the_threshold():
    vocabulary = [("river", 3), ("rivet", 2), ("road", 1), ("market", 9)]
    found = snapshot.candidates(vocabulary, 5)
    assert found == ["m", "ma", "mar", "mark", "marke", "market", "r", "ri", "riv", "rive"]


def test_nothing_is_used_until_the_worker_builds_then_prefixes_come_from_the_bitmaps(library):
    number = generation.current()
    assert snapshot.matching(text.parse("riv*"), number) is None  # not built yet
    assert snapshot.rebuild() > 0
    assert answered("riv*") == index_ids("riv*")
    assert len(index_ids("riv*")) == 6
    with CaptureQueriesContext(connection) as asked:
        assert engine.search("rive*", sight=EVERYONE).total == 6  # "rivet" too
    sql = [query["sql"] for query in asked.captured_queries]
    assert any("library_snapshot" in one for one in sql)
    listed = [one for one in sql if "group_concat" in one or "library_matching" in one]
    assert not [one for one in listed if "rive" in one]  # the index never listed it
    assert snapshot.matching(text.parse("jur*"), number) is None  # in one entry: not kept


def sqlite() -> bool:
    return connection.vendor == "sqlite"


def test_on_sqlite_common_words_come_from_the_bitmaps_too(library):
    # PostgreSQL keeps its common words' bitmaps as entries are written (common.py).
    snapshot.rebuild()
    number = generation.current()
    for query in ["garden", "garden budget", "gardening", "garden -jury", '"river garden" garden']:
        used = snapshot.matching(text.parse(query), number) is not None
        assert used is sqlite(), query
        assert engine.search(query, sight=EVERYONE).total == len(index_ids(query)), query
    assert snapshot.matching(text.parse("river"), number) is None  # in 3 of 10: not common
    assert snapshot.matching(text.parse('"garden budget"'), number) is None  # a phrase


@pytest.mark.parametrize(
    "query",
    [
        "riv*",
        "riv* garden",
        "riv* gard*",
        "riv* -budget",
        "riv* -gard*",
        "r* road",
        '"river garden" riv*',
        "gard* jury",
    ],
)
def test_a_prefix_with_other_terms_finds_what_the_index_finds(library, query):
    snapshot.rebuild()
    assert answered(query) == index_ids(query)


def test_a_prefix_still_finds_its_own_stems_from_the_bitmaps(library, monkeypatch):
    # "roada" is stemmed "road" in Spanish, a word "roada" does not begin: entries with the
    # word "road" are found as well as those with "roadable" (Term.stems_of_prefix), from the
    # bitmaps as from the index. On PostgreSQL "road" is then a common word, from its bitmap.
    monkeypatch.setattr(common, "COMMON_SHARE", 0.25)  # in 3 of the 10 entries
    monkeypatch.setattr(snapshot, "KEPT_SHARE", 0.25)
    common.refresh()
    snapshot.rebuild()
    assert text.parse("roada*").terms[0].stems_of_prefix() == ["road"]
    found = answered("roada*")
    assert found == index_ids("roada*")
    titles = {entry.pk: entry.title for entry in library}
    assert [titles[pk] for pk in found] == ["Case 1", "Case 3", "Case 4", "Case 6", "Case 7"]
    if connection.vendor == "postgresql":
        assert "road" in common.words(generation.current())


def test_a_change_leaves_the_bitmaps_unused_until_the_next_build(library):
    snapshot.rebuild()
    new = entry("Riverbank walk", "a new riverine path")
    assert snapshot.matching(text.parse("riv*"), generation.current()) is None
    assert new.pk in index_ids("riv*")
    assert engine.search("riv*", sight=EVERYONE).total == 7
    now = timezone.now()
    assert snapshot.rebuild_when_due(now) is False  # built a moment ago: the worker waits
    later = now + timedelta(seconds=snapshot.REBUILD_PAUSE + 1)
    assert snapshot.rebuild_when_due(later) is True
    assert new.pk in answered("riv*")
    assert snapshot.rebuild_when_due(later) is False  # nothing changed since


def test_a_build_for_a_generation_that_moved_on_is_never_read(library, monkeypatch):
    # Built while an entry changed: the bitmaps carry the number read before building.
    before = generation.current()
    entry("Rivulet", "river mouth")
    monkeypatch.setattr(generation, "current", lambda: before)
    snapshot.rebuild()
    monkeypatch.undo()
    assert snapshot.matching(text.parse("riv*"), generation.current()) is None
    assert snapshot.matching(text.parse("riv*"), before) is not None


def test_a_small_library_keeps_no_prefixes(db):
    for n, body in enumerate(BODIES):
        entry(f"Case {n}", body)
    assert snapshot.rebuild() == 0  # 10 entries, far from the 2,000 a common prefix needs
    assert snapshot.matching(text.parse("riv*"), generation.current()) is None
    assert engine.search("riv*", sight=EVERYONE).total == 6


def test_two_workers_never_build_at_once(library):
    if connection.vendor != "postgresql":  # SQLite: one writer at a time anyway
        assert snapshot.rebuild() > 0
        return
    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:  # another worker, building
            cursor.execute("SELECT pg_advisory_lock(%s)", [snapshot._BUILD_LOCK])
        assert snapshot.rebuild() is None
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [snapshot._BUILD_LOCK])
        assert snapshot.rebuild() > 0
    finally:
        other.close()


# -- phrases of two common words (PostgreSQL) -----------------------------------------------


def postgresql() -> bool:
    return connection.vendor == "postgresql"


@pytest.fixture
def paired(library, monkeypatch):
    """In 3 of the 11 entries: garden, budget, river, community, road and case are common,
    and their pairs are kept.
    The eleventh has "garden" as the last word of its title, "budget" as the first of its
    description: not side by side, as they are in two fields."""
    fields = {"kind": "case", "title": "Garden", "description": "Budget notes", "body": "Plots"}
    services.moderate(services.create_entry(fields), publish=True)
    monkeypatch.setattr(common, "COMMON_SHARE", 0.25)
    monkeypatch.setattr(snapshot, "KEPT_SHARE", 0.25)
    monkeypatch.setattr(snapshot, "PAIRED_MIN", 3)
    common.refresh()
    snapshot.rebuild()
    return library


PHRASES = [
    '"garden budget"',  # side by side in two entries
    '"budget garden"',  # both common, never in this order: no pair, nothing found
    '"river garden"',
    '"river budget"',  # a word apart
    '"gardens budgets"',  # the same stems
    '"case garden"',  # a title's last word and the body's first: different fields
    '"garden budget" -community',
    '"garden budget" road',
    '"garden budget" riv*',
    '"river garden" "garden budget"',
    '"garden market"',  # "market" is in one entry: the index checks it
]


@pytest.mark.parametrize("query", PHRASES)
def test_a_phrase_of_two_common_words_finds_what_the_index_finds(paired, query):
    parsed = text.parse(query)
    number = generation.current()
    if postgresql():  # on SQLite, the query's common words and prefix may be held
        assert (snapshot.matching(parsed, number) is not None) is ("market" not in query)
    found = engine._matching_ids(engine._Match.of(parsed), number)
    assert sorted(found.tolist()) == index_ids(query)


def test_a_phrase_of_two_common_words_is_one_row_on_postgresql(paired):
    number = generation.current()
    kept = snapshot.matching(text.parse('"gardening budgets"'), number)
    if not postgresql():  # FTS5 keeps each word's positions in its index
        assert kept is None
        return
    ids, rest = kept
    titles = {entry.pk: entry.title for entry in paired}
    assert [titles[pk] for pk in ids.tolist()] == ["Case 0", "Case 4"]
    assert not rest
    with CaptureQueriesContext(connection) as asked:
        assert engine.search('"garden budget"', sight=EVERYONE).total == 2
        assert engine.search('"budget garden"', sight=EVERYONE).total == 0
    listed = [one["sql"] for one in asked.captured_queries if "library_matching" in one["sql"]]
    # The index never checked the phrase entry by entry; only its Spanish stems ("gard
    # budget"), which are not common, are asked of it.
    assert listed and not [one for one in listed if "'garden'' <-> ''budget'" in one]
    # The paired words are read once per build, not with every search.
    sql = [one["sql"] for one in asked.captured_queries]
    assert not [one for one in sql if "paired FROM library_snapshot_state" in one]


def test_a_pair_built_for_another_generation_is_never_read(paired):
    if not postgresql():
        return
    number = generation.current()
    assert snapshot._pairs({"garden budget"}, number)["garden budget"].size == 2
    assert snapshot._pairs({"garden budget"}, number + 1) is None
    entry("Garden budget", "a new garden budget")
    assert snapshot.matching(text.parse('"garden budget"'), generation.current()) is None
    assert engine.search('"garden budget"', sight=EVERYONE).total == 3


@pytest.mark.django_db(transaction=True)
def test_the_worker_vacuums_what_a_build_deleted(low):
    # Outside a transaction, as in the worker: the last build's rows are vacuumed after the
    # new one is committed (inside one, VACUUM would fail).
    for n, body in enumerate(BODIES):
        entry(f"Case {n}", body)
    snapshot.rebuild()
    with CaptureQueriesContext(connection) as asked:
        assert snapshot.rebuild() > 0
    vacuumed = [one["sql"] for one in asked.captured_queries if one["sql"].startswith("VACUUM")]
    assert vacuumed == (["VACUUM library_snapshot, library_snapshot_pair"] if postgresql() else [])
    assert answered("riv*") == index_ids("riv*")


def test_after_a_crash_searches_use_the_index_until_the_worker_builds_again(library):
    # PostgreSQL empties unlogged tables after a crash, the state's row included; SQLite's
    # tables could be emptied so too (a restore without them).
    snapshot.rebuild()
    with connection.cursor() as cursor:
        for table in ["library_snapshot", "library_snapshot_state"]:
            cursor.execute(f"DELETE FROM {table}")  # noqa: S608
        if postgresql():
            cursor.execute("DELETE FROM library_snapshot_pair")
    assert snapshot.matching(text.parse("riv*"), generation.current()) is None
    assert engine.search("riv*", sight=EVERYONE).total == 6
    assert snapshot.rebuild_when_due() is True  # no row: due at once
    assert answered("riv*") == index_ids("riv*")


def test_the_snapshot_writes_no_log_on_postgresql(db):
    if not postgresql():
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, relpersistence FROM pg_class WHERE relname IN "
            "('library_snapshot', 'library_snapshot_state', 'library_snapshot_pair')"
        )
        assert dict(cursor.fetchall()) == dict.fromkeys(
            ["library_snapshot", "library_snapshot_state", "library_snapshot_pair"], "u"
        )
