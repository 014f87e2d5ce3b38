"""The links between entries and the work, read from both sides (and removed).

An entry's page lists where it was brought into the work; a workshop's page lists the entries
its café discussed; a coalition's page lists its own entries and those linked to its work.
Each side shows only what the visitor may see: a link into a private coalition's workshop is
not listed on a public entry's page for outsiders, and a private coalition's entry is not
listed on a public workshop's page for them either.
"""

from dataclasses import dataclass, field

from django.db.models import Max, Q
from django.utils.translation import gettext as _

from coproduce.coalitions.models import Visibility
from coproduce.coalitions.permissions import Action, Visitor, can

from .models import Entry, Link, Status
from .rules import visible_entries

SHOWN = 20  # entries per panel; the library's search lists the rest
LINKS_SHOWN = 50  # places per entry page
LINKS_SCANNED = 1000  # links read to find those places, at most


@dataclass(frozen=True)
class LinkView:
    """One place an entry was brought into the work, as the entry page shows it."""

    label: str
    url: str
    note: str
    kind: str  # "coalition", "workshop" or "question"


@dataclass
class LinkedEntry:
    entry: Entry
    note: str
    link_id: int


@dataclass
class EntryGroup:
    """The entries linked to one café question (question None: to the workshop as a whole)."""

    question: object  # AgendaQuestion | None
    items: list[LinkedEntry] = field(default_factory=list)


@dataclass
class CoalitionEntries:
    own: list[Entry]  # the coalition's own entries
    linked: list[Entry]  # other entries its work links to


def _visitor(who) -> Visitor:
    return who if isinstance(who, Visitor) else Visitor(who)


def _visible_ids(visitor: Visitor):
    return Entry.objects.filter(visible_entries(visitor)).values("pk")


def links_of(entry: Entry, visitor) -> list[LinkView]:
    """Where this entry is linked to the work, limited to the places the visitor may see."""
    visitor = _visitor(visitor)
    links = (
        Link.objects.filter(entry=entry)
        .select_related("coalition", "workshop__coalition", "question")
        .order_by("created_at", "pk")
    )
    # Filtered before counting: the first links may all be to places this visitor cannot see.
    shown = []
    for link in links[:LINKS_SCANNED]:
        place = link.workshop or link.coalition
        if can(visitor, Action.VIEW, place):
            shown.append(_view_of(link))
            if len(shown) == LINKS_SHOWN:
                break
    return shown


def _view_of(link: Link) -> LinkView:
    if link.workshop is None:
        return LinkView(
            link.coalition.name, link.coalition.get_absolute_url(), link.note, "coalition"
        )
    url = link.workshop.get_absolute_url()
    if link.question is None:
        return LinkView(link.workshop.title, url, link.note, "workshop")
    label = _("%(workshop)s – café question: %(question)s") % {
        "workshop": link.workshop.title,
        "question": str(link.question),
    }
    return LinkView(label, url, link.note, "question")


def workshop_links(workshop):
    """The links of a workshop and of its café questions (one query's condition)."""
    return Link.objects.filter(Q(workshop=workshop) | Q(question__agenda_item__workshop=workshop))


def entries_for_workshop(workshop, visitor) -> list[EntryGroup]:
    """The entries the workshop (and its café questions) discussed that the visitor may see,
    grouped by question in agenda order; those linked to the workshop as a whole come last."""
    visitor = _visitor(visitor)
    links = (
        workshop_links(workshop)
        .filter(entry_id__in=_visible_ids(visitor))
        .select_related("entry", "question__agenda_item")
        .order_by("created_at", "pk")
    )
    groups: dict[object, EntryGroup] = {}
    for link in links:
        group = groups.setdefault(link.question_id, EntryGroup(link.question))
        if len(group.items) < SHOWN:
            group.items.append(LinkedEntry(link.entry, link.note, link.pk))
    return sorted(groups.values(), key=_group_order)


def _group_order(group: EntryGroup) -> tuple:
    question = group.question
    if question is None:
        return (1, 0, 0, 0)
    return (0, question.agenda_item.order, question.order, question.pk)


def entries_for_coalition(coalition, visitor) -> CoalitionEntries:
    """The coalition's own entries (newest first) and the other entries linked to its work
    (most recently linked first), as far as the visitor may see them."""
    visible = Entry.objects.filter(visible_entries(_visitor(visitor)))
    own = visible.filter(coalition=coalition).order_by("-created_at", "-pk")[:SHOWN]
    linked = (
        visible.filter(work_links__coalition=coalition)
        .exclude(coalition=coalition)
        .annotate(last_linked=Max("work_links__created_at"))
        .order_by("-last_linked", "-pk")[:SHOWN]
    )
    return CoalitionEntries(own=list(own), linked=list(linked))


def entries_for_report(workshop) -> list[Link]:
    """The links the workshop report lists as examples mentioned.

    A report is read by whoever the coalition shows it to, so it lists only entries that
    readers of the coalition's work may see anyway: published ones of the shared library, of a
    public coalition, or of the workshop's own coalition. An entry of another private
    coalition, linked by someone who belongs to both, stays out."""
    shown = Q(coalition__isnull=True) | Q(coalition__visibility=Visibility.PUBLIC)
    shown |= Q(coalition_id=workshop.coalition_id)
    entries = Entry.objects.filter(shown, status=Status.PUBLISHED).values("pk")
    return list(
        workshop_links(workshop)
        .filter(entry_id__in=entries)
        .select_related("entry", "question__agenda_item")
        .order_by("created_at", "pk")
    )


def unlink(link: Link) -> None:
    """Take an entry out of a place in the work (the entry itself stays in the library)."""
    link.delete()
