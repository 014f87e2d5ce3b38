"""The report as DOCX (python-docx), for organisers who want to edit it in a word processor.

Built-in styles only (Title, Heading n, List Bullet/Number, Quote, Caption, Table Grid), so the
document follows whatever theme the reader's Word or LibreOffice applies. Charts are PNG
pictures (`png`) whose alt text is the figure's ``alt``; their numbers follow as a
table, as in the other formats.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, replace

import docx
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt, RGBColor
from docx.table import Table as DocxTable
from docx.text.paragraph import Paragraph
from docx.text.run import Run
from markdown_it.tree import SyntaxTreeNode

from coproduce.core.charts import Series
from coproduce.core.user_markdown import html_to_text, markdown_tree, safe_href

from .model import (
    BarChartSpec,
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
    page_number_parts,
)
from .png import bars_png, scatter_png
from .tables import chart_table, column_weights

PAGE_WIDTH, PAGE_HEIGHT, MARGIN = Mm(210), Mm(297), Mm(20)
TEXT_WIDTH = PAGE_WIDTH - 2 * MARGIN
MONO = "Courier New"  # present wherever Word or LibreOffice is
LINK_COLOUR = RGBColor(0x1F, 0x5F, 0x8B)
MUTED = RGBColor(0x4B, 0x55, 0x63)
MAX_LIST_DEPTH = 3  # the template has List Bullet, List Bullet 2 and List Bullet 3
CONTENTS_FROM = 10  # pages, as in the PDF
CHARACTERS_PER_PAGE = 3_000
# settings.xml elements that the schema puts after w:updateFields
_AFTER_UPDATE_FIELDS = {
    "hdrShapeDefaults",
    "footnotePr",
    "endnotePr",
    "compat",
    "docVars",
    "rsids",
    "mathPr",
    "attachedSchema",
    "themeFontLang",
    "clrSchemeMapping",
    "doNotIncludeSubdocsInStats",
    "doNotAutoCompressPictures",
    "forceUpgrade",
    "captions",
    "readModeInkLockDown",
    "smartTagType",
    "schemaLibrary",
    "shapeDefaults",
    "doNotEmbedSmartTags",
    "decimalSymbol",
    "listSeparator",
}


@dataclass(frozen=True)
class _Format:
    """Character formatting in effect while walking a Markdown paragraph."""

    bold: bool = False
    italic: bool = False
    strike: bool = False
    code: bool = False
    href: str | None = None


def to_docx(doc: Document) -> bytes:
    writer = _Writer(doc)
    writer.write()
    out = io.BytesIO()
    writer.d.save(out)
    return out.getvalue()


class _Writer:
    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.d = docx.Document()
        self.list_depth = 0
        self._style_ids: dict[str, str] = {}

    def paragraph(self, text: str = "", style: str | None = None) -> Paragraph:
        """A body paragraph. The style id is looked up once per name: python-docx looks it up
        on every assignment, scanning all styles (2.5 s for 2,000 quotes)."""
        paragraph = self.d.add_paragraph(text)
        if style:
            paragraph._p.style = self.style_id(style)
        return paragraph

    def heading(self, text: str, level: int) -> Paragraph:
        return self.paragraph(text, "Title" if level == 0 else f"Heading {level}")

    def style_id(self, name: str) -> str:
        if name not in self._style_ids:
            self._style_ids[name] = self.d.styles[name].style_id
        return self._style_ids[name]

    def attribution_style(self) -> str:
        """A character style for "— Table 3, round 2", made on first use: one w:rStyle per
        note instead of size and colour on each, and restyled in one place in Word."""
        name = "Note attribution"
        if name not in self._style_ids:
            style = self.d.styles.add_style(name, WD_STYLE_TYPE.CHARACTER)
            style.font.size, style.font.color.rgb, style.font.italic = Pt(8.5), MUTED, False
            self._style_ids[name] = style.style_id
        return self._style_ids[name]

    # -----------------------------------------------------------------------------------------
    # The document

    def write(self) -> None:
        self._setup()
        self.heading(self.doc.title, 0)
        if self.doc.subtitle:
            self.paragraph(self.doc.subtitle, style="Subtitle")
        if estimated_pages(self.doc) > CONTENTS_FROM:
            self._contents()
        for section in self.doc.sections:
            self.section(section)
        self._footer()

    def _setup(self) -> None:
        props = self.d.core_properties
        props.title, props.language = self.doc.title[:255], self.doc.language
        page = self.d.sections[0]
        page.page_width, page.page_height = PAGE_WIDTH, PAGE_HEIGHT
        page.left_margin = page.right_margin = page.top_margin = page.bottom_margin = MARGIN
        # The default w:lang tells spell checkers and screen readers the text's language; the
        # template's says en-US. East Asian text has its own attribute.
        for lang in self.d.styles.element.xpath("w:docDefaults/w:rPrDefault/w:rPr/w:lang"):
            lang.set(qn("w:val"), self.doc.language)
            if self.doc.language.lower().startswith(("zh", "ja", "ko")):
                lang.set(qn("w:eastAsia"), self.doc.language)

    def _contents(self) -> None:
        """A contents field, as the PDF's contents page: Word has no page numbers until it lays
        the document out, so it is asked to fill the field in when the file opens."""
        heading = self.paragraph()
        heading.add_run(self.doc.labels.contents).bold = True
        heading.paragraph_format.keep_with_next = True
        field = OxmlElement("w:fldSimple")
        field.set(qn("w:instr"), ' TOC \\o "1-2" \\h \\z \\u ')
        self.paragraph()._p.append(field)
        update = OxmlElement("w:updateFields")
        update.set(qn("w:val"), "true")
        # Word reads settings in the schema's order: updateFields comes before these
        settings = self.d.settings.element
        later = {qn(f"w:{name}") for name in _AFTER_UPDATE_FIELDS}
        following = next((child for child in settings if child.tag in later), None)
        if following is None:
            settings.append(update)
        else:
            following.addprevious(update)

    def _footer(self) -> None:
        footer = self.d.sections[0].footer
        first = footer.paragraphs[0]
        if self.doc.footer:
            first.add_run(self.doc.footer)
            first = footer.add_paragraph(style="Footer")
        first.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        for kind, text in page_number_parts(self.doc.labels.page_number):
            if kind == "text":
                first.add_run(text)
            else:
                _add_field(first, "PAGE" if kind == "page" else "NUMPAGES")

    def section(self, section: Section) -> None:
        self.heading(section.heading, 1)
        if not section.blocks and section.note:
            self.paragraph().add_run(section.note).italic = True
        for block in section.blocks:
            self.block(block)

    def block(self, block: Block) -> None:
        match block:
            case Markdown():
                self.markdown(block.text)
            case KeyValueTable():
                self.key_values(block)
            case Table():
                self.table(block)
            case BulletList():
                self.bullets(block)
            case Figure():
                self.figure(block)
            case Quote():
                self.quote(block)
            case Photo():
                self.photo(block)

    # -----------------------------------------------------------------------------------------
    # Plain blocks

    def caption(self, text: str) -> None:
        if text:
            self.paragraph(text, style="Caption").paragraph_format.keep_with_next = True

    def key_values(self, block: KeyValueTable) -> None:
        self.caption(block.caption)
        table = self._new_table(len(block.rows), 2, [0.3, 0.7])
        for row, (key, value) in zip(table.rows, block.rows, strict=True):
            key_cell, value_cell = row.cells
            key_cell.paragraphs[0].add_run(key).bold = True
            value_cell.paragraphs[0].add_run(value)

    def table(self, block: Table) -> None:
        self.caption(block.caption)
        numeric = set(block.numeric_columns)
        widths = column_weights(block.header, block.rows)
        table = self._new_table(len(block.rows) + 1, len(block.header), widths)
        _repeat_as_header(table.rows[0])
        for r, (row, values) in enumerate(
            zip(table.rows, (block.header, *block.rows), strict=True)
        ):
            for c, (cell, text) in enumerate(zip(row.cells, values, strict=True)):
                paragraph = cell.paragraphs[0]
                paragraph.add_run(text).bold = r == 0
                if c in numeric:
                    paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT

    def _new_table(self, rows: int, cols: int, weights: list[float]) -> DocxTable:
        table = self.d.add_table(rows=rows, cols=cols)
        table.style = self.d.styles["Table Grid"]
        table.alignment = WD_TABLE_ALIGNMENT.LEFT
        table.autofit = False  # fixed layout: Word keeps these widths and wraps long words
        total = sum(weights) or 1
        widths = [int(TEXT_WIDTH * w / total) for w in weights]
        for column, width in zip(table.columns, widths, strict=True):
            column.width = width
        for row in table.rows:
            for cell, width in zip(row.cells, widths, strict=True):
                cell.width = width
        return table

    def bullets(self, block: BulletList) -> None:
        style = "List Number" if block.ordered else "List Bullet"
        num_id = self._restart_numbering(style, 1) if block.ordered else None
        for item in block.items:
            paragraph = self.paragraph(item, style=style)
            if num_id is not None:
                _set_numbering(paragraph, num_id)

    def quote(self, block: Quote) -> None:
        paragraph = self.paragraph(block.text, style="Quote")
        if block.attribution:
            if block.text:
                paragraph.runs[-1].add_break()
            run = paragraph.add_run(f"— {block.attribution}")
            run._r.style = self.attribution_style()

    def figure(self, block: Figure) -> None:
        png, width = chart_png(block)
        shape = self.d.add_picture(io.BytesIO(png), width=width)
        # docPr/@descr is the alt text Word and screen readers show for the picture
        shape._inline.docPr.set("descr", block.alt or block.chart.description)
        shape._inline.docPr.set("title", block.chart.title)
        self.d.paragraphs[-1].paragraph_format.keep_with_next = True
        self.paragraph(block.caption, style="Caption")
        self.table(chart_table(block.chart, self.doc.labels))

    def photo(self, block: Photo) -> None:
        shape = self.d.add_picture(io.BytesIO(block.image), width=Cm(12))
        shape._inline.docPr.set("descr", block.alt)
        if block.caption:
            self.d.paragraphs[-1].paragraph_format.keep_with_next = True
            self.paragraph(block.caption, style="Caption")

    # -----------------------------------------------------------------------------------------
    # Markdown

    def markdown(self, text: str) -> None:
        for node in markdown_tree(text).children:
            self.md_block(node, None)

    def md_block(self, node: SyntaxTreeNode, style: str | None) -> None:
        kind = node.type
        if kind == "paragraph":
            self.inline(self.paragraph(style=style), node)
        elif kind == "heading":
            # user headings are h3/h4 after the shift: Heading 2/3 under the section's Heading 1
            self.inline(self.heading("", int(node.tag[1]) - 1), node)
        elif kind in ("bullet_list", "ordered_list"):
            self.md_list(node)
        elif kind == "blockquote":
            for child in node.children:
                self.md_block(child, "Quote")
        elif kind in ("fence", "code_block"):
            self.code(node.content, style)
        elif kind == "hr":
            _bottom_border(self.paragraph(style=style))
        elif kind == "table":
            self.md_table(node)
        elif kind == "html_block":
            text = html_to_text(node.content).strip()
            if text:
                self.paragraph(text, style=style)

    def md_list(self, node: SyntaxTreeNode) -> None:
        ordered = node.type == "ordered_list"
        self.list_depth += 1
        level = min(self.list_depth, MAX_LIST_DEPTH)
        suffix = "" if level == 1 else f" {level}"
        style = ("List Number" if ordered else "List Bullet") + suffix
        start = int(node.attrs.get("start", 1)) if ordered else 1
        num_id = self._restart_numbering(style, start) if ordered else None
        for item in node.children:
            for index, child in enumerate(item.children):
                if index == 0 and child.type == "paragraph":
                    paragraph = self.paragraph(style=style)
                    if num_id is not None:
                        _set_numbering(paragraph, num_id)
                    self.inline(paragraph, child)
                else:  # later paragraphs of the item are indented, not bulleted
                    self.md_block(child, "List Continue" + suffix)
        self.list_depth -= 1

    def md_table(self, node: SyntaxTreeNode) -> None:
        rows = [tr for part in node.children for tr in part.children]
        if not rows:
            return
        cols = len(rows[0].children)
        texts = [tuple(_plain(cell) for cell in tr.children) for tr in rows]
        table = self._new_table(len(rows), cols, column_weights(texts[0], texts[1:]))
        _repeat_as_header(table.rows[0])
        for r, (row, tr) in enumerate(zip(table.rows, rows, strict=True)):
            for cell, source in zip(row.cells, tr.children, strict=False):
                self.inline(cell.paragraphs[0], source, _Format(bold=r == 0))

    def code(self, text: str, style: str | None) -> None:
        paragraph = self.paragraph(style=style)
        run = paragraph.add_run(text.rstrip("\n"))
        run.font.name, run.font.size = MONO, Pt(9)

    def inline(self, paragraph: Paragraph, node: SyntaxTreeNode, fmt: _Format = _Format()) -> None:
        for child in node.children:
            kind = child.type
            if kind == "inline":
                self.inline(paragraph, child, fmt)
            elif kind == "text":
                _run(paragraph, child.content, fmt)
            elif kind == "softbreak":
                _run(paragraph, " ", fmt)
            elif kind == "hardbreak":
                paragraph.add_run().add_break()
            elif kind == "code_inline":
                _run(paragraph, child.content, replace(fmt, code=True))
            elif kind == "strong":
                self.inline(paragraph, child, replace(fmt, bold=True))
            elif kind == "em":
                self.inline(paragraph, child, replace(fmt, italic=True))
            elif kind == "s":
                self.inline(paragraph, child, replace(fmt, strike=True))
            elif kind == "link":
                href = safe_href(str(child.attrs.get("href", "")))
                self.inline(paragraph, child, replace(fmt, href=href))
            # html_inline: the tag itself is dropped, the text around it is kept

    def _restart_numbering(self, style: str, start: int) -> int:
        """A new numbering instance for one ordered list, so it starts again at ``start``
        (all "List Number" paragraphs otherwise count on from the previous list)."""
        numbering = self.d.part.numbering_part.element
        style_num = self.d.styles[style].element.pPr.numPr.numId.val
        abstract = numbering.num_having_numId(style_num).abstractNumId.val
        num = numbering.add_num(abstract)
        num.add_lvlOverride(ilvl=0).add_startOverride(start)
        return num.numId


# ---------------------------------------------------------------------------------------------
# Helpers on python-docx objects


def chart_png(block: Figure) -> tuple[bytes, int]:
    chart = block.chart
    if isinstance(chart, BarChartSpec):
        png = bars_png(
            title=chart.title,
            description=chart.description,
            categories=chart.categories,
            series=[Series(name, list(values)) for name, values in chart.series],
        )
        return png, Cm(16)
    png = scatter_png(
        title=chart.title,
        description=chart.description,
        points=chart.points,
        series_names=chart.series_names,
    )
    return png, Cm(10)


def _plain(node: SyntaxTreeNode) -> str:
    return "".join(n.content for n in node.walk() if n.type in ("text", "code_inline"))


def _run(paragraph: Paragraph, text: str, fmt: _Format) -> None:
    if fmt.href:
        link = OxmlElement("w:hyperlink")
        link.set(qn("r:id"), paragraph.part.relate_to(fmt.href, RT.HYPERLINK, is_external=True))
        run = Run(OxmlElement("w:r"), paragraph)
        link.append(run._r)
        paragraph._p.append(link)
        run.text = text
        run.font.underline, run.font.color.rgb = True, LINK_COLOUR
    else:
        run = paragraph.add_run(text)
    run.bold, run.italic = fmt.bold or None, fmt.italic or None
    if fmt.strike:
        run.font.strike = True
    if fmt.code:
        run.font.name = MONO


def _set_numbering(paragraph: Paragraph, num_id: int) -> None:
    num_pr = paragraph._p.get_or_add_pPr().get_or_add_numPr()
    num_pr.get_or_add_ilvl().val = 0
    num_pr.get_or_add_numId().val = num_id


def _repeat_as_header(row) -> None:  # noqa: ANN001 (python-docx's _Row is private)
    """Marks the first row to repeat at the top of each page the table spans."""
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(header)


def estimated_pages(doc: Document) -> float:
    """About how many A4 pages the document fills: its characters at ~3,000 a page, and a
    third of a page for each chart or photo (the DOCX has no layout to count pages from)."""
    characters, pictures = 0, 0
    for section in doc.sections:
        for block in section.blocks:
            match block:
                case Markdown() | Quote():
                    characters += len(block.text) + 80
                case KeyValueTable():
                    characters += sum(len(k) + len(v) + 40 for k, v in block.rows)
                case Table():
                    characters += sum(sum(map(len, row)) + 40 for row in block.rows)
                case BulletList():
                    characters += sum(len(item) + 40 for item in block.items)
                case Figure() | Photo():
                    pictures += 1
    return characters / CHARACTERS_PER_PAGE + pictures / 3


def _add_field(paragraph: Paragraph, instruction: str) -> None:
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), f" {instruction} ")
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"  # shown until the reader's word processor updates the field
    run.append(text)
    field.append(run)
    paragraph._p.append(field)


def _bottom_border(paragraph: Paragraph) -> None:
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for name, value in (("val", "single"), ("sz", "6"), ("space", "1"), ("color", "9CA3AF")):
        bottom.set(qn(f"w:{name}"), value)
    borders.append(bottom)
    paragraph._p.get_or_add_pPr().append(borders)
