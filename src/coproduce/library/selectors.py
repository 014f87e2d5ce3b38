"""What the library's pages read: an entry with its surroundings, its history, what waits for a
moderator. Each read is a bounded number of queries whatever the size of the library."""

from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from coproduce.coalitions.models import Membership, Role
from coproduce.coalitions.permissions import Visitor
from coproduce.core.countries import country_name
from coproduce.core.user_markdown import safe_href

from . import diffs, labels
from .models import Correction, Entry, Revision, Status
from .rules import is_moderator, visible_entries
from .services import AS_COPRODUCTION, EDITABLE, PRACTICE


def entries() -> QuerySet:
    """Entries with what every page shows beside them."""
    return Entry.objects.select_related("coalition", "added_by")


def revisions_of(entry: Entry) -> QuerySet:
    return entry.revisions.select_related("author").order_by("-number")


def revision(entry: Entry, number: int) -> Revision | None:
    return entry.revisions.select_related("author").filter(number=number).first()


# --- what an entry says, for people ---------------------------------------------------------

# The labels of the fields as the entry page and the diffs name them.
FIELD_LABELS = {
    "kind": _("Kind"),
    "title": _("Title"),
    "description": _("Short description"),
    "body": _("Full text"),
    "language": _("Language of the text"),
    "city": _("City"),
    "province": _("Province or region"),
    "country": _("Country"),
    "start_year": _("From (year)"),
    "end_year": _("To (year)"),
    "links": _("Sources"),
    "licence": _("Licence of the text"),
    "issues": _("Issues"),
    "topics": _("Specific topics"),
    "purposes": _("Purposes"),
    "approaches": _("Approaches"),
    "method_types": _("Kinds of method"),
    "decision_methods": _("How decisions were made"),
    "organiser_types": _("Who organised it"),
    "iap2_level": _("Level of public participation"),
    "participants": _("Number of participants"),
    "recruitment": _("How participants were found"),
    "mode": _("Face to face or online"),
    "four_cos": _("The four Co's"),
    "ladder_step": _("Step on the ladder of co-production"),
    "decision_rights": _("Who holds the decision rights"),
}
# The facts listed under "How it worked" on the entry page, in this order.
FACT_FIELDS = (*PRACTICE, *AS_COPRODUCTION)


@dataclass
class Fact:
    label: str
    values: list[str]


def facts_of(entry: Entry) -> list[Fact]:
    """The entry's filled-in fields with readable labels and values."""
    facts = []
    for name in FACT_FIELDS:
        value = getattr(entry, name)
        if value in (None, "", []):
            continue
        values = value if isinstance(value, list) else [value]
        shown = [labels.label(name, v) for v in values]
        facts.append(Fact(label=str(FIELD_LABELS[name]), values=shown))
    return facts


def where_of(entry: Entry) -> str:
    country = country_name(entry.country)
    return ", ".join(part for part in (entry.city, entry.province, country) if part)


def when_of(entry: Entry) -> str:
    start, end = entry.start_year, entry.end_year
    if start and end:
        return str(start) if start == end else f"{start}–{end}"
    if start:
        return str(_("since %(year)s") % {"year": start})
    return str(end or "")


@dataclass
class Source:
    label: str
    url: str


def sources_of(entry: Entry) -> list[Source]:
    """The entry's source links that are safe to follow (http, https, mailto): an import may
    bring any text in a link, and a `javascript:` address must never become a link."""
    sources = []
    for link in entry.links or []:
        url = safe_href(link.get("url")) if isinstance(link, dict) else None
        if url:
            sources.append(Source(label=str(link.get("label") or url), url=url))
    return sources


def source_page_of(entry: Entry) -> str:
    return safe_href(entry.source_url) or ""


def readable(data: dict) -> dict:
    """A revision's data with stored keys turned into labels, for the diff."""
    shown = {}
    for name in EDITABLE:
        value = data.get(name)
        if name in labels.TABLES and isinstance(value, list):
            shown[name] = labels.labels(name, value)
        elif name in labels.TABLES:
            shown[name] = labels.label(name, value)
        else:
            shown[name] = value
    return shown


def changes_between(old: dict, new: dict) -> list[diffs.FieldChange]:
    names = {name: str(label) for name, label in FIELD_LABELS.items()}
    return diffs.diff(readable(old), readable(new), names, order=EDITABLE)


def correction_changes(correction: Correction) -> list[diffs.FieldChange]:
    """What accepting the correction would change in the entry as it is now."""
    entry = correction.entry
    current = {name: getattr(entry, name) for name in correction.data}
    return changes_between(current, correction.data)


# --- what waits for whom --------------------------------------------------------------------


def organised_coalitions(user) -> QuerySet:
    return Membership.objects.filter(person_id=user.pk, role=Role.ORGANISER).values("coalition_id")


def moderated_entries(user) -> Q:
    """The condition for entries this person moderates (see rules.may_moderate)."""
    visitor = Visitor(user)
    if visitor.is_admin:
        return Q()
    condition = Q(coalition_id__in=organised_coalitions(user))
    if is_moderator(visitor):
        condition |= Q(coalition__isnull=True)
    return condition


def pending_entries(user) -> QuerySet:
    """Shared entries waiting for a moderator (coalition entries never wait)."""
    if not is_moderator(Visitor(user)) and not Visitor(user).is_admin:
        return Entry.objects.none()
    return entries().filter(status=Status.PENDING).order_by("created_at", "pk")


def open_corrections(user) -> QuerySet:
    moderated = Entry.objects.filter(moderated_entries(user)).values("pk")
    return (
        Correction.objects.filter(state=Correction.State.OPEN, entry_id__in=moderated)
        .select_related("entry", "proposed_by")
        .order_by("created_at", "pk")
    )


def open_corrections_of(entry: Entry) -> QuerySet:
    return entry.corrections.filter(state=Correction.State.OPEN).select_related("proposed_by")


def proposals_of(user) -> QuerySet:
    """Shared entries this person proposed that are not (yet) published."""
    return (
        Entry.objects.filter(coalition__isnull=True, added_by_id=user.pk)
        .exclude(status=Status.PUBLISHED)
        .order_by("-created_at", "-pk")
    )


def corrections_by(user) -> QuerySet:
    visible = Entry.objects.filter(visible_entries(user)).values("pk")
    return (
        Correction.objects.filter(proposed_by_id=user.pk, entry_id__in=visible)
        .select_related("entry", "decided_by")
        .order_by("-created_at", "-pk")
    )
