"""What every API request goes through before and after its operation: who is calling (a token,
or the browser's session for reading), the rate limit, the body limit, and on the way out the
rate-limit headers, an ETag and 304 for a GET whose answer the caller already holds.

The operation's own door (doors.py) comes after this: the envelope only says who is asking.
"""

import hashlib
from functools import wraps

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import HttpResponse
from django.utils.translation import gettext as _
from django_ratelimit.core import get_usage

from coproduce.core.ratelimit import address_key
from coproduce.people import tokens

from .doors import SAFE_METHODS
from .problems import problem

DEFAULT_MAX_BODY = 1024 * 1024  # bytes; settings.API_MAX_BODY_BYTES overrides


def envelope(view):
    """Wrap one of ninja's URL views."""

    @wraps(view)
    def enter(request, *args, **kwargs):
        head = request.method == "HEAD"
        if head:  # answered as GET without the body, as the pages' doors do
            request.method = "GET"
        refused = _identify(request)
        usage = None
        if refused is None:
            usage = _count(request)
            refused = _over_limit(usage) or _too_large(request)
        response = refused or view(request, *args, **kwargs)
        if response.status_code >= 400 and not response.get("Content-Type", "").startswith(
            "application/problem+json"
        ):
            response = _as_problem(response)
        _rate_headers(response, usage)
        for link in getattr(request, "api_links", ()):
            response["Link"] = link
        response = _conditional(request, response)
        if head:
            request.method = "HEAD"
            response.content = b""
        return response

    enter.csrf_exempt = True  # writes need a token, never the session: nothing to forge
    return enter


def _identify(request) -> HttpResponse | None:
    """Set request.user to the token's person, or keep the session's for reading only."""
    request.api_token = None
    header = request.headers.get("Authorization", "")
    if not header:
        if request.method not in SAFE_METHODS:
            request.user = AnonymousUser()  # the session never writes through the API
        return None
    scheme, _space, raw = header.partition(" ")
    if scheme.lower() != "bearer" or not raw.strip():
        return _unauthenticated(_("Use Authorization: Bearer <token>."))
    try:
        person, token = tokens.authenticate(raw.strip())
    except tokens.TokenRefused as refusal:
        return _unauthenticated(str(refusal))
    request.user, request.api_token = person, token
    request._dont_enforce_csrf_checks = True
    return None


def _unauthenticated(detail: str) -> HttpResponse:
    return problem(401, detail, WWW_Authenticate='Bearer realm="coproduce", error="invalid_token"')


def _count(request) -> dict | None:
    token = request.api_token
    key = f"token:{token.pk}" if token is not None else address_key(request)
    return get_usage(
        None,
        group="coproduce.api",
        key=lambda _group, _request: key,
        rate=settings.RATE_LIMITS["api"],
        increment=True,
    )


def _over_limit(usage: dict | None) -> HttpResponse | None:
    if usage is None or not usage["should_limit"]:
        return None
    seconds = max(1, usage["time_left"])
    return problem(
        429,
        _("Too many requests; try again in %(seconds)s s.") % {"seconds": seconds},
        Retry_After=str(seconds),
    )


def _too_large(request) -> HttpResponse | None:
    limit = getattr(settings, "API_MAX_BODY_BYTES", DEFAULT_MAX_BODY)
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return problem(400, _("Content-Length must be a number of bytes."))
    if length > limit:
        return problem(
            413,
            _("The body has %(length)s bytes; at most %(limit)s are taken.")
            % {"length": length, "limit": limit},
        )
    return None


def _as_problem(response: HttpResponse) -> HttpResponse:
    """Ninja's own refusals (a method a path does not take) as problems too."""
    answer = problem(response.status_code, response.reason_phrase)
    if "Allow" in response:
        answer["Allow"] = response["Allow"]
    return answer


def _rate_headers(response: HttpResponse, usage: dict | None) -> None:
    if usage is None:
        return
    response["RateLimit-Limit"] = str(usage["limit"])
    response["RateLimit-Remaining"] = str(max(0, usage["limit"] - usage["count"]))
    response["RateLimit-Reset"] = str(max(0, usage["time_left"]))


def _conditional(request, response: HttpResponse) -> HttpResponse:
    """A weak ETag on every GET answer; 304 when the caller holds it already."""
    if request.method not in ("GET", "HEAD") or response.status_code != 200:
        return response
    if getattr(response, "streaming", False):
        return response
    etag = 'W/"' + hashlib.sha256(response.content).hexdigest()[:32] + '"'
    response["ETag"] = etag
    held = {_opaque(tag) for tag in request.headers.get("If-None-Match", "").split(",")}
    if _opaque(etag) in held or "*" in held:
        unchanged = HttpResponse(status=304)
        for name in ("ETag", "RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset"):
            if name in response:
                unchanged[name] = response[name]
        return unchanged
    return response


def _opaque(tag: str) -> str:
    """If-None-Match compares weakly: W/"x" and "x" are the same tag."""
    tag = tag.strip()
    return tag[2:] if tag.startswith("W/") else tag
