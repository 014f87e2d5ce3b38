"""How a draft charter changes: started, edited, commented on, changed by proposals, put to a
conversation.

Every change to the wording goes through here and ends in `make_version`, so the versions are
a complete history of the words and any two can be compared (comparing.py). Text is cleaned
here (the models use plain fields) so what is stored is what every page shows.
"""

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from coproduce.conversations import services as conversation_services
from coproduce.core.text import clean_text
from coproduce.reports.services import report_of
from coproduce.reports.themes import Theme

from . import frameworks
from .models import TEXT_MAX, TITLE_MAX, Charter, Comment, Principle, Proposal, Version

WHAT_CHANGED_MAX = 500
STATEMENT_MAX = 5000
PRINCIPLES_MAX = 60  # a charter people can read and sign; also what the edit page can hold


class CharterError(Exception):
    """Something the person must fix; `field` names the field when there is one."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


class StaleDraft(CharterError):
    """Someone saved the draft after the version this edit started from: nothing was saved."""

    def __init__(self, base: int, latest: "Version"):
        super().__init__(_("Someone else saved the draft while you were editing it."))
        self.base, self.latest = base, latest


def _too_many() -> CharterError:
    return CharterError(
        _("A charter can have at most %(max)s principles. Merge or remove some first.")
        % {"max": PRINCIPLES_MAX}
    )


def _locked(charter_pk: int) -> Charter:
    """The charter row locked until the transaction ends: one change to the draft at a time,
    and every check made under the lock sees the words the change will apply to."""
    return Charter.objects.select_for_update().get(pk=charter_pk)


@dataclass
class Wording:
    """One principle as typed: `pk` is the draft principle it changes, None for a new one."""

    title: str
    meaning: str
    asks: str = ""
    pk: int | None = None


def _line(value: str) -> str:
    return clean_text(value or "", multiline=False).strip()


def _text(value: str) -> str:
    return clean_text(value or "").strip()


def _checked(wording: Wording) -> Wording:
    """Cleaned, or refused naming the field (the forms check first; this guards the rest)."""
    title, meaning, asks = _line(wording.title), _text(wording.meaning), _text(wording.asks)
    if not title:
        raise CharterError(_("Every principle needs a title."), "title")
    if len(title) > TITLE_MAX:
        raise CharterError(_("The title is too long."), "title")
    if len(meaning) > TEXT_MAX:
        raise CharterError(_("“What it means” is too long."), "meaning")
    if len(asks) > TEXT_MAX:
        raise CharterError(_("“What it asks of signatories” is too long."), "asks")
    return Wording(title, meaning, asks, wording.pk)


# Starting ------------------------------------------------------------------------------------


def workshop_themes(workshop) -> list[Wording]:
    """The themes of a workshop's harvest, in the report's order, as first principles: the
    theme's label as the title, and the note the report quotes for it as what it means."""
    from coproduce.cafe.models import Note

    report = report_of(workshop)
    themes = [
        Theme.from_dict(raw)
        for raws in (report.themes or {}).get("questions", {}).values()
        for raw in raws
    ]
    quotes = dict(
        Note.objects.filter(pk__in=[t.example_id for t in themes]).values_list("pk", "text")
    )
    found, seen = [], set()
    for theme in themes:
        title = _line(theme.label)[:TITLE_MAX]
        if not title or title.casefold() in seen:
            continue
        seen.add(title.casefold())
        found.append(Wording(title, _text(quotes.get(theme.example_id, ""))[:TEXT_MAX]))
    return found


@transaction.atomic
def start_charter(
    coalition, *, title: str, by=None, preamble: str = "", framework: str = "", workshop=None
) -> Charter:
    """A new draft: blank, from a built-in framework (credited), or from a workshop's themes.
    Its first version is made at once, so there is always a version to compare with."""
    title = _line(title)
    if not title:
        raise CharterError(_("The charter needs a title."), "title")
    chosen = frameworks.framework(framework) if framework else None
    if framework and chosen is None:
        raise CharterError(_("Choose one of the frameworks offered."), "framework")
    charter = Charter.objects.create(
        coalition=coalition,
        title=title[:TITLE_MAX],
        preamble=_text(preamble),
        framework=chosen.key if chosen else "",
        credit=str(chosen.credit) if chosen else "",
        from_workshop=workshop,
        created_by=by,
    )
    if chosen is not None:
        wordings = [Wording(str(i.title), str(i.meaning), str(i.asks)) for i in chosen.items]
        what = _("Started from %(name)s.") % {"name": chosen.name}
    elif workshop is not None:
        wordings = workshop_themes(workshop)
        what = _("Started from the themes of “%(title)s”.") % {"title": workshop.title}
        if len(wordings) > PRINCIPLES_MAX:
            # The rest stay in the workshop's report; a charter holds at most this many.
            what = _("Started from the first %(max)s of the %(count)s themes of “%(title)s”.") % {
                "max": PRINCIPLES_MAX,
                "count": len(wordings),
                "title": workshop.title,
            }
            wordings = wordings[:PRINCIPLES_MAX]
    else:
        wordings, what = [], _("Started blank.")
    Principle.objects.bulk_create(
        Principle(charter=charter, position=i, title=w.title, meaning=w.meaning, asks=w.asks)
        for i, w in enumerate(wordings)
    )
    make_version(charter, by=by, what_changed=what)
    return charter


# Versions ------------------------------------------------------------------------------------


def snapshot_of(charter: Charter) -> list[dict]:
    return [
        {"principle": p.pk, "title": p.title, "meaning": p.meaning, "asks": p.asks}
        for p in charter.principles.order_by("position", "pk")
    ]


def latest_version(charter: Charter) -> Version | None:
    return charter.versions.order_by("-number").first()


@transaction.atomic
def make_version(charter: Charter, *, by=None, what_changed: str = "") -> Version:
    """Freeze the draft as it is now into the next version (one number at a time: the words
    frozen are the locked row's, not those of a copy loaded before someone else's save)."""
    locked = _locked(charter.pk)
    last = locked.versions.aggregate(n=Max("number"))["n"] or 0
    now = timezone.now()
    Charter.objects.filter(pk=locked.pk).update(updated_at=now)
    return Version.objects.create(
        charter=locked,
        number=last + 1,
        title=locked.title,
        preamble=locked.preamble,
        principles=snapshot_of(locked),
        what_changed=_line(what_changed)[:WHAT_CHANGED_MAX],
        made_by=by,
        made_at=now,
    )


# Editing -------------------------------------------------------------------------------------


@transaction.atomic
def save_draft(
    charter: Charter,
    *,
    title: str,
    preamble: str,
    principles: list[Wording],
    what_changed: str,
    by=None,
    removed=(),
    base: int | None = None,
) -> Version | None:
    """An organiser's edit of the whole draft: title, preamble and the principles in their new
    order (new ones have no pk). Only the principles in `removed` are taken out: one the form
    did not show (accepted meanwhile) stays, after the others. With `base`, the version the
    edit started from, a save made since is refused with StaleDraft and nothing is written.
    A new version when anything changed, None when nothing did."""
    title, preamble = _line(title), _text(preamble)
    if not title:
        raise CharterError(_("The charter needs a title."), "title")
    wordings = [_checked(w) for w in principles]
    charter = _locked(charter.pk)
    latest = latest_version(charter)
    if base and latest and base != latest.number:
        raise StaleDraft(base, latest)
    before = (charter.title, charter.preamble, snapshot_of(charter))
    existing = {p.pk: p for p in charter.principles.order_by("position", "pk")}
    gone = set(removed) & set(existing)
    listed = {w.pk for w in wordings}
    wordings += [_wording(p) for pk, p in existing.items() if pk not in listed | gone]
    if len(wordings) > PRINCIPLES_MAX:
        raise _too_many()
    for pk in gone:
        _remove(existing[pk], by)
    for position, wording in enumerate(wordings):
        principle = existing.get(wording.pk) or Principle(charter=charter)
        principle.position = position
        principle.title, principle.meaning, principle.asks = (
            wording.title,
            wording.meaning,
            wording.asks,
        )
        principle.save()
    charter.title, charter.preamble = title[:TITLE_MAX], preamble
    charter.save(update_fields=["title", "preamble"])
    if (charter.title, charter.preamble, snapshot_of(charter)) == before:
        return None
    return make_version(charter, by=by, what_changed=what_changed or _("Edited by an organiser."))


def _wording(principle: Principle) -> Wording:
    return Wording(principle.title, principle.meaning, principle.asks, principle.pk)


def _remove(principle: Principle, by) -> None:
    """A removed principle's open proposals are answered, so nobody waits on them."""
    principle.proposals.filter(status=Proposal.Status.OPEN).update(
        status=Proposal.Status.DECLINED,
        reply=_("This principle was removed from the draft."),
        decided_by=by,
        decided_at=timezone.now(),
    )
    principle.delete()


# Discussing ----------------------------------------------------------------------------------


def add_comment(principle: Principle, *, text: str, by) -> Comment:
    text = _text(text)
    if not text:
        raise CharterError(_("Write a comment first."), "text")
    if len(text) > TEXT_MAX:
        raise CharterError(_("The comment is too long."), "text")
    return Comment.objects.create(principle=principle, author=by, text=text)


def propose(
    charter: Charter, wording: Wording, *, reason: str, by, principle: Principle | None = None
) -> Proposal:
    """A suggested new wording of `principle`, or a new principle when it is None, against the
    latest version (so a later change to the same words can be shown beside it)."""
    wording = _checked(wording)
    if principle is not None and _same(wording, principle):
        raise CharterError(
            _("This is the wording the principle has now: change it before you propose it."),
            "title",
        )
    reason = _text(reason)
    if not reason:
        raise CharterError(_("Say why you propose this change."), "reason")
    if len(reason) > TEXT_MAX:
        raise CharterError(_("The reason is too long."), "reason")
    return Proposal.objects.create(
        charter=charter,
        principle=principle,
        based_on=latest_version(charter),
        title=wording.title,
        meaning=wording.meaning,
        asks=wording.asks,
        reason=reason,
        author=by,
    )


def _same(wording: Wording, principle: Principle) -> bool:
    now = (_line(principle.title), _text(principle.meaning), _text(principle.asks))
    return (wording.title, wording.meaning, wording.asks) == now


def _decided(proposal: Proposal, status: str, reply: str, by) -> None:
    proposal.status, proposal.reply = status, reply
    proposal.decided_by, proposal.decided_at = by, timezone.now()


@transaction.atomic
def accept(proposal: Proposal, *, by, reply: str = "") -> Version:
    """Apply the proposed wording to the draft and make a new version."""
    charter = _locked(proposal.charter_id)  # first, as every change to the draft does
    proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
    if proposal.status != Proposal.Status.OPEN:
        raise CharterError(_("This proposal was already decided."))
    reply = _text(reply)[:TEXT_MAX]
    principle = proposal.principle
    if principle is None:
        if charter.principles.count() >= PRINCIPLES_MAX:
            raise _too_many()
        last = charter.principles.aggregate(n=Max("position"))["n"]
        principle = Principle(charter=charter, position=0 if last is None else last + 1)
    principle.title, principle.meaning, principle.asks = (
        proposal.title,
        proposal.meaning,
        proposal.asks,
    )
    principle.save()
    author = proposal.author.full_name if proposal.author else _("someone")
    version = make_version(
        charter,
        by=by,
        what_changed=_("Accepted the change to “%(title)s” proposed by %(name)s.")
        % {"title": proposal.title, "name": author},
    )
    _decided(proposal, Proposal.Status.ACCEPTED, reply, by)
    proposal.principle, proposal.made_version = principle, version
    proposal.save()
    return version


@transaction.atomic
def decline(proposal: Proposal, *, by, reply: str) -> Proposal:
    """Decline with a reply: the proposer is owed the reason."""
    proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
    if proposal.status != Proposal.Status.OPEN:
        raise CharterError(_("This proposal was already decided."))
    reply = _text(reply)
    if not reply:
        raise CharterError(_("Say why you decline it: the proposer is owed a reply."), "reply")
    if len(reply) > TEXT_MAX:
        raise CharterError(_("The reply is too long."), "reply")
    _decided(proposal, Proposal.Status.DECLINED, reply, by)
    proposal.save()
    return proposal


# Putting it to a conversation ----------------------------------------------------------------


def statement_of(title: str, meaning: str) -> str:
    """The statement a principle becomes: its title and what it means, in one sentence."""
    text = f"{title}: {meaning}" if meaning else title
    return text[:STATEMENT_MAX]


@transaction.atomic
def put_to_conversation(charter: Charter, *, by=None, is_sample: bool = False):
    """A conversation in the coalition with each principle as a statement, linked to the
    charter so its page can show where people agree."""
    locked = _locked(charter.pk)  # two posts at once make one conversation, not two
    if locked.conversation_id is not None:
        raise CharterError(
            _("The principles are already in a conversation: people vote on them there.")
        )
    principles = list(locked.principles.order_by("position", "pk"))
    if not principles:
        raise CharterError(_("Add principles before putting the charter to a conversation."))
    conversation = conversation_services.open_conversation(
        coalition=charter.coalition,
        question=_("Do you agree with these principles for “%(title)s”?")
        % {"title": locked.title[:400]},
        description=_("Each statement is a principle of the draft charter."),
        seed_statements=[statement_of(p.title, p.meaning) for p in principles],
        is_sample=is_sample,
    )
    locked.conversation = charter.conversation = conversation
    locked.save(update_fields=["conversation"])
    return conversation
