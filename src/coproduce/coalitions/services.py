"""Changes to coalitions: creating them, membership and roles, invitations."""

from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from coproduce.core.slugs import unique_slug
from coproduce.core.tasks import send_email
from coproduce.people.models import Organisation
from coproduce.people.services import city_named, organisation_named

from .models import Coalition, Invitation, Membership, Role


class MembershipError(Exception):
    """A change to membership that would leave the coalition in a bad state."""


# Lower number, more responsibility: accepting an invitation never lowers someone's role.
ROLE_RANK = {role: rank for rank, role in enumerate(Role)}


@transaction.atomic
def create_coalition(*, person, organisations=(), city_name: str = "", **fields) -> Coalition:
    """Create a coalition; whoever creates it is its first organiser."""
    coalition = Coalition(**fields, city=city_named(city_name))
    coalition.slug = unique_slug(Coalition, coalition.name)
    coalition.full_clean()
    coalition.save()
    coalition.organisations.set(organisations)
    Membership.objects.create(coalition=coalition, person=person, role=Role.ORGANISER)
    return coalition


@transaction.atomic
def update_coalition(coalition: Coalition, *, city_name: str = "", **fields) -> Coalition:
    for name, value in fields.items():
        setattr(coalition, name, value)
    coalition.city = city_named(city_name)
    coalition.full_clean()
    coalition.save()
    return coalition


@transaction.atomic
def add_organisation(
    coalition: Coalition, *, name: str, sector: str, city_name: str = ""
) -> Organisation:
    """Add a member organisation by name; a name not seen before creates the organisation."""
    organisation = organisation_named(name, sector, city_named(city_name))
    coalition.organisations.add(organisation)
    return organisation


def remove_organisation(coalition: Coalition, organisation: Organisation) -> None:
    coalition.organisations.remove(organisation)


def _leaves_no_organiser(membership: Membership, new_role: Role | None) -> bool:
    """Would giving this member `new_role` (None: removing them) leave nobody organising?"""
    if membership.role != Role.ORGANISER or new_role == Role.ORGANISER:
        return False
    others = Membership.objects.filter(coalition_id=membership.coalition_id, role=Role.ORGANISER)
    return not others.exclude(pk=membership.pk).exists()


@transaction.atomic
def change_role(membership: Membership, role: Role) -> Membership:
    if _leaves_no_organiser(membership, role):
        raise MembershipError(_("A coalition needs at least one organiser."))
    membership.role = role
    membership.save(update_fields=["role"])
    return membership


@transaction.atomic
def remove_member(membership: Membership) -> None:
    if _leaves_no_organiser(membership, None):
        raise MembershipError(_("A coalition needs at least one organiser."))
    membership.delete()


def create_invitation(
    *, coalition: Coalition, role: Role, created_by, email: str = "", max_uses: int = 1, url_for
):
    """Create an invitation link; when an email address is given, send the link there.

    `url_for(invitation)` turns the invitation into an absolute link (the request knows the host).
    """
    invitation = Invitation.objects.create(
        coalition=coalition, role=role, email=email, max_uses=max_uses, created_by=created_by
    )
    if email:
        context = {"invitation": invitation, "link": url_for(invitation), "inviter": created_by}
        send_email.enqueue(
            subject=_("Invitation to join %(name)s") % {"name": coalition.name},
            body=render_to_string("coalitions/email/invitation.txt", context),
            to=[email],
        )
    return invitation


def invitation_refusal(invitation: Invitation, person) -> str | None:
    """Why this person may not use the invitation, or None when they may."""
    if not invitation.is_usable:
        return _("This invitation has expired, was used or was withdrawn. Ask for a new link.")
    if (
        invitation.email
        and getattr(person, "is_authenticated", False)
        and person.email != invitation.email
    ):
        return _(
            "This invitation is for another email address. Log in with the account it was "
            "sent to, or ask the organiser for a link of your own."
        )
    return None


@transaction.atomic
def accept_invitation(invitation: Invitation, person) -> Membership:
    # Locked, so two people cannot both use the last place on the link.
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if refusal := invitation_refusal(invitation, person):
        raise MembershipError(refusal)
    membership, created = Membership.objects.get_or_create(
        coalition=invitation.coalition, person=person, defaults={"role": invitation.role}
    )
    if not created and ROLE_RANK[Role(invitation.role)] < ROLE_RANK[Role(membership.role)]:
        membership.role = invitation.role
        membership.save(update_fields=["role"])
    Invitation.objects.filter(pk=invitation.pk).update(uses=F("uses") + 1)
    return membership


def revoke_invitation(invitation: Invitation) -> None:
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
