"""Who may see or change what. The one place that decides, for pages, downloads, jobs and tasks.

Every view goes through a door (`core/doors.py`) that names the action it needs on which object;
the door asks `authorize()` before the view reads or writes anything. `authorize()` turns a refusal
into the right answer: 404 for someone who may not even see the object (a private coalition
does not reveal that it exists), 403 for someone who may see it but not make this change, and a
login redirect for an anonymous visitor who might be allowed after logging in.

Most actions are decided by the person's role in the object's coalition (`ROLES_FOR`). A few
depend on the object itself: who sat at a café table, who joined a conversation with its code.
The capability that owns such an object registers a rule for it here (`rule`, `admits`) in its
AppConfig.ready(), so this module decides everything without importing the capabilities.
"""

from collections.abc import Callable
from enum import StrEnum
from functools import cached_property
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404

from coproduce.core import doors
from coproduce.core.doors import NeedsLogin
from coproduce.people.guests import current_guest

from .models import Coalition, Membership, Role, Visibility


class Action(StrEnum):
    # Doors that need no role in any coalition, decided by the door itself (core/doors.py).
    PUBLIC = doors.PUBLIC  # the site's own pages: anyone
    SIGNED_IN = doors.SIGNED_IN  # anyone with an account
    ENTER = doors.ENTER  # whoever holds the secret in the link (join code, card, invitation)
    # Work inside a coalition.
    VIEW = "view"  # see the coalition and its work
    MEMBERS_VIEW = "members_view"  # see what is shared with members only, even in a public one
    MANAGE = "manage"  # change the coalition itself, its members, roles and invitations
    PLAN_WORKSHOP = "plan_workshop"  # create and change workshops, agendas and conclusions
    RUN_WORKSHOP = "run_workshop"  # see registrations and check people in on the day
    RUN_CONVERSATION = "run_conversation"  # open conversations and moderate them
    TAKE_PART = "take_part"  # vote and write statements in a conversation
    WRITE_NOTE = "write_note"  # add a note for a café table
    EDIT_NOTE = "edit_note"  # change a note someone wrote
    # The library (decided by rules of its own for entries: library/rules.py).
    CONTRIBUTE = "contribute"  # add entries to a coalition's library and link them to its work
    EDIT_ENTRY = "edit_entry"  # change an entry
    MODERATE_ENTRY = "moderate_entry"  # publish or decline an entry, decide on corrections
    CORRECT_ENTRY = "correct_entry"  # propose a correction to a published entry
    # The charter and its call to action (charters/rules.py decides for their objects).
    EDIT_CHARTER = "edit_charter"  # write a charter, decide on proposed changes, publish it
    DISCUSS_CHARTER = "discuss_charter"  # comment on principles and propose changes
    SIGN = "sign"  # sign a published call to action
    # Self-assessments (assessments/rules.py decides for their objects).
    RUN_ASSESSMENT = "run_assessment"  # set up assessments, see each respondent's answers
    ANSWER_ASSESSMENT = "answer_assessment"  # answer an assessment as a member
    # Action plans (plans/rules.py decides for actions).
    EDIT_PLAN = "edit_plan"  # write the plan: goals, actions, owners, weights, reasons
    UPDATE_ACTION = "update_action"  # post an update on an action (its owners and lead too)
    # Strategies (strategies/rules.py decides for their objects).
    EDIT_STRATEGY = "edit_strategy"  # write sections, decide on amendments
    AMEND_STRATEGY = "amend_strategy"  # propose amendments and comment on them


OPEN_DOORS = doors.OPEN_DOORS

ROLES_FOR: dict[Action, frozenset[Role]] = {
    Action.VIEW: frozenset(Role),
    Action.MEMBERS_VIEW: frozenset(Role),
    Action.MANAGE: frozenset({Role.ORGANISER}),
    Action.PLAN_WORKSHOP: frozenset({Role.ORGANISER}),
    Action.RUN_WORKSHOP: frozenset({Role.ORGANISER, Role.FACILITATOR}),
    Action.RUN_CONVERSATION: frozenset({Role.ORGANISER, Role.FACILITATOR}),
    # Conversations, tables and notes decide these by rules of their own (their capability's
    # rules.py); the roles here are what an object without such a rule would need.
    Action.TAKE_PART: frozenset({Role.ORGANISER, Role.FACILITATOR, Role.MEMBER}),
    Action.WRITE_NOTE: frozenset({Role.ORGANISER, Role.FACILITATOR}),
    Action.EDIT_NOTE: frozenset({Role.ORGANISER, Role.FACILITATOR}),
    Action.CONTRIBUTE: frozenset({Role.ORGANISER, Role.FACILITATOR, Role.MEMBER}),
    Action.EDIT_ENTRY: frozenset({Role.ORGANISER, Role.FACILITATOR, Role.MEMBER}),
    Action.MODERATE_ENTRY: frozenset({Role.ORGANISER}),
    Action.CORRECT_ENTRY: frozenset(Role),
    Action.EDIT_CHARTER: frozenset({Role.ORGANISER}),
    Action.DISCUSS_CHARTER: frozenset({Role.ORGANISER, Role.FACILITATOR, Role.MEMBER}),
    Action.SIGN: frozenset(Role),
    Action.RUN_ASSESSMENT: frozenset({Role.ORGANISER}),
    Action.ANSWER_ASSESSMENT: frozenset({Role.ORGANISER, Role.FACILITATOR, Role.MEMBER}),
    Action.EDIT_PLAN: frozenset({Role.ORGANISER}),
    Action.UPDATE_ACTION: frozenset({Role.ORGANISER}),
    Action.EDIT_STRATEGY: frozenset({Role.ORGANISER}),
    Action.AMEND_STRATEGY: frozenset({Role.ORGANISER, Role.FACILITATOR, Role.MEMBER}),
}


class Visitor:
    """Who is asking: an account, a guest remembered by this browser, or nobody.

    Worked out once per request (`Visitor.of`); background tasks and the command line make one
    from a user. Rules that need more (a café participant, a conversation's voter) read it from
    `request`, which is None outside a request.
    """

    def __init__(self, user=None, *, guest=None, request=None):
        self.user = user if user is not None else AnonymousUser()
        self.request = request
        self._guest = guest
        # Decisions taken for this request, so a door's VIEW check and the action's rule (which
        # often asks VIEW again) query once. Only within a request: nothing changes under it.
        self.decided: dict[tuple, bool] = {}
        # What rules looked up about this visitor (their place in a café), for the same reason.
        self.found: dict[tuple, object] = {}

    @classmethod
    def of(cls, request) -> "Visitor":
        visitor = getattr(request, "_coproduce_visitor", None)
        if visitor is None:
            visitor = request._coproduce_visitor = cls(request.user, request=request)
        return visitor

    @cached_property
    def guest(self):
        if self._guest is not None or self.request is None:
            return self._guest
        return current_guest(self.request)

    @property
    def is_authenticated(self) -> bool:
        return bool(getattr(self.user, "is_authenticated", False))

    @property
    def is_admin(self) -> bool:
        return getattr(self.user, "is_active", False) and getattr(self.user, "is_superuser", False)

    def __repr__(self) -> str:
        return f"Visitor(user={self.user!r}, guest={self.guest!r})"


Rule = Callable[[Visitor, Any], bool]
_rules: dict[tuple[type, Action], Rule] = {}
_admits: dict[type, Rule] = {}


def rule(model: type, action: Action) -> Callable[[Rule], Rule]:
    """Register the rule that decides `action` on `model` objects instead of the role table."""

    def register(decide: Rule) -> Rule:
        _rules[(model, action)] = decide
        return decide

    return register


def admits(model: type) -> Callable[[Rule], Rule]:
    """Register who, beyond the coalition's members, may see `model` objects of a private
    coalition: those registered for a workshop, those a conversation's code let in."""

    def register(decide: Rule) -> Rule:
        _admits[model] = decide
        return decide

    return register


def coalition_of(obj) -> Coalition:
    return obj if isinstance(obj, Coalition) else obj.coalition


def role_in(user, coalition: Coalition) -> Role | None:
    """The person's role in the coalition, remembered on the user object for this request."""
    if not getattr(user, "is_authenticated", False):
        return None
    cache = user.__dict__.setdefault("_coalition_roles", {})
    if coalition.pk not in cache:
        role = (
            Membership.objects.filter(coalition_id=coalition.pk, person_id=user.pk)
            .values_list("role", flat=True)
            .first()
        )
        cache[coalition.pk] = Role(role) if role else None
    return cache[coalition.pk]


def _as_visitor(who) -> Visitor:
    return who if isinstance(who, Visitor) else Visitor(who)


def can(who, action: Action, obj=None) -> bool:
    """May this visitor (or user) do this action on this object?"""
    visitor = _as_visitor(who)
    if action in OPEN_DOORS:
        return True
    if action == Action.SIGNED_IN:
        return visitor.is_authenticated
    if visitor.is_admin:
        return True
    key = (action, type(obj), getattr(obj, "pk", None))
    if visitor.request is None or key[2] is None:
        return _decide(visitor, action, obj)
    if key not in visitor.decided:
        visitor.decided[key] = _decide(visitor, action, obj)
    return visitor.decided[key]


def _decide(visitor: Visitor, action: Action, obj) -> bool:
    decide = _rules.get((type(obj), action))
    if decide is not None:
        return decide(visitor, obj)
    coalition = coalition_of(obj)
    if action == Action.VIEW and coalition.visibility == Visibility.PUBLIC:
        return True  # before any query: the busiest check of a live public conversation
    role = role_in(visitor.user, coalition)
    if action == Action.VIEW:
        if role is not None:
            return True
        admitted = _admits.get(type(obj))
        return bool(admitted and admitted(visitor, obj))
    return role in ROLES_FOR[action]


def authorize(request, action: Action, obj=None) -> None:
    """Raise the answer a refusal deserves, or return quietly when allowed. The doors ask it
    for every action beyond the open ones (registered in CoalitionsConfig.ready())."""
    visitor = Visitor.of(request)
    if not can(visitor, Action.VIEW, obj):
        raise Http404
    if action != Action.VIEW and not can(visitor, action, obj):
        if not visitor.is_authenticated:
            raise NeedsLogin
        raise PermissionDenied


def visible_coalitions(user):
    """Coalitions this user may see: every public one and those they belong to."""
    if _as_visitor(user).is_admin:
        return Coalition.objects.all()
    condition = Q(visibility=Visibility.PUBLIC)
    if getattr(user, "is_authenticated", False):
        condition |= Q(memberships__person=user)
    return Coalition.objects.filter(condition).distinct()
