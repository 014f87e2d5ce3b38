"""Who may see a workshop beyond its coalition's members: those registered for it.

A join code is an invitation to one workshop, so registering with it lets a guest see that
workshop (and what hangs off it) of a private coalition, and nothing else of the coalition.
Cancelling the registration ends that at once.
"""

from coproduce.coalitions.permissions import Visitor, admits

from .models import Workshop
from .selectors import registration_of


@admits(Workshop)
def registered(visitor: Visitor, workshop: Workshop) -> bool:
    return registration_of(workshop, visitor.user, visitor.guest) is not None
