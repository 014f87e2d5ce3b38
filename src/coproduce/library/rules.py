"""Who may see and change library entries (registered with the permission module).

A coalition's entry follows its coalition: whoever may see the coalition sees its published
entries, its members see and edit them all, its organisers moderate. A shared entry (no
coalition) is public once a moderator published it; until then only the person who proposed it
and the moderators (the site's staff) see it. Anyone signed in who can read a published entry
may propose a correction to it.
"""

from coproduce.coalitions.permissions import Action, Visitor, can, role_in, rule

from .models import Entry, Status


def is_moderator(visitor: Visitor) -> bool:
    """The shared library's moderators: the site's staff."""
    user = visitor.user
    return bool(getattr(user, "is_active", False) and getattr(user, "is_staff", False))


def _proposed_by(visitor: Visitor, entry: Entry) -> bool:
    return visitor.is_authenticated and entry.added_by_id == visitor.user.pk


@rule(Entry, Action.VIEW)
def may_view(visitor: Visitor, entry: Entry) -> bool:
    if entry.coalition_id is None:
        published = entry.status == Status.PUBLISHED
        return published or is_moderator(visitor) or _proposed_by(visitor, entry)
    if entry.status == Status.PUBLISHED:
        return can(visitor, Action.VIEW, entry.coalition)
    return role_in(visitor.user, entry.coalition) is not None


@rule(Entry, Action.EDIT_ENTRY)
def may_edit(visitor: Visitor, entry: Entry) -> bool:
    if entry.coalition_id is None:
        pending = entry.status == Status.PENDING
        return is_moderator(visitor) or (pending and _proposed_by(visitor, entry))
    return can(visitor, Action.CONTRIBUTE, entry.coalition)


@rule(Entry, Action.MODERATE_ENTRY)
def may_moderate(visitor: Visitor, entry: Entry) -> bool:
    if entry.coalition_id is None:
        return is_moderator(visitor)
    return can(visitor, Action.MODERATE_ENTRY, entry.coalition)


@rule(Entry, Action.CORRECT_ENTRY)
def may_correct(visitor: Visitor, entry: Entry) -> bool:
    return (
        visitor.is_authenticated
        and entry.status == Status.PUBLISHED
        and can(visitor, Action.VIEW, entry)
    )


def visible_entries(user):
    """The entries this person may find in searches and lists (one query's condition)."""
    from django.db.models import Q

    from coproduce.coalitions.models import Membership, Visibility

    visitor = user if isinstance(user, Visitor) else Visitor(user)
    if visitor.is_admin:
        return Q()
    public_coalition = Q(coalition__visibility=Visibility.PUBLIC)
    condition = Q(status=Status.PUBLISHED) & (Q(coalition__isnull=True) | public_coalition)
    if visitor.is_authenticated:
        mine = Membership.objects.filter(person_id=visitor.user.pk).values("coalition_id")
        condition |= Q(coalition_id__in=mine)
        condition |= Q(coalition__isnull=True, added_by_id=visitor.user.pk)
        if is_moderator(visitor):
            condition |= Q(coalition__isnull=True)
    return condition
