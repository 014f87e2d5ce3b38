"""Who may read the conversations operations; test_permissions.py merges these rows.

The world has two conversations: the coalition's own (seen as the coalition is) and one held at
the workshop (seen as the workshop is, so by its registrants too). The walk takes one of them
per operation; tests/api/test_conversations.py tries the other."""

from api.expecting import Expectation
from security.test_matrix import RUN, sees_conversation, sees_linked

EXPECTATIONS: dict[str, Expectation] = {
    "GET /api/coalitions/{slug}/conversations/": Expectation(
        lambda w: {"slug": w.coalition.slug}, sees_conversation
    ),
    "GET /api/workshops/{slug}/conversations/": Expectation(
        lambda w: {"slug": w.workshop.slug}, sees_linked
    ),
    "GET /api/conversations/{conversation_id}/": Expectation(
        lambda w: {"conversation_id": w.linked_conversation.pk}, sees_linked
    ),
    # The Pol.is export's votes: who may export (a POST page for facilitators and organisers).
    "GET /api/conversations/{conversation_id}/votes/": Expectation(
        lambda w: {"conversation_id": w.conversation.pk}, lambda w: RUN
    ),
}
