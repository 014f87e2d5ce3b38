"""The answers every operation documents: its own on 200, problems for the rest."""

from .paging import Page, next_link
from .problems import Problem

PROBLEM_STATUSES = (400, 401, 403, 404, 405, 413, 422, 429, 500)


def answers(schema) -> dict:
    return {200: schema, 304: None, **dict.fromkeys(PROBLEM_STATUSES, Problem)}


def listed(request, items: list, page: Page) -> dict:
    """A list's body, and its next page in a Link header too (RFC 8288)."""
    link = next_link(request, page.next_cursor)
    if link:
        request.api_links = [f'<{link}>; rel="next"']
    return {"items": items, "next": link}
