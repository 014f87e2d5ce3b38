"""The plan's roll-up as plain arithmetic (no database)."""

import pytest

from coproduce.plans.rollup import CircularGoals, GoalTotals, roll_up


def test_equal_weights_give_the_plain_mean():
    found = roll_up([GoalTotals(1, None, 1, 2, 100), GoalTotals(2, None, 1, 1, 0)])
    assert found.goals == {1: 50.0, 2: 0.0}
    assert found.plan == 25.0


def test_weights_count_for_goals_and_actions():
    # Goal 1: actions weighing 3 at 100% and 1 at 0% -> 75%. Goal 2 at 0% weighs 3 times less.
    found = roll_up([GoalTotals(1, None, 3, 4, 300), GoalTotals(2, None, 1, 1, 0)])
    assert found.goals[1] == 75.0
    assert found.plan == pytest.approx((3 * 75.0 + 0.0) / 4)


def test_sub_goals_count_in_the_goal_above_with_their_weight():
    found = roll_up(
        [
            GoalTotals(1, None, 1, 1, 20),  # one action at 20%
            GoalTotals(2, 1, 2, 1, 80),  # a sub-goal at 80%, weight 2
        ]
    )
    assert found.goals[2] == 80.0
    assert found.goals[1] == pytest.approx((20 + 2 * 80) / 3)
    assert found.plan == found.goals[1]  # the only top goal


def test_a_goal_with_nothing_to_count_has_no_progress_and_is_left_out():
    found = roll_up([GoalTotals(1, None, 1, 0, 0), GoalTotals(2, None, 1, 1, 40)])
    assert found.goals[1] is None
    assert found.plan == 40.0
    assert roll_up([]).plan is None


def test_circular_goals_are_refused():
    with pytest.raises(CircularGoals):
        roll_up([GoalTotals(1, 2, 1, 1, 10), GoalTotals(2, 1, 1, 1, 10)])
