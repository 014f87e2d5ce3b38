"""The organisers' Markdown, parsed and sanitised once for every renderer.

User Markdown is parsed once into markdown-it tokens with two rewrites applied to every
format alike: headings are moved to h3/h4 (the document title is h1 and sections are h2, so
user text must never outrank them) and images become their alt text (a report must not fetch
pictures from URLs someone typed: WeasyPrint would request them while rendering).
"""

from __future__ import annotations

import functools
import html
import re
from urllib.parse import urlsplit

import nh3
from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token
from markdown_it.tree import SyntaxTreeNode

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
