"""Who a browser is in a conversation: their account, or the guest they joined as."""

from coproduce.people.guests import current_guest

from .models import Conversation, Voter


def voter_of(request, conversation: Conversation) -> Voter | None:
    """The existing voter row of this browser's person or guest, without creating one."""
    voters = Voter.objects.filter(conversation=conversation).select_related("conversation")
    if request.user.is_authenticated:
        return voters.filter(person=request.user).first()
    guest = current_guest(request)
    return voters.filter(guest=guest).first() if guest else None
