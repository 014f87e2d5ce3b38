"""The organisers' webhook pages: adding one, refused input, the test event, deleting, and the
deliveries listed with their answers escaped."""

import pytest
from django.urls import reverse
from factories import MembershipFactory

from coproduce.coalitions.models import Role
from coproduce.webhooks.models import Delivery, Webhook

pytestmark = pytest.mark.django_db


@pytest.fixture
def organiser(client):
    membership = MembershipFactory(role=Role.ORGANISER)
    client.force_login(membership.person)
    return membership


def _list_url(coalition):
    return reverse("webhooks:list", args=[coalition.slug])


def test_an_organiser_adds_a_webhook_and_sees_its_secret(client, organiser):
    coalition = organiser.coalition
    response = client.post(
        _list_url(coalition),
        {"url": "https://hooks.example.org/in", "events": ["registration", "report.published"]},
        follow=True,
    )
    webhook = Webhook.objects.get()
    assert webhook.coalition == coalition
    assert webhook.events == ["registration", "report.published"]
    assert webhook.created_by == organiser.person
    page = response.content.decode()
    assert webhook.secret in page
    assert len(webhook.secret) == 64
    assert "A workshop report was published" in page
    listing = client.get(_list_url(coalition)).content.decode()
    assert "https://hooks.example.org/in" in listing


@pytest.mark.parametrize(
    ("data", "field", "words"),
    [
        ({"url": "https://10.0.0.7/in", "events": ["registration"]}, "url", "private network"),
        ({"url": "https://localhost/in", "events": ["registration"]}, "url", "private network"),
        ({"url": "http://hooks.example.org/", "events": ["registration"]}, "url", "https://"),
        (
            {"url": "https://me:secret@hooks.example.org/", "events": ["registration"]},
            "url",
            "user name or password",
        ),
        (
            {"url": "https://hooks.example.org/" + "a" * 3000, "events": ["registration"]},
            "url",
            "too long",
        ),
        ({"url": "https://hooks.example.org/"}, "events", "Choose at least one event"),
        ({"url": "", "events": ["registration"]}, "url", "Give the address"),
        ({"url": "https://hooks.example.org/", "events": ["nope"]}, "events", "nope"),
    ],
)
def test_broken_input_is_refused_with_a_message_on_its_field(client, organiser, data, field, words):
    response = client.post(_list_url(organiser.coalition), data)
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert words in " ".join(errors[field])
    assert not Webhook.objects.exists()


def test_the_test_event_is_queued_and_listed(client, organiser, dummy_tasks):
    webhook = Webhook.objects.create(
        coalition=organiser.coalition, url="https://hooks.example.org/", events=["registration"]
    )
    url = reverse("webhooks:test", args=[organiser.coalition.slug, webhook.pk])
    response = client.post(url, follow=True)
    (delivery,) = Delivery.objects.all()
    assert delivery.event == "ping"
    assert "ping" in response.content.decode()


def test_deliveries_are_listed_with_their_answers_escaped(client, organiser):
    webhook = Webhook.objects.create(
        coalition=organiser.coalition, url="https://hooks.example.org/", events=["registration"]
    )
    Delivery.objects.bulk_create(
        [Delivery(webhook=webhook, event="action.updated") for _ in range(60)]
    )
    Delivery.objects.create(
        webhook=webhook,
        event="registration",
        status=Delivery.Status.FAILED,
        attempts=2,
        last_status_code=500,
        last_response="<script>alert('x')</script> went wrong",
    )
    page = client.get(webhook.get_absolute_url()).content.decode()
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert" in page
    assert page.count("<tr>") == 1 + 50  # the header row and the latest 50


def test_deleting_asks_first_then_deletes(client, organiser):
    webhook = Webhook.objects.create(
        coalition=organiser.coalition, url="https://hooks.example.org/", events=["registration"]
    )
    Delivery.objects.create(webhook=webhook, event="registration")
    url = reverse("webhooks:delete", args=[organiser.coalition.slug, webhook.pk])
    asked = client.post(url)
    assert asked.status_code == 200
    assert Webhook.objects.exists()
    client.post(url, {"confirm": "yes"})
    assert not Webhook.objects.exists()
    assert not Delivery.objects.exists()


@pytest.mark.parametrize("role", [Role.FACILITATOR, Role.MEMBER, Role.OBSERVER])
def test_only_organisers_may_open_the_pages(client, role):
    membership = MembershipFactory(role=role)
    client.force_login(membership.person)
    assert client.get(_list_url(membership.coalition)).status_code == 403
    client.post(
        _list_url(membership.coalition),
        {"url": "https://hooks.example.org/", "events": ["registration"]},
    )
    assert not Webhook.objects.exists()


def test_a_webhook_of_another_coalition_is_not_found_here(client, organiser):
    other = MembershipFactory(role=Role.ORGANISER)
    webhook = Webhook.objects.create(
        coalition=other.coalition, url="https://hooks.example.org/", events=["registration"]
    )
    url = reverse("webhooks:detail", args=[organiser.coalition.slug, webhook.pk])
    assert client.get(url).status_code == 404


def test_the_coalition_page_leads_organisers_and_only_them_to_the_webhooks(client, organiser):
    coalition = organiser.coalition
    link = reverse("webhooks:list", args=[coalition.slug])
    assert link in client.get(coalition.get_absolute_url()).content.decode()
    client.force_login(MembershipFactory(coalition=coalition, role=Role.FACILITATOR).person)
    assert link not in client.get(coalition.get_absolute_url()).content.decode()


def test_every_broken_field_is_told_at_once(client, organiser):
    response = client.post(_list_url(organiser.coalition), {"url": "https://[::1]/in"})
    errors = response.context["form"].errors
    assert "private network" in " ".join(errors["url"])
    assert "Choose at least one event" in " ".join(errors["events"])
    assert not Webhook.objects.exists()
