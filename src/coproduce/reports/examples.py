"""The report's "examples mentioned": library entries the workshop linked to its discussions.

Gathered as plain data with the rest of the report (`gather`), built into a section of the
document (`section`), and part of the report's fingerprint so that a new link, or a change to
a linked entry, makes the report's files out of date. A workshop with no linked entries has no
such section at all.
"""

from dataclasses import dataclass, field
from urllib.parse import quote

from django.utils.translation import gettext as _

from coproduce.core.countries import country_name
from coproduce.library.links import entries_for_report

from .document import Markdown, Section

KEY = "examples"
# Characters kept as they are in a source's address; anything else (spaces, angle brackets,
# quotes) is percent-encoded so the address stays one link in every format.
URL_SAFE = ":/?#[]@!$&'()*+,;=%~"
WEB = ("https://", "http://")


@dataclass
class Example:
    title: str
    kind: str  # the kind's label: Case, Method, Organisation, Policy
    city: str
    country: str
    start_year: int | None
    end_year: int | None
    description: str
    sources: list[tuple[str, str]]  # (label, url)
    places: list[str] = field(default_factory=list)  # where it was linked: a question or ""
    notes: list[str] = field(default_factory=list)  # why it was linked there


def gather_examples(workshop) -> list[Example]:
    """The linked entries, each once, in the order the workshop's café took them up."""
    found: dict[int, Example] = {}
    for link in sorted(entries_for_report(workshop), key=_order):
        entry = link.entry
        example = found.get(entry.pk)
        if example is None:
            example = found[entry.pk] = Example(
                title=entry.title,
                kind=str(entry.get_kind_display()),
                city=entry.city,
                country=country_name(entry.country),
                start_year=entry.start_year,
                end_year=entry.end_year,
                description=entry.description,
                sources=_sources(entry),
            )
        place = str(link.question) if link.question is not None else ""
        if place not in example.places:
            example.places.append(place)
        if link.note and link.note not in example.notes:
            example.notes.append(link.note)
    return list(found.values())


def _order(link) -> tuple:
    question = link.question
    if question is None:
        return (1, 0, 0, 0, link.pk)
    return (0, question.agenda_item.order, question.order, question.pk, link.pk)


def _sources(entry) -> list[tuple[str, str]]:
    """The entry's web addresses; anything else (a javascript: link someone typed) is left out."""
    sources = []
    for item in entry.links or []:
        url = str(item.get("url", "")).strip() if isinstance(item, dict) else ""
        if url.lower().startswith(WEB):
            sources.append((str(item.get("label", "")).strip(), url))
    if entry.source_url and all(url != entry.source_url for _label, url in sources):
        sources.append(("", entry.source_url))
    return sources


def fingerprint_part(workshop) -> list:
    """What the section shows, as it changes: the links, and the entries by when they last
    changed and whether they are published."""
    return [
        (
            link.pk,
            link.question_id,
            link.note,
            link.entry_id,
            link.entry.updated_at.isoformat(),
            link.entry.status,
        )
        for link in entries_for_report(workshop)
    ]


# --- the section -----------------------------------------------------------------------------


def section(examples: list[Example], escape) -> Section | None:
    """The "Examples mentioned" section, or None (left out) when nothing is linked.
    `escape` keeps people's text literal inside the generated Markdown."""
    if not examples:
        return None
    blocks = [
        Markdown(
            escape(
                _(
                    "Cases, methods and policies from the library that the workshop linked to "
                    "its discussions, with where to read more about each."
                )
            )
        )
    ]
    blocks += [Markdown(_example_text(example, escape)) for example in examples]
    return Section(key=KEY, heading=_("Examples mentioned"), blocks=tuple(blocks))


def _example_text(example: Example, escape) -> str:
    lines = [f"### {escape(example.title)}", escape(" · ".join(_what_where_when(example)))]
    if example.description:
        lines.append(escape(example.description))
    places = [p for p in example.places if p]
    if places:
        discussed = _("Discussed under: %(questions)s") % {"questions": "; ".join(places)}
        lines.append(escape(discussed))
    why = escape(_("Why it was mentioned:"))
    for note in example.notes:
        lines.append(f"*{why}* {escape(note)}")
    if example.sources:
        links = "; ".join(_link(label, url, escape) for label, url in example.sources)
        source = escape(_("Source:"))
        lines.append(f"{source} {links}")
    else:
        lines.append(escape(_("No source is given for this entry.")))
    return "\n\n".join(lines)


def _what_where_when(example: Example) -> list[str]:
    where = ", ".join(part for part in (example.city, example.country) if part)
    return [part for part in (example.kind, where, _years(example)) if part]


def _years(example: Example) -> str:
    start, end = example.start_year, example.end_year
    if start and end and end != start:
        return f"{start}–{end}"
    return str(start or end or "")


def _link(label: str, url: str, escape) -> str:
    target = quote(url, safe=URL_SAFE)
    return f"[{escape(label or url)}](<{target}>)"
