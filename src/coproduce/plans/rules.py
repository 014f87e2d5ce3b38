"""Who may post an update on an action (registered with the permission module).

Owners update their own actions without being organisers: the action's lead, and members of
the coalition whose organisation owns it now. Organisers may update every action (the role
table). Seeing a plan and its actions follows the coalition (public: everyone; private: its
members), and writing the plan is for organisers (the role table in coalitions/permissions.py).
"""

from coproduce.coalitions.permissions import ROLES_FOR, Visitor, role_in, rule
from coproduce.coalitions.permissions import Action as Do

from .models import Action


@rule(Action, Do.UPDATE_ACTION)
def may_update(visitor: Visitor, action: Action) -> bool:
    role = role_in(visitor.user, action.coalition)
    if role is None:
        return False  # an owner who left the coalition no longer speaks for it
    if role in ROLES_FOR[Do.UPDATE_ACTION] or action.lead_id == visitor.user.pk:
        return True
    organisation = getattr(visitor.user, "organisation_id", None)
    return (
        bool(organisation)
        and action.ownerships.filter(organisation_id=organisation, until__isnull=True).exists()
    )
