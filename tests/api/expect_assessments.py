"""Who may read the assessments operations; test_permissions.py merges these rows.

As the pages `assessments:list` and `assessments:results` (tests/security/test_matrix.py):
whoever sees the coalition. Each person's answers (`assessments:answers`, organisers only)
have no operation."""

from api.expecting import Expectation
from security.test_matrix import sees_coalition

EXPECTATIONS: dict[str, Expectation] = {
    "GET /api/coalitions/{slug}/assessments/": Expectation(
        lambda w: {"slug": w.coalition.slug}, sees_coalition
    ),
    "GET /api/assessments/{assessment_id}/results/": Expectation(
        lambda w: {"assessment_id": w.assessment.pk}, sees_coalition
    ),
}
