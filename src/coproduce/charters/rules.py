"""Who may see and change a draft charter (registered with the permission module).

A draft is the coalition's work in progress, so it is for the coalition's members only, in a
public coalition as in a private one: outsiders learn of a charter when a version of it is
published (those pages and the rules on `Version` are in publishing_rules.py). Members of every
role read the draft; organisers, facilitators and members comment and propose changes;
organisers edit it and decide on proposals (the role table in coalitions/permissions.py).

Principles and proposals follow their charter.
"""

from coproduce.coalitions.permissions import Action, Visitor, can, role_in, rule

from .models import Charter, Principle, Proposal


@rule(Charter, Action.VIEW)
def may_view_draft(visitor: Visitor, charter: Charter) -> bool:
    return role_in(visitor.user, charter.coalition) is not None


def _as_charter(action: Action):
    def decide(visitor: Visitor, obj) -> bool:
        return can(visitor, action, obj.charter)

    return decide


for _model in (Principle, Proposal):
    for _action in (Action.VIEW, Action.DISCUSS_CHARTER, Action.EDIT_CHARTER):
        rule(_model, _action)(_as_charter(_action))
