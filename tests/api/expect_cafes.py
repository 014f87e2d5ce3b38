"""Who may read the cafes operations; test_permissions.py merges these rows.

The café and its harvest answer whoever may open the café's harvest page (`cafe:harvest`:
anyone who sees the workshop, and in a private coalition its registrants too); the seats
whoever may open the plan page (`cafe:plan`: the facilitators and organisers)."""

from api.expecting import Expectation
from security.test_matrix import RUN, sees_workshop


def _cafe(w) -> dict:
    return {"cafe_id": w.cafe.pk}


EXPECTATIONS: dict[str, Expectation] = {
    "GET /api/workshops/{slug}/cafes/": Expectation(
        lambda w: {"slug": w.workshop.slug}, sees_workshop
    ),
    "GET /api/cafe/{cafe_id}/": Expectation(_cafe, sees_workshop),
    "GET /api/cafe/{cafe_id}/seats/": Expectation(_cafe, lambda w: RUN),
    "GET /api/cafe/{cafe_id}/harvest/": Expectation(_cafe, sees_workshop),
}

# The only answers that name registrations, and to whom: the seats, to those who run the café,
# as the plan page names them. The walk's NEVER holds for every other visitor and answer.
NAMES_FOR: dict[str, frozenset] = {"GET /api/cafe/{cafe_id}/seats/": RUN}
