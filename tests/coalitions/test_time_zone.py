"""A coalition's own time zone: shown where there is no workshop, and where new workshops start."""

from datetime import UTC, datetime

import pytest
from django.urls import reverse
from factories import MembershipFactory, PersonFactory

from coproduce.coalitions.models import Coalition, Role
from coproduce.conversations import services as conversation_services

pytestmark = pytest.mark.django_db


def test_a_coalition_is_made_and_changed_with_its_time_zone(client):
    client.force_login(PersonFactory())
    data = {"name": "Bogotá Juntos", "purpose": "p", "visibility": "public"}
    client.post(reverse("coalitions:create"), {**data, "time_zone": "America/Bogota"})
    coalition = Coalition.objects.get(name="Bogotá Juntos")
    assert coalition.time_zone == "America/Bogota"
    edit = reverse("coalitions:edit", args=[coalition.slug])
    client.post(edit, {**data, "time_zone": "Europe/Madrid"})
    coalition.refresh_from_db()
    assert coalition.time_zone == "Europe/Madrid"
    client.post(edit, data)  # a form without the field keeps the zone
    coalition.refresh_from_db()
    assert coalition.time_zone == "Europe/Madrid"


def test_an_unknown_time_zone_is_refused_by_name_and_nothing_changes(client):
    membership = MembershipFactory(role=Role.ORGANISER, coalition__time_zone="Europe/London")
    coalition = membership.coalition
    client.force_login(membership.person)
    response = client.post(
        reverse("coalitions:edit", args=[coalition.slug]),
        {"name": coalition.name, "purpose": "p", "visibility": "public", "time_zone": "Mars/Base"},
    )
    assert "time_zone" in response.context["form"].errors
    coalition.refresh_from_db()
    assert coalition.time_zone == "Europe/London"


def test_a_conversation_without_a_workshop_shows_its_times_in_the_coalitions_zone(client):
    organiser = MembershipFactory(role=Role.ORGANISER, coalition__time_zone="America/Bogota")
    conversation = conversation_services.open_conversation(
        coalition=organiser.coalition,
        question="¿Qué sigue?",
        seed_statements=["Uno", "Dos"],
        closes_at=datetime(2030, 1, 1, 17, 0, tzinfo=UTC),
    )
    page = client.get(reverse("conversations:detail", args=[conversation.pk])).content.decode()
    assert "12:00" in page and "America/Bogota" in page  # 17:00 UTC is noon in Bogotá


def test_a_new_workshop_starts_in_its_coalitions_zone(client):
    organiser = MembershipFactory(role=Role.ORGANISER, coalition__time_zone="America/Bogota")
    client.force_login(organiser.person)
    page = client.get(reverse("workshops:create", args=[organiser.coalition.slug]))
    assert page.context["form"]["time_zone"].value() == "America/Bogota"


def test_times_typed_for_a_conversation_without_a_workshop_are_the_coalitions_clock(client):
    from coproduce.conversations.models import Conversation

    organiser = MembershipFactory(role=Role.ORGANISER, coalition__time_zone="America/Bogota")
    client.force_login(organiser.person)
    data = {
        "question": "¿Qué sigue?",
        "moderation": "post",
        "statement_max_length": "280",
        "seed_text": "Uno\nDos",
        "closes_at": "2030-01-01T12:00",
    }
    client.post(reverse("conversations:create", args=[organiser.coalition.slug]), data)
    assert Conversation.objects.get().closes_at == datetime(2030, 1, 1, 17, 0, tzinfo=UTC)
