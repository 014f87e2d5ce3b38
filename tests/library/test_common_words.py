"""The bitmaps of the library's most common words (search/common.py, search/bits.py): on
PostgreSQL a search of common words is answered from them, and they must hold exactly what the
full-text index holds after every kind of change; on SQLite there are none, and the same
searches give the same answers from FTS5. The thresholds are lowered here so that a dozen
entries have common words."""

import numpy as np
import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection, connections, transaction
from django.test.utils import CaptureQueriesContext

from coproduce.library import generation, services
from coproduce.library.imports import import_participedia
from coproduce.library.participedia import CASE_COLUMNS
from coproduce.library.rules import sight
from coproduce.library.search import bits, common, engine, index, text

EVERYONE = sight(AnonymousUser())


def postgresql() -> bool:
    return connection.vendor == "postgresql"


# -- the bitmaps themselves (pure) ----------------------------------------------------------


def test_ids_survive_the_trip_through_chunks():
    ids = np.array([0, 7, 8, 65_535, 65_536, 65_537, 200_000], dtype=np.int64)
    chunks = bits.chunks_of(ids)
    assert sorted(chunks) == [0, 1, 3]
    assert all(len(packed) == bits.CHUNK_BYTES for packed in chunks.values())
    assert bits.ids_of(bits.any_of(chunks.items())).tolist() == ids.tolist()
    assert bits.ids_of({}).tolist() == []


def test_any_of_and_all_of_work_chunk_by_chunk():
    one = bits.chunks_of(np.array([1, 5, 70_000]))
    other = bits.chunks_of(np.array([5, 9]))
    both = bits.any_of([*one.items(), *other.items()])
    assert bits.ids_of(both).tolist() == [1, 5, 9, 70_000]
    three = bits.any_of(bits.chunks_of(np.array([5, 9, 70_000])).items())
    common = bits.all_of([bits.any_of(one.items()), bits.any_of(other.items()), three])
    assert bits.ids_of(common).tolist() == [5]  # 70,000's chunk is missing from `other`
    assert bits.all_of([]) == {}


def test_rewriting_clears_the_touched_then_sets_those_having_the_word():
    chunk = 1
    old = bits.chunks_of(np.array([65_540, 65_541, 65_600]))[chunk]
    touched = np.array([65_540, 65_541, 65_542])
    new = bits.rewritten(old, chunk, touched, np.array([65_542]))
    assert bits.ids_of(bits.any_of([(chunk, new)])).tolist() == [65_542, 65_600]  # 65,600 untouched
    fresh = bits.rewritten(None, 0, np.array([3, 4]), np.array([4]))
    assert bits.ids_of(bits.any_of([(0, fresh)])).tolist() == [4]


def test_only_single_words_can_be_answered_from_bitmaps():
    found = [text.single_words(term) for term in text.parse("tables rounds").terms]
    assert found == [["tabl"], ["round", "rounds"]]
    for query in ('"world cafe"', "partic*", "world-cafe"):
        assert text.single_words(text.parse(query).terms[0]) == []


# -- on the database ------------------------------------------------------------------------


def entry(title, body):
    made = services.create_entry({"kind": "case", "title": title, "body": body})
    return services.moderate(made, publish=True)


NAMES = [
    "Oak",
    "Elm",
    "Ash",
    "Yew",
    "Fir",
    "Box",
    "Bay",
    "Fig",
    "Lime",
    "Pear",
    "Plum",
    "Teak",
]  # a word each


@pytest.fixture
def library(db, low):
    """Thirteen entries: "river" in all, "garden" in nine, "budget" in six, "tables" and
    "jury" rarer; the last one far along the ids, in another chunk of the bitmaps."""
    made = []
    for n, name in enumerate(NAMES):
        words = ["river"] + ["garden"] * (n % 3 != 0) + ["budget"] * (n % 2 == 0)
        words += ["tables"] * (n == 4) + ["jury"] * (n in (1, 2))
        made.append(entry(name, " ".join(words)))
    _ids_from(bits.CHUNK + 11)
    far = entry("Far along", "river garden")
    assert far.pk > bits.CHUNK
    return [*made, far]


def _ids_from(number: int) -> None:
    """The next entries made get ids from this one on (or higher), as in a library that has
    had many entries. (PostgreSQL's sequence keeps its place when a test rolls back.)"""
    with connection.cursor() as cursor:
        if postgresql():
            sequence = "pg_get_serial_sequence('library_entry', 'id')"
            cursor.execute(
                f"SELECT setval({sequence}, greatest(%s, (SELECT last_value FROM "  # noqa: S608
                "library_entry_id_seq)))",
                [number - 1],
            )
        else:
            cursor.execute(
                "UPDATE sqlite_sequence SET seq = max(seq, %s) WHERE name = 'library_entry'",
                [number - 1],
            )


def index_ids(query: str) -> list[int]:
    """What the full-text index alone answers."""
    return sorted(engine._ids(engine._Match.of(text.parse(query))).tolist())


def bitmap_ids(query: str) -> list[int] | None:
    """The bitmaps' answer to a query of common words only (None: they did not answer)."""
    found = common.matching(text.parse(query), None)
    if found is None or found[1]:  # a term left for the index: not the bitmaps' alone
        return None
    return sorted(found[0].tolist())


QUERIES = ["river", "garden", "budget", "river garden", "garden budget", "rivers", "gardens"]


def assert_answers_hold_the_index():
    """On PostgreSQL the bitmaps answer exactly as the index; on SQLite they never answer;
    on both, the search page's count is the index's."""
    for query in QUERIES:
        assert bitmap_ids(query) == (index_ids(query) if postgresql() else None), query
        assert engine.search(query, sight=EVERYONE).total == len(index_ids(query)), query


def test_refresh_chooses_the_common_words_and_search_uses_them(library):
    assert bitmap_ids("river") is None  # nothing common yet: the index answers
    assert common.refresh() == (3 if postgresql() else None)  # river, garden, budget
    assert_answers_hold_the_index()
    assert bitmap_ids("river tables") is None  # "tables" is rare: the index answers
    # Exclusions are left for the index, as a query of their own.
    kept = common.matching(text.parse("river -tables"), None)
    assert (kept is not None) is postgresql()
    if kept is not None:
        assert [term.words for term in kept[1].terms] == [("tables",)]
    number = generation.current()
    for query in ("river tables", "river -jury", "river garden -tables", "river -garden"):
        found = engine._matching_ids(engine._Match.of(text.parse(query)), number)
        assert sorted(found.tolist()) == index_ids(query), query
    assert bitmap_ids('"river garden"') is None  # a phrase: the index answers
    assert len(index_ids("garden budget")) == 4
    with CaptureQueriesContext(connection) as asked:
        assert engine.search("budget garden", sight=EVERYONE).total == 4  # not asked yet
    sql = " ".join(query["sql"] for query in asked.captured_queries)
    if postgresql():  # answered from the bitmaps; the index lists no common word's entries
        assert "library_common" in sql
        assert "SELECT library_matching(CAST('" not in sql  # the whole query, to the index
        assert bits.CHUNK + 11 in bitmap_ids("river")
    else:
        assert "library_common" not in sql and "MATCH" in sql


def test_edits_creations_and_reindexing_keep_the_bitmaps_exact(library):
    common.refresh()
    first, far = library[0], library[-1]
    services.update_entry(first, {"body": "garden only now"}, note="Rewritten")
    services.update_entry(far, {"body": "budget and garden, nothing else"}, note="Edit")
    entry("New case", "river budget garden")
    assert_answers_hold_the_index()
    assert first.pk not in index_ids("river") and far.pk in index_ids("budget")
    index.rebuild()
    assert_answers_hold_the_index()


def test_an_import_writes_the_bitmaps_once_at_its_end(library):
    common.refresh()
    columns = list(CASE_COLUMNS)
    rows = [",".join(columns)]
    for n in range(3):
        cells = dict.fromkeys(columns, "")
        cells.update(id=str(900 + n), type="case", title=f"Imported {n}")
        cells["body"] = f"river {'budget' if n else 'market'} of the town"
        rows.append(",".join(cells[column] for column in columns))
    report = import_participedia(("\n".join(rows) + "\n").encode())
    assert report.imported and len(report.created) == 3, report.refused
    assert_answers_hold_the_index()
    assert len(index_ids("river budget")) == 6 + 2


def test_an_entry_indexed_twice_in_one_block_keeps_its_last_words(library):
    common.refresh()
    one = library[1]
    with transaction.atomic(), common.deferred():
        one.body = "river garden budget"
        index.update([one])
        one.body = "market only"
        index.update([one])
    assert one.pk not in index_ids("river")
    assert_answers_hold_the_index()


def test_words_stop_being_common_only_well_below_and_the_sweep_refreshes_after_growth(
    library, monkeypatch
):
    common.refresh()
    assert common.refresh_when_due() is False  # nothing changed since
    for n in range(4):
        entry(f"More {n}", "tables tables market")
    # 17 entries now, 13 at the refresh: grown by more than a tenth (on PostgreSQL).
    assert common.refresh_when_due() is postgresql()
    assert bitmap_ids("tables") is None  # in 5 of 17: not common
    # "budget" (6 of 17) is under 40 %, but not under half of it: kept, no churn at the edge.
    assert bitmap_ids("budget") == (index_ids("budget") if postgresql() else None)
    monkeypatch.setattr(common, "COMMON_SHARE", 0.9)  # 16 of 17; kept while in 8
    assert common.refresh() == (2 if postgresql() else None)  # river, garden
    assert bitmap_ids("budget") is None
    assert bitmap_ids("river garden") == (index_ids("river garden") if postgresql() else None)


def test_a_refresh_never_runs_twice_at_once(library):
    if not postgresql():
        assert common.refresh() is None
        return
    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:  # another worker, refreshing
            cursor.execute("SELECT pg_advisory_lock(%s)", [common._REFRESH_LOCK])
        assert common.refresh() is None
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [common._REFRESH_LOCK])
        assert common.refresh() == 3
    finally:
        other.close()
