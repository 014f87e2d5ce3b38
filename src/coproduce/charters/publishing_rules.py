"""Who may see, sign and publish a charter's versions (registered with the permission module).

A published version is the call to action: whoever may see the coalition sees it and may sign
it, without an account when the coalition is public. A version not (yet) published is part of
the draft, so only the coalition's members see it, as they see the draft itself. Publishing is
the organisers' (EDIT_CHARTER on the coalition). A version knows its coalition only through its
charter, so every action on it is decided here rather than by the role table.
"""

from coproduce.coalitions.permissions import Action, Visitor, can, rule

from .models import Version


def _coalition(version: Version):
    return version.charter.coalition


def sees_drafts(visitor: Visitor, coalition) -> bool:
    """Members (and the operator) see drafts; observers too, as members' pages allow."""
    return can(visitor, Action.DISCUSS_CHARTER, coalition) or can(
        visitor, Action.MEMBERS_VIEW, coalition
    )


@rule(Version, Action.VIEW)
def may_view(visitor: Visitor, version: Version) -> bool:
    coalition = _coalition(version)
    if version.is_published:
        return can(visitor, Action.VIEW, coalition)
    return sees_drafts(visitor, coalition)


@rule(Version, Action.SIGN)
def may_sign(visitor: Visitor, version: Version) -> bool:
    # A version not published yet cannot be signed: the page says so rather than refusing
    # with an error, so the door lets those who see it through (services refuse the write).
    return may_view(visitor, version)


@rule(Version, Action.EDIT_CHARTER)
def may_publish(visitor: Visitor, version: Version) -> bool:
    return can(visitor, Action.EDIT_CHARTER, _coalition(version))
