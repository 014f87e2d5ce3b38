"""Who may see or change what in a coalition. The one place that decides.

Views, the command line and background tasks ask `can()`; views call `authorize()`, which turns
a refusal into the right response: 404 for someone who may not even see the coalition (a
private coalition does not reveal that it exists), 403 for someone who may see it but not make
this change, and a login redirect for an anonymous visitor who might be allowed after logging in.
"""

from enum import StrEnum

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404

from coproduce.people.guests import current_guest

from .models import Coalition, Membership, Role, Visibility


class Action(StrEnum):
    VIEW = "view"  # see the coalition and its work
    MEMBERS_VIEW = "members_view"  # see what is shared with members only, even in a public one
    MANAGE = "manage"  # change the coalition itself, its members, roles and invitations
    PLAN_WORKSHOP = "plan_workshop"  # create and change workshops, agendas and conclusions
    RUN_WORKSHOP = "run_workshop"  # see registrations and check people in on the day
    RUN_CONVERSATION = "run_conversation"  # open conversations and moderate them


ROLES_FOR: dict[Action, frozenset[Role]] = {
    Action.VIEW: frozenset(Role),
    Action.MEMBERS_VIEW: frozenset(Role),
    Action.MANAGE: frozenset({Role.ORGANISER}),
    Action.PLAN_WORKSHOP: frozenset({Role.ORGANISER}),
    Action.RUN_WORKSHOP: frozenset({Role.ORGANISER, Role.FACILITATOR}),
    Action.RUN_CONVERSATION: frozenset({Role.ORGANISER, Role.FACILITATOR}),
}


class NeedsLogin(Exception):
    """Raised instead of 403 when an anonymous visitor might be allowed after logging in."""


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


def _is_admin(user) -> bool:
    return getattr(user, "is_active", False) and getattr(user, "is_superuser", False)


def can(user, action: Action, obj, guest=None) -> bool:
    """May this user (or guest) do this action on a coalition or on something inside one?

    Objects inside a coalition may admit people who are not members: a workshop admits those
    registered for it (guests included), because a join code is an invitation to that workshop.
    """
    coalition = coalition_of(obj)
    if _is_admin(user):
        return True
    role = role_in(user, coalition)
    if action == Action.VIEW:
        if coalition.visibility == Visibility.PUBLIC or role is not None:
            return True
        admits = getattr(obj, "admits", None)
        return bool(admits and admits(user, guest))
    return role in ROLES_FOR[action]


def _may_view(request, obj) -> bool:
    # The guest is looked up only when membership and visibility have not decided already.
    if can(request.user, Action.VIEW, obj):
        return True
    guest = current_guest(request)
    return guest is not None and can(request.user, Action.VIEW, obj, guest)


def authorize(request, action: Action, obj) -> None:
    """Raise the response a refusal deserves, or return quietly when allowed."""
    if not _may_view(request, obj):
        raise Http404
    if action != Action.VIEW and not can(request.user, action, obj):
        if not request.user.is_authenticated:
            raise NeedsLogin
        raise PermissionDenied


def visible_coalitions(user):
    """Coalitions this user may see: every public one and those they belong to."""
    if _is_admin(user):
        return Coalition.objects.all()
    condition = Q(visibility=Visibility.PUBLIC)
    if getattr(user, "is_authenticated", False):
        condition |= Q(memberships__person=user)
    return Coalition.objects.filter(condition).distinct()


def login_redirect(request):
    return redirect_to_login(request.get_full_path())
