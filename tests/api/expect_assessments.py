"""Who may read the assessments operations; test_permissions.py merges these rows."""

from api.expecting import Expectation  # noqa: F401 (used as rows are added)

EXPECTATIONS: dict[str, Expectation] = {}
