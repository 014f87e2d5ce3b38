"""A fixed-window rate limit kept in the cache (shared by all processes when REDIS_URL is set)."""

import time

from django.conf import settings
from django.core.cache import cache


class RateLimited(Exception):
    def __init__(self, retry_after: int):
        super().__init__(f"Too many attempts; try again in {retry_after} s.")
        self.retry_after = retry_after


def client_address(request) -> str:
    # Behind a proxy the address comes from X-Forwarded-For; only trust it when told to.
    if getattr(settings, "SECURE_PROXY_SSL_HEADER", None):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[0].strip()
    return request.META.get("REMOTE_ADDR", "unknown")


def _window(scope: str, key: str) -> tuple[str, int, int, int]:
    limit, window = settings.RATE_LIMITS[scope]
    now = int(time.time())
    window_start = now - now % window
    return f"ratelimit:{scope}:{key}:{window_start}", limit, window, window_start + window - now


def check(scope: str, key: str) -> None:
    """Raise RateLimited if the limit is already used up, without counting this attempt.

    For limits on failures (wrong join codes): check before trying, count only failures, so a
    room of forty people on one network joins freely while guessing codes stays slow.
    """
    cache_key, limit, _window_length, retry_after = _window(scope, key)
    if (cache.get(cache_key) or 0) >= limit:
        raise RateLimited(retry_after=retry_after)


def hit(scope: str, key: str) -> None:
    """Count one attempt; raise RateLimited when the scope's limit for this key is exceeded."""
    cache_key, limit, window, retry_after = _window(scope, key)
    cache.add(cache_key, 0, timeout=window + 1)
    try:
        count = cache.incr(cache_key)
    except ValueError:  # expired between add and incr
        cache.set(cache_key, 1, timeout=window + 1)
        count = 1
    if count > limit:
        raise RateLimited(retry_after=retry_after)


def hit_request(scope: str, request) -> None:
    hit(scope, client_address(request))


def check_request(scope: str, request) -> None:
    check(scope, client_address(request))
