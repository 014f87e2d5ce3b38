"""The sparse vote matrix: building, latest-vote rule, ids, subsets, tallies."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coproduce.conversations.opinion import OpinionDataError, VoteMatrix
from coproduce.conversations.opinion.matrix import factorize


def test_latest_vote_wins_by_timestamp_then_input_order():
    m = VoteMatrix.from_votes(
        participants=[3, 1, 3, 1, 3, 3],
        statements=["b", "a", "b", "c", "a", "a"],
        votes=[1, 0, -1, 1, 0, 1],
        timestamps=[5, 1, 6, 2, 3, 3],  # the two votes of 3 on "a" tie: the later row wins
    )
    assert m.participant_ids.tolist() == [1, 3]
    assert m.statement_ids.tolist() == ["a", "b", "c"]
    dense = m.to_dense()
    np.testing.assert_array_equal(dense[0], [0, np.nan, 1])
    np.testing.assert_array_equal(dense[1], [1, -1, np.nan])
    assert m.n_votes == 4


def test_without_timestamps_the_last_row_wins():
    m = VoteMatrix.from_votes([1, 1, 1], [7, 7, 7], [1, -1, 0])
    assert m.to_dense().tolist() == [[0.0]]


def test_extra_ids_without_votes_are_kept():
    m = VoteMatrix.from_votes([2], [5], [1], statement_ids=[9, 5, 1], participant_ids=[4])
    assert m.statement_ids.tolist() == [1, 5, 9]
    assert m.participant_ids.tolist() == [2, 4]
    assert m.votes_per_statement().tolist() == [0, 1, 0]
    assert m.votes_per_participant().tolist() == [1, 0]


def test_from_dense_round_trip():
    dense = np.array([[1, np.nan, -1], [np.nan, np.nan, np.nan], [0, 1, 1]])
    m = VoteMatrix.from_dense(dense, participant_ids=[10, 20, 30], statement_ids=[7, 8, 9])
    np.testing.assert_array_equal(m.to_dense(), dense)
    assert m.participant_index([30, 99, 10]).tolist() == [2, -1, 0]
    assert m.statement_index([9]).tolist() == [2]


def test_select_rows_and_columns():
    dense = np.array([[1, np.nan, -1], [np.nan, 0, np.nan], [0, 1, 1]])
    m = VoteMatrix.from_dense(dense)
    sub = m.select(
        participants=np.array([True, False, True]), statements=np.array([True, False, True])
    )
    np.testing.assert_array_equal(sub.to_dense(), [[1, -1], [0, 1]])
    assert sub.participant_ids.tolist() == [0, 2]
    assert sub.statement_ids.tolist() == [0, 2]
    empty_rows = m.select(statements=np.array([False, True, False]))
    np.testing.assert_array_equal(empty_rows.to_dense(), [[np.nan], [0], [1]])
    trailing_empty = VoteMatrix.from_dense(np.array([[1, -1], [np.nan, np.nan]]))
    np.testing.assert_array_equal(
        trailing_empty.select(statements=np.array([True, False])).to_dense(), [[1], [np.nan]]
    )


def test_tally_counts_agree_disagree_and_all_votes():
    dense = np.array([[1, -1], [1, 0], [-1, np.nan], [0, 1]])
    m = VoteMatrix.from_dense(dense)
    agree, disagree, votes = m.tally(np.array([0, 0, 1, -1]), 2)
    assert agree.tolist() == [[2, 0], [0, 0]]
    assert disagree.tolist() == [[0, 1], [1, 0]]
    assert votes.tolist() == [[2, 2], [1, 0]]
    a, d, s = m.column_tally()
    assert (a.tolist(), d.tolist(), s.tolist()) == ([2, 1], [1, 1], [4, 3])


@pytest.mark.parametrize("bad", [2, -2, 0.5, np.nan])
def test_votes_outside_the_three_values_are_refused(bad):
    with pytest.raises(OpinionDataError, match="vote #1"):
        VoteMatrix.from_votes([1, 2], [1, 1], [1, bad])


def test_mixed_id_types_and_length_mismatch_are_refused():
    with pytest.raises(OpinionDataError, match="all integers or all text"):
        VoteMatrix.from_votes(np.array([1, "a"], dtype=object), [1, 1], [1, 1])
    with pytest.raises(OpinionDataError, match="differ in length"):
        VoteMatrix.from_votes([1, 2], [1], [1, 1])


def test_empty_matrix():
    m = VoteMatrix.from_votes([], [], [])
    assert m.shape == (0, 0)
    assert m.n_votes == 0


def test_factorize_sparse_and_text_ids():
    uniques, codes = factorize(np.array([10**12, 5, 10**12, 7]))
    assert uniques.tolist() == [5, 7, 10**12]
    assert codes.tolist() == [2, 0, 2, 1]
    uniques, codes = factorize(np.array(["z", "a", "z"], dtype=object))
    assert uniques.tolist() == ["a", "z"]
    assert codes.tolist() == [1, 0, 1]


votes_strategy = st.lists(
    st.tuples(st.integers(0, 6), st.integers(0, 4), st.sampled_from([-1, 0, 1])),
    min_size=1,
    max_size=60,
)


@settings(max_examples=60, deadline=None)
@given(votes_strategy, st.randoms(use_true_random=False))
def test_matrix_matches_a_naive_dictionary_and_ignores_row_order(rows, rnd):
    """Latest vote per cell equals a dict built row by row; timestamps make order irrelevant."""
    timestamps = list(range(len(rows)))
    expected = {}
    for (p, s, v), _ in zip(rows, timestamps, strict=True):
        expected[(p, s)] = v
    order = list(range(len(rows)))
    rnd.shuffle(order)
    m = VoteMatrix.from_votes(
        [rows[i][0] for i in order],
        [rows[i][1] for i in order],
        [rows[i][2] for i in order],
        timestamps=[timestamps[i] for i in order],
    )
    dense = m.to_dense()
    got = {
        (int(m.participant_ids[i]), int(m.statement_ids[j])): int(dense[i, j])
        for i, j in zip(*np.nonzero(~np.isnan(dense)), strict=True)
    }
    assert got == expected
