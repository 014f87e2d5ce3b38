"""The in-memory tally the search counts and orders with (pure: no database)."""

import numpy as np
import pytest

from coproduce.library.search import tally


def all_counts(found: tally.Tally, among: np.ndarray) -> dict[str, dict[str, int]]:
    return found.top_counts(among, most=10**6)


def small():
    return tally.build(
        ids=[3, 7, 10, 42],
        title_keys=["commons", "bologna", "commons", "atlas"],
        facet_values={
            "country": [("Italy", [3, 7]), ("Spain", [10]), ("Nowhere", [99])],
            "issue": [("housing", [3, 10, 42]), ("health", [3])],
        },
        columns={"coalition": [0, 5, 0, 0]},
    )


def test_masks_positions_and_unknown_ids():
    found = small()
    assert found.mask([7, 42, 1000, -1]).tolist() == [False, True, False, True]
    assert found.position(10) == 2 and found.position(11) is None
    assert found.aligned(np.array([42, 8, 3])).tolist() == [3, -1, 0]


def test_counts_leave_out_values_nobody_in_the_set_has():
    found = small()
    among = found.mask([3, 10])
    assert found.counts("country", among) == {"Italy": 1, "Spain": 1}
    assert all_counts(found, among) == {
        "country": {"Italy": 1, "Spain": 1},
        "issue": {"housing": 2, "health": 1},
    }
    assert all_counts(found, found.mask([])) == {"country": {}, "issue": {}}
    assert "Nowhere" not in found.facets["country"].values  # no entry of the tally has it


def test_having_any_of_several_values():
    found = small()
    assert found.ids[found.having("country", ["Spain", "Italy"])].tolist() == [3, 7, 10]
    assert not found.having("country", ["Atlantis"]).any()


def test_title_order_breaks_ties_by_id_and_pages():
    found = small()
    everything = found.everything()
    assert found.by_title(everything, 0, 10) == [42, 7, 3, 10]
    assert found.by_title(everything, 1, 2) == [7, 3]
    assert found.by_title(found.mask([3, 10, 42]), 0, 10) == [42, 3, 10]


def test_shared_values_with_one_entry():
    found = small()
    shared = found.shared(found.position(3), found.everything(), ["country", "issue"])
    # 3 itself shares all three; 7 its country; 10 housing; 42 housing.
    assert shared.tolist() == [3, 1, 1, 1]
    assert found.shared(0, found.mask([7]), ["country"]).tolist() == [0, 1, 0, 0]


@pytest.mark.parametrize("sparse", [False, True])
def test_sparse_ids_are_searched_rather_than_tabled(sparse):
    ids = [1, 2, 10**9] if sparse else [1, 2, 3]
    found = tally.build(ids, ["a", "b", "c"], {"kind": [("case", ids[1:])]})
    assert (found.position_of.size == 0) is sparse
    assert found.mask([ids[2], 5]).tolist() == [False, False, True]
    assert found.counts("kind", found.everything()) == {"case": 2}


def test_ids_must_ascend():
    with pytest.raises(ValueError, match="ascending"):
        tally.build([2, 1], ["a", "b"], {})


def test_an_empty_library():
    found = tally.build([], [], {"kind": []})
    assert found.size == 0 and found.by_title(found.everything(), 0, 5) == []
    assert all_counts(found, found.everything()) == {"kind": {}}
    assert found.mask([1]).tolist() == []


def spread(size: int, seed: int) -> tally.Tally:
    """A tally with many values per facet, entries with none, one or several of each."""
    rng = np.random.default_rng(seed)
    ids = sorted(rng.choice(10 * size, size, replace=False).tolist())
    facets = {}
    for name, count in (("country", 7), ("city", 40), ("issue", 5)):
        facets[name] = [
            (f"{name} {value}", rng.choice(ids, rng.integers(0, size), replace=True).tolist())
            for value in range(count)
        ]
    return tally.build(ids, [str(n) for n in ids], facets)


def naive_counts(found: tally.Tally, among: np.ndarray) -> dict[str, dict[str, int]]:
    return {name: found.counts(name, among) for name in found.facets}


@pytest.mark.parametrize("share", [0.0, 0.01, 0.2, 0.5, 0.8, 0.99, 1.0])
def test_every_way_of_counting_gives_the_same_counts(share):
    # A few entries are counted from their rows, most as all less the rest, the others in
    # one pass over every row: each must agree with counting facet by facet.
    found = spread(400, seed=int(share * 100))
    among = np.random.default_rng(7).random(found.size) < share
    assert all_counts(found, among) == naive_counts(found, among)


@pytest.mark.parametrize("share", [0.05, 0.5, 0.95])
def test_the_top_counts_are_the_most_found_values_ties_in_order(share):
    found = spread(300, seed=3)
    among = np.random.default_rng(11).random(found.size) < share
    for name, counts in naive_counts(found, among).items():
        best = sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:6]
        assert found.top_counts(among, 6)[name] == dict(best)
