"""Who may see and change a strategy (registered with the permission module).

A strategy is the coalition's work in progress, so it is for the coalition's members only, in a
public coalition as in a private one. Members of every role read it; organisers, facilitators
and members propose amendments and comment on them; organisers write the sections and decide
on amendments (the role table in coalitions/permissions.py).

Sections, amendments and their comments follow their strategy.
"""

from coproduce.coalitions.permissions import Action, Visitor, can, role_in, rule

from .models import Amendment, Comment, Section, Strategy


@rule(Strategy, Action.VIEW)
def may_view(visitor: Visitor, strategy: Strategy) -> bool:
    return role_in(visitor.user, strategy.coalition) is not None


def _strategy_of(obj) -> Strategy:
    return obj.amendment.strategy if isinstance(obj, Comment) else obj.strategy


def _as_strategy(action: Action):
    def decide(visitor: Visitor, obj) -> bool:
        return can(visitor, action, _strategy_of(obj))

    return decide


for _model in (Section, Amendment, Comment):
    for _action in (Action.VIEW, Action.AMEND_STRATEGY, Action.EDIT_STRATEGY):
        rule(_model, _action)(_as_strategy(_action))
