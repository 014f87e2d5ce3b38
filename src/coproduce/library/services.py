"""How entries change: created, edited (each edit a revision), moderated, corrected, linked.

Every write goes through here so the revision history, the facets and the search index never
drift from the entry itself.
"""

from django.db import transaction
from django.utils import timezone

from coproduce.core.text import clean_text

from . import facets
from .models import Correction, Entry, Link, Revision, Status
from .search import index

# How the process worked, in Participedia's terms, and how it stands as coproduction (ours):
# the facts of an entry page, in this order.
PRACTICE = (
    "issues",
    "topics",
    "purposes",
    "approaches",
    "method_types",
    "decision_methods",
    "organiser_types",
    "iap2_level",
    "participants",
    "recruitment",
    "mode",
)
AS_COPRODUCTION = ("four_cos", "ladder_step", "decision_rights")
# What a person may change on an entry, and what each revision keeps.
EDITABLE = (
    "kind",
    "title",
    "description",
    "body",
    "language",
    "city",
    "province",
    "country",
    "start_year",
    "end_year",
    "links",
    "licence",
    *PRACTICE,
    *AS_COPRODUCTION,
)


class Conflict(Exception):
    """The entry changed after the person started from it."""


def snapshot(entry: Entry) -> dict:
    return {name: getattr(entry, name) for name in EDITABLE}


def refresh_derived(entries: list[Entry]) -> None:
    """Facets and search index, after entries were saved (one batch for an import)."""
    facets.write(entries)
    index.update(entries)


@transaction.atomic
def create_entry(data: dict, *, author=None, coalition=None, note: str = "") -> Entry:
    """A new entry. A coalition's own is published at once (its members vouch for it); one
    for the shared library waits for a moderator."""
    entry = Entry(coalition=coalition, added_by=author, **_editable(data))
    entry.status = Status.PUBLISHED if coalition is not None else Status.PENDING
    entry.full_clean()
    entry.save()
    _revise(entry, author, note)
    refresh_derived([entry])
    return entry


@transaction.atomic
def update_entry(
    entry: Entry, data: dict, *, author=None, note: str = "", base: int | None = None
) -> Entry:
    """Change an entry and keep the new text as a revision. `base` is the revision number the
    person started from; if someone saved in between, Conflict (nothing is overwritten)."""
    entry = Entry.objects.select_for_update().get(pk=entry.pk)
    if base is not None and base != latest_number(entry):
        raise Conflict
    for name, value in _editable(data).items():
        setattr(entry, name, value)
    entry.updated_at = timezone.now()
    entry.full_clean()
    entry.save()
    _revise(entry, author, note)
    refresh_derived([entry])
    return entry


def latest_number(entry: Entry) -> int:
    return entry.revisions.order_by("-number").values_list("number", flat=True).first() or 0


def _revise(entry: Entry, author, note: str) -> Revision:
    return Revision.objects.create(
        entry=entry,
        number=latest_number(entry) + 1,
        data=snapshot(entry),
        author=author,
        note=note,
    )


def _editable(data: dict) -> dict:
    unknown = set(data) - set(EDITABLE)
    if unknown:
        raise ValueError(f"Not an editable field: {', '.join(sorted(unknown))}")
    return dict(data)


@transaction.atomic
def moderate(entry: Entry, publish: bool) -> Entry:
    # Read again under a lock: the page may hold an older text than an edit saved since, and
    # that older text must not go back into the index.
    entry = Entry.objects.select_for_update().get(pk=entry.pk)
    entry.status = Status.PUBLISHED if publish else Status.DECLINED
    entry.save(update_fields=["status"])
    refresh_derived([entry])
    return entry


def changes_from(entry: Entry, data: dict, base: int | None = None) -> dict:
    """The fields whose values differ from the revision `base` (the latest when None), with
    text compared as it would be stored: browsers send CR LF, the database keeps LF."""
    number = latest_number(entry) if base is None else base
    revision = entry.revisions.filter(number=number).first()
    before = revision.data if revision is not None else snapshot(entry)
    proposed = {name: _as_stored(value) for name, value in _editable(data).items()}
    return {name: value for name, value in proposed.items() if before.get(name) != value}


def _as_stored(value):
    return clean_text(value) if isinstance(value, str) else value


def propose_correction(
    entry: Entry, data: dict, reason: str, *, author, base: int | None = None
) -> Correction:
    """A correction of the text the person read (revision `base`): if the entry changed since,
    the correction says so and cannot be accepted over the newer text."""
    base = latest_number(entry) if base is None else base
    correction = Correction(
        entry=entry,
        base_number=base,
        data=changes_from(entry, data, base),
        reason=reason,
        proposed_by=author,
    )
    correction.full_clean()
    correction.save()
    return correction


@transaction.atomic
def decide_correction(correction: Correction, accept: bool, reply: str, *, by) -> Correction:
    """Accepting applies the proposed values as a new revision credited to the proposer; it is
    refused (Conflict) when the entry changed since the correction was written."""
    if accept:
        update_entry(
            correction.entry,
            correction.data,
            author=correction.proposed_by,
            note=correction.reason[:300],
            base=correction.base_number,
        )
    correction.state = Correction.State.ACCEPTED if accept else Correction.State.DECLINED
    correction.reply = reply
    correction.decided_by = by
    correction.decided_at = timezone.now()
    correction.save()
    return correction


def link_entry(entry: Entry, *, coalition, workshop=None, question=None, note="", by=None) -> Link:
    """Bring an entry into a coalition's work; linking the same place twice changes nothing."""
    link, _created = Link.objects.get_or_create(
        entry=entry,
        coalition=coalition,
        workshop=workshop,
        question=question,
        defaults={"note": note, "added_by": by},
    )
    return link
