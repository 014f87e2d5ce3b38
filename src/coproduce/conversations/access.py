"""Who a browser is in a conversation: their account, or the guest they joined as.

The voter's id is remembered in the (server-side) session once found, so a vote, the busiest
request of a live conversation, costs no lookups of guests or voters.
"""

from coproduce.people.guests import current_guest

from .models import Conversation, Voter

SESSION_VOTERS = "conversation_voters"


def remember_voter(request, voter: Voter) -> None:
    remembered = request.session.get(SESSION_VOTERS, {})
    if remembered.get(str(voter.conversation_id)) != voter.pk:
        remembered[str(voter.conversation_id)] = voter.pk
        request.session[SESSION_VOTERS] = remembered


def voter_of(request, conversation: Conversation) -> Voter | None:
    """The existing voter of this browser's person or guest, without creating one."""
    remembered = request.session.get(SESSION_VOTERS, {}).get(str(conversation.pk))
    if remembered:
        # The session lives on the server, so the id in it is the one we stored.
        return Voter(pk=remembered, conversation=conversation)
    voters = Voter.objects.filter(conversation=conversation)
    if request.user.is_authenticated:
        voter = voters.filter(person=request.user).first()
    else:
        guest = current_guest(request)
        voter = voters.filter(guest=guest).first() if guest else None
    if voter is not None:
        voter.conversation = conversation
        remember_voter(request, voter)
    return voter


def remembered_voter(request, conversation: Conversation) -> Voter | None:
    """The voter this session already knows, without a query: for pages that poll."""
    remembered = request.session.get(SESSION_VOTERS, {}).get(str(conversation.pk))
    return Voter(pk=remembered, conversation=conversation) if remembered else None
