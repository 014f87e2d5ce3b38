"""The search page's query string, read and written: the words, the picks ("Narrow by"), the
page; and the links that add or remove one pick, so narrowing works without JavaScript."""

from dataclasses import dataclass, field
from html import escape
from urllib.parse import urlencode

from django.utils.safestring import SafeString, mark_safe

from coproduce.core.text import clean_text

from . import labels
from .facets import FACETS, VALUE_MAX
from .search import text as search_text

PAGE_SIZE = 20
# Deep pages cost the database more and help nobody: past this, people narrow instead.
LAST_PAGE = 250
PICKS_MAX = 30
TEXT_MAX = 500
VALUES_SHOWN = 8  # per facet; the rest behind "more"


@dataclass(frozen=True)
class Query:
    text: str
    chosen: dict[str, list[str]]
    page: int

    @property
    def picks(self) -> list[tuple[str, str]]:
        return [(name, value) for name, values in self.chosen.items() for value in values]

    def url(self, *, chosen: dict[str, list[str]] | None = None, page: int = 1) -> str:
        """The query string of this search with other picks or another page."""
        chosen = self.chosen if chosen is None else chosen
        params: list[tuple[str, str]] = []
        if self.text:
            params.append(("q", self.text))
        params += [("f", f"{name}:{value}") for name, values in chosen.items() for value in values]
        if page > 1:
            params.append(("page", str(page)))
        return "?" + urlencode(params)

    def toggled(self, name: str, value: str) -> str:
        chosen = {key: list(values) for key, values in self.chosen.items()}
        values = chosen.setdefault(name, [])
        if value in values:
            values.remove(value)
        else:
            values.append(value)
        return self.url(chosen={key: vals for key, vals in chosen.items() if vals})


def read_query(params) -> Query:
    """The search from the query string; anything malformed is left out, never an error."""
    text = " ".join(_clean(params.get("q")).split())[:TEXT_MAX]
    chosen: dict[str, list[str]] = {}
    picks = 0
    for raw in params.getlist("f")[: PICKS_MAX * 2]:
        name, colon, value = _clean(raw).partition(":")
        value = value.strip()[:VALUE_MAX]
        if not colon or name not in FACETS or not value or picks >= PICKS_MAX:
            continue
        if value not in chosen.setdefault(name, []):
            chosen[name].append(value)
            picks += 1
    return Query(text=text, chosen=chosen, page=_page(params.get("page")))


def _clean(raw) -> str:
    """Typed or pasted text without control characters (PostgreSQL refuses a NUL byte)."""
    return clean_text(str(raw or "")[: TEXT_MAX * 4], multiline=False)


def _page(raw) -> int:
    try:
        page = int(str(raw or "1")[:6])
    except ValueError:
        return 1
    return min(max(page, 1), LAST_PAGE)


@dataclass
class Choice:
    value: str
    label: str
    count: int
    chosen: bool
    url: str


@dataclass
class FacetPanel:
    name: str
    label: str
    shown: list[Choice] = field(default_factory=list)
    more: list[Choice] = field(default_factory=list)

    @property
    def chosen_count(self) -> int:
        return sum(choice.chosen for choice in self.shown + self.more)


def panels(query: Query, facets: dict) -> list[FacetPanel]:
    """One panel per facet with values, in the order of FACETS; chosen values first."""
    result = []
    for name in FACETS:
        values = facets.get(name) or []
        if not values:
            continue
        choices = [
            Choice(
                value=fv.value,
                label=labels.label(name, fv.value),
                count=fv.count,
                chosen=fv.chosen,
                url=query.toggled(name, fv.value),
            )
            for fv in values
        ]
        choices.sort(key=lambda c: (not c.chosen, -c.count, c.label.casefold()))
        if name == "decade":
            choices.sort(key=lambda c: c.value)
        panel = FacetPanel(name=name, label=str(labels.FACET_NAMES.get(name, name)))
        panel.shown, panel.more = _split(choices)
        result.append(panel)
    return result


def _split(choices: list[Choice]) -> tuple[list[Choice], list[Choice]]:
    """The first few, and the rest; a chosen value is never hidden behind "more"."""
    shown = [c for c in choices[:VALUES_SHOWN]]
    more = [c for c in choices[VALUES_SHOWN:]]
    shown += [c for c in more if c.chosen]
    return shown, [c for c in more if not c.chosen]


@dataclass
class Pick:
    facet: str
    label: str
    remove_url: str


def picks_of(query: Query) -> list[Pick]:
    """What is chosen, each with the link that removes it."""
    return [
        Pick(
            facet=str(labels.FACET_NAMES.get(name, name)),
            label=labels.label(name, value),
            remove_url=query.toggled(name, value),
        )
        for name, value in query.picks
    ]


def marked_title(title: str, text: str) -> SafeString:
    """The title with the words the search matched in <mark>, everything else escaped."""
    if not text:
        return mark_safe(escape(title))  # noqa: S308 (escaped just now)
    whole = len(search_text.WORD.findall(title)) + 1  # the whole title, never a window of it
    parts = search_text.snippet(title, text, length=whole)
    html = "".join(f"<mark>{escape(p)}</mark>" if hit else escape(p) for p, hit in parts)
    return mark_safe(html)  # noqa: S308 (every part escaped above)
