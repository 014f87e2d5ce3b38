"""How far a plan has come: each goal's progress and the whole plan's, from its actions.

Pure Python (no Django): the database sums each goal's actions (services.totals), this module
combines the sums. A goal's progress is the weighted mean of its actions' progress and of its
sub-goals' progress (an action counts with its weight, a sub-goal with its own); the plan's is
the weighted mean of its top goals'. Dropped actions are left out: they will not move again,
and counting them at their last figure would hold the plan back for ever. A goal with nothing
left to count has no progress (None), and is left out of the goal above it in turn.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class GoalTotals:
    goal: int
    parent: int | None
    weight: int
    # Over the goal's own actions that count (not dropped): their weights, and the sum of each
    # weight times its progress.
    action_weight: int = 0
    action_points: int = 0


@dataclass(frozen=True)
class Progress:
    goals: dict[int, float | None]
    plan: float | None


class CircularGoals(ValueError):
    """Goals that are part of one another: no progress can be given to them."""


def roll_up(totals: Iterable[GoalTotals]) -> Progress:
    by_goal = {total.goal: total for total in totals}
    children: dict[int, list[int]] = {goal: [] for goal in by_goal}
    tops = []
    for total in by_goal.values():
        if total.parent in by_goal:
            children[total.parent].append(total.goal)
        else:
            tops.append(total.goal)
    found: dict[int, float | None] = {}
    for goal in tops:
        _goal_progress(goal, by_goal, children, found, set())
    if len(found) < len(by_goal):  # goals no top goal reaches: a circle among them
        raise CircularGoals(sorted(set(by_goal) - set(found)))
    parts = [(by_goal[goal].weight, found[goal]) for goal in tops]
    return Progress(found, _mean(parts))


def _goal_progress(goal, by_goal, children, found, path: set[int]) -> float | None:
    if goal in path:
        raise CircularGoals(sorted(path))
    path.add(goal)
    total = by_goal[goal]
    parts = [
        (by_goal[child].weight, _goal_progress(child, by_goal, children, found, path))
        for child in children[goal]
    ]
    points = total.action_points + sum(w * p for w, p in parts if p is not None)
    weight = total.action_weight + sum(w for w, p in parts if p is not None)
    found[goal] = points / weight if weight else None
    path.discard(goal)
    return found[goal]


def _mean(parts: list[tuple[int, float | None]]) -> float | None:
    counted = [(weight, progress) for weight, progress in parts if progress is not None]
    weight = sum(w for w, _p in counted)
    return sum(w * p for w, p in counted) / weight if weight else None
