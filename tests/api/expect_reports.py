"""Who may read the reports operations; test_permissions.py merges these rows."""

from api.expecting import Expectation  # noqa: F401 (used as rows are added)

EXPECTATIONS: dict[str, Expectation] = {}
