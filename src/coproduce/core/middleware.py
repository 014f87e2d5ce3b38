import contextlib
import sys

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import BadRequest
from django.core.signals import got_request_exception
from django.db import DatabaseError, InterfaceError, OperationalError, connections
from django.http import Http404, HttpResponse
from django.template.loader import render_to_string
from django.utils.log import log_response
from django.utils.translation import gettext as _

from .doors import NeedsLogin
from .ratelimit import RateLimited


class RefuseNulBytesMiddleware:
    """An address or query holding a NUL byte is refused before any view reads it.

    No link of ours has one, and PostgreSQL cannot even compare a text with one (the query
    fails, a server error), so each view would have to remember it; here it is said once: a
    path with NUL names no page (404), a query with one cannot be answered (400).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path:
            raise Http404
        if any("\x00" in key or "\x00" in value for key, value in _query_items(request)):
            raise BadRequest("NUL byte in the query string")
        return self.get_response(request)


def _query_items(request):
    for key, values in request.GET.lists():
        for value in values:
            yield key, value


class RateLimitMiddleware:
    """Turn a RateLimited raised anywhere in a view into a polite 429 page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, RateLimited):
            return None
        body = render_to_string(
            "core/message.html",
            {
                "title": _("Too many attempts"),
                "message": _("Please wait %(seconds)s seconds and try again.")
                % {"seconds": exception.retry_after},
            },
            request=request,
        )
        response = HttpResponse(body, status=429)
        response["Retry-After"] = str(exception.retry_after)
        return response


class NeedsLoginMiddleware:
    """An anonymous visitor refused a change is sent to log in, then brought back."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, NeedsLogin):
            return redirect_to_login(request.get_full_path())
        return None


# The database is down ---------------------------------------------------------------------------

DATABASE_ERRORS = (OperationalError, InterfaceError)
# Seconds a client should wait before trying again: PostgreSQL restarts in a few seconds.
DATABASE_RETRY_SECONDS = 5
_DOWN_MARK = "_coproduce_database_down"  # set on a request whose database error became a 500


class DatabaseDownMiddleware:
    """Answer 503 with a plain retry page, never a traceback, while the database is unreachable.

    Django turns an exception into a response at every layer of the middleware, so this one
    sees the database error in two ways: from the view, where the first query runs (the door
    finding its object, the session or the user loaded lazily), through `process_exception`;
    and from another middleware (a session saved after the view), as a 500 response that the
    `got_request_exception` signal marked as a database error. The connection that failed is
    closed, so the next request opens a new one instead of reusing a broken one.

    Other operational errors (a lock that timed out, a deadlock) get the same page: they pass
    too, and trying again is the right advice for them as well.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        got_request_exception.connect(_mark_database_error, dispatch_uid="coproduce.database_down")

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code == 500 and getattr(request, _DOWN_MARK, False):
            response = database_down_response()
            response._has_been_logged = True  # its 500 was logged, with the traceback
        return response

    def process_exception(self, request, exception):
        if not isinstance(exception, DATABASE_ERRORS):
            return None
        response = database_down_response()
        # A warning, where Django would log an error for a 5xx: errors are mailed to ADMINS,
        # by the request itself, which would mean hundreds of mails in an outage of seconds.
        log_response(
            "Database unavailable: %s (%s)",
            request.path,
            exception,
            response=response,
            request=request,
            level="warning",
        )
        return response


def _mark_database_error(sender, request=None, **kwargs) -> None:
    # Sent while the exception is being handled, so it is the current exception here.
    if request is not None and isinstance(sys.exception(), DATABASE_ERRORS):
        setattr(request, _DOWN_MARK, True)


def database_down_response() -> HttpResponse:
    _close_broken_connections()
    # A page of its own: the site's base template asks the database for the user and menu.
    body = render_to_string("database_down.html")
    response = HttpResponse(body, status=503)
    response["Retry-After"] = str(DATABASE_RETRY_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


def _close_broken_connections() -> None:
    """Drop every open connection outside a transaction: after a failure it may be dead."""
    for connection in connections.all(initialized_only=True):
        if not connection.in_atomic_block:
            with contextlib.suppress(DatabaseError):
                connection.close()
