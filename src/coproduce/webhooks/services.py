"""Registering webhooks, emitting events, and delivering them.

`emit` makes one delivery per interested webhook once the event's transaction has committed,
and queues `deliver` for each. A delivery is claimed by a conditional UPDATE (the attempt
count it read, and a due time), so two workers given it at once send it once. A failed
attempt is queued again with `run_after` (the database task backend supports it) at the time
`signing.next_attempt` gives; after the last it is given up. A delivery whose worker stopped
mid-attempt, or whose task was never queued, is queued again by the worker's sweep
(`take_back_stranded`).
"""

import json
import logging
import time
from collections.abc import Callable
from datetime import timedelta

from django.db import transaction
from django.db.models import Q
from django.tasks import default_task_backend, task
from django.utils import timezone
from django.utils.translation import gettext as _

from . import signing, transport
from .models import RESPONSE_KEPT, Delivery, Webhook
from .names import EVENTS, PING

logger = logging.getLogger("coproduce.webhooks")

# How long one attempt holds its claim: longer than the connection's timeouts add up to.
CLAIM_SECONDS = 60
# How late a due delivery may be before the sweep queues it again: longer than a busy queue
# usually holds a task, so a delivery merely waiting its turn is rarely queued twice (and a
# second task is harmless: only one attempt claims it).
STRANDED_AFTER = timedelta(minutes=5)
STRANDED_BATCH = 200
WEBHOOKS_MAX = 20  # per coalition


class WebhookError(Exception):
    """What is wrong with a webhook, by field (`errors`); the message names the first."""

    def __init__(self, errors: dict[str, str]):
        super().__init__(" ".join(errors.values()))
        self.errors = errors


def _events_problem(events) -> str:
    chosen = [str(name) for name in (events or [])]
    if not chosen:
        return _("Choose at least one event.")
    unknown = [name for name in chosen if name not in EVENTS]
    if unknown:
        return _("There is no event called %(name)s.") % {"name": unknown[0]}
    return ""


def create_webhook(coalition, *, url: str, events, by) -> Webhook:
    """Register a webhook, or raise WebhookError with every field's problem; nothing saved."""
    url = str(url or "").strip()
    reason = signing.check_url(url)
    errors = {"url": _(reason) if reason else "", "events": _events_problem(events)}
    if Webhook.objects.filter(coalition=coalition).count() >= WEBHOOKS_MAX:
        errors["url"] = _("A coalition may have at most %(n)s webhooks.") % {"n": WEBHOOKS_MAX}
    errors = {field: message for field, message in errors.items() if message}
    if errors:
        raise WebhookError(errors)
    return Webhook.objects.create(
        coalition=coalition, url=url, events=sorted(set(events)), created_by=by
    )


def delete_webhook(webhook: Webhook) -> None:
    webhook.delete()  # its deliveries with it; a queued attempt then finds nothing


def emit(coalition, event: str, payload: dict | Callable[[], dict]) -> None:
    """Deliver `event` to the coalition's webhooks that want it, once the change that caused it
    is committed (an event of a rolled-back change is never sent). A payload that costs
    queries comes as a function, called only when some webhook wants the event: most
    coalitions have none, and the change's own path should not pay for them."""
    coalition_id = coalition.pk
    # robust: a failure here is logged, and never turns the committed change into an error page.
    transaction.on_commit(
        lambda: _deliver_to_subscribers(coalition_id, event, payload), robust=True
    )


def _deliver_to_subscribers(coalition_id: int, event: str, payload) -> list[Delivery]:
    webhooks = [
        webhook
        for webhook in Webhook.objects.filter(coalition_id=coalition_id, active=True)
        if event in webhook.events  # JSON "contains" differs by database; the list is short
    ]
    if not webhooks:
        return []
    payload = payload() if callable(payload) else payload
    deliveries = Delivery.objects.bulk_create(
        [Delivery(webhook=webhook, event=event, payload=payload) for webhook in webhooks]
    )
    for delivery in deliveries:
        _queue(delivery.pk)
    return deliveries


def send_test(webhook: Webhook) -> Delivery:
    delivery = Delivery.objects.create(
        webhook=webhook,
        event=PING,
        payload={"message": "This is a test event from Coproduce."},
    )
    transaction.on_commit(lambda: _queue(delivery.pk), robust=True)
    return delivery


def _queue(delivery_id: int, at=None) -> None:
    if at is None:
        deliver.enqueue(delivery_id)
    elif default_task_backend.supports_defer:
        deliver.using(run_after=at).enqueue(delivery_id)
    # else: a backend that cannot wait (tests' Immediate one) would only find it not yet due


@task
def deliver(delivery_id: int) -> str:
    return attempt(delivery_id)


def attempt(
    delivery_id: int,
    *,
    resolve=transport.resolve_host,
    allowed=signing.is_public_address,
    timeout: float = transport.TIMEOUT,
) -> str:
    """One attempt at a delivery; returns its status afterwards (or "skipped" when it was not
    due, or another worker holds it). `resolve` and `allowed` decide the addresses (tests give
    their own to reach a server on this machine)."""
    delivery = Delivery.objects.select_related("webhook__coalition").filter(pk=delivery_id).first()
    if delivery is None or not claim(delivery):
        return "skipped"
    webhook = delivery.webhook
    if not webhook.active:
        return _finish(delivery, Delivery.Status.GIVEN_UP, error=_("The webhook is switched off."))
    body = json.dumps(_envelope(delivery), separators=(",", ":")).encode()
    timestamp = int(time.time())
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "Coproduce-Webhooks/1",
        "Coproduce-Event": delivery.event,
        "Coproduce-Delivery": str(delivery.pk),
        signing.HEADER: signing.signature_header(webhook.secret.encode(), timestamp, body),
    }
    try:
        answer = transport.post(
            webhook.url, body, headers, resolve=resolve, allowed=allowed, timeout=timeout
        )
    except transport.Refused as refused:
        # Not a passing fault: retrying a private address would be refused again.
        return _finish(delivery, Delivery.Status.GIVEN_UP, error=str(refused))
    except (OSError, ValueError) as error:  # timeouts, refused connections, TLS, bad answers
        return _failed(delivery, error=_describe(error))
    if 200 <= answer.status < 300:
        return _finish(delivery, Delivery.Status.DELIVERED, answer=answer)
    return _failed(delivery, answer=answer)


def claim(delivery: Delivery) -> bool:
    """Take the delivery for one attempt, unless another worker took it since it was read."""
    now = timezone.now()
    if delivery.status not in (Delivery.Status.PENDING, Delivery.Status.FAILED):
        return False
    taken = (
        Delivery.objects.filter(
            pk=delivery.pk,
            attempts=delivery.attempts,
            status__in=[Delivery.Status.PENDING, Delivery.Status.FAILED],
        )
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .update(
            attempts=delivery.attempts + 1, next_attempt_at=now + timedelta(seconds=CLAIM_SECONDS)
        )
    )
    if taken != 1:
        return False
    delivery.attempts += 1
    return True


def take_back_stranded(now) -> int:
    """Queue again the deliveries nobody is trying: a worker that stopped during an attempt
    leaves its claim to run out with no task to try again, and a process that stopped between
    committing an event and queueing its delivery leaves it pending with none. Each is moved
    to now by a conditional UPDATE, so of two sweeps one queues it."""
    late = now - STRANDED_AFTER
    waiting = [Delivery.Status.PENDING, Delivery.Status.FAILED]
    stranded = Delivery.objects.filter(status__in=waiting).filter(
        Q(next_attempt_at__lte=late) | Q(next_attempt_at__isnull=True, created_at__lte=late)
    )
    queued = 0
    for pk, due in stranded.values_list("pk", "next_attempt_at")[:STRANDED_BATCH]:
        moved = Delivery.objects.filter(pk=pk, next_attempt_at=due).update(next_attempt_at=now)
        if moved == 1:
            transaction.on_commit(lambda pk=pk: _queue(pk), robust=True)
            queued += 1
    if queued:
        logger.warning("Webhooks: %s deliveries nobody was trying were queued again", queued)
    return queued


def _envelope(delivery: Delivery) -> dict:
    return {
        "id": delivery.pk,
        "event": delivery.event,
        "created_at": delivery.created_at.isoformat(),
        "coalition": {"id": delivery.webhook.coalition_id, "slug": delivery.webhook.coalition.slug},
        "data": delivery.payload,
    }


def _describe(error: Exception) -> str:
    if isinstance(error, TimeoutError):
        return _("No answer within the time allowed.")
    return str(error) or type(error).__name__


def _failed(delivery: Delivery, *, answer=None, error: str = "") -> str:
    wait = signing.next_attempt(delivery.attempts)
    if wait is None:
        return _finish(delivery, Delivery.Status.GIVEN_UP, answer=answer, error=error)
    at = timezone.now() + timedelta(seconds=wait)
    status = _finish(delivery, Delivery.Status.FAILED, answer=answer, error=error, at=at)
    transaction.on_commit(lambda: _queue(delivery.pk, at))
    return status


def _finish(delivery: Delivery, status: str, *, answer=None, error: str = "", at=None) -> str:
    delivery.status = status
    delivery.next_attempt_at = at
    delivery.last_status_code = answer.status if answer else None
    delivery.last_response = answer.text[:RESPONSE_KEPT] if answer else ""
    delivery.last_error = error[:RESPONSE_KEPT]
    # An UPDATE, not save(): the webhook may have been deleted while the attempt ran.
    Delivery.objects.filter(pk=delivery.pk).update(
        status=status,
        next_attempt_at=at,
        last_status_code=delivery.last_status_code,
        last_response=delivery.last_response,
        last_error=delivery.last_error,
    )
    if status != Delivery.Status.DELIVERED:
        logger.info("Webhook delivery %s: %s %s", delivery.pk, status, error or "")
    return status
