"""Destructive actions ask first: a post without `confirm` changes nothing and says what will be
lost; only the post the confirmation page sends acts."""

import pytest
from django.urls import reverse
from factories import MembershipFactory, RegistrationFactory, WorkshopFactory

from coproduce.cafe import services as cafe_services
from coproduce.cafe.models import Rule
from coproduce.coalitions.models import Membership, Role
from coproduce.conversations import services as conversation_services
from coproduce.jobs.models import Job
from coproduce.reports import services as report_services
from coproduce.workshops.models import AgendaItem

pytestmark = pytest.mark.django_db

CONFIRM = {"confirm": "yes"}


def organiser_of_a_workshop(client):
    organiser = MembershipFactory(role=Role.ORGANISER)
    client.force_login(organiser.person)
    return organiser, WorkshopFactory(coalition=organiser.coalition)


def page_of(response) -> str:
    return " ".join(response.content.decode().split())


def assert_asks(response, *sentences):
    """The confirmation page: what will be lost, a form that posts `confirm` back, Cancel."""
    page = page_of(response)
    assert response.status_code == 200
    assert "What will be lost:" in page
    assert 'name="confirm" value="yes"' in page and ">Cancel</a>" in page
    for sentence in sentences:
        assert sentence in page, sentence


def test_a_new_workshop_code_is_made_only_once_confirmed(client):
    _, workshop = organiser_of_a_workshop(client)
    old = workshop.join_code
    url = reverse("workshops:new_join_code", args=[workshop.slug])

    asked = client.post(url)

    assert_asks(asked, f"The code {old} stops working at once", "Yes, make a new code")
    assert f'action="{url}"' in page_of(asked)
    workshop.refresh_from_db()
    assert workshop.join_code == old
    client.post(url, CONFIRM)
    workshop.refresh_from_db()
    assert workshop.join_code != old


def test_a_new_conversation_code_is_made_only_once_confirmed(client):
    organiser = MembershipFactory(role=Role.ORGANISER)
    conversation = conversation_services.open_conversation(
        coalition=organiser.coalition, question="What next?", seed_statements=["A first idea"]
    )
    client.force_login(organiser.person)
    old = conversation.join_code
    url = reverse("conversations:new_join_code", args=[conversation.pk])

    assert_asks(client.post(url), f"The code {old} stops letting people in at once")
    conversation.refresh_from_db()
    assert conversation.join_code == old
    client.post(url, {"confirm": "no"})  # anything but the page's own answer asks again
    conversation.refresh_from_db()
    assert conversation.join_code == old
    client.post(url, CONFIRM)
    conversation.refresh_from_db()
    assert conversation.join_code != old


def test_a_member_is_removed_only_once_confirmed(client):
    organiser = MembershipFactory(role=Role.ORGANISER)
    member = MembershipFactory(
        role=Role.MEMBER, coalition=organiser.coalition, person__full_name="Ana Ruiz"
    )
    client.force_login(organiser.person)
    url = reverse("coalitions:remove_member", args=[organiser.coalition.slug, member.pk])

    assert_asks(
        client.post(url),
        "Remove Ana Ruiz from",
        "Ana Ruiz can no longer open what only members of",
        "Yes, remove Ana Ruiz",
    )
    assert Membership.objects.filter(pk=member.pk).exists()
    client.post(url, CONFIRM)
    assert not Membership.objects.filter(pk=member.pk).exists()


def cafe_with_a_rule(client, kind):
    organiser, workshop = organiser_of_a_workshop(client)
    item = AgendaItem.objects.create(workshop=workshop, title="Café", kind="world_cafe", minutes=60)
    RegistrationFactory(workshop=workshop, display_name="Ana")
    RegistrationFactory(workshop=workshop, display_name="Ben")
    cafe = cafe_services.cafe_for(item)
    first, second = cafe.participants.all()
    return cafe, cafe_services.add_rule(cafe, kind, first, second)


@pytest.mark.parametrize(
    ("kind", "lost"),
    [
        (Rule.Kind.APART, "Ana and Ben may be seated together in the next plan."),
        (Rule.Kind.TOGETHER, "Ana and Ben no longer have to sit together in the next plan."),
    ],
)
def test_a_seating_rule_is_deleted_only_once_confirmed(client, kind, lost):
    cafe, rule = cafe_with_a_rule(client, kind)
    revision = type(cafe).objects.get(pk=cafe.pk).revision
    url = reverse("cafe:delete_rule", args=[cafe.pk, rule.pk])

    assert_asks(client.post(url), "Delete the rule for Ana and Ben?", lost)
    assert Rule.objects.filter(pk=rule.pk).exists()
    assert type(cafe).objects.get(pk=cafe.pk).revision == revision  # nothing marked changed
    response = client.post(url, CONFIRM)
    assert response.status_code == 302
    assert not Rule.objects.filter(pk=rule.pk).exists()


def workshop_with_notes(client):
    organiser, workshop = organiser_of_a_workshop(client)
    item = AgendaItem.objects.create(workshop=workshop, title="Café", kind="world_cafe", minutes=60)
    RegistrationFactory(workshop=workshop)
    cafe = cafe_services.cafe_for(item)
    table = cafe.tables.first()
    for text in ("Bike lanes", "More buses", "Bike parking", "Bus lanes"):
        cafe_services.save_note(cafe, table=table, round_number=1, text=text)
    return workshop


def test_themes_are_found_at_once_the_first_time(client):
    workshop = workshop_with_notes(client)
    response = client.post(reverse("reports:find_themes", args=[workshop.slug]))
    assert response.status_code == 302 and Job.objects.count() == 1


def test_finding_the_themes_again_asks_first_and_says_the_edits_are_replaced(client):
    workshop = workshop_with_notes(client)
    report = report_services.report_for(workshop)
    report_services.find_themes(report)
    key = next(iter(report.themes["questions"]))
    report_services.edit_themes(report, key, "rename", theme=1, label="Our own name")
    url = reverse("reports:find_themes", args=[workshop.slug])

    assert_asks(
        client.post(url),
        "Your changes to the themes",
        "The table notes themselves do not change.",
        "Yes, find the themes again",
    )
    report.refresh_from_db()
    assert report.themes["questions"][key][0]["label"] == "Our own name"
    assert not Job.objects.exists()
    client.post(url, CONFIRM)
    assert Job.objects.count() == 1
    report.refresh_from_db()
    assert not report.themes["edited"]  # found again: the edits are gone, as the page said
