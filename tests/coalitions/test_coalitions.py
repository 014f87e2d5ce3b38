from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from factories import CoalitionFactory, MembershipFactory, PersonFactory

from coproduce.coalitions import services
from coproduce.coalitions.models import Coalition, Invitation, Membership, Role, Visibility

pytestmark = pytest.mark.django_db


def test_creating_a_coalition_makes_the_creator_its_organiser(client):
    person = PersonFactory()
    client.force_login(person)
    data = {
        "name": "Salford Together",
        "purpose": "Coproduce housing",
        "city_name": "Salford",
        "visibility": "private",
    }
    response = client.post(reverse("coalitions:create"), data)
    coalition = Coalition.objects.get(name="Salford Together")
    assert response["Location"] == reverse("coalitions:members", args=[coalition.slug])
    assert coalition.slug == "salford-together"
    assert coalition.city.name == "Salford"
    assert Membership.objects.get(coalition=coalition).role == Role.ORGANISER


def test_same_name_gets_a_distinct_slug(client):
    """Two cities may each have a coalition of the same name; their links still differ."""
    client.force_login(PersonFactory())
    for city in ("Leeds", "York"):
        client.post(
            reverse("coalitions:create"),
            {"name": "Twin", "purpose": "p", "visibility": "public", "city_name": city},
        )
    assert sorted(Coalition.objects.values_list("slug", flat=True)) == ["twin", "twin-2"]


def test_broken_coalition_form_names_the_fields(client):
    client.force_login(PersonFactory())
    response = client.post(
        reverse("coalitions:create"), {"name": "n" * 300, "purpose": "", "visibility": "secret"}
    )
    errors = response.context["form"].errors
    assert set(errors) == {"name", "purpose", "visibility"}
    assert not Coalition.objects.exists()


def test_coalition_edit_keeps_saved_values_on_error(client):
    membership = MembershipFactory(role=Role.ORGANISER, coalition__name="Kept")
    client.force_login(membership.person)
    url = reverse("coalitions:edit", args=[membership.coalition.slug])
    response = client.post(url, {"name": "", "purpose": "x", "visibility": "public"})
    assert response.status_code == 200 and "name" in response.context["form"].errors
    membership.coalition.refresh_from_db()
    assert membership.coalition.name == "Kept"


def test_user_text_is_escaped_on_the_coalition_page(client):
    coalition = CoalitionFactory(
        name="<script>alert(1)</script>", purpose='<img src=x onerror="alert(2)">'
    )
    body = client.get(coalition.get_absolute_url()).content.decode()
    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert "<img src=x" not in body


def test_invitation_by_email_is_sent_and_joins_with_the_role(client):
    organiser = MembershipFactory(role=Role.ORGANISER)
    coalition = organiser.coalition
    client.force_login(organiser.person)
    client.post(
        reverse("coalitions:invite", args=[coalition.slug]),
        {"role": "facilitator", "email": "new@example.org"},
    )
    invitation = Invitation.objects.get(coalition=coalition)
    assert len(mail.outbox) == 1
    assert invitation.get_absolute_url() in mail.outbox[0].body
    someone_else = PersonFactory()
    client.force_login(someone_else)
    client.post(invitation.get_absolute_url())
    assert not Membership.objects.filter(coalition=coalition, person=someone_else).exists()
    newcomer = PersonFactory(email="new@example.org")
    client.force_login(newcomer)
    assert client.get(invitation.get_absolute_url()).status_code == 200
    client.post(invitation.get_absolute_url())
    assert Membership.objects.get(coalition=coalition, person=newcomer).role == Role.FACILITATOR
    invitation.refresh_from_db()
    assert invitation.uses == 1


def test_invitation_needs_login_then_returns(client):
    invitation = Invitation.objects.create(coalition=CoalitionFactory(), role=Role.MEMBER)
    response = client.post(invitation.get_absolute_url())
    assert response.status_code == 302
    assert "next=" in response["Location"]
    assert not Membership.objects.exists()


def test_expired_or_revoked_invitations_do_not_work(client):
    coalition = CoalitionFactory()
    expired = Invitation.objects.create(
        coalition=coalition, expires_at=timezone.now() - timedelta(days=1)
    )
    revoked = Invitation.objects.create(coalition=coalition)
    services.revoke_invitation(revoked)
    client.force_login(PersonFactory())
    for invitation in (expired, revoked):
        client.post(invitation.get_absolute_url())
        page = client.get(invitation.get_absolute_url()).content.decode()
        assert "has expired, was used or was withdrawn" in page
        assert coalition.name not in page  # a dead link names nothing
    assert not Membership.objects.exists()


def test_invitation_links_are_single_use_unless_shared_with_a_group(client):
    coalition = CoalitionFactory()
    single = Invitation.objects.create(coalition=coalition)
    group = Invitation.objects.create(coalition=coalition, max_uses=2)
    first, second, third = PersonFactory(), PersonFactory(), PersonFactory()
    for person in (first, second):
        client.force_login(person)
        client.post(single.get_absolute_url())
    assert list(Membership.objects.values_list("person", flat=True)) == [first.pk]
    for person in (first, second, third):
        client.force_login(person)
        client.post(group.get_absolute_url())
    assert set(Membership.objects.values_list("person", flat=True)) == {first.pk, second.pk}
    group.refresh_from_db()
    assert (group.uses, group.is_usable) == (2, False)


def test_accepting_an_invitation_never_lowers_a_role():
    membership = MembershipFactory(role=Role.ORGANISER)
    invitation = Invitation.objects.create(coalition=membership.coalition, role=Role.OBSERVER)
    services.accept_invitation(invitation, membership.person)
    membership.refresh_from_db()
    assert membership.role == Role.ORGANISER


def test_last_organiser_cannot_step_down_or_be_removed(client):
    membership = MembershipFactory(role=Role.ORGANISER)
    coalition = membership.coalition
    client.force_login(membership.person)
    client.post(
        reverse("coalitions:change_role", args=[coalition.slug, membership.pk]),
        {f"m{membership.pk}-role": "member"},
    )
    client.post(
        reverse("coalitions:remove_member", args=[coalition.slug, membership.pk]),
        {"confirm": "yes"},
    )
    membership.refresh_from_db()
    assert membership.role == Role.ORGANISER
    page = client.get(reverse("coalitions:members", args=[coalition.slug])).content.decode()
    assert "needs at least one organiser" in page


def test_a_second_organiser_makes_stepping_down_possible():
    first = MembershipFactory(role=Role.ORGANISER)
    MembershipFactory(coalition=first.coalition, role=Role.ORGANISER)
    services.change_role(first, Role.MEMBER)
    first.refresh_from_db()
    assert first.role == Role.MEMBER


def test_visibility_switch_hides_the_coalition(client):
    membership = MembershipFactory(role=Role.ORGANISER)
    coalition = membership.coalition
    client.force_login(membership.person)
    client.post(
        reverse("coalitions:edit", args=[coalition.slug]),
        {"name": coalition.name, "purpose": "p", "visibility": "private"},
    )
    coalition.refresh_from_db()
    assert coalition.visibility == Visibility.PRIVATE
    client.logout()
    assert client.get(coalition.get_absolute_url()).status_code == 404


def test_coalition_page_shows_members_by_sector(client):
    coalition = CoalitionFactory()
    MembershipFactory(coalition=coalition, person__sector="research")
    MembershipFactory(coalition=coalition, person__sector="research")
    MembershipFactory(coalition=coalition, person__sector="local_government")
    response = client.get(coalition.get_absolute_url())
    counts = {row["sector"]: row["count"] for row in response.context["member_counts"]}
    assert counts == {"research": 2, "local_government": 1}
    assert "<svg" in response.content.decode()
