"""The open API: one NinjaAPI, its operations in routers by capability, each behind a door.

Ninja's Swagger page is off (it loads scripts from a CDN, which our content security policy
forbids); `/api/` is our own reference page (views.py) and `/api/openapi.json` the description.
"""

from django.utils.translation import gettext_noop
from ninja import NinjaAPI

from . import (
    assessments,
    cafes,
    charters,
    coalitions,
    conversations,
    library,
    library_imports,
    plans,
    problems,
    reports,
    taking_part,
    workshops,
)
from .doors import door_of, operations

PROBLEM_TYPE = "application/problem+json"


def _header(description: str, kind: str = "string") -> dict:
    return {"description": description, "schema": {"type": kind}}


RATE_HEADERS = {
    "RateLimit-Limit": _header("Requests allowed in the window", "integer"),
    "RateLimit-Remaining": _header("Requests left in the window", "integer"),
    "RateLimit-Reset": _header("Seconds until the window starts again", "integer"),
}


class CoproduceAPI(NinjaAPI):
    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        return describe(self, schema)


def describe(api, schema):
    """What ninja cannot say by itself: problems are problem+json, 304 has no body, and what
    each operation needs (`x-coproduce-needs`, the action its door asks for)."""
    needs = {
        op.operation_id or api.get_openapi_operation_id(op): door_of(op)
        for _path, op in operations(api)
    }
    for methods in schema["paths"].values():
        for operation in methods.values():
            door = needs.get(operation.get("operationId"))
            if door is not None:
                operation["x-coproduce-needs"] = str(door.action)
            for status, answer in operation.get("responses", {}).items():
                answer["headers"] = _headers_of(int(status))
                content = answer.get("content", {})
                if int(status) >= 400 and "application/json" in content:
                    answer["content"] = {PROBLEM_TYPE: content["application/json"]}
                if int(status) == 304:
                    answer.pop("content", None)
                    answer["description"] = "Not Modified"
    return schema


def _headers_of(status: int) -> dict:
    headers = dict(RATE_HEADERS) if status != 401 else {}
    if status in (200, 304):
        headers["ETag"] = _header("A weak tag of the body; send it back in If-None-Match")
    if status == 200:
        headers["Link"] = _header('The next page of a list (rel="next")')
    if status == 429:
        headers["Retry-After"] = _header("Seconds to wait", "integer")
    if status == 401:
        headers["WWW-Authenticate"] = _header("Bearer")
    return headers


api = CoproduceAPI(
    title="Coproduce",
    version="1",
    description=gettext_noop(
        "Read a coalition's work and take part in it, with the same permissions as the pages."
    ),
    urls_namespace="api",
    docs_url=None,
    openapi_url=None,  # served by views.openapi_json, behind a door of its own
)
problems.install(api)
api.add_router("", coalitions.router)
api.add_router("", workshops.router)
api.add_router("", library.router)
api.add_router("", library_imports.router)
api.add_router("", plans.router)
api.add_router("", taking_part.router)
api.add_router("", cafes.router)
api.add_router("", conversations.router)
api.add_router("", reports.router)
api.add_router("", charters.router)
api.add_router("", assessments.router)
