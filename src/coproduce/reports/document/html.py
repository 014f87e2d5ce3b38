"""The report as HTML: a print-ready page for WeasyPrint, or an <article> for the site.

Charts are inline SVG from `coproduce.core.charts` (role="img" with a title and description)
followed by a table of the same numbers. Everything outside `Markdown` blocks is plain text
and escaped here; `Markdown` blocks come sanitised from `user_markdown`.
"""

from __future__ import annotations

import base64
import re
from html import escape

from coproduce.core.charts import Series, horizontal_bars, scatter
from coproduce.core.user_markdown import markdown_to_html

from .model import (
    BarChartSpec,
    Block,
    BulletList,
    Document,
    Figure,
    KeyValueTable,
    Labels,
    Markdown,
    Photo,
    Quote,
    Section,
    Table,
    page_number_parts,
)
from .tables import chart_table, column_weights, percentages

WIDTH_CLASSES = "".join(f".report col.w{n} {{ width: {n}%; }}\n" for n in range(1, 101))
FONTS = '"DejaVu Sans", "Noto Sans", "Noto Sans CJK SC", "WenQuanYi Zen Hei", sans-serif'
MONO = '"DejaVu Sans Mono", "Noto Sans Mono", "Noto Sans CJK SC", "WenQuanYi Zen Hei", monospace'

# Kept deliberately plain: on a 100-page report every selector and box costs layout time.
REPORT_CSS = f"""
html {{ font-family: {FONTS}; font-size: 10pt; line-height: 1.4; color: #111827; }}
body {{ margin: 0; }}
.report h1 {{ font-size: 21pt; line-height: 1.2; margin: 0 0 4pt; }}
.report .subtitle {{ font-size: 13pt; color: #374151; margin: 0 0 14pt; }}
.report h2 {{ font-size: 15pt; margin: 16pt 0 6pt; padding-bottom: 2pt;
  border-bottom: 1px solid #9ca3af; break-after: avoid; }}
.report h3 {{ font-size: 12pt; margin: 12pt 0 4pt; break-after: avoid; }}
.report h4 {{ font-size: 10.5pt; margin: 10pt 0 4pt; break-after: avoid; }}
.report p {{ margin: 0 0 6pt; }}
/* Long words and URLs (a pasted link, a name without spaces) must wrap, not widen the page:
   "anywhere" also lowers the min-content width, so auto-width tables shrink too. The
   property is inherited: one rule covers every paragraph, cell, quote and caption. */
.report {{ overflow-wrap: anywhere; }}
.report table {{ border-collapse: collapse; width: 100%; margin: 4pt 0 10pt; }}
/* Our own tables get their column widths from Python (col.wN = N%): with automatic layout
   WeasyPrint measures every cell's min-content width, which "overflow-wrap: anywhere" makes
   a per-character affair (~0.5 s for a 30-row table on the benchmark machine). */
.report table.fixed {{ table-layout: fixed; }}
{WIDTH_CLASSES}
.report th, .report td {{ border: 1px solid #d1d5db; padding: 2pt 4pt; text-align: left;
  vertical-align: top; }}
.report thead th {{ background: #f3f4f6; }}
.report tr {{ break-inside: avoid; }}
.report caption {{ caption-side: top; text-align: left; font-weight: bold; padding: 0 0 3pt; }}
.report table.kv th {{ background: #f9fafb; }}
.report .num {{ text-align: right; }}
.report-text blockquote {{ margin: 0 0 6pt; padding: 0 0 0 7pt; border-left: 2pt solid #9ca3af; }}
/* Table notes: there may be thousands, so one box each, one-class selectors, no border
   (each costs a clipped border segment in the PDF), the attribution on the same line. */
.report-quote {{ margin: 0 0 4pt 10pt; font-size: 9.5pt; line-height: 1.3; }}
.report-by {{ font-size: 8.5pt; color: #4b5563; }}
.report figure {{ margin: 8pt 0 12pt; break-inside: avoid; }}
.report svg.chart {{ max-width: 100%; height: auto; }}
.report figcaption {{ font-size: 9pt; color: #374151; }}
.report .note {{ font-style: italic; color: #4b5563; }}
.report pre {{ white-space: pre-wrap; font-family: {MONO}; font-size: 8.5pt;
  background: #f3f4f6; padding: 4pt; }}
.report code {{ font-family: {MONO}; font-size: 9pt; }}
.report img.photo {{ max-width: 100%; max-height: 120mm; height: auto; }}
.report nav.contents ol {{ list-style: none; padding: 0; }}
.report nav.contents a {{ color: inherit; text-decoration: none; }}
.report nav.contents a::after {{ content: leader(".") target-counter(attr(href), page); }}
.report nav.contents {{ break-after: page; }}
/* A heading is never the last line of a page: it goes over with the block after it. */
.report h2 + *, .report h3 + *, .report h4 + * {{ break-before: avoid; }}
/* ...and the line that introduces a section (the map's question) stays with its figure. */
.report h2 + .report-text {{ break-after: avoid; }}
.report .report-footer {{ margin-top: 18pt; font-size: 9pt; color: #4b5563; }}
@media screen {{ body {{ max-width: 48rem; margin: 2rem auto; padding: 0 1rem; }} }}
"""

MARGIN_BOX_STYLE = f"font-family: {FONTS}; font-size: 8pt; color: #4b5563;"


def to_html(doc: Document, *, standalone: bool = True, contents: bool = False) -> str:
    """``contents``: begin with a contents page whose page numbers the PDF fills in."""
    article = render_article(doc, for_print=standalone, contents=contents)
    if not standalone:
        return article
    return (
        f'<!DOCTYPE html>\n<html lang="{escape(doc.language)}">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{escape(doc.title)}</title>\n<style>{REPORT_CSS}{page_css(doc)}</style>\n"
        f"</head>\n<body>\n{article}\n</body>\n</html>\n"
    )


def page_css(doc: Document) -> str:
    """@page rules: A4; the footer (or else the title) and "Page n of m" at the bottom.

    Only two margin boxes, and only one with width: auto: every margin box is laid out on
    every page, and two auto boxes on a side make WeasyPrint measure both (margin boxes were
    ~10% of a 100-page report's time; a running title on top would add another box)."""
    page_number = _page_number_content(doc.labels)
    rules = f" @bottom-right {{ content: {page_number}; width: auto; {MARGIN_BOX_STYLE} }}"
    left = doc.footer or doc.title
    if left:
        rules += f" @bottom-left {{ content: {css_string(left)}; width: 70%; {MARGIN_BOX_STYLE} }}"
    return f"@page {{ size: A4; margin: 18mm 16mm 20mm;{rules} }}\n"


def _page_number_content(labels: Labels) -> str:
    parts = page_number_parts(labels.page_number)
    css = [css_string(text) if kind == "text" else f"counter({kind})" for kind, text in parts]
    return " ".join(css) or "counter(page)"


def css_string(text: str) -> str:
    """A CSS string literal: quotes, backslashes and newlines escaped; "<" too, so the text can
    never close the <style> element it sits in."""
    out = []
    for char in re.sub(r"\s+", " ", text):  # one line: margin boxes hold one
        if char in '"\\<>' or ord(char) < 32:
            out.append(f"\\{ord(char):x} ")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


# ---------------------------------------------------------------------------------------------
# The article


def render_article(doc: Document, *, for_print: bool = False, contents: bool = False) -> str:
    parts = [f'<article class="report" lang="{escape(doc.language)}">', "<header>"]
    parts.append(f"<h1>{escape(doc.title)}</h1>")
    if doc.subtitle:
        parts.append(f'<p class="subtitle">{text_html(doc.subtitle)}</p>')
    parts.append("</header>")
    if contents:
        parts.append(render_contents(doc))
    context = _Context(doc.labels, for_print)
    parts += [render_section(section, context) for section in doc.sections]
    if doc.footer and not for_print:  # in print the footer is in every page's margin instead
        parts.append(f'<footer class="report-footer">{text_html(doc.footer)}</footer>')
    parts.append("</article>")
    return "\n".join(parts)


def render_contents(doc: Document) -> str:
    items = "".join(
        f'<li><a href="#{section_id(s.key)}">{escape(s.heading)}</a></li>' for s in doc.sections
    )
    label = escape(doc.labels.contents)
    return f'<nav class="contents" aria-label="{label}"><h2>{label}</h2><ol>{items}</ol></nav>'


class _Context:
    """What rendering one document needs besides the block: the labels, whether the page is
    for print (WeasyPrint), and a figure counter so SVG ids are unique on the page."""

    def __init__(self, labels: Labels, for_print: bool) -> None:
        self.labels, self.for_print = labels, for_print
        self.figures = 0

    def next_figure(self) -> int:
        self.figures += 1
        return self.figures


def section_id(key: str) -> str:
    return "section-" + (re.sub(r"[^A-Za-z0-9_-]+", "-", key).strip("-") or "x")


def render_section(section: Section, context: _Context) -> str:
    parts = [f'<section id="{section_id(section.key)}">', f"<h2>{escape(section.heading)}</h2>"]
    if section.blocks:
        parts += [render_block(block, context) for block in section.blocks]
    elif section.note:
        parts.append(f'<p class="note">{text_html(section.note)}</p>')
    parts.append("</section>")
    return "\n".join(parts)


def render_block(block: Block, context: _Context) -> str:
    match block:
        case Markdown():
            return f'<div class="report-text">{markdown_to_html(block.text)}</div>'
        case KeyValueTable():
            return render_key_values(block)
        case Table():
            return render_table(block)
        case BulletList():
            return render_list(block)
        case Figure():
            return render_figure(
                block, context.labels, context.next_figure(), for_print=context.for_print
            )
        case Quote():
            return render_quote(block, styled=not context.for_print)
        case Photo():
            return render_photo(block)
    raise TypeError(f"not a block: {block!r}")


def text_html(text: str) -> str:
    """Plain text as HTML: escaped, its line breaks kept."""
    return escape(text).replace("\n", "<br>")


def render_key_values(block: KeyValueTable) -> str:
    rows = "".join(
        f'<tr><th scope="row">{text_html(key)}</th><td>{text_html(value)}</td></tr>'
        for key, value in block.rows
    )
    return (
        f'<table class="kv fixed">{_caption(block.caption)}{colgroup([28, 72])}'
        f"<tbody>{rows}</tbody></table>"
    )


def colgroup(weights: list[int]) -> str:
    cols = "".join(f'<col class="w{n}">' for n in percentages(weights))
    return f"<colgroup>{cols}</colgroup>"


def _caption(caption: str) -> str:
    return f"<caption>{text_html(caption)}</caption>" if caption else ""


def render_table(block: Table, css_class: str = "data") -> str:
    numeric = set(block.numeric_columns)

    def cell(tag: str, i: int, text: str, scope: str = "") -> str:
        attrs = (' class="num"' if i in numeric else "") + scope
        return f"<{tag}{attrs}>{text_html(text)}</{tag}>"

    head = "".join(cell("th", i, text, ' scope="col"') for i, text in enumerate(block.header))
    body = "".join(
        "<tr>" + "".join(cell("td", i, text) for i, text in enumerate(row)) + "</tr>"
        for row in block.rows
    )
    if len(block.header) <= 100:
        css_class += " fixed"
        cols = colgroup(column_weights(block.header, block.rows))
    else:  # no whole percentage for each column: let WeasyPrint measure them
        cols = ""
    return (
        f'<table class="{css_class}">{_caption(block.caption)}{cols}'
        f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
    )


def render_list(block: BulletList) -> str:
    tag = "ol" if block.ordered else "ul"
    items = "".join(f"<li>{text_html(item)}</li>" for item in block.items)
    return f"<{tag}>{items}</{tag}>"


def render_quote(block: Quote, *, styled: bool = True) -> str:
    """One element per note, the attribution on the same line. For print the attribution is
    not even a <span>: 2,000 spans cost WeasyPrint about a second on the benchmark."""
    # a no-break space keeps the dash from starting a line of its own
    by = block.attribution and f"\u00a0— {text_html(block.attribution)}"
    if by and styled:
        by = f' <span class="report-by">{by[1:]}</span>'
    return f'<blockquote class="report-quote">{text_html(block.text)}{by}</blockquote>'


def render_photo(block: Photo) -> str:
    data = base64.b64encode(block.image).decode("ascii")
    caption = f"<figcaption>{text_html(block.caption)}</figcaption>" if block.caption else ""
    return (
        f'<figure class="photo-figure"><img class="photo" src="data:{block.media_type};base64,'
        f'{data}" alt="{escape(block.alt)}">{caption}</figure>'
    )


def render_figure(block: Figure, labels: Labels, number: int, *, for_print: bool = False) -> str:
    return (
        f'<figure class="chart-figure" id="figure-{number}"><div class="chart-with-table">'
        f"{chart_svg(block, number, for_print=for_print)}"
        f"{render_table(chart_table(block.chart, labels), 'data chart-data')}"
        f"</div><figcaption>{text_html(block.caption)}</figcaption></figure>"
    )


def chart_svg(block: Figure, number: int, *, for_print: bool = False) -> str:
    chart = block.chart
    # the SVG's <desc> is what a screen reader announces: the figure's alt text if it has one
    description = block.alt or chart.description
    # A tagged PDF takes a figure's /Alt from the SVG's <title> alone: in print it carries the
    # description too, so the PDF's text alternative says what the picture shows.
    title = f"{chart.title}: {description}" if for_print and description else chart.title
    if isinstance(chart, BarChartSpec):
        return horizontal_bars(
            title=title,
            description=description,
            categories=list(chart.categories),
            series=[Series(name, list(values)) for name, values in chart.series],
            chart_id=f"chart-{number}",
        )
    return scatter(
        title=title,
        description=description,
        points=list(chart.points),
        series_names=list(chart.series_names),
        chart_id=f"chart-{number}",
        label_series=True,  # groups named in the picture: a printed map needs no colour
    )
