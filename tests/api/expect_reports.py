"""Who may read the reports operations; test_permissions.py merges these rows.

As the page `reports:version` (tests/security/test_matrix.py): the world's report has version 1
published for everyone who may see the workshop, version 2 for members only, version 3 a draft
(never found). The list answers whoever sees the workshop, with the versions each may read."""

from api.expecting import Expectation
from security.test_matrix import sees_workshop

EXPECTATIONS: dict[str, Expectation] = {
    "GET /api/workshops/{slug}/report/": Expectation(
        lambda w: {"slug": w.workshop.slug}, sees_workshop
    ),
    "GET /api/workshops/{slug}/report/versions/{number}/": Expectation(
        lambda w: {"slug": w.workshop.slug, "number": w.public_version.number}, sees_workshop
    ),
}
