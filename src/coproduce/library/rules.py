"""Who may see and change library entries (registered with the permission module).

A coalition's entry follows its coalition: whoever may see the coalition sees its published
entries, its members see and edit them all, its organisers moderate. A shared entry (no
coalition) is public once a moderator published it; until then only the person who proposed it
and the moderators (the site's staff) see it. Anyone signed in who can read a published entry
may propose a correction to it.
"""

from dataclasses import dataclass

from coproduce.coalitions.permissions import Action, Visitor, can, role_in, rule

from .models import Entry, Status


def is_moderator(visitor: Visitor) -> bool:
    """The shared library's moderators: the site's staff."""
    user = visitor.user
    return bool(getattr(user, "is_active", False) and getattr(user, "is_staff", False))


def _proposed_by(visitor: Visitor, entry: Entry) -> bool:
    return visitor.is_authenticated and entry.added_by_id == visitor.user.pk


class SharedLibrary:
    """The shared library as a whole, for doors that act on it rather than on one entry:
    importing Participedia's files publishes at once, so only its moderators may."""

    pk = None  # one library: nothing to tell apart in a request's remembered decisions


SHARED_LIBRARY = SharedLibrary()


@rule(SharedLibrary, Action.VIEW)
def may_view_library(visitor: Visitor, library: SharedLibrary) -> bool:
    return True


@rule(SharedLibrary, Action.MODERATE_ENTRY)
def may_moderate_library(visitor: Visitor, library: SharedLibrary) -> bool:
    return is_moderator(visitor)


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


@dataclass(frozen=True)
class Sight:
    """Which entries a person may find in searches and lists, written once and read two ways:
    as a query condition (`q`) and over the search's in-memory columns (`mask`), so the pages,
    the lists and the search can never disagree. It follows may_view above."""

    everything: bool = False
    user_id: int | None = None
    moderator: bool = False

    def q(self):
        from django.db.models import Q

        from coproduce.coalitions.models import Visibility

        if self.everything:
            return Q()
        public_coalition = Q(coalition__visibility=Visibility.PUBLIC)
        condition = Q(status=Status.PUBLISHED) & (Q(coalition__isnull=True) | public_coalition)
        if self.user_id is not None:
            condition |= Q(coalition_id__in=self._memberships().values("coalition_id"))
            condition |= Q(coalition__isnull=True, added_by_id=self.user_id)
            if self.moderator:
                condition |= Q(coalition__isnull=True)
        return condition

    def member_of(self) -> list[int]:
        """The coalitions the person belongs to (one query; none for the anonymous)."""
        if self.user_id is None:
            return []
        return list(self._memberships().values_list("coalition_id", flat=True))

    def _memberships(self):
        from coproduce.coalitions.models import Membership

        return Membership.objects.filter(person_id=self.user_id)

    def mask(self, published, coalition, added_by, public_coalitions, member_of):
        """The same condition over arrays, one item per entry: `published` (bool),
        `coalition` and `added_by` (ids, 0 for none), given the ids of the public coalitions
        and of the person's own (`member_of`)."""
        import numpy as np

        if self.everything:
            return np.ones(len(published), dtype=bool)
        shared = coalition == 0
        public = np.isin(coalition, np.fromiter(public_coalitions, dtype=np.int64))
        found = published & (shared | public)
        if self.user_id is not None:
            found |= np.isin(coalition, np.fromiter(member_of, dtype=np.int64))
            found |= shared & (added_by == self.user_id)
            if self.moderator:
                found |= shared
        return found


def sight(user) -> Sight:
    """What this person may find (no query: the memberships are read where they are used)."""
    visitor = user if isinstance(user, Visitor) else Visitor(user)
    if visitor.is_admin:
        return Sight(everything=True)
    if not visitor.is_authenticated:
        return Sight()
    return Sight(user_id=visitor.user.pk, moderator=is_moderator(visitor))


def visible_entries(user):
    """The entries this person may find in searches and lists (one query's condition)."""
    return sight(user).q()
