"""What every renderer shares: parsing user Markdown, sanitising it, and charts as tables.

User Markdown is parsed once into markdown-it tokens with two rewrites applied to every
format alike: headings are moved to h3/h4 (the document title is h1 and sections are h2, so
user text must never outrank them) and images become their alt text (a report must not fetch
pictures from URLs someone typed: WeasyPrint would request them while rendering).
"""

from __future__ import annotations

import functools
import html
import math
import re
from urllib.parse import urlsplit

import nh3
from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token
from markdown_it.tree import SyntaxTreeNode

from coproduce.reports.layout import BarChartSpec, ChartSpec, Labels, ScatterSpec, Table

SAFE_SCHEMES = frozenset({"http", "https", "mailto"})
ALLOWED_TAGS = frozenset(
    {"p", "h2", "h3", "h4", "ul", "ol", "li", "strong", "em", "del", "s", "a", "blockquote"}
    | {"code", "pre", "table", "thead", "tbody", "tr", "th", "td", "br", "hr"}
)
# Removed with everything inside them (ammonia would otherwise keep their text).
DROPPED_WITH_CONTENT = frozenset(
    {"script", "style", "iframe", "object", "embed", "noscript", "template", "textarea"}
    | {"select", "svg", "math"}
)
HIGHEST_USER_HEADING, LOWEST_USER_HEADING = 3, 4
# Column widths follow the longest line in each column, but no column gets less than
# MIN_WEIGHT/MAX_WEIGHT of the widest one's share: a long text in one cell should wrap rather
# than squeeze the numbers beside it.
MIN_WEIGHT, MAX_WEIGHT = 6, 40


def user_heading_level(level: int) -> int:
    """h1/h2 (and h3) -> h3, h4-h6 -> h4: below the section's h2, within the allowed tags."""
    return min(max(level, HIGHEST_USER_HEADING), LOWEST_USER_HEADING)


def _rewrite(state: StateCore) -> None:
    for token in state.tokens:
        if token.type in ("heading_open", "heading_close"):
            token.tag = f"h{user_heading_level(int(token.tag[1]))}"
        elif token.type == "inline" and token.children:
            children = _drop_inline_content(token.children)
            token.children = [_image_as_text(t) if t.type == "image" else t for t in children]


_OPEN_TAG = re.compile(r"<\s*([a-zA-Z][a-zA-Z0-9]*)")
_CLOSE_TAG = re.compile(r"<\s*/\s*([a-zA-Z][a-zA-Z0-9]*)")


def _drop_inline_content(children: list[Token]) -> list[Token]:
    """Drops `<script>alert(1)</script>` typed inside a paragraph, text and all, as nh3 does
    for HTML, so the DOCX and Markdown outputs do not show the script as text either."""
    kept: list[Token] = []
    inside: str | None = None
    for token in children:
        if token.type == "html_inline":
            closing = _CLOSE_TAG.match(token.content)
            opening = _OPEN_TAG.match(token.content)
            if inside and closing and closing.group(1).lower() == inside:
                inside = None
                continue
            if not inside and opening and opening.group(1).lower() in DROPPED_WITH_CONTENT:
                inside = None if token.content.rstrip().endswith("/>") else opening.group(1).lower()
                continue
        if inside is None:
            kept.append(token)
    return kept


def _image_as_text(image: Token) -> Token:
    text = Token("text", "", 0)
    text.content = "".join(t.content for t in image.children or () if t.type == "text")
    return text


@functools.cache
def parser() -> MarkdownIt:
    # html=True so inline tags reach nh3 (which keeps the allowed ones) rather than showing up
    # as literal "<strong>" text; linkify stays off: bare URLs remain text, as in CommonMark.
    md = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
    md.core.ruler.push("coproduce_rewrite", _rewrite)
    return md


@functools.cache
def _cleaner() -> nh3.Cleaner:
    return nh3.Cleaner(
        tags=set(ALLOWED_TAGS),
        clean_content_tags=set(DROPPED_WITH_CONTENT),
        attributes={"a": {"href"}, "ol": {"start"}},
        url_schemes=set(SAFE_SCHEMES),
        url_relative="deny",  # a relative link means nothing in a PDF or a downloaded file
        link_rel="noopener",
    )


def sanitize_html(fragment: str) -> str:
    return _cleaner().clean(fragment)


def markdown_to_html(text: str) -> str:
    return sanitize_html(parser().render(text))


def markdown_tree(text: str) -> SyntaxTreeNode:
    return SyntaxTreeNode(parser().parse(text))


def html_to_text(fragment: str) -> str:
    """The visible text of raw HTML in user Markdown (DOCX and Markdown output keep no tags)."""
    return html.unescape(nh3.clean(fragment, tags=set(), clean_content_tags=DROPPED_WITH_CONTENT))


def safe_href(href: str | None) -> str | None:
    """The link if it is http(s) or mailto, else None (the text is kept, the link is not)."""
    if not href:
        return None
    try:
        scheme = urlsplit(href.strip()).scheme.lower()
    except ValueError:
        return None
    return href.strip() if scheme in SAFE_SCHEMES else None


# ---------------------------------------------------------------------------------------------
# Charts as tables: every chart shows its numbers beside it, in every format.


def format_number(value: float, decimals: int = 1) -> str:
    """As the SVG labels show it: integers without decimals."""
    if not math.isfinite(value):
        return str(value)
    return str(int(value)) if float(value).is_integer() else f"{value:.{decimals}f}"


def chart_table(chart: ChartSpec, labels: Labels) -> Table:
    if isinstance(chart, BarChartSpec):
        return _bar_table(chart, labels)
    return _scatter_table(chart, labels)


def _bar_table(chart: BarChartSpec, labels: Labels) -> Table:
    header = (labels.category, *(name for name, _ in chart.series))
    rows = tuple(
        (category, *(format_number(values[i]) for _, values in chart.series))
        for i, category in enumerate(chart.categories)
    )
    return Table(header, rows, numeric_columns=tuple(range(1, len(header))))


def _scatter_table(chart: ScatterSpec, labels: Labels) -> Table:
    """One row per group (count and centre): 200 coordinates would say less than this."""
    groups: dict[int | None, list[tuple[float, float]]] = {}
    for x, y, group in chart.points:
        groups.setdefault(group, []).append((x, y))
    order = sorted(groups, key=lambda g: (g is None, g if g is not None else 0))
    rows = tuple(_scatter_row(chart, labels, g, groups[g]) for g in order)
    header = (labels.group, labels.points, labels.mean_x, labels.mean_y)
    return Table(header, rows, numeric_columns=(1, 2, 3))


def _scatter_row(
    chart: ScatterSpec, labels: Labels, group: int | None, points: list[tuple[float, float]]
) -> tuple[str, str, str, str]:
    if group is None:
        name = labels.no_group
    elif 0 <= group < len(chart.series_names):
        name = chart.series_names[group]
    else:
        name = f"{labels.group} {group + 1}"
    mean_x = sum(p[0] for p in points) / len(points)
    mean_y = sum(p[1] for p in points) / len(points)
    return (name, str(len(points)), f"{mean_x:.2f}", f"{mean_y:.2f}")


def column_weights(header: tuple[str, ...], rows: list | tuple) -> list[int]:
    """Relative column widths from the longest line in each column (the first 200 rows)."""
    weights = []
    for c, head in enumerate(header):
        cells = [head, *(row[c] for row in rows[:200])]
        longest = max(len(line) for text in cells for line in text.split("\n"))
        weights.append(min(max(longest, MIN_WEIGHT), MAX_WEIGHT))
    return weights


def percentages(weights: list[int] | list[float]) -> list[int]:
    """Whole percentages, each at least 1, summing to exactly 100 (largest remainder), so a
    fixed-layout table is never wider than its box. Needs at most 100 weights."""
    total = sum(weights) or 1
    shares = [max(w * 100 / total, 1.0) for w in weights]
    scale = 100 / sum(shares)
    shares = [s * scale for s in shares]
    floors = [max(int(s), 1) for s in shares]
    order = sorted(range(len(shares)), key=lambda i: shares[i] - floors[i], reverse=True)
    for i in order[: max(0, 100 - sum(floors))]:
        floors[i] += 1
    while sum(floors) > 100:  # only when the minimum of 1% pushed the sum over
        floors[floors.index(max(floors))] -= 1
    return floors


def page_number_parts(template: str) -> list[tuple[str, str]]:
    """``"Page {page} of {pages}"`` as [("text", "Page "), ("page", ""), ...] for CSS/DOCX."""
    parts: list[tuple[str, str]] = []
    rest = template
    while rest:
        cut = min((i for i in (rest.find("{page}"), rest.find("{pages}")) if i >= 0), default=-1)
        if cut < 0:
            parts.append(("text", rest))
            break
        if cut:
            parts.append(("text", rest[:cut]))
        field = "pages" if rest.startswith("{pages}", cut) else "page"
        parts.append((field, ""))
        rest = rest[cut + len(field) + 2 :]
    return parts
