"""How a strategy changes: written by organisers section by section, amended by members,
decided by organisers. Every change to the words ends in `make_version`.

Who may do what is the pages' doors' business (organisers write and decide, members propose
and comment); here are the rules on what is entered and on the order of things, each refusal
a message naming its field.
"""

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import REASON_MAX, TEXT_MAX, TITLE_MAX, Amendment, Comment, Section, Strategy, Version

SECTIONS_MAX = 80


class StrategyError(Exception):
    """Something the person must fix; `field` names the field when there is one."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


class StaleAmendment(StrategyError):
    """The section's words changed since the amendment was written: nothing was changed."""

    def __init__(self, amendment: Amendment):
        super().__init__(
            _(
                "The section changed after this amendment was proposed. Read its words now "
                "and decide again: accepting would replace them."
            )
        )
        self.amendment = amendment


def _title(value: str) -> str:
    value = " ".join(str(value or "").split())
    if not value:
        raise StrategyError(_("Give it a title."), "title")
    if len(value) > TITLE_MAX:
        raise StrategyError(_("The title is too long."), "title")
    return value


def _text(value: str, field: str, limit: int = TEXT_MAX, *, required: bool = False) -> str:
    value = str(value or "").strip()
    if required and not value:
        raise StrategyError(_("This cannot be empty."), field)
    if len(value) > limit:
        raise StrategyError(_("This is too long."), field)
    return value


@transaction.atomic
def start_strategy(coalition, *, title: str, sections: list[tuple[str, str]], by=None) -> Strategy:
    if len(sections) > SECTIONS_MAX:
        raise StrategyError(_("A strategy has at most %(n)s sections.") % {"n": SECTIONS_MAX})
    strategy = Strategy.objects.create(coalition=coalition, title=_title(title), created_by=by)
    for position, (section_title, text) in enumerate(sections):
        Section.objects.create(
            strategy=strategy,
            position=position,
            title=_title(section_title),
            text=_text(text, "text"),
        )
    make_version(strategy, by=by, what_changed=_("First draft"))
    return strategy


def _locked(strategy: Strategy) -> Strategy:
    return Strategy.objects.select_for_update().get(pk=strategy.pk)


def make_version(strategy: Strategy, *, by=None, what_changed: str = "") -> Version:
    last = strategy.versions.aggregate(n=Max("number"))["n"] or 0
    strategy.updated_at = timezone.now()
    strategy.save(update_fields=["updated_at"])
    return Version.objects.create(
        strategy=strategy,
        number=last + 1,
        title=strategy.title,
        sections=[
            {"section": s.pk, "title": s.title, "text": s.text}
            for s in strategy.sections.order_by("position", "pk")
        ],
        what_changed=what_changed[:500],
        made_by=by,
    )


@transaction.atomic
def save_section(section: Section, *, title: str, text: str, by=None) -> Version | None:
    """An organiser's new words for a section; None when nothing changed."""
    _locked(section.strategy)
    section = Section.objects.select_for_update().get(pk=section.pk)
    title, text = _title(title), _text(text, "text")
    if (title, text) == (section.title, section.text):
        return None
    section.title, section.text = title, text
    section.revision += 1
    section.save(update_fields=["title", "text", "revision"])
    what = _("“%(section)s” edited") % {"section": title}
    return make_version(section.strategy, by=by, what_changed=what)


def propose(
    strategy: Strategy, *, section: Section | None, title: str, text: str, why: str, by
) -> Amendment:
    """A member's amendment to a section (or a new section, `section` None)."""
    if section is not None and section.strategy_id != strategy.pk:
        raise StrategyError(_("That section belongs to another strategy."), "section")
    return Amendment.objects.create(
        strategy=strategy,
        section=section,
        based_on_revision=section.revision if section else 0,
        title=_title(title),
        text=_text(text, "text", required=True),
        why=_text(why, "why", REASON_MAX, required=True),
        author=by,
    )


def comment(amendment: Amendment, *, text: str, by) -> Comment:
    return Comment.objects.create(
        amendment=amendment, text=_text(text, "text", REASON_MAX, required=True), author=by
    )


def _open(amendment: Amendment) -> Amendment:
    found = (
        Amendment.objects.select_for_update(of=("self",))
        .select_related("section")
        .get(pk=amendment.pk)
    )
    if found.status != Amendment.Status.OPEN:
        raise StrategyError(_("This amendment was already decided."))
    return found


def _decided(amendment: Amendment, status: str, reason: str, by, version=None) -> Amendment:
    amendment.status, amendment.reason = status, reason
    amendment.decided_by, amendment.decided_at = by, timezone.now()
    amendment.made_version = version
    amendment.save(
        update_fields=[
            "status",
            "reason",
            "decided_by",
            "decided_at",
            "made_version",
            "merged_into",
        ]
    )
    return amendment


@transaction.atomic
def accept(amendment: Amendment, *, by, reason: str = "", seen_changes: bool = False) -> Version:
    """Put the amendment's words in. Over words that changed since it was written, only once
    the organiser has seen them (`seen_changes`)."""
    strategy = _locked(amendment.strategy)
    amendment = _open(amendment)
    reason = _text(reason, "reason", REASON_MAX)
    if amendment.is_stale and not seen_changes:
        raise StaleAmendment(amendment)
    section = amendment.section
    if section is None:
        position = (strategy.sections.aggregate(n=Max("position"))["n"] or 0) + 1
        if strategy.sections.count() >= SECTIONS_MAX:
            raise StrategyError(_("A strategy has at most %(n)s sections.") % {"n": SECTIONS_MAX})
        section = Section.objects.create(
            strategy=strategy, position=position, title=amendment.title, text=amendment.text
        )
    else:
        section.title, section.text = amendment.title, amendment.text
        section.revision += 1
        section.save(update_fields=["title", "text", "revision"])
    what = _("Amendment accepted: “%(title)s”") % {"title": amendment.title}
    version = make_version(strategy, by=by, what_changed=what)
    _decided(amendment, Amendment.Status.ACCEPTED, reason, by, version)
    return version


@transaction.atomic
def merge(amendment: Amendment, *, into: Amendment, by, reason: str) -> Amendment:
    """The amendment is taken up in another open one on the same section, which is decided in
    its turn."""
    _locked(amendment.strategy)
    amendment = _open(amendment)
    if into.pk == amendment.pk or into.strategy_id != amendment.strategy_id:
        raise StrategyError(_("Choose another amendment of this strategy."), "into")
    if into.section_id != amendment.section_id:
        raise StrategyError(_("Only amendments to the same section can be merged."), "into")
    into = _open(into)
    amendment.merged_into = into
    reason = _text(reason, "reason", REASON_MAX, required=True)
    return _decided(amendment, Amendment.Status.MERGED, reason, by)


@transaction.atomic
def decline(amendment: Amendment, *, by, reason: str) -> Amendment:
    _locked(amendment.strategy)
    amendment = _open(amendment)
    reason = str(reason or "").strip()
    if not reason:
        raise StrategyError(_("Say why you decline it: everyone will read the reason."), "reason")
    return _decided(amendment, Amendment.Status.DECLINED, _text(reason, "reason", REASON_MAX), by)
