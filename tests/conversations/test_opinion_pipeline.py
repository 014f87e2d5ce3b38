"""The whole pipeline: planted groups, determinism, invariances, moderation, warm starts."""

import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.metrics import adjusted_rand_score

from coproduce.conversations.opinion import OpinionConfig, OpinionState, VoteMatrix, compute
from coproduce.conversations.opinion.pipeline import in_conversation


def planted(n=240, m=30, k=3, density=0.6, agree=0.85, seed=0):
    rng = np.random.default_rng(seed)
    groups = rng.integers(0, k, n)
    stance = rng.choice([-1.0, 1.0], size=(k, m))
    dense = np.where(rng.random((n, m)) < agree, stance[groups], -stance[groups])
    dense[rng.random((n, m)) > density] = np.nan
    return dense, groups


def matrix(dense):
    return VoteMatrix.from_dense(dense)


def test_recovers_planted_groups():
    dense, groups = planted(m=40, agree=0.9, density=0.8)
    result = compute(matrix(dense))
    assert result.k == 3
    assert result.reason is None
    assert adjusted_rand_score(groups, result.group_of) == 1.0
    assert sum(g.size for g in result.groups) == 240
    # Noisier votes still give the planted k, with a few participants misplaced.
    dense, groups = planted(agree=0.85)
    noisy = compute(matrix(dense))
    assert noisy.k == 3 and adjusted_rand_score(groups, noisy.group_of) > 0.8
    assert [g.size for g in result.groups] == sorted((g.size for g in result.groups), reverse=True)
    for group in result.groups:
        assert 1 <= len(group.representative) <= 5
    assert result.participation.share_clustered == 1.0


small_matrices = st.builds(
    lambda seed, n, m: planted(n=n, m=m, k=2, density=0.7, agree=0.8, seed=seed)[0],
    st.integers(0, 10_000),
    st.integers(20, 60),
    st.integers(5, 15),
)


def _key(result):
    return json.dumps(result.to_dict(), sort_keys=True)


@settings(max_examples=15, deadline=None)
@given(small_matrices, st.integers(0, 3))
def test_deterministic_for_a_seed(dense, seed):
    assert _key(compute(matrix(dense), seed=seed)) == _key(compute(matrix(dense), seed=seed))


@settings(max_examples=15, deadline=None)
@given(small_matrices, st.randoms(use_true_random=False))
def test_invariant_to_the_order_of_votes(dense, rnd):
    rows, cols = np.nonzero(~np.isnan(dense))
    order = list(range(rows.size))
    rnd.shuffle(order)
    shuffled = VoteMatrix.from_votes(
        rows[order] * 7 + 3, cols[order] * 5 + 1, dense[rows, cols][order]
    )
    straight = VoteMatrix.from_votes(rows * 7 + 3, cols * 5 + 1, dense[rows, cols])
    a, b = compute(shuffled), compute(straight)
    np.testing.assert_allclose(a.coords, b.coords, atol=1e-8)
    assert a.group_of.tolist() == b.group_of.tolist()
    assert [g.representative for g in a.groups] == [g.representative for g in b.groups]


@settings(max_examples=10, deadline=None)
@given(small_matrices)
def test_flipping_every_vote_mirrors_the_map(dense):
    a, b = compute(matrix(dense)), compute(matrix(-dense))
    np.testing.assert_allclose(b.coords, -a.coords, atol=1e-8)
    if a.k:
        assert adjusted_rand_score(a.group_of, b.group_of) == 1.0
    assert [c.statement_id for c in b.consensus_agree] == [
        c.statement_id for c in a.consensus_disagree
    ]
    np.testing.assert_allclose(b.group_aware_consensus, a.group_aware_consensus_disagree)
    flipped = {"agree": "disagree", "disagree": "agree"}
    assert [(c.statement_id, flipped[c.direction]) for c in b.common_ground] == sorted(
        ((c.statement_id, c.direction) for c in a.common_ground), key=lambda c: c[1] != "disagree"
    )


def test_common_ground_leaves_out_what_one_group_carries():
    # Two planted groups of 150 and 50. Statement 0: everyone agrees. Statement 1: the big
    # group agrees and the small one disagrees, so a majority of everyone agrees. The groups
    # split on every other statement.
    groups = (np.arange(200) >= 150).astype(int)
    rng = np.random.default_rng(3)
    stance = rng.choice([-1.0, 1.0], size=20) * np.array([[1.0], [-1.0]])  # split elsewhere
    stance[:, 0] = 1.0
    stance[:, 1] = [1.0, -1.0]
    dense = np.where(rng.random((200, 20)) < 0.95, stance[groups], -stance[groups])
    result = compute(matrix(dense))
    assert result.k == 2 and adjusted_rand_score(groups, result.group_of) == 1.0
    assert 1 in [c.statement_id for c in result.consensus_agree]
    shared = [c.statement_id for c in result.common_ground if c.direction == "agree"]
    assert shared[0] == 0 and 1 not in shared
    doc = result.to_dict()["common_ground"]
    assert doc["agree"][0]["statement"] == 0 and doc["agree"][0]["lowest_group_percent"] > 80


def test_rejected_statements_leave_the_maths_when_dropped():
    dense, _ = planted(seed=4)
    full = matrix(dense)
    drop = OpinionConfig(moderation="drop")
    excluded = compute(full, excluded_statements=[3, 7], config=drop)
    without = compute(matrix(np.delete(dense, [3, 7], axis=1)), config=drop)
    assert 3 not in excluded.statement_ids.tolist()
    assert excluded.participation.statements == 28
    # Ids differ (columns renumbered) but the maths is the same.
    np.testing.assert_allclose(np.abs(excluded.coords), np.abs(without.coords), atol=1e-9)
    assert adjusted_rand_score(excluded.group_of, without.group_of) == 1.0


def test_meta_statements_are_routed_but_not_computed():
    dense, _ = planted(seed=5)
    result = compute(matrix(dense), meta_statements=[0])
    i = result.statement_ids.tolist().index(0)
    assert result.is_meta[i] and not result.in_maths[i]
    assert result.priority[i] == 49.0
    assert result.extremity[i] == 0.0
    assert all(r.statement_id != 0 for g in result.groups for r in g.representative)


def test_excluded_participants_are_dropped():
    dense, _ = planted(seed=6)
    result = compute(matrix(dense), excluded_participants=[0, 1, 2])
    assert result.participant_ids.tolist() == list(range(3, 240))
    reference = compute(matrix(dense[3:]))
    np.testing.assert_allclose(np.abs(result.coords), np.abs(reference.coords), atol=1e-9)


def test_statement_without_votes_is_listed_with_a_new_statement_priority():
    dense, _ = planted(seed=7)
    m = matrix(dense)
    rows = m.vote_rows()
    with_new = VoteMatrix.from_votes(
        m.participant_ids[rows], m.statement_ids[m.indices], m.values, statement_ids=[999]
    )
    result = compute(with_new)
    i = result.statement_ids.tolist().index(999)
    assert not result.in_maths[i]
    assert result.priority[i] == pytest.approx((0.25 * 9) ** 2)


@pytest.mark.parametrize(
    ("dense", "reason"),
    [
        (np.zeros((0, 0)), "no votes"),
        (np.array([[1.0, -1.0, 0.0]]), "one participant"),
        (np.array([[1.0], [-1.0], [1.0]]), "one statement"),
        (np.ones((4, 3)), "voted the same way"),
    ],
)
def test_says_why_it_cannot_group_yet(dense, reason):
    result = compute(matrix(dense))
    assert result.k == 0
    assert reason in result.reason
    assert result.groups == ()
    json.loads(result.to_json())


def test_force_k():
    dense, _ = planted(seed=8)
    assert compute(matrix(dense), force_k=2).k == 2
    with pytest.raises(ValueError, match="force_k"):
        compute(matrix(dense), force_k=1)


def test_in_conversation_rule():
    counts = np.array([7, 6, 0, 20, 3, 9])
    inside = in_conversation(counts, 50, greedy_floor=0)
    assert inside.tolist() == [True, False, False, True, False, True]
    # min(7, number of statements): with 3 statements, 3 votes suffice.
    assert in_conversation(counts, 3, greedy_floor=0).tolist() == [
        True,
        True,
        False,
        True,
        True,
        True,
    ]
    # Fewer than the floor: top voters join, never someone without votes.
    assert in_conversation(counts, 50, greedy_floor=5).tolist() == [
        True,
        True,
        False,
        True,
        True,
        True,
    ]
    # Once in, always in.
    before = np.array([False, False, False, False, True, False])
    assert in_conversation(counts, 50, greedy_floor=0, already_in=before)[4]


def test_warm_start_keeps_the_map_steady():
    dense, _ = planted(n=300, seed=9)
    first = compute(matrix(dense))
    state = OpinionState.from_bytes(first.state.to_bytes())
    more = dense.copy()
    more[0, np.isnan(more[0])] = 1.0  # one participant votes on everything left
    second = compute(matrix(more), previous=state)
    assert second.k == first.k
    assert (second.group_of == first.group_of).mean() > 0.99
    # Axes keep their orientation: participants barely move.
    assert np.median(np.abs(second.coords - first.coords)) < 0.1


def test_k_smoothing_waits_four_updates():
    three, _ = planted(n=300, k=3, seed=10)
    two, _ = planted(n=300, k=2, seed=11)
    state = compute(matrix(three)).state
    assert state.k == 3
    ks = []
    for _ in range(4):
        result = compute(matrix(two), previous=state)
        state = result.state
        ks.append(result.k)
    assert ks == [3, 3, 3, 2]


def test_polis_zero_moderation_only_rescales():
    dense, _ = planted(seed=12)
    drop = compute(matrix(dense), excluded_statements=[2], config=OpinionConfig(moderation="drop"))
    zero = compute(matrix(dense), excluded_statements=[2])
    n_votes = (~np.isnan(np.delete(dense, 2, axis=1))).sum(axis=1)
    ratio = np.sqrt(30 / (n_votes + 1)) / np.sqrt(29 / n_votes)
    np.testing.assert_allclose(zero.coords, drop.coords * ratio[:, None], atol=1e-9)


def test_json_shape():
    dense, _ = planted(seed=13)
    doc = json.loads(compute(matrix(dense)).to_json())
    assert set(doc) >= {"k", "participants", "groups", "consensus", "statements", "participation"}
    assert set(doc["participants"][0]) == {"id", "x", "y", "group"}
    assert isinstance(doc["participants"][0]["id"], int)
    assert set(doc["consensus"]) == set(doc["common_ground"]) == {"agree", "disagree"}
    rep = doc["groups"][0]["representative"][0]
    assert {"statement", "direction", "percent_in_group", "percent_rest"} <= set(rep)
    stmt = doc["statements"][0]
    assert {"id", "group_aware_consensus", "extremity", "priority"} <= set(stmt)


def test_defaults_are_polis_conventions_and_old_ones_remain():
    assert OpinionConfig() == OpinionConfig.polis_compatible()
    assert (OpinionConfig().moderation, OpinionConfig().silhouette) == ("zero", "polis")
    old = OpinionConfig.drop_moderated(max_k=3)
    assert (old.moderation, old.silhouette, old.max_k) == ("drop", "weighted", 3)


def test_config_is_validated():
    with pytest.raises(ValueError):
        OpinionConfig(max_k=1)
    with pytest.raises(ValueError):
        OpinionConfig(moderation="hide")


def test_state_round_trip_with_text_ids_and_new_statements():
    dense, _ = planted(n=80, m=12, k=2, seed=14)
    rows, cols = np.nonzero(~np.isnan(dense))
    pids = np.array([f"p{i}" for i in rows], dtype=object)
    sids = np.array([f"s{j:02d}" for j in cols], dtype=object)
    first = compute(VoteMatrix.from_votes(pids, sids, dense[rows, cols]))
    state = OpinionState.from_bytes(first.state.to_bytes())
    assert state.statement_ids.tolist() == first.state.statement_ids.tolist()
    assert state.in_conversation.tolist() == first.state.in_conversation.tolist()
    assert state.smoother == first.state.smoother
    # A new statement arrives with a few votes: the previous state still applies.
    more_p = np.concatenate([pids, np.array(["p0", "p1", "p2"], dtype=object)])
    more_s = np.concatenate([sids, np.array(["s99"] * 3, dtype=object)])
    more_v = np.concatenate([dense[rows, cols], [1, -1, 1]])
    second = compute(VoteMatrix.from_votes(more_p, more_s, more_v), previous=state)
    assert second.k == first.k
    assert "s99" in second.statement_ids.tolist()
    # A state from a conversation with integer ids is simply not used for orientation.
    unrelated = compute(matrix(dense), previous=state)
    assert unrelated.k >= 2


def test_bad_state_bytes():
    with pytest.raises(ValueError, match="not an opinion state"):
        OpinionState.from_bytes(b"not a state")
