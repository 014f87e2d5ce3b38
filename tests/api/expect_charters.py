"""Who may read the charters operations; test_permissions.py merges these rows.

As the pages (tests/security/test_matrix.py): `charters:list` for whoever sees the coalition,
`charters:detail` (the draft) for its members only, in a public coalition too, `charters:call`
and `charters:call_json` for whoever sees the coalition (the world's call is published)."""

from api.expecting import Expectation
from security.test_matrix import ROLES, sees_coalition


def _call(w) -> dict:
    return {"slug": w.coalition.slug, "charter_id": w.call.charter_id, "number": w.call.number}


EXPECTATIONS: dict[str, Expectation] = {
    "GET /api/coalitions/{slug}/charters/": Expectation(
        lambda w: {"slug": w.coalition.slug}, sees_coalition
    ),
    "GET /api/coalitions/{slug}/charters/{charter_id}/": Expectation(
        lambda w: {"slug": w.coalition.slug, "charter_id": w.charter.pk}, lambda w: ROLES
    ),
    "GET /api/coalitions/{slug}/charters/{charter_id}/versions/{number}/": Expectation(
        _call, sees_coalition
    ),
    "GET /api/coalitions/{slug}/charters/{charter_id}/versions/{number}/signatures/": (
        Expectation(_call, sees_coalition)
    ),
}
