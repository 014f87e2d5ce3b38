"""The library: ranked search with facet counts (what the search page shows), a list of
entries for programs that keep a copy (by last change, with `updated_since`), and one entry.
Who may find what is the library's own rule (`library/rules.py`), as on its pages."""

from datetime import datetime
from typing import Any

from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from ninja import Query, Router, Schema
from pydantic import AwareDatetime

from coproduce.coalitions.permissions import Action
from coproduce.library import selectors, services
from coproduce.library.facets import FACETS
from coproduce.library.models import Entry
from coproduce.library.rules import sight, visible_entries
from coproduce.library.search import engine
from coproduce.library.searching import PICKS_MAX, VALUE_MAX

from .doors import api_door
from .paging import (
    DEFAULT_LIMIT,
    MAX_LIMIT,
    changed_since,
    decode,
    encode,
    next_link,
    paginate,
)
from .problems import invalid
from .responses import answers, listed

router = Router(tags=[gettext_noop("Library")])
SEARCH_ORDER = "library-search"  # what a search's cursor is for (paging.encode)
SEARCH_LIMIT = 50
ANY_PICKS = Query(None)  # `f` may be given several times


class Hit(Schema):
    id: int
    kind: str
    title: str
    source_id: str | None  # Participedia's id, for imported entries
    snippet: str  # the best window of the text, matched words as they were written
    score: float  # higher is better; above 1 when the words are in the title
    url: str
    api_url: str


class FacetCount(Schema):
    value: str
    count: int
    chosen: bool


class SearchResults(Schema):
    total: int
    items: list[Hit]
    facets: dict[str, list[FacetCount]]
    next: str | None


class LibraryEntry(Schema):
    id: int
    kind: str
    title: str
    description: str
    body: str  # Markdown, sanitised when shown
    language: str
    city: str
    country: str
    start_year: int | None
    end_year: int | None
    status: str
    coalition: str | None  # the coalition's slug, for a coalition's own entry
    source: str | None
    source_id: str | None
    source_url: str | None
    created_at: datetime
    updated_at: datetime
    url: str
    fields: dict[str, Any]  # every other field (Participedia's, the four Co's, ...)


class EntryList(Schema):
    items: list[LibraryEntry]
    next: str | None


def find_entry(request, entry_id: int) -> Entry:
    return get_object_or_404(selectors.entries(), pk=entry_id)


def entry_data(request, entry: Entry) -> dict:
    fields = services.snapshot(entry)
    shown = {name: fields.pop(name) for name in ("kind", "title", "description", "body")}
    shown |= {name: fields.pop(name) for name in ("language", "city", "country")}
    shown |= {name: fields.pop(name) for name in ("start_year", "end_year")}
    return {
        "id": entry.pk,
        **shown,
        "status": entry.status,
        "coalition": entry.coalition.slug if entry.coalition_id else None,
        "source": entry.source or None,
        "source_id": entry.source_id or None,
        "source_url": entry.source_url or None,
        "created_at": entry.created_at,
        "updated_at": entry.updated_at,
        "url": request.build_absolute_uri(entry.get_absolute_url()),
        "fields": fields,
    }


@router.get(
    "/library/search/",
    response=answers(SearchResults),
    summary=gettext_noop("Search the library"),
    description=gettext_noop(
        "The entries you may see matching q, best first, with the facet counts of all of them. "
        "f narrows by facet values, as name:value, several allowed (values of one facet are "
        "alternatives, facets combine); the facet names are those of the answer's facets."
    ),
    url_name="library_search",
)
@api_door(Action.PUBLIC)
def library_search(
    request,
    q: str = "",
    f: list[str] | None = ANY_PICKS,
    cursor: str | None = None,
    limit: int = Query(20, ge=1, le=SEARCH_LIMIT),
):
    offset = 0 if not cursor else _offset(cursor)
    results = engine.search(
        q, sight=sight(request.user), chosen=_picks(f or []), limit=limit, offset=offset
    )
    following = offset + limit
    more = following < results.total
    link = next_link(request, encode(following, 0, SEARCH_ORDER)) if more else None
    if link:
        request.api_links = [f'<{link}>; rel="next"']
    return {
        "total": results.total,
        "items": [_hit(request, hit) for hit in results.hits],
        "facets": {
            name: [FacetCount(value=v.value, count=v.count, chosen=v.chosen) for v in values]
            for name, values in results.facets.items()
        },
        "next": link,
    }


def _offset(cursor: str) -> int:
    offset, _pk = decode(cursor, SEARCH_ORDER)
    return offset if isinstance(offset, int) and offset >= 0 else 0


def _picks(raw: list[str]) -> dict[str, list[str]]:
    chosen: dict[str, list[str]] = {}
    if len(raw) > PICKS_MAX:
        raise invalid("f", "query", _("at most %(n)d values at once") % {"n": PICKS_MAX})
    for pick in raw:
        name, colon, value = pick.partition(":")
        if not colon or name not in FACETS or not value.strip() or len(value) > VALUE_MAX:
            message = _("“%(pick)s” is not name:value with a known facet name") % {"pick": pick}
            raise invalid("f", "query", message)
        chosen.setdefault(name, []).append(value.strip())
    return chosen


def _hit(request, hit) -> dict:
    entry = hit.entry
    return {
        "id": entry.pk,
        "kind": entry.kind,
        "title": entry.title,
        "source_id": entry.source_id or None,
        "snippet": hit.snippet_text,
        "score": float(hit.score),
        "url": request.build_absolute_uri(entry.get_absolute_url()),
        "api_url": request.build_absolute_uri(reverse("api:library_entry", args=[entry.pk])),
    }


@router.get(
    "/library/entries/",
    response=answers(EntryList),
    summary=gettext_noop("Library entries, by last change"),
    description=gettext_noop(
        "Every entry you may see, the least recently changed first: keep a copy up to date by "
        "asking again with updated_since set to the last updated_at you have."
    ),
)
@api_door(Action.PUBLIC)
def library_entries(
    request,
    cursor: str | None = None,
    limit: int = Query(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT),
    updated_since: AwareDatetime | None = None,
):
    found = selectors.entries().filter(visible_entries(request.user))
    found = changed_since(found, updated_since)
    page = paginate(found, order="updated_at", cursor=cursor, limit=limit)
    return listed(request, [entry_data(request, entry) for entry in page.items], page)


@router.get(
    "/library/entries/{entry_id}/",
    response=answers(LibraryEntry),
    summary=gettext_noop("One library entry"),
    url_name="library_entry",
)
@api_door(Action.VIEW, find=find_entry)
def library_entry(request, entry: Entry):
    return entry_data(request, entry)
