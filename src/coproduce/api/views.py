"""The API's two pages of its own: the description (openapi.json) and the reference page."""

from django.http import JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import defaults

from coproduce.coalitions.permissions import Action
from coproduce.core.doors import door

from .api import api
from .problems import KINDS, problem, titles

METHODS = ("get", "post", "put", "patch", "delete")


def schema() -> dict:
    return api.get_openapi_schema(path_prefix=reverse("api:reference"))


@door(get=Action.PUBLIC)
def openapi_json(request):
    return JsonResponse(schema(), json_dumps_params={"ensure_ascii": False})


def needs(action: str) -> str:
    """Who may call an operation, in the words of the reference page."""
    words = {
        Action.PUBLIC: _("anyone"),
        Action.SIGNED_IN: _("anyone with an account"),
        Action.VIEW: _("whoever may see it on the site"),
        Action.MEMBERS_VIEW: _("the coalition's members"),
        Action.RUN_WORKSHOP: _("the coalition's organisers and facilitators"),
        Action.PLAN_WORKSHOP: _("the coalition's organisers"),
        Action.MANAGE: _("the coalition's organisers"),
        Action.UPDATE_ACTION: _("the action's owners and lead, and the coalition's organisers"),
        Action.TAKE_PART: _("whoever may take part in the conversation"),
        Action.WRITE_NOTE: _("who sat at the table, and the café's facilitators"),
        Action.EDIT_NOTE: _("the café's facilitators and the coalition's organisers"),
        Action.ENTER: _("whoever holds the link's code"),
        Action.RUN_CONVERSATION: _("the coalition's organisers and facilitators"),
        Action.CONTRIBUTE: _("the coalition's members"),
        Action.EDIT_ENTRY: _("whoever may change the entry"),
        Action.MODERATE_ENTRY: _(
            "the library's moderators: the site's staff for the shared library, a coalition's "
            "organisers for its own"
        ),
        Action.CORRECT_ENTRY: _("anyone with an account who may read the entry"),
        Action.EDIT_CHARTER: _("the coalition's organisers"),
        Action.DISCUSS_CHARTER: _("the coalition's members"),
        Action.SIGN: _("whoever may sign the call to action"),
        Action.RUN_ASSESSMENT: _("the coalition's organisers"),
        Action.ANSWER_ASSESSMENT: _("the coalition's members"),
        Action.EDIT_PLAN: _("the coalition's organisers"),
        Action.EDIT_STRATEGY: _("the coalition's organisers"),
        Action.AMEND_STRATEGY: _("the coalition's members"),
    }
    return words[action]


def operations_by_tag(description: dict) -> list[tuple[str, list[dict]]]:
    groups: dict[str, list[dict]] = {}
    for path, methods in description["paths"].items():
        for method in METHODS:
            operation = methods.get(method)
            if operation is None:
                continue
            tag = (operation.get("tags") or ["API"])[0]
            groups.setdefault(tag, []).append(
                {
                    "method": method.upper(),
                    "path": path,
                    "summary": _(operation.get("summary", "")),
                    "description": _(operation["description"])
                    if operation.get("description")
                    else "",
                    "needs": needs(operation.get("x-coproduce-needs", "")),
                    "parameters": [
                        {
                            "name": p["name"],
                            "where": p["in"],
                            "required": p.get("required", False),
                            "type": _type_of(p.get("schema", {})),
                            "description": p.get("description", ""),
                        }
                        for p in operation.get("parameters", [])
                    ]
                    + _body_fields(operation, description),
                }
            )
    return [(_(tag), ops) for tag, ops in groups.items()]


def _body_fields(operation: dict, description: dict) -> list[dict]:
    """A write's body fields, as rows beside the parameters ("body" where they go)."""
    content = operation.get("requestBody", {}).get("content", {})
    schema = next(iter(content.values()), {}).get("schema", {})
    if "$ref" in schema:
        schema = description["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    required = set(schema.get("required", []))
    return [
        {
            "name": name,
            "where": "body",
            "required": name in required,
            "type": _type_of(field, description["components"]["schemas"]),
            "description": field.get("description", ""),
        }
        for name, field in schema.get("properties", {}).items()
    ]


def _type_of(schema: dict, components: dict | None = None) -> dict:
    """A field's type as the reference page shows it: `code`, what a program sends (JSON's
    type names or the values it takes), and `limits` in the reader's words."""
    components = components or {}
    if "$ref" in schema:
        schema = components.get(schema["$ref"].rsplit("/", 1)[-1], {})
    if "anyOf" in schema:
        parts = [_type_of(s, components) for s in schema["anyOf"]]
        return {
            "one_of": any(part["one_of"] for part in parts),
            "code": " | ".join(part["code"] for part in parts if part["code"]),
            "limits": [limit for part in parts for limit in part["limits"]],
        }
    if "enum" in schema:
        return {"one_of": True, "code": ", ".join(map(str, schema["enum"])), "limits": []}
    kind = schema.get("type", "")
    if schema.get("format"):
        kind = f"{kind} ({schema['format']})"
    limits = [
        words % {"n": schema[k]}
        for k, words in (("minimum", _("at least %(n)s")), ("maximum", _("at most %(n)s")))
        if k in schema
    ]
    return {"one_of": False, "code": kind, "limits": limits}


@door(get=Action.PUBLIC)
def reference(request):
    description = schema()
    context = {
        "info": description["info"],
        "groups": operations_by_tag(description),
        "problems": [(KINDS[status], status, title) for status, title in titles().items()],
    }
    return render(request, "api/reference.html", context)


# The site's handlers for what is refused before any view (an unknown address, a NUL byte in the
# query): the API's addresses get a problem, every other the site's page.


def _in_api(request) -> bool:
    return request.path.startswith(reverse("api:reference"))


def bad_request(request, exception):
    if _in_api(request):
        return problem(400, _("This request cannot be read: its address or query is malformed."))
    return defaults.bad_request(request, exception)


def page_not_found(request, exception):
    if _in_api(request):
        return problem(404, _("There is nothing here, or you may not see it."))
    return defaults.page_not_found(request, exception)
