"""Deliveries to a real HTTP server on this machine: signed, recorded, retried, given up,
refused for private addresses, and never sent twice."""

import json
import threading
import time
from datetime import timedelta

import pytest
from concurrency import at_once
from django.db import connection
from django.utils import timezone
from factories import CoalitionFactory

from coproduce.webhooks import services, signing
from coproduce.webhooks.models import Delivery, Webhook

pytestmark = pytest.mark.django_db

ANYWHERE = {"allowed": lambda ip: True}  # the tests' receiver is on 127.0.0.1


def _delivery(url: str, **fields) -> Delivery:
    webhook = Webhook.objects.create(
        coalition=CoalitionFactory(slug="riverside"), url=url, events=["registration"]
    )
    return Delivery.objects.create(
        webhook=webhook, event="registration", payload={"workshop": {"id": 7}}, **fields
    )


def test_a_delivery_is_signed_and_recorded(receiver):
    delivery = _delivery(receiver.url)
    receiver.answer = b"thanks <b>received</b>"

    assert services.attempt(delivery.pk, **ANYWHERE) == Delivery.Status.DELIVERED

    (request,) = receiver.received
    headers = request["headers"]
    assert headers["Content-Type"] == "application/json"
    assert headers["Coproduce-Event"] == "registration"
    secret = delivery.webhook.secret.encode()
    assert signing.verify(secret, headers["Coproduce-Signature"], request["body"], int(time.time()))
    sent = json.loads(request["body"])
    assert sent["event"] == "registration"
    assert sent["coalition"]["slug"] == "riverside"
    assert sent["data"] == {"workshop": {"id": 7}}
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (Delivery.Status.DELIVERED, 1)
    assert delivery.last_status_code == 200
    assert delivery.last_response == "thanks <b>received</b>"


def test_a_local_receiver_is_refused_by_the_real_address_check(receiver):
    delivery = _delivery(receiver.url)

    assert services.attempt(delivery.pk) == Delivery.Status.GIVEN_UP

    assert receiver.received == []
    delivery.refresh_from_db()
    assert "private address (127.0.0.1)" in delivery.last_error


def test_a_name_resolving_to_a_private_address_is_refused_even_if_another_is_public(receiver):
    """DNS rebinding: every resolved address must be public, and the checked one is used."""
    delivery = _delivery(f"http://hooks.example.org:{receiver.port}/hook")

    def resolve(host, port):
        assert host == "hooks.example.org"
        return ["93.184.216.34", "127.0.0.1"]

    assert services.attempt(delivery.pk, resolve=resolve) == Delivery.Status.GIVEN_UP
    assert receiver.received == []


def test_the_connection_goes_to_the_checked_address_with_the_name_as_host(receiver):
    delivery = _delivery(f"http://hooks.example.org:{receiver.port}/hook?x=1")

    status = services.attempt(delivery.pk, resolve=lambda host, port: ["127.0.0.1"], **ANYWHERE)

    assert status == Delivery.Status.DELIVERED
    assert receiver.received[0]["headers"]["Host"] == f"hooks.example.org:{receiver.port}"


def test_a_server_error_is_retried_later(receiver):
    delivery = _delivery(receiver.url)
    receiver.status, receiver.answer = 500, b"x" * 5000
    before = timezone.now()

    assert services.attempt(delivery.pk, **ANYWHERE) == Delivery.Status.FAILED

    delivery.refresh_from_db()
    assert delivery.last_status_code == 500
    assert len(delivery.last_response) == 2000
    wait = delivery.next_attempt_at - before
    assert timedelta(seconds=59) < wait <= timedelta(seconds=61)
    # Not due yet: a second worker given it now does nothing.
    assert services.attempt(delivery.pk, **ANYWHERE) == "skipped"
    assert len(receiver.received) == 1


def test_a_retry_is_queued_for_when_it_is_due(
    receiver, dummy_tasks, django_capture_on_commit_callbacks
):
    delivery = _delivery(receiver.url)
    receiver.status = 503
    with django_capture_on_commit_callbacks(execute=True):
        services.attempt(delivery.pk, **ANYWHERE)
    (queued,) = dummy_tasks.results
    delivery.refresh_from_db()
    assert queued.args == [delivery.pk]
    assert queued.task.run_after == delivery.next_attempt_at


def test_a_redirect_is_not_followed(receiver):
    delivery = _delivery(receiver.url)
    receiver.status, receiver.headers = 302, {"Location": "http://169.254.169.254/"}

    assert services.attempt(delivery.pk, **ANYWHERE) == Delivery.Status.FAILED
    assert len(receiver.received) == 1
    delivery.refresh_from_db()
    assert delivery.last_status_code == 302


def test_no_answer_in_time_is_retried(silent_port):
    delivery = _delivery(f"http://127.0.0.1:{silent_port}/hook")

    status = services.attempt(delivery.pk, timeout=0.2, **ANYWHERE)

    assert status == Delivery.Status.FAILED
    delivery.refresh_from_db()
    assert delivery.last_status_code is None
    assert delivery.last_error == "No answer within the time allowed."
    assert delivery.next_attempt_at > timezone.now()


def test_after_the_last_attempt_it_is_given_up(receiver):
    delivery = _delivery(receiver.url, attempts=signing.MAX_ATTEMPTS - 1, status="failed")
    receiver.status = 500

    assert services.attempt(delivery.pk, **ANYWHERE) == Delivery.Status.GIVEN_UP

    delivery.refresh_from_db()
    assert delivery.attempts == signing.MAX_ATTEMPTS
    assert delivery.next_attempt_at is None
    assert services.attempt(delivery.pk, **ANYWHERE) == "skipped"
    assert len(receiver.received) == 1


def test_every_wait_of_the_schedule_is_used(receiver):
    delivery = _delivery(receiver.url)
    receiver.status = 500
    waits = []
    for _ in range(signing.MAX_ATTEMPTS):
        before = timezone.now()
        status = services.attempt(delivery.pk, **ANYWHERE)
        delivery.refresh_from_db()
        if status == Delivery.Status.FAILED:
            waits.append(round((delivery.next_attempt_at - before).total_seconds() / 60))
            Delivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())
    assert waits == [1, 5, 30, 120, 720]
    assert delivery.status == Delivery.Status.GIVEN_UP
    assert len(receiver.received) == signing.MAX_ATTEMPTS


def test_two_workers_claiming_the_same_delivery_send_it_once(receiver):
    delivery = _delivery(receiver.url)
    first = Delivery.objects.get(pk=delivery.pk)
    second = Delivery.objects.get(pk=delivery.pk)  # read before the first claimed it

    assert services.claim(first)
    assert not services.claim(second)


def test_a_delivered_delivery_is_not_sent_again(receiver):
    delivery = _delivery(receiver.url)
    services.attempt(delivery.pk, **ANYWHERE)
    assert services.attempt(delivery.pk, **ANYWHERE) == "skipped"
    assert len(receiver.received) == 1


def test_a_switched_off_webhook_sends_nothing(receiver):
    delivery = _delivery(receiver.url)
    Webhook.objects.update(active=False)
    assert services.attempt(delivery.pk, **ANYWHERE) == Delivery.Status.GIVEN_UP
    assert receiver.received == []


def test_the_task_sends_through_the_same_attempt(receiver):
    delivery = _delivery(receiver.url)
    # The task uses the real address check, so a receiver here is refused: nothing is sent.
    services.deliver.call(delivery.pk)
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.GIVEN_UP
    assert receiver.received == []


@pytest.mark.django_db(transaction=True)
def test_four_workers_at_once_send_a_delivery_once(receiver):
    delivery = _delivery(receiver.url)
    start_line = threading.Barrier(4)
    outcomes = []

    def worker(_n):
        try:
            start_line.wait()
            outcomes.append(services.attempt(delivery.pk, **ANYWHERE))
        finally:
            connection.close()

    at_once(worker, 1, 2, 3, 4)

    assert sorted(outcomes) == ["delivered", "skipped", "skipped", "skipped"]
    assert len(receiver.received) == 1


def test_a_delivery_whose_worker_stopped_mid_attempt_is_queued_again(
    receiver, dummy_tasks, django_capture_on_commit_callbacks
):
    delivery = _delivery(receiver.url)
    assert services.claim(delivery)  # the worker took it, then stopped before answering
    with django_capture_on_commit_callbacks(execute=True):
        assert services.take_back_stranded(timezone.now()) == 0  # its claim still runs
    # Time passes: the claim ran out long ago.
    claim_ended = timezone.now() - services.STRANDED_AFTER - timedelta(seconds=1)
    Delivery.objects.filter(pk=delivery.pk).update(next_attempt_at=claim_ended)
    now = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.take_back_stranded(now) == 1
        assert services.take_back_stranded(now) == 0  # a second sweep finds it queued
    (queued,) = dummy_tasks.results
    assert queued.args == [delivery.pk]
    delivery.refresh_from_db()
    assert delivery.next_attempt_at == now and delivery.attempts == 1
    assert services.attempt(delivery.pk, **ANYWHERE) == Delivery.Status.DELIVERED
    assert len(receiver.received) == 1


def test_a_delivery_never_queued_is_queued_by_the_sweep(
    receiver, dummy_tasks, django_capture_on_commit_callbacks
):
    delivery = _delivery(receiver.url)
    Delivery.objects.filter(pk=delivery.pk).update(
        created_at=timezone.now() - services.STRANDED_AFTER - timedelta(seconds=1)
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert services.take_back_stranded(timezone.now()) == 1
    assert [result.args for result in dummy_tasks.results] == [[delivery.pk]]


def test_finished_and_waiting_deliveries_are_left_alone(
    receiver, dummy_tasks, django_capture_on_commit_callbacks
):
    long_ago = timezone.now() - timedelta(days=1)
    waiting = _delivery(receiver.url, status=Delivery.Status.FAILED, next_attempt_at=timezone.now())
    for status in (Delivery.Status.DELIVERED, Delivery.Status.GIVEN_UP):
        Delivery.objects.create(
            webhook=waiting.webhook, event="registration", status=status, next_attempt_at=long_ago
        )
    with django_capture_on_commit_callbacks(execute=True):
        assert services.take_back_stranded(timezone.now()) == 0
    assert dummy_tasks.results == []
