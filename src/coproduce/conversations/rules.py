"""Who may see and take part in a conversation (registered with the permission module).

Beyond the coalition's members, a conversation of a private coalition admits those its code let
in (voters marked `via_code`) and those registered for the workshop it belongs to: the
workshop's code invited them to everything that happens there. Whoever may see a conversation
may take part in it; being a voter alone admits nobody, so creating a voter can never be the
way in.
"""

from coproduce.coalitions.permissions import Action, Visitor, admits, can, rule
from coproduce.workshops.selectors import registration_of

from .models import Conversation, Voter


def came_with_code(visitor: Visitor, conversation: Conversation) -> bool:
    voters = Voter.objects.filter(conversation=conversation, via_code=True)
    if visitor.is_authenticated:
        return voters.filter(person_id=visitor.user.pk).exists()
    if visitor.guest is not None:
        return voters.filter(guest_id=visitor.guest.pk).exists()
    return False


@admits(Conversation)
def invited(visitor: Visitor, conversation: Conversation) -> bool:
    workshop = conversation.workshop
    if workshop is not None and registration_of(workshop, visitor.user, visitor.guest):
        return True
    return came_with_code(visitor, conversation)


@rule(Conversation, Action.TAKE_PART)
def may_take_part(visitor: Visitor, conversation: Conversation) -> bool:
    return can(visitor, Action.VIEW, conversation)
