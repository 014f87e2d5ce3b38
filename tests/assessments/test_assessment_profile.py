"""The pure core of the results: means, counts, bands, differences, rounds, promises."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from coproduce.assessments import profile as core

NAN = float("nan")


def test_means_and_counts_per_group_leave_skips_out():
    scores = np.array([[4, 0], [2, NAN], [1, 1], [NAN, NAN]])
    result = core.profile(scores, ["a", "a", "b", "b"], ["x", "y"])
    assert result.groups == ("a", "b")
    assert result.mean("a", "x") == 3.0
    assert result.mean("a", "y") == 0.0
    assert result.respondents.tolist() == [2, 1]  # b's second person skipped everything
    assert result.answered.tolist() == [[2, 1], [1, 1]]


def test_a_group_with_no_answer_to_an_item_has_no_mean():
    result = core.profile(np.array([[NAN, 2.0]]), ["a"], ["x", "y"])
    assert math.isnan(result.mean("a", "x"))
    assert core.band(result.mean("a", "x")) is None


def test_order_puts_known_groups_first():
    result = core.profile(np.ones((3, 1)), ["z", "b", "a"], ["x"], order=["b", "missing"])
    assert result.groups == ("b", "a", "z")


@pytest.mark.parametrize(
    ("mean", "band"),
    [
        (0.0, core.NOT_THERE),
        (0.99, core.NOT_THERE),
        (1.0, core.STARTING_OUT),
        (2.0, core.STARTING_OUT),
        (2.01, core.ON_THE_WAY),
        (3.0, core.ON_THE_WAY),
        (3.01, core.GOING_STRONG),
        (4.0, core.GOING_STRONG),
    ],
)
def test_bands(mean, band):
    assert core.band(mean) == band


@pytest.mark.parametrize("bad", [-1, 4.5, 5, 100])
def test_scores_outside_0_to_4_are_refused(bad):
    with pytest.raises(ValueError, match="between 0 and 4"):
        core.profile(np.array([[bad]]), ["a"], ["x"])


def test_groups_below_five_are_withheld():
    scores = np.full((7, 1), 2.0)
    result = core.profile(scores, ["a"] * 5 + ["b"] * 2, ["x"])
    shown, small = core.withheld(result)
    assert shown.groups == ("a",)
    assert small == ("b",)
    assert shown.respondents.tolist() == [5]


def test_differences_widest_first():
    scores = np.array([[0, 2, 1], [4, 2, 3], [2, 2, 2]])
    result = core.profile(scores, ["a", "b", "c"], ["x", "y", "z"])
    found = core.differences(result)
    assert [d.item for d in found] == ["x", "z", "y"]
    assert (found[0].low_group, found[0].high_group, found[0].gap) == ("a", "b", 4.0)


def test_differences_need_two_groups():
    result = core.profile(np.array([[1.0], [3.0]]), ["a", "a"], ["x"])
    assert core.differences(result) == []


def test_change_between_rounds_marks_removed_and_new_items():
    before = core.profile(np.array([[1.0, 2.0]]), ["a"], ["kept", "gone"])
    after = core.profile(np.array([[3.0, 4.0]]), ["a"], ["kept", "fresh"])
    found = {c.item: c for c in core.changes(before, after)}
    assert found["kept"].status == core.KEPT and found["kept"].difference == 2.0
    assert found["gone"].status == core.REMOVED and math.isnan(found["gone"].after)
    assert found["fresh"].status == core.NEW and math.isnan(found["fresh"].before)


def test_promised_against_experienced():
    found = core.promised_against_experienced(
        5, [5, 3, None, 6, 2], ["a", "a", "a", "b", "b"], levels=7
    )
    a, b = found
    assert a.counts == (0, 0, 0, 1, 0, 1, 0)
    assert (a.below, a.met) == (1, 1)
    assert (b.below, b.met) == (1, 1)
    assert a.mean == 4.0


def test_experienced_beyond_the_scale_is_refused():
    with pytest.raises(ValueError):
        core.promised_against_experienced(1, [9], ["a"], levels=5)


scores_matrix = st.integers(1, 30).flatmap(
    lambda n: st.tuples(
        arrays(float, (n, 4), elements=st.sampled_from([0.0, 1.0, 2.0, 3.0, 4.0, NAN])),
        st.lists(st.sampled_from("abc"), min_size=n, max_size=n),
    )
)


@settings(max_examples=80, deadline=None)
@given(scores_matrix)
def test_means_match_a_plain_loop(case):
    scores, groups = case
    result = core.profile(scores, groups, ["w", "x", "y", "z"])
    for g, group in enumerate(result.groups):
        rows = [i for i, label in enumerate(groups) if label == group]
        for column in range(4):
            given_ = [scores[i, column] for i in rows if not math.isnan(scores[i, column])]
            expected = sum(given_) / len(given_) if given_ else NAN
            got = result.means[g, column]
            assert (math.isnan(got) and not given_) or got == pytest.approx(expected)
            assert result.answered[g, column] == len(given_)
        assert 0 <= result.respondents[g] <= len(rows)


@settings(max_examples=80, deadline=None)
@given(scores_matrix)
def test_means_stay_on_the_scale_and_differences_are_sorted(case):
    scores, groups = case
    result = core.profile(scores, groups, ["w", "x", "y", "z"])
    finite = result.means[np.isfinite(result.means)]
    assert ((finite >= 0) & (finite <= 4)).all()
    gaps = [d.gap for d in core.differences(result)]
    assert gaps == sorted(gaps, reverse=True)
    assert all(g >= 0 for g in gaps)
    shown, small = core.withheld(result)
    assert all(n >= core.MIN_PUBLIC for n in shown.respondents)
    assert set(shown.groups) | set(small) == set(result.groups)


def test_radar_escapes_and_describes():
    from coproduce.assessments.radar import radar

    svg = radar(
        title="<script>x</script>",
        description="desc & more",
        spokes=["1", "2", "3"],
        series=[("a", [1.0, None, 4.0])],
    )
    assert "<script>" not in svg
    assert "&lt;script&gt;" in svg and "<desc" in svg and "<polygon" in svg
