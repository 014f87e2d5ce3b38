"""The report as GitHub-flavoured Markdown.

Plain text from the model is escaped so it reads back as the same text (a `|` in a table
cell, a line that starts with "1." or "#", `<tag>` or `&amp;` typed in a note). User Markdown
is not copied through: it is parsed and written out again, so its headings can be moved under
the section heading and raw HTML, scripts and unsafe links can be left out, as in the other
formats. Markdown has no charts: a figure becomes its caption, its description and a table of
its numbers.
"""

from __future__ import annotations

import re

from markdown_it.tree import SyntaxTreeNode

from coproduce.core.user_markdown import html_to_text, markdown_tree, safe_href

from .model import (
    Block,
    BulletList,
    Document,
    Figure,
    KeyValueTable,
    Markdown,
    Photo,
    Quote,
    Section,
    Table,
)
from .tables import chart_table

# Characters that start Markdown syntax anywhere in a line: backslash-escaped always.
_INLINE_SPECIAL = re.compile(r"([\\`*_\[\]|~<>])")
# `&` only where it would start an entity ("&copy;", "&#169;"); "Q&A" stays readable.
_ENTITY = re.compile(r"&(?=#?[0-9A-Za-z]+;)")
# Line starts that would make a heading, quote, list, rule or setext underline.
_LINE_START = re.compile(r"^([#>+=-])|^(\d+)([.)])")


def to_markdown(doc: Document) -> str:
    parts = [f"# {heading_text(doc.title)}"]
    if doc.subtitle:
        parts.append(paragraph(doc.subtitle))
    parts += [render_section(section, doc) for section in doc.sections]
    if doc.footer:
        parts += ["---", paragraph(doc.footer)]
    return "\n\n".join(p for p in parts if p) + "\n"


def render_section(section: Section, doc: Document) -> str:
    parts = [f"## {heading_text(section.heading)}"]
    if section.blocks:
        parts += [render_block(block, doc) for block in section.blocks]
    elif section.note:
        parts.append(f"*{paragraph(section.note)}*" if section.note.strip() else "")
    return "\n\n".join(p for p in parts if p)


def render_block(block: Block, doc: Document) -> str:
    match block:
        case Markdown():
            return user_markdown(block.text)
        case KeyValueTable():
            table = Table((doc.labels.field, doc.labels.value), block.rows, block.caption)
            return render_table(table)
        case Table():
            return render_table(block)
        case BulletList():
            return render_list(block)
        case Figure():
            return render_figure(block, doc)
        case Quote():
            return render_quote(block)
        case Photo():
            return render_photo(block, doc)
    raise TypeError(f"not a block: {block!r}")


# ---------------------------------------------------------------------------------------------
# Plain text


def escape(text: str) -> str:
    """One line of plain text as Markdown that shows exactly that text."""
    return _ENTITY.sub(r"\\&", _INLINE_SPECIAL.sub(r"\\\1", text))


def _escape_line_start(line: str) -> str:
    return _LINE_START.sub(lambda m: f"\\{m[1]}" if m[1] else f"{m[2]}\\{m[3]}", line)


def heading_text(text: str) -> str:
    return _no_closing_hashes(escape(" ".join(text.split())))


def _no_closing_hashes(text: str) -> str:
    """A heading's trailing "#"s would be read as its optional closing sequence."""
    return text[:-1] + "\\#" if text.endswith("#") and not text.endswith("\\#") else text


def paragraph(text: str) -> str:
    """Plain text as one paragraph: its lines kept with hard breaks, blank lines dropped
    (they would end the paragraph, or the quote or list item it sits in)."""
    lines = [_escape_line_start(escape(" ".join(line.split()))) for line in text.split("\n")]
    return "\\\n".join(line for line in lines if line)


def cell(text: str) -> str:
    """Table cells are one line in GFM: line breaks become <br>."""
    return "<br>".join(escape(" ".join(line.split())) for line in text.split("\n") if line.strip())


def render_table(block: Table) -> str:
    numeric = set(block.numeric_columns)
    rule = ["---:" if i in numeric else "---" for i in range(len(block.header))]
    lines = [_row(block.header), _row(rule, escaped=True)]
    lines += [_row(row) for row in block.rows]
    caption = f"**{heading_text(block.caption)}**\n\n" if block.caption.strip() else ""
    return caption + "\n".join(lines)


def _row(cells: tuple[str, ...] | list[str], escaped: bool = False) -> str:
    return "| " + " | ".join(c if escaped else cell(c) for c in cells) + " |"


def render_list(block: BulletList) -> str:
    lines = []
    for number, item in enumerate(block.items, 1):
        marker = f"{number}. " if block.ordered else "- "
        lines.append(f"{marker}{indent(paragraph(item), len(marker))}".rstrip())
    return "\n".join(lines)


def indent(text: str, width: int) -> str:
    """Lines after the first indented (blank ones left empty), to continue a list item."""
    first, *rest = text.split("\n")
    return "\n".join([first, *((" " * width + line) if line else "" for line in rest)])


def render_quote(block: Quote) -> str:
    text = paragraph(block.text)
    if block.attribution.strip():
        by = f"— {escape(' '.join(block.attribution.split()))}"
        text = f"{text}\\\n{by}" if text else by
    return quote_lines(text) if text else ""


def quote_lines(text: str) -> str:
    return "\n".join(f"> {line}".rstrip() for line in text.split("\n"))


def render_photo(block: Photo, doc: Document) -> str:
    """A Markdown file carries no pictures: the photo's description stands in for it."""
    text = f"*{escape(doc.labels.photo)}: {paragraph(block.alt)}*"
    return text + (f"\n\n{paragraph(block.caption)}" if block.caption.strip() else "")


def render_figure(block: Figure, doc: Document) -> str:
    parts = []
    if block.caption.strip():
        parts.append(f"**{heading_text(block.caption)}**")
    description = block.alt or block.chart.description
    if description.strip():
        parts.append(paragraph(description))
    parts.append(render_table(chart_table(block.chart, doc.labels)))
    return "\n\n".join(parts)


# ---------------------------------------------------------------------------------------------
# User Markdown, written out again from its syntax tree


def user_markdown(text: str) -> str:
    return "\n\n".join(b for b in (md_block(n) for n in markdown_tree(text).children) if b)


def md_block(node: SyntaxTreeNode) -> str:
    kind = node.type
    if kind == "paragraph":
        return md_inline_block(node)
    if kind == "heading":
        text = md_inline_block(node).replace("\\\n", " ").replace("\n", " ")
        return "#" * int(node.tag[1]) + " " + _no_closing_hashes(text)
    if kind in ("bullet_list", "ordered_list"):
        return md_list(node)
    if kind == "blockquote":
        inner = "\n\n".join(b for b in (md_block(c) for c in node.children) if b)
        return quote_lines(inner) if inner else ">"
    if kind in ("fence", "code_block"):
        return md_code(node)
    if kind == "hr":
        return "___"  # not "---": "- ---" in a list item would be one rule
    if kind == "table":
        return md_table(node)
    if kind == "html_block":
        return paragraph(html_to_text(node.content).strip())
    return ""


def md_inline_block(node: SyntaxTreeNode, in_table: bool = False) -> str:
    text = "".join(md_inline(child, in_table) for child in node.children)
    # Spaces at either end of a line mean nothing in a paragraph but would start a code block
    # or a hard break here, and an empty line would end the paragraph (they appear where a
    # dropped HTML tag stood).
    lines = [line.strip(" \t") for line in text.split("\n")]
    lines = [line for line in lines if line and line != "\\"]  # "\\" alone: a break after nothing
    if lines and _ends_with_hard_break(lines[-1]):  # a break before nothing
        lines[-1] = lines[-1][:-1].rstrip(" \t")
    return "\n".join(_escape_line_start(line) for line in lines if line)


def _ends_with_hard_break(line: str) -> bool:
    # an escaped backslash is written "\\\\", so an odd count at the end is a hard break
    return (len(line) - len(line.rstrip("\\"))) % 2 == 1


def md_inline(node: SyntaxTreeNode, in_table: bool = False) -> str:
    kind = node.type
    inner = "".join(md_inline(child, in_table) for child in node.children)
    if kind == "inline":
        return inner
    if kind == "text":
        return escape(node.content)
    if kind == "softbreak":
        return "\n"
    if kind == "hardbreak":
        return "\\\n"
    if kind == "code_inline":
        # GFM splits table rows on "|" before it sees code spans: even there it needs a "\\"
        span = code_span(node.content)
        return span.replace("|", "\\|") if in_table else span
    if kind in _DELIMITERS:
        return _delimit(inner, _DELIMITERS[kind])
    if kind == "link":
        href = safe_href(str(node.attrs.get("href", "")))
        return f"[{inner}]({link_target(href)})" if href and inner else inner
    return ""  # html_inline: the tag is dropped, the text around it is kept


_DELIMITERS = {"strong": "**", "em": "*", "s": "~~"}


def _delimit(inner: str, mark: str) -> str:
    """``**inner**``, with spaces at its ends moved outside: "** a**" is not bold."""
    core = inner.strip(" ")
    if not core:
        return inner
    lead, trail = inner[: len(inner) - len(inner.lstrip(" "))], inner[len(inner.rstrip(" ")) :]
    return f"{lead}{mark}{core}{mark}{trail}"


def code_span(content: str) -> str:
    fence = "`" * (max((len(run) for run in re.findall("`+", content)), default=0) + 1)
    # CommonMark strips one space from both ends when both have one (unless it is all spaces),
    # and a backtick at either end needs a space to part it from the fence
    ends = content[:1] + content[-1:]
    needs_pad = "`" in ends or ends == "  "
    pad = " " if content.strip(" ") and needs_pad else ""
    return f"{fence}{pad}{content}{pad}{fence}"


def link_target(href: str) -> str:
    # markdown-it has percent-encoded spaces and angle brackets; parentheses need <...>
    return f"<{href}>" if re.search(r"[()\s]", href) else href


def md_code(node: SyntaxTreeNode) -> str:
    fence = "`" * max(3, max((len(r) for r in re.findall("`+", node.content)), default=0) + 1)
    info = node.info.split()[0] if node.type == "fence" and node.info.strip() else ""
    info = info if "`" not in info else ""
    return f"{fence}{info}\n{node.content.rstrip(chr(10))}\n{fence}"


def md_list(node: SyntaxTreeNode) -> str:
    ordered = node.type == "ordered_list"
    start = int(node.attrs.get("start", 1)) if ordered else 1
    # tight lists mark their paragraphs hidden; a loose one keeps blank lines between blocks
    loose = any(
        not c.hidden for item in node.children for c in item.children if c.type == "paragraph"
    )
    gap = "\n\n" if loose else "\n"
    items = []
    for number, item in enumerate(node.children, start):
        # the original delimiter ("." or ")", "-" or "*"): two lists in a row written with the
        # same one would merge into one list
        marker = f"{number}{item.markup} " if ordered else f"{item.markup} "
        body = gap.join(b for b in (md_block(c) for c in item.children) if b)
        items.append((marker + indent(body, len(marker))).rstrip())
    return gap.join(items)


def md_table(node: SyntaxTreeNode) -> str:
    rows = [tr for part in node.children for tr in part.children]
    if not rows:
        return ""
    cells = [[md_inline_block(td, in_table=True) for td in tr.children] for tr in rows]
    lines = [_row(cells[0], escaped=True), _row(["---"] * len(cells[0]), escaped=True)]
    lines += [_row(row, escaped=True) for row in cells[1:]]
    return "\n".join(lines)
