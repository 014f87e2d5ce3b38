"""Rate limits, counted by django-ratelimit in the shared cache.

Each scope in ``settings.RATE_LIMITS`` is a django-ratelimit rate ("20/15m": twenty in fifteen
minutes; a ``(count, seconds)`` pair works too). Counts live in the default cache, so with
``REDIS_URL`` every web process shares them; without it (development, tests) each process counts
alone. A limit keys on the client's address (see ``client_address``), or on an explicit key such
as ``person:12`` (``hit``).

Two ways to count:

- ``hit_request``: count every attempt, refuse the one over the limit (sign-up, new guests).
- ``check_request`` first and ``hit_request`` only on failure: count failures only, so people who
  get it right are never slowed down by those who did not (logins, join codes).
"""

import ipaddress

from django.conf import settings
from django_ratelimit.core import _split_rate, get_usage

# IPv6 clients usually hold a whole /64: limits count per /64, as django-ratelimit does for 'ip'.
IPV6_PREFIX = 64


class RateLimited(Exception):
    def __init__(self, retry_after: int):
        super().__init__(f"Too many attempts; try again in {retry_after} s.")
        self.retry_after = retry_after


def _valid_address(text: str) -> str | None:
    try:
        address = ipaddress.ip_address(text.strip())
    except ValueError:
        return None
    if address.version == 6 and address.ipv4_mapped:
        address = address.ipv4_mapped
    return str(address)


def client_address(request) -> str:
    """The address the request came from, as far as we can know it.

    Without proxies of our own (``TRUSTED_PROXY_COUNT = 0``) that is REMOTE_ADDR and
    X-Forwarded-For is ignored: anyone can write it. Behind N proxies of our own, each appends
    the address it received the request from, so the N-th entry from the right is the one our
    outermost proxy wrote: the client's real address. Everything left of it was written by the
    client and is ignored. A header shorter than N entries or an entry that is not an address
    falls back to REMOTE_ADDR (the proxy's address, shared by everyone: safe, never lenient).
    """
    remote = _valid_address(request.META.get("REMOTE_ADDR", "")) or "0.0.0.0"  # noqa: S104
    proxies = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if proxies > 0:
        entries = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if len(entries) >= proxies and (forwarded := _valid_address(entries[-proxies])):
            return forwarded
    return remote


def address_key(request) -> str:
    """The key a per-address limit counts under: the address, or its /64 for IPv6."""
    address = ipaddress.ip_address(client_address(request))
    if address.version == 6:
        network = ipaddress.ip_network(f"{address}/{IPV6_PREFIX}", strict=False)
        return f"net:{network}"
    return f"ip:{address}"


def per_hour(scope: str) -> float:
    """How many attempts the scope allows per hour in the long run."""
    count, seconds = _split_rate(settings.RATE_LIMITS[scope])
    return count * 3600 / seconds


def _usage(scope: str, key: str, *, increment: bool) -> dict | None:
    return get_usage(
        None,  # the key is given, so django-ratelimit needs nothing from the request
        group=f"coproduce.{scope}",
        key=lambda _group, _request: key,
        rate=settings.RATE_LIMITS[scope],
        increment=increment,
    )


def _refuse(usage: dict) -> None:
    raise RateLimited(retry_after=max(1, usage["time_left"]))


def check(scope: str, key: str) -> None:
    """Raise RateLimited if the allowance is already used up, without counting this attempt."""
    usage = _usage(scope, key, increment=False)
    if usage is not None and (usage["should_limit"] or usage["count"] >= usage["limit"]):
        _refuse(usage)


def hit(scope: str, key: str) -> None:
    """Count one attempt for this key; raise RateLimited when it goes over the limit."""
    usage = _usage(scope, key, increment=True)
    if usage is not None and usage["should_limit"]:
        _refuse(usage)


def hit_request(scope: str, request) -> None:
    hit(scope, address_key(request))


def check_request(scope: str, request) -> None:
    check(scope, address_key(request))
