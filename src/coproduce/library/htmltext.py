"""HTML (as Participedia's exports may carry it in ``body``) turned into Markdown paragraphs.

Pure (no Django import). No tag survives: block elements become paragraphs, list items
"- " lines, headings "##" lines, links ``[text](address)`` when they point to the web; scripts,
styles and comments go with their content; every other tag is dropped and its text kept. A
``<`` in the text (``&lt;`` in the HTML) is written ``&lt;`` again, so what was text stays text
when the Markdown is rendered.
"""

import re
from html.parser import HTMLParser

# A tag or a comment: the body is HTML. "a < b" or "3<4" alone is not.
_HTML = re.compile(r"<\s*/?\s*[a-zA-Z][^<>]*>|<!--|&(?:#\d+|#x[0-9a-fA-F]+|[a-zA-Z]{2,8});")
_SPACES = re.compile(r"[ \t\r\n\f\v]+")

_BLOCKS = {
    *("p", "div", "section", "article", "aside", "header", "footer", "main", "nav"),
    *("blockquote", "pre", "table", "thead", "tbody", "tr", "ul", "ol", "dl", "dt", "dd"),
    *("figure", "figcaption", "address", "details", "summary", "hr", "br", "li"),
    *("h1", "h2", "h3", "h4", "h5", "h6"),
}
_PREFIX = {"li": "- ", "h1": "## ", "h2": "## ", "h3": "### ", "h4": "### ", "h5": "### "}
_PREFIX["h6"] = "### "
_DROPPED = {"script", "style", "head", "title", "template", "noscript", "svg", "math", "iframe"}
_CELLS = {"td", "th"}


def looks_like_html(text: str) -> bool:
    if "<" not in text and "&" not in text:  # most bodies: no need to run the pattern
        return False
    return bool(_HTML.search(text))


def html_to_markdown(text: str) -> str:
    converter = _Converter()
    converter.feed(text)
    converter.close()
    return converter.result()


class _Converter(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.blocks: list[str] = []
        self.parts: list[str] = []
        self.prefix = ""
        self.dropping = 0
        self.links: list[tuple[str, int]] = []  # (address, where its text starts in parts)

    def handle_starttag(self, tag, attrs):
        if tag in _DROPPED:
            self.dropping += 1
        elif tag in _BLOCKS:
            self._paragraph()
            self.prefix = _PREFIX.get(tag, "")
        elif tag in _CELLS:
            self.parts.append(" ")
        elif tag == "a":
            self.links.append((dict(attrs).get("href") or "", len(self.parts)))

    def handle_startendtag(self, tag, attrs):
        if tag in _BLOCKS:
            self._paragraph()

    def handle_endtag(self, tag):
        if tag in _DROPPED:
            self.dropping = max(0, self.dropping - 1)
        elif tag in _BLOCKS:
            self._paragraph()
        elif tag == "a" and self.links:
            self._link(*self.links.pop())

    def handle_data(self, data):
        if not self.dropping:
            self.parts.append(data.replace("<", "&lt;"))

    def _link(self, address: str, start: int) -> None:
        words = _SPACES.sub(" ", "".join(self.parts[start:])).strip()
        if not re.match(r"https?://", address, re.IGNORECASE) or not words:
            return
        address = address.strip().replace(" ", "%20").replace("(", "%28").replace(")", "%29")
        words = words.replace("[", "\\[").replace("]", "\\]")
        self.parts[start:] = [f"[{words}]({address})"]

    def _paragraph(self) -> None:
        words = _SPACES.sub(" ", "".join(self.parts)).strip()
        if words:
            self.blocks.append(self.prefix + words)
        self.parts, self.prefix, self.links = [], "", []

    def result(self) -> str:
        self._paragraph()
        return "\n\n".join(self.blocks)
