"""Every page and every change of a private coalition, tried by every role.

An outsider (logged in or not) gets 404 everywhere; a member without the right role gets 403
on every change and nothing changes; the right role gets through.
"""

import pytest
from django.urls import reverse
from factories import (
    CoalitionFactory,
    GuestFactory,
    MembershipFactory,
    OrganisationFactory,
    PersonFactory,
    RegistrationFactory,
    WorkshopFactory,
)

from coproduce.coalitions.models import Invitation, Membership, Role, Visibility
from coproduce.coalitions.permissions import Action

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    coalition = CoalitionFactory(visibility=Visibility.PRIVATE, slug="private-one")
    people = {role: PersonFactory() for role in Role}
    for role, person in people.items():
        MembershipFactory(coalition=coalition, person=person, role=role)
    second_organiser = MembershipFactory(coalition=coalition, role=Role.ORGANISER)
    organisation = OrganisationFactory()
    coalition.organisations.add(organisation)
    invitation = Invitation.objects.create(coalition=coalition, role=Role.MEMBER)
    workshop = WorkshopFactory(coalition=coalition, slug="private-workshop", capacity=100)
    registration = RegistrationFactory(workshop=workshop, guest=GuestFactory())
    return {
        "coalition": coalition,
        "people": people,
        "outsider": PersonFactory(),
        "member_row": second_organiser,
        "organisation": organisation,
        "invitation": invitation,
        "workshop": workshop,
        "registration": registration,
    }


def _urls(w):
    c, ws = w["coalition"].slug, w["workshop"].slug
    return {
        "coalition page": ("get", reverse("coalitions:detail", args=[c]), {}),
        "coalition edit page": ("get", reverse("coalitions:edit", args=[c]), {}),
        "coalition edit": (
            "post",
            reverse("coalitions:edit", args=[c]),
            {"name": "X", "purpose": "Y", "visibility": "public"},
        ),
        "members page": ("get", reverse("coalitions:members", args=[c]), {}),
        "change role": (
            "post",
            reverse("coalitions:change_role", args=[c, w["member_row"].pk]),
            {f"m{w['member_row'].pk}-role": "observer"},
        ),
        "remove member": (
            "post",
            reverse("coalitions:remove_member", args=[c, w["member_row"].pk]),
            {"confirm": "yes"},
        ),
        "invite": ("post", reverse("coalitions:invite", args=[c]), {"role": "organiser"}),
        "revoke invitation": (
            "post",
            reverse("coalitions:revoke_invitation", args=[c, w["invitation"].pk]),
            {},
        ),
        "add organisation": (
            "post",
            reverse("coalitions:add_organisation", args=[c]),
            {"name": "New org", "sector": "business"},
        ),
        "remove organisation": (
            "post",
            reverse("coalitions:remove_organisation", args=[c, w["organisation"].pk]),
            {},
        ),
        "workshop page": ("get", reverse("workshops:detail", args=[ws]), {}),
        "workshop calendar": ("get", reverse("workshops:ics", args=[ws]), {}),
        "workshop QR": ("get", reverse("workshops:join_qr", args=[ws]), {}),
        "new workshop page": ("get", reverse("workshops:create", args=[c]), {}),
        "new workshop": (
            "post",
            reverse("workshops:create", args=[c]),
            {
                "title": "T",
                "time_zone": "UTC",
                "starts_at": "2030-01-01T10:00",
                "ends_at": "2030-01-01T12:00",
            },
        ),
        "workshop edit page": ("get", reverse("workshops:edit", args=[ws]), {}),
        "workshop edit": (
            "post",
            reverse("workshops:edit", args=[ws]),
            {
                "title": "Changed",
                "time_zone": "UTC",
                "starts_at": "2030-01-01T10:00",
                "ends_at": "2030-01-01T12:00",
            },
        ),
        "programme page": ("get", reverse("workshops:programme", args=[ws, "agenda"]), {}),
        "programme edit": (
            "post",
            reverse("workshops:programme", args=[ws, "conclusions"]),
            {
                "conclusions-TOTAL_FORMS": "1",
                "conclusions-INITIAL_FORMS": "0",
                "conclusions-0-text": "Done",
                "conclusions-0-order": "0",
            },
        ),
        "desk": ("get", reverse("workshops:desk", args=[ws]), {}),
        "check in": (
            "post",
            reverse("workshops:check_in", args=[ws, w["registration"].pk]),
            {"present": "1"},
        ),
        "walk in": (
            "post",
            reverse("workshops:walk_in", args=[ws]),
            {"display_name": "Walker", "sector": "other"},
        ),
        "new join code": (
            "post",
            reverse("workshops:new_join_code", args=[ws]),
            {"confirm": "yes"},
        ),
    }


# What each request needs; anything else is a page anyone who may see the coalition may open.
NEEDS = {
    "coalition edit page": Action.MANAGE,
    "coalition edit": Action.MANAGE,
    "members page": Action.MANAGE,
    "change role": Action.MANAGE,
    "remove member": Action.MANAGE,
    "invite": Action.MANAGE,
    "revoke invitation": Action.MANAGE,
    "add organisation": Action.MANAGE,
    "remove organisation": Action.MANAGE,
    "new workshop page": Action.PLAN_WORKSHOP,
    "new workshop": Action.PLAN_WORKSHOP,
    "workshop edit page": Action.PLAN_WORKSHOP,
    "workshop edit": Action.PLAN_WORKSHOP,
    "programme page": Action.PLAN_WORKSHOP,
    "programme edit": Action.PLAN_WORKSHOP,
    "new join code": Action.PLAN_WORKSHOP,
    "desk": Action.RUN_WORKSHOP,
    "check in": Action.RUN_WORKSHOP,
    "walk in": Action.RUN_WORKSHOP,
}
ALLOWED = {
    Action.MANAGE: {Role.ORGANISER},
    Action.PLAN_WORKSHOP: {Role.ORGANISER},
    Action.RUN_WORKSHOP: {Role.ORGANISER, Role.FACILITATOR},
}
REQUESTS = [
    "coalition page",
    "coalition edit page",
    "coalition edit",
    "members page",
    "change role",
    "remove member",
    "invite",
    "revoke invitation",
    "add organisation",
    "remove organisation",
    "workshop page",
    "workshop calendar",
    "workshop QR",
    "new workshop page",
    "new workshop",
    "workshop edit page",
    "workshop edit",
    "programme page",
    "programme edit",
    "desk",
    "check in",
    "walk in",
    "new join code",
]


def snapshot(w) -> dict:
    """Everything the requests above could change."""
    coalition, workshop = w["coalition"], w["workshop"]
    coalition.refresh_from_db()
    workshop.refresh_from_db()
    w["registration"].refresh_from_db()
    w["invitation"].refresh_from_db()
    return {
        "coalition": (coalition.name, coalition.purpose, coalition.visibility),
        "roles": sorted(
            Membership.objects.filter(coalition=coalition).values_list("person_id", "role")
        ),
        "invitations": sorted(
            Invitation.objects.filter(coalition=coalition).values_list("pk", "role", "revoked_at")
        ),
        "organisations": sorted(coalition.organisations.values_list("pk", flat=True)),
        "workshops": sorted(coalition.workshops.values_list("pk", "title", "join_code")),
        "registrations": sorted(
            workshop.registrations.values_list("pk", "checked_in_at", "status")
        ),
        "conclusions": sorted(workshop.conclusions.values_list("text", flat=True)),
    }


def _send(client, method, url, data):
    return client.get(url) if method == "get" else client.post(url, data)


@pytest.mark.parametrize("request_name", REQUESTS)
@pytest.mark.parametrize("who", ["anonymous", "outsider"])
def test_outsiders_get_404_and_change_nothing(client, world, who, request_name):
    if who == "outsider":
        client.force_login(world["outsider"])
    before = snapshot(world)
    method, url, data = _urls(world)[request_name]
    response = _send(client, method, url, data)
    assert response.status_code == 404, (who, request_name)
    assert snapshot(world) == before


@pytest.mark.parametrize("request_name", REQUESTS)
@pytest.mark.parametrize("role", list(Role))
def test_each_role_gets_exactly_what_it_may(client, world, role, request_name):
    client.force_login(world["people"][role])
    before = snapshot(world)
    method, url, data = _urls(world)[request_name]
    response = _send(client, method, url, data)
    needed = NEEDS.get(request_name)
    if needed is None or role in ALLOWED[needed]:
        assert response.status_code in (200, 302), (role, request_name, response.status_code)
    else:
        assert response.status_code == 403, (role, request_name)
        assert snapshot(world) == before


def test_allowed_changes_really_change_something(client, world):
    """The matrix above would pass if every change silently did nothing; check a few do."""
    client.force_login(world["people"][Role.ORGANISER])
    urls = _urls(world)
    for name in ("change role", "invite", "add organisation", "check in", "programme edit"):
        before = snapshot(world)
        method, url, data = urls[name]
        _send(client, method, url, data)
        assert snapshot(world) != before, name


def test_registered_guest_may_see_private_workshop_but_not_the_coalition(client, world):
    guest = world["registration"].guest
    session = client.session
    session["coproduce_guest_key"] = guest.key
    session.save()
    assert client.get(reverse("workshops:detail", args=[world["workshop"].slug])).status_code == 200
    assert (
        client.get(reverse("coalitions:detail", args=[world["coalition"].slug])).status_code == 404
    )
    desk = client.get(reverse("workshops:desk", args=[world["workshop"].slug]))
    assert desk.status_code == 302  # anonymous: asked to log in, sees nothing
    assert "login" in desk["Location"]


def test_public_coalition_change_by_anonymous_asks_for_login(client):
    coalition = CoalitionFactory(visibility=Visibility.PUBLIC)
    response = client.get(reverse("coalitions:edit", args=[coalition.slug]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("people:login"))
    assert client.get(coalition.get_absolute_url()).status_code == 200


def test_private_coalitions_are_not_listed_for_outsiders(client, world):
    client.force_login(world["outsider"])
    assert world["coalition"].name not in client.get(reverse("coalitions:list")).content.decode()
    assert world["coalition"].name not in client.get(reverse("home")).content.decode()
    client.force_login(world["people"][Role.OBSERVER])
    assert world["coalition"].name in client.get(reverse("coalitions:list")).content.decode()
