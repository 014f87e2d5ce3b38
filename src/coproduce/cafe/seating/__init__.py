"""World Café seating engine: who sits at which table in each round.

Pure Python and NumPy (plus OR-Tools); no Django. See docs/seating.md.
"""

from .bounds import Bounds, bounds
from .metrics import Quality, quality, violations
from .problem import (
    Person,
    Problem,
    ProblemError,
    Table,
    load_problem,
    problem_from_csv,
    problem_from_json,
)
from .solver import Metric, Plan, evaluate, replan, seats_changed, solve

__all__ = [
    "Bounds",
    "Metric",
    "Person",
    "Plan",
    "Problem",
    "ProblemError",
    "Quality",
    "Table",
    "bounds",
    "evaluate",
    "load_problem",
    "problem_from_csv",
    "problem_from_json",
    "quality",
    "replan",
    "seats_changed",
    "solve",
    "violations",
]
