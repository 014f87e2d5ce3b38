"""Representativeness, consensus, group-aware consensus, divisiveness and routing priority."""

import math

import numpy as np
import pytest

from coproduce.conversations.opinion.consensus import (
    common_ground,
    consensus_statements,
    divisiveness,
    group_aware_consensus,
    most_divisive,
)
from coproduce.conversations.opinion.repness import (
    Z90,
    group_stats,
    probability,
    prop_test,
    representative_statements,
    two_prop_test,
)
from coproduce.conversations.opinion.routing import priority


def test_one_and_two_proportion_tests_by_hand():
    # na = 8 of ns = 10: pat = 2 sqrt(11) (9/11 - 1/2)
    assert math.isclose(float(prop_test(8, 10)), 2 * math.sqrt(11) * (9 / 11 - 0.5))
    # 8/10 in the group vs 2/10 in the rest, +1 on every count.
    p1, p2, pooled = 9 / 11, 3 / 11, 12 / 22
    expected = (p1 - p2) / math.sqrt(pooled * (1 - pooled) * (2 / 11))
    assert math.isclose(float(two_prop_test(8, 2, 10, 10)), expected)
    assert float(two_prop_test(4, 4, 4, 4)) == 0.0  # pooled rate 1: defined as 0
    assert math.isclose(float(probability(8, 10)), 9 / 12)


def _stats(in_group, rest):
    """Two groups from (agree, disagree, votes) triples per statement."""
    a = np.array([[x[0] for x in in_group], [x[0] for x in rest]])
    d = np.array([[x[1] for x in in_group], [x[1] for x in rest]])
    s = np.array([[x[2] for x in in_group], [x[2] for x in rest]])
    return group_stats(a, d, s)


def test_group_stats_by_hand():
    stats = _stats([(8, 1, 10)], [(2, 7, 10)])
    assert math.isclose(stats.pa[0, 0], 0.75)
    assert math.isclose(stats.ra[0, 0], 0.75 / (3 / 12))
    assert math.isclose(stats.rd[0, 0], (2 / 12) / (8 / 12))
    assert stats.na_rest[0, 0] == 2 and stats.ns_rest[0, 0] == 10


def test_representative_selection_rules():
    ids = np.array([10, 11, 12, 13, 14, 15, 16])
    in_group = [
        (30, 2, 35),
        (2, 30, 35),
        (25, 5, 35),
        (20, 10, 35),
        (3, 3, 35),
        (31, 1, 35),
        (18, 2, 35),
    ]
    rest = [
        (5, 30, 40),
        (30, 5, 40),
        (10, 25, 40),
        (19, 19, 40),
        (3, 3, 40),
        (30, 3, 40),
        (2, 18, 40),
    ]
    stats = _stats(in_group, rest)
    reps = representative_statements(stats, 0, ids)
    # Sufficient: 10, 12, 15 for agree (p and repness tests > z90) and 11 for disagree; 13 and
    # 16 fail the in-group test, 14 fails both.
    assert {r.statement_id for r in reps} == {10, 11, 12, 15}
    assert reps[0].best_agree and reps[0].statement_id == 10
    assert [r.direction for r in reps] == ["agree", "agree", "agree", "disagree"]
    rep = next(r for r in reps if r.statement_id == 11)
    assert (rep.n_success, rep.n_trials, rep.rest_success, rep.rest_trials) == (30, 35, 5, 40)
    assert rep.percent_in_group == pytest.approx(100 * 30 / 35)
    assert rep.percent_rest == pytest.approx(100 * 5 / 40)
    for r in reps:
        assert r.p_test > Z90 and r.repness_test > Z90
    # Agrees after the best one are ranked by repness x repness-test x p x p-test.
    metric = {r.statement_id: r.repness * r.repness_test * r.p_success * r.p_test for r in reps}
    assert metric[reps[1].statement_id] >= metric[reps[2].statement_id]
    # Only the top pick_max survive, best-agree first.
    assert [r.statement_id for r in representative_statements(stats, 0, ids, pick_max=1)] == [10]


def test_representative_fallbacks_when_nothing_is_significant():
    ids = np.array([1, 2])
    # Nothing sufficient, but statement 2 is agreed on: it comes back alone as best-agree.
    stats = _stats([(1, 1, 3), (3, 0, 3)], [(1, 1, 3), (3, 0, 4)])
    reps = representative_statements(stats, 0, ids)
    assert [(r.statement_id, r.best_agree) for r in reps] == [(2, True)]
    # No agreement at all: the single statement with the largest repness test.
    stats = _stats([(0, 2, 3), (0, 1, 3)], [(0, 1, 3), (0, 1, 3)])
    reps = representative_statements(stats, 0, ids)
    assert [r.statement_id for r in reps] == [1]


def test_consensus_top_five_with_threshold():
    agree = np.array([9, 8, 1, 10, 7, 9, 9, 2])
    disagree = np.array([0, 1, 9, 0, 2, 0, 0, 8])
    votes = np.array([10, 10, 10, 10, 10, 10, 10, 10])
    ids = np.arange(100, 108)
    agreed, disagreed = consensus_statements(agree, disagree, votes, ids)
    assert [c.statement_id for c in agreed] == [103, 100, 105, 106, 101]  # ties keep id order
    assert [c.statement_id for c in disagreed] == [102, 107]
    assert agreed[0].percent == 100.0
    p = probability(agree, votes) * prop_test(agree, votes)
    assert p[3] > p[0] == p[5] == p[6] > p[1]


def test_group_aware_consensus_is_a_product_over_groups():
    agree = np.array([[4, 0], [9, 1]])
    votes = np.array([[5, 5], [10, 10]])
    expected = [(5 / 7) * (10 / 12), (1 / 7) * (2 / 12)]
    np.testing.assert_allclose(group_aware_consensus(agree, votes), expected)


def test_common_ground_needs_a_majority_of_every_group():
    # Columns: both groups agree strongly; the big group carries it over the small one's
    # objection; the small group never voted; one vote each; both agree, less so.
    agree = np.array([[18, 20, 19, 1, 14], [9, 1, 0, 1, 6]])
    votes = np.array([[20, 20, 20, 1, 20], [10, 10, 0, 1, 10]])
    disagree = votes - agree
    ids = np.array([10, 11, 12, 13, 14])
    shared = common_ground(agree, votes, ids, "agree")
    # Ranked by group-aware consensus: one agreeing vote per group is (2/3)^2, above 14's
    # 15/22 x 7/12 and below 10's.
    assert [c.statement_id for c in shared] == [10, 13, 14]
    assert shared[0].score == pytest.approx((19 / 22) * (10 / 12))
    assert shared[0].percent == pytest.approx(100 * 27 / 30)
    assert shared[2].lowest_group_percent == pytest.approx(60.0)
    # Pol.is's consensus (a majority of everyone) does take the carried statement.
    polis, _ = consensus_statements(agree.sum(0), disagree.sum(0), votes.sum(0), ids)
    assert 11 in [c.statement_id for c in polis]
    assert common_ground(disagree, votes, ids, "disagree") == []
    assert common_ground(agree[:0], votes[:0], ids, "agree") == []


def test_divisiveness_spread_of_net_agreement():
    agree = np.array([[9, 5, 3], [1, 5, 0]])
    disagree = np.array([[1, 5, 0], [9, 5, 0]])
    votes = np.array([[10, 10, 3], [10, 10, 0]])
    spread = divisiveness(agree, disagree, votes)
    np.testing.assert_allclose(spread, [16 / 12, 0.0, 0.0])  # third: only one group voted
    top = most_divisive(agree, disagree, votes, np.array([7, 8, 9]), ["a", "b"])
    assert [d.statement_id for d in top] == [7]
    assert top[0].net_agreement == pytest.approx({"a": 8 / 12, "b": -8 / 12})


def test_priority_by_hand_and_meta():
    # A=3, D=1, S=5, E=0.5: p = 2/7, a = 4/7, importance = (5/7)(1.5)(4/7), newness = 1 + 8/2.
    expected = ((5 / 7) * 1.5 * (4 / 7) * 5) ** 2
    got = priority([3, 3], [1, 1], [5, 5], [0.5, 0.5], [False, True])
    assert got[0] == pytest.approx(expected)
    assert got[1] == 49.0
    # A brand-new statement: ((1/2)(1)(1/2) 9)^2.
    assert priority([0], [0], [0], [0.0])[0] == pytest.approx((0.25 * 9) ** 2)
