"""Errors as `application/problem+json` (RFC 9457): type, title, status, detail, and for bad
input the fields it names. Every refusal of the API is one of these, whatever raised it."""

import json
import logging

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _
from ninja import Schema
from ninja.errors import HttpError, ValidationError

from coproduce.core.doors import NeedsLogin
from coproduce.core.ratelimit import RateLimited

CONTENT_TYPE = "application/problem+json"
logger = logging.getLogger(__name__)

# The kinds of problem; each has a section of the reference page (`/api/#problem-<kind>`).
KINDS = {
    400: "bad-request",
    401: "unauthenticated",
    403: "forbidden",
    404: "not-found",
    405: "method-not-allowed",
    413: "too-large",
    422: "invalid",
    429: "too-many-requests",
    500: "server-error",
}


def titles() -> dict[int, str]:
    return {
        400: _("Bad request"),
        401: _("Authentication needed"),
        403: _("Not allowed"),
        404: _("Not found"),
        405: _("Method not allowed"),
        413: _("Request too large"),
        422: _("Invalid input"),
        429: _("Too many requests"),
        500: _("Server error"),
    }


class FieldError(Schema):
    field: str
    location: str
    message: str


class Problem(Schema):
    type: str
    title: str
    status: int
    detail: str
    errors: list[FieldError] | None = None


class ApiProblem(Exception):
    """Raise anywhere in an operation to answer with a problem."""

    def __init__(self, status: int, detail: str, *, errors: list[dict] | None = None, **headers):
        super().__init__(detail)
        self.status, self.detail, self.errors, self.headers = status, detail, errors, headers


def problem(status: int, detail: str, *, errors: list[dict] | None = None, **headers):
    body = {
        "type": f"/api/#problem-{KINDS.get(status, 'other')}",
        "title": titles().get(status, str(status)),
        "status": status,
        "detail": detail,
    }
    if errors:
        body["errors"] = errors
    response = HttpResponse(json.dumps(body), status=status, content_type=CONTENT_TYPE)
    for name, value in headers.items():
        response[name.replace("_", "-")] = value
    return response


def is_problem(response) -> bool:
    return response.get("Content-Type", "").startswith(CONTENT_TYPE)


def invalid(field: str, location: str, message: str) -> ApiProblem:
    """Bad input naming its field: 422."""
    return ApiProblem(
        422,
        _("%(field)s: %(message)s") % {"field": field, "message": message},
        errors=[{"field": field, "location": location, "message": message}],
    )


def _validation(request, exc: ValidationError):
    errors = []
    for error in exc.errors:
        location, *path = error.get("loc") or ("body",)
        if location == "body" and len(path) > 1:
            path = path[1:]  # ninja names the body by the operation's parameter; callers don't
        field = ".".join(str(part) for part in path) or str(location)
        errors.append({"field": field, "location": str(location), "message": _message(error)})
    detail = "; ".join(f"{e['field']}: {e['message']}" for e in errors)
    return problem(422, detail, errors=errors)


def _message(error: dict) -> str:
    """The validator's complaint in the reader's language (pydantic writes English), by its
    kind; a kind not listed keeps pydantic's words."""
    kind, ctx = error.get("type", ""), error.get("ctx") or {}
    if "expected" in ctx:  # pydantic joins the choices with an English "or"
        ctx = {**ctx, "expected": str(ctx["expected"]).replace(" or ", ", ")}
    messages = {
        "missing": _("this field is needed"),
        "extra_forbidden": _("this operation takes no such field"),
        "int_parsing": _("should be a whole number"),
        "int_type": _("should be a whole number"),
        "int_from_float": _("should be a whole number"),
        "float_parsing": _("should be a number"),
        "float_type": _("should be a number"),
        "bool_parsing": _("should be true or false"),
        "bool_type": _("should be true or false"),
        "string_type": _("should be text"),
        "list_type": _("should be a list"),
        "dict_type": _("should be an object"),
        "model_attributes_type": _("should be an object"),
        "json_invalid": _("the body is not valid JSON"),
        "literal_error": _("should be one of: %(expected)s"),
        "enum": _("should be one of: %(expected)s"),
        "string_too_short": _("should have at least %(min_length)s characters"),
        "string_too_long": _("should have at most %(max_length)s characters"),
        "greater_than_equal": _("should be at least %(ge)s"),
        "less_than_equal": _("should be at most %(le)s"),
        "greater_than": _("should be more than %(gt)s"),
        "less_than": _("should be less than %(lt)s"),
        "timezone_aware": _("should be a time with its zone, as 2026-12-06T18:30:00+00:00"),
        "datetime_parsing": _("should be a time, as 2026-12-06T18:30:00+00:00"),
        "datetime_from_date_parsing": _("should be a time, as 2026-12-06T18:30:00+00:00"),
        "datetime_type": _("should be a time, as 2026-12-06T18:30:00+00:00"),
    }
    message = messages.get(kind)
    if message is None:
        return error.get("msg", "")
    try:
        return message % ctx if "%(" in message else message
    except (KeyError, TypeError, ValueError):
        return error.get("msg", "")


def _refusal(status: int, detail: str):
    def answer(request, exc):
        if status == 401:
            return problem(401, detail(), WWW_Authenticate='Bearer realm="coproduce"')
        return problem(status, detail())

    return answer


def _own(request, exc: ApiProblem):
    return problem(exc.status, exc.detail, errors=exc.errors, **exc.headers)


def _http_error(request, exc: HttpError):
    return problem(exc.status_code, str(exc))


def _rate_limited(request, exc: RateLimited):
    return problem(429, str(exc), Retry_After=str(exc.retry_after))


def _server_error(request, exc: Exception):
    logger.exception("API operation failed: %s %s", request.method, request.path)
    return problem(500, _("Something went wrong on our side; it has been logged."))


def install(api) -> None:
    """Answer every error of the API's operations as a problem."""
    api.add_exception_handler(ApiProblem, _own)
    api.add_exception_handler(ValidationError, _validation)
    api.add_exception_handler(
        Http404, _refusal(404, lambda: _("There is nothing here, or you may not see it."))
    )
    api.add_exception_handler(
        PermissionDenied, _refusal(403, lambda: _("You may not do this here."))
    )
    api.add_exception_handler(
        NeedsLogin, _refusal(401, lambda: _("Send a token: Authorization: Bearer <token>."))
    )
    api.add_exception_handler(HttpError, _http_error)
    api.add_exception_handler(RateLimited, _rate_limited)
    api.add_exception_handler(Exception, _server_error)
