"""A pseudo-language for tests: every string that passes through translation comes out
between ⟦ and ⟧, so any visible word left outside the marks never went through translation.

`installed(settings)` adds the language (code `xx`) to the site for the length of a test, over
the English texts and Django's own catalogue (form widgets, validation messages, month
names). `visible_texts` takes what a person sees or hears on a page (text, `alt`, `title`,
`aria-label`, `placeholder`, the words on buttons, options) and `unmarked` keeps what is left
of them once marked words, people's own data, numbers and punctuation are taken away.
"""

import contextlib
import re
import zoneinfo
from html.parser import HTMLParser

from django.apps import apps
from django.conf import locale as django_locale
from django.db import models
from django.utils import translation
from django.utils.translation import trans_real

from coproduce.core.fields import CleanCharField, CleanTextField, EmailAddressField

CODE = "xx"
OPEN, CLOSE = "⟦", "⟧"
_CONTEXT = "\x04"  # gettext's separator between a context and its message


def mark(text: str) -> str:
    return f"{OPEN}{text}{CLOSE}"


class PseudoTranslation:
    """English texts, each one marked. Context lookups ("ctx\\x04message") lose the context
    here, so that pgettext sees a translation and keeps the mark."""

    def __init__(self):
        self.english = trans_real.translation("en")
        self.seen: set[str | tuple[str, str]] = set()  # every message asked for, to check

    def gettext(self, message: str) -> str:
        self.seen.add(message)
        return mark(_without_context(self.english.gettext(message)))

    def ngettext(self, singular: str, plural: str, number: int) -> str:
        self.seen.add((singular, plural))
        return mark(_without_context(self.english.ngettext(singular, plural, number)))

    def language(self) -> str:
        return CODE

    def to_language(self) -> str:
        return CODE

    def merge(self, other) -> None:
        """Django merges app catalogues into a translation; ours has none of its own."""


def _without_context(text: str) -> str:
    return text.split(_CONTEXT, 1)[1] if _CONTEXT in text else text


@contextlib.contextmanager
def installed(settings):
    """The pseudo-language as one of the site's languages, chosen by the language cookie;
    yields its translation, whose `seen` are the messages asked for while it was active."""
    settings.LANGUAGES = [*settings.LANGUAGES, (CODE, "Pseudo")]
    django_locale.LANG_INFO[CODE] = {
        "bidi": False,
        "code": CODE,
        "name": "Pseudo",
        "name_local": "Pseudo",
    }
    checked = trans_real.check_for_language
    trans_real.check_for_language = lambda code: code == CODE or checked(code)
    trans_real._get_supported_language_variant.cache_clear()
    pseudo = trans_real._translations[CODE] = PseudoTranslation()
    try:
        yield pseudo
    finally:
        translation.deactivate()
        trans_real.check_for_language = checked
        trans_real._get_supported_language_variant.cache_clear()
        trans_real._translations.pop(CODE, None)
        django_locale.LANG_INFO.pop(CODE, None)


def untranslated(seen, language: str) -> list[str]:
    """The messages that have no translation in a language's catalogue (ours and Django's;
    a message translated by itself, like "Agenda", is in the catalogue)."""
    catalogue = trans_real.translation(language)._catalog
    missing = []
    for message in seen:
        if isinstance(message, tuple):
            if (message[0], 0) not in catalogue:
                missing.append(message[0])
        elif OPEN in message:
            continue  # a translated text asked again: its own message was checked
        elif message not in catalogue and message.strip(_PUNCTUATION):
            missing.append(_without_context(message))
    return sorted(set(missing) - SAME_IN_EVERY_LANGUAGE)


_PUNCTUATION = " .,:;·–—-()%s0123456789"
# Messages whose translation is the message itself.
SAME_IN_EVERY_LANGUAGE = {
    *("Coproduce", "Pseudo", "%(n)s", "%s", "OK", "PDF", "DOCX", "HTML", "CSV"),
    *("a.m.", "p.m.", ":?.!"),  # Django's own, written the same in Spanish
}


# ---------------------------------------------------------------- what a person sees

_HIDDEN = {"script", "style", "template", "head"}
_SAID = ("alt", "title", "aria-label", "placeholder", "aria-description")
# A translated sentence may hold links or emphasis, so a text runs on across inline elements
# and ends at the edge of a block.
_BLOCKS = {
    "address",
    "article",
    "aside",
    "blockquote",
    "body",
    "button",
    "caption",
    "dd",
    "details",
    "dialog",
    "div",
    "dl",
    "dt",
    "fieldset",
    "figcaption",
    "figure",
    "footer",
    "form",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hr",
    "label",
    "legend",
    "li",
    "main",
    "nav",
    "ol",
    "optgroup",
    "option",
    "p",
    "pre",
    "section",
    "select",
    "summary",
    "table",
    "td",
    "textarea",
    "th",
    "title",
    "tr",
    "ul",
    "br",
    "svg",
    "text",
    "desc",
    "g",
}


# The words a comparison marks as added or removed (<ins>, <del>), and the words it keeps
# between them (inside an element of class "diff"), are pieces of someone's text of any length,
# often shorter than the three words `_part_of` asks of a fragment; each is read on its own,
# tagged so `unmarked` accepts it when it is part of something people wrote.
_DIFF = {"ins", "del"}
_DIFF_MARK = "\u2064"


class _Reader(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []
        self.running: list[str] = []
        self.hidden = 0
        self.in_diff = 0
        self.diff_tags: list[str] = []  # the open elements that started a diff
        # Elements marked translate="no" (HTML's own attribute): what a program sends, such as
        # the API's paths and field names, the same in every language.
        self.kept_tags: list[str] = []

    def handle_starttag(self, tag, attrs):
        found = dict(attrs)
        self._block_edge(tag)
        if tag in _DIFF or "diff" in (found.get("class") or "").split():
            self.flush()
            self.in_diff += 1
            self.diff_tags.append(tag)
        if tag in _HIDDEN:
            self.hidden += 1
        if found.get("translate") == "no":
            self.kept_tags.append(tag)
            self.hidden += 1
        self.texts.extend(found[name] for name in _SAID if found.get(name))
        if tag == "input" and found.get("type") in {"submit", "button", "reset"}:
            self.texts.append(found.get("value") or "")

    def handle_endtag(self, tag):
        self._block_edge(tag)
        if self.diff_tags and self.diff_tags[-1] == tag:
            self.flush()
            self.in_diff -= 1
            self.diff_tags.pop()
        if tag in _HIDDEN and self.hidden:
            self.hidden -= 1
        if self.kept_tags and self.kept_tags[-1] == tag:
            self.kept_tags.pop()
            self.hidden -= 1

    def handle_data(self, data):
        if not self.hidden or self.lasttag == "title":
            self.running.append(data)

    def _block_edge(self, tag):
        if tag in _BLOCKS or tag in _HIDDEN:
            self.flush()

    def flush(self):
        text = " ".join(self.running)
        self.texts.append(_DIFF_MARK + text if self.in_diff and text.strip() else text)
        self.running = []


def visible_texts(html: str) -> list[str]:
    reader = _Reader()
    reader.feed(html)
    reader.close()
    reader.flush()
    return [" ".join(text.split()) for text in reader.texts if text and text.strip()]


# ---------------------------------------------------------------- what is left unmarked

# Names that are the same in every language: the platform's and each language's own name.
PROPER_NAMES = (
    "Coproduce",
    "English",
    "Español",
    "Pseudo",
    "PDF",
    "DOCX",
    "HTML",
    "MD",
    "CSV",
    "JSON",
)
_CUT = "\u2063"  # where something was taken out: what is left on each side is a fragment


def user_data() -> list[str]:
    """Every text people stored in the database, longest first (a name inside a longer
    title must not break the title apart), with its spaces as one.

    People's words are stored clean (`CleanCharField`, `CleanTextField`); codes and emails
    are theirs too, and so are the names they gave themes. A job's title and messages are the
    platform's own words and are not taken out."""
    found: set[str] = set()
    for model in apps.get_models():
        if model._meta.app_label == "jobs":
            continue
        fields = [f.attname for f in model._meta.concrete_fields if _peoples(f)]
        for row in model._default_manager.values_list(*fields) if fields else []:
            found.update(_strings(row))
    from coproduce.reports.models import WorkshopReport

    for themes in WorkshopReport.objects.values_list("themes", flat=True):
        # The themes' names and notes are people's; the account of how they were found is the
        # platform's own sentence, and must be translated like any other.
        found.update(_strings(themes.get("questions", {})))
    # A library entry's sources are people's words kept as JSON, and its body is Markdown,
    # shown as the page shows it (a bold lead-in runs on into its paragraph).
    from coproduce.core.user_markdown import markdown_to_html
    from coproduce.library.models import Entry

    for links, body in Entry.objects.values_list("links", "body"):
        found.update(_strings([item.get("label", "") for item in links if isinstance(item, dict)]))
        found.update(_strings(visible_texts(markdown_to_html(body))))
    # A charter version's principles are frozen as JSON: people's words all the same.
    from coproduce.charters.models import Version

    for principles in Version.objects.values_list("principles", flat=True):
        found.update(_strings(principles))
    # So are a strategy version's sections (the demo's version 1 keeps words since changed).
    from coproduce.strategies.models import Version as StrategyVersion

    for sections in StrategyVersion.objects.values_list("sections", flat=True):
        found.update(_strings([(s.get("title", ""), s.get("text", "")) for s in sections]))
    # A self-assessment's notes and evidence links (JSON on each response) are people's words;
    # so are the items of a round frozen from a charter (a framework's are translated).
    from coproduce.assessments.models import Response, Round

    for notes in Response.objects.values_list("notes", flat=True):
        found.update(_strings([v for given in notes.values() for v in given.values()]))
    for items in Round.objects.filter(assessment__framework="").values_list("items", flat=True):
        found.update(
            _strings([item.get(key, "") for item in items for key in ("title", "meaning")])
        )
    # Time zones go by their standard names, the same in every language.
    zones = zoneinfo.available_timezones()
    found.update(zones | {zone.replace("_", " ") for zone in zones})
    return sorted((text for text in found if text.strip()), key=len, reverse=True)


def _peoples(field) -> bool:
    clean = (CleanCharField, CleanTextField, EmailAddressField, models.EmailField)
    return isinstance(field, clean) or field.name.endswith("code") or field.name == "slug"


def _strings(value) -> set[str]:
    if isinstance(value, str):
        return {" ".join(value.split())}
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, list | tuple):
        return set().union(*(_strings(item) for item in value)) if value else set()
    return set()


def unmarked(text: str, data: list[str]) -> list[str]:
    """The fragments of a text left once translated words, people's data, numbers and
    punctuation are taken out; none when everything in it was translated or people's."""
    # Addresses are the same in every language; taken out first, so that a name in one
    # ("comune.bologna.it") does not break it into pieces that look like words.
    text = re.sub(r"\w+://[^\s)>\]]+", " ", text)
    if text.startswith(_DIFF_MARK):
        text = text[len(_DIFF_MARK) :]
        if all(_in_someones_text(piece, data) for piece in _outside_marks(text).split(_CUT)):
            return []
    left = []
    for fragment in _outside_marks(text).split(_CUT):
        fragment = " ".join(fragment.split())
        if _part_of(fragment, data):
            continue
        for value in data:
            if value.casefold() in fragment.casefold():
                # Whole words only: a name "Es" must not cut "interesting" in two.
                whole = rf"(?<!\w){re.escape(value)}(?!\w)"
                fragment = re.sub(whole, _CUT, fragment, flags=re.IGNORECASE)
                # One text and, cut short after it, the start of another (a search snippet).
                head, cut, tail = fragment.rpartition(_CUT)
                if cut and _part_of(tail, data):
                    fragment = head + cut
        left.extend(piece for piece in fragment.split(_CUT) if not _part_of(piece, data))
    return [f for f in (_words(piece) for piece in left) if f]


def _part_of(piece: str, data: list[str]) -> bool:
    """A piece of someone's text: cut short ("…"), one paragraph of several, or one line of a
    table cell (figures and punctuation around it aside)."""
    cut_short = piece.rstrip().endswith("…")
    piece = re.sub(r"^[\W\d_]+|[\W\d_]+$", "", piece).casefold()
    if not (cut_short or len(piece.split()) >= 3):
        return False
    return bool(piece) and any(piece in value.casefold() for value in data)


def _in_someones_text(piece: str, data: list[str]) -> bool:
    """A word or more (punctuation aside) found in something people wrote, or nothing."""
    piece = re.sub(r"^[\W\d_]+|[\W\d_]+$", "", " ".join(piece.split())).casefold()
    return not piece or any(piece in value.casefold() for value in data)


def _words(piece: str) -> str:
    piece = re.sub(r"\w+://\S+", " ", piece)  # addresses are the same in every language
    for name in PROPER_NAMES:
        piece = re.sub(rf"(?<!\w){name}(?!\w)", " ", piece)
    return " ".join(re.sub(r"[\W\d_]+", " ", piece).split())


def _outside_marks(text: str) -> str:
    """The text outside every mark (a translated sentence may hold translated words, so
    marks nest)."""
    kept, depth = [], 0
    for char in text:
        if char in (OPEN, CLOSE):
            depth = depth + 1 if char == OPEN else max(depth - 1, 0)
            kept.append(_CUT)
        elif depth == 0:
            kept.append(char)
    return "".join(kept)


def unmarked_on_page(html: str, data: list[str]) -> list[str]:
    return sorted({f for text in visible_texts(html) for f in unmarked(text, data)})
