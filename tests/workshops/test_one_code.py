"""One code per event: a workshop's code opens all of it (registration, the café, its
conversations); a conversation of its own keeps its own code; the one box takes either."""

import pytest
from django.urls import reverse
from factories import MembershipFactory, WorkshopFactory

from coproduce.coalitions.models import Role, Visibility
from coproduce.conversations import services as conversations
from coproduce.conversations.models import Voter

pytestmark = pytest.mark.django_db


def _conversation(workshop=None, visibility=Visibility.PRIVATE):
    organiser = MembershipFactory(role=Role.ORGANISER, coalition__visibility=visibility)
    conversation = conversations.open_conversation(
        coalition=workshop.coalition if workshop else organiser.coalition,
        question="What should the river path be for?",
        seed_statements=["More benches", "Fewer cars"],
        workshop=workshop,
    )
    return conversation, organiser.person


def test_home_box_takes_a_standalone_conversations_code(client):
    conversation, _organiser = _conversation()
    home = client.get(reverse("home")).content.decode()
    assert 'action="/join/"' in home
    response = client.post(reverse("workshops:join_start"), {"code": conversation.join_code})
    assert response.status_code == 302
    assert response["Location"] == reverse("conversations:join", args=[conversation.join_code])
    # Typed with spaces and in lower case, as people type from a slide.
    code = conversation.join_code.lower()
    response = client.post(reverse("workshops:join_start"), {"code": f"{code[:3]} {code[3:]}"})
    assert response["Location"] == reverse("conversations:join", args=[conversation.join_code])


def test_workshop_address_with_a_conversation_code_leads_to_the_conversation(client):
    conversation, _organiser = _conversation()
    response = client.get(reverse("workshops:join", args=[conversation.join_code]))
    assert response.status_code == 302
    assert response["Location"] == reverse("conversations:join", args=[conversation.join_code])


def test_a_code_nothing_has_names_both_kinds_and_counts_as_wrong(client):
    response = client.post(reverse("workshops:join_start"), {"code": "QQQQQQ"})
    assert response.status_code == 200
    error = response.context["form"].errors["code"][0]
    assert "No workshop or conversation has the code QQQQQQ" in error


def test_workshop_code_opens_the_workshops_conversation_in_a_private_coalition(client):
    workshop = WorkshopFactory(coalition__visibility=Visibility.PRIVATE)
    conversation, _organiser = _conversation(workshop)
    vote_url = reverse("conversations:vote", args=[conversation.pk])
    # Before joining, the private conversation is closed to a stranger.
    assert client.get(conversation.get_absolute_url()).status_code in (302, 404)
    response = client.post(reverse("workshops:join_start"), {"code": workshop.join_code})
    join_url = reverse("workshops:join", args=[workshop.join_code])
    assert response["Location"] == join_url
    client.post(join_url, {"display_name": "Rosa", "sector": "residents"})
    # The workshop page lists the conversation, and the guest may take part in it.
    page = client.get(workshop.get_absolute_url()).content.decode()
    assert conversation.question in page
    response = client.post(reverse("conversations:take_part", args=[conversation.pk]))
    assert response["Location"] == vote_url
    assert client.get(vote_url).status_code == 200
    voter = Voter.objects.get(conversation=conversation)
    assert (voter.display_name, voter.sector) == ("Rosa", "residents")


def test_workshop_conversation_shares_the_workshops_code_and_qr(client):
    workshop = WorkshopFactory()
    conversation, organiser = _conversation(workshop)
    MembershipFactory(coalition=workshop.coalition, person=organiser, role=Role.ORGANISER)
    client.force_login(organiser)
    page = client.get(conversation.get_absolute_url()).content.decode()
    assert workshop.join_code in page
    assert conversation.join_code not in page  # one code per event
    assert reverse("conversations:join_qr", args=[conversation.pk]) in page
    qr = client.get(reverse("conversations:join_qr", args=[conversation.pk]))
    assert qr["Content-Type"] == "image/svg+xml"
    assert qr.content.startswith(b"<svg")
    assert reverse("conversations:new_join_code", args=[conversation.pk]) not in page


def test_standalone_conversation_shares_its_own_code_and_qr(client):
    conversation, organiser = _conversation()
    client.force_login(organiser)
    page = client.get(conversation.get_absolute_url()).content.decode()
    assert conversation.join_code in page
    assert reverse("conversations:join_qr", args=[conversation.pk]) in page
    assert reverse("conversations:new_join_code", args=[conversation.pk]) in page
    qr = client.get(reverse("conversations:join_qr", args=[conversation.pk]))
    assert qr.status_code == 200 and b"<svg" in qr.content


def test_qr_is_not_for_participants(client):
    conversation, _organiser = _conversation(visibility=Visibility.PUBLIC)
    assert client.get(reverse("conversations:join_qr", args=[conversation.pk])).status_code in (
        302,
        403,
        404,
    )
