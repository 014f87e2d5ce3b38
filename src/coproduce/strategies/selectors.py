"""Reads the strategy pages share: the coalition's strategies, a strategy's sections with their
open amendments, the amendments decided, the words an amendment was written against, and two
versions compared section by section in words (library/diffs.py, pure)."""

from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q
from django.utils.translation import gettext as _

from coproduce.library.diffs import FieldChange, diff

from .models import Amendment, Section, Strategy, Version

DECIDED_SHOWN = 50
VERSIONS_SHOWN = 200
CHANGED, ADDED, REMOVED, MOVED = "changed", "added", "removed", "moved"


def strategies_of(coalition):
    return (
        Strategy.objects.filter(coalition=coalition)
        .annotate(
            n_sections=Count("sections", distinct=True),
            n_versions=Count("versions", distinct=True),
            n_open=Count("amendments", filter=Q(amendments__status="open"), distinct=True),
        )
        .order_by("-created_at", "-pk")
    )


def _open_amendments():
    return Amendment.objects.filter(status=Amendment.Status.OPEN).select_related("author")


def sections_of(strategy: Strategy) -> list[Section]:
    """The sections with their open amendments (two queries)."""
    return list(
        strategy.sections.order_by("position", "pk").prefetch_related(
            Prefetch(
                "amendments",
                queryset=_open_amendments().order_by("created_at", "pk"),
                to_attr="open_amendments",
            )
        )
    )


def new_section_amendments(strategy: Strategy):
    return _open_amendments().filter(strategy=strategy, section__isnull=True).order_by("created_at")


def decided_amendments(strategy: Strategy):
    return (
        strategy.amendments.exclude(status=Amendment.Status.OPEN)
        .select_related("author", "decided_by", "merged_into", "made_version")
        .order_by("-decided_at", "-pk")[:DECIDED_SHOWN]
    )


def merge_targets(amendment: Amendment):
    """The other open amendments of the same section (or the other new sections)."""
    return (
        Amendment.objects.filter(
            strategy_id=amendment.strategy_id,
            status=Amendment.Status.OPEN,
            section_id=amendment.section_id,
        )
        .exclude(pk=amendment.pk)
        .order_by("created_at", "pk")
    )


def merged_into(amendment: Amendment):
    """The amendments taken up in this one."""
    return amendment.merged.order_by("decided_at", "pk")[:100]


def comments_of(amendment: Amendment):
    return amendment.comments.select_related("author").order_by("created_at", "pk")[:200]


def versions_of(strategy: Strategy):
    return strategy.versions.select_related("made_by").order_by("-number")


def version(strategy: Strategy, number: int) -> Version | None:
    return strategy.versions.filter(number=number).first()


def latest_number(strategy: Strategy) -> int:
    found = strategy.versions.order_by("-number").values_list("number", flat=True).first()
    return found or 0


# --- words compared --------------------------------------------------------------------------


def _labels() -> dict[str, str]:
    return {"title": _("Title"), "text": _("Words")}


def words_of(section: Section | None) -> dict:
    return {"title": section.title, "text": section.text} if section else {}


def words_read(amendment: Amendment) -> dict | None:
    """The section's words as they stood when the amendment was written: from the last version
    made by then (every change of words makes one). None when no version has them."""
    if amendment.section_id is None:
        return None
    before = (
        amendment.strategy.versions.filter(made_at__lte=amendment.created_at)
        .order_by("-number")
        .first()
    )
    if before is None:
        return None
    for row in before.sections:
        if row.get("section") == amendment.section_id:
            return {"title": row.get("title", ""), "text": row.get("text", "")}
    return None


def changed_since(amendment: Amendment) -> list[FieldChange]:
    """How the section's words changed after the amendment was written (empty if they did not,
    or if the words then are not known)."""
    if not amendment.is_stale:
        return []
    read = words_read(amendment)
    return diff(read, words_of(amendment.section), _labels()) if read is not None else []


def proposed_change(amendment: Amendment) -> list[FieldChange]:
    """The amendment's words against the section as it stands now."""
    proposed = {"title": amendment.title, "text": amendment.text}
    return diff(words_of(amendment.section), proposed, _labels())


@dataclass
class SectionChange:
    title: str
    state: str  # CHANGED, ADDED, REMOVED or MOVED
    changes: list[FieldChange] = field(default_factory=list)
    old_position: int | None = None  # 1-based, as people count
    new_position: int | None = None

    @property
    def moved(self) -> bool:
        return None not in (self.old_position, self.new_position) and (
            self.old_position != self.new_position
        )


@dataclass
class Comparison:
    older: Version
    newer: Version
    title: list[FieldChange]
    sections: list[SectionChange]

    @property
    def unchanged(self) -> bool:
        return not self.title and not self.sections


def _key(item: dict, index: int):
    return item.get("section") or f"at-{index}"


def compare(older: Version, newer: Version) -> Comparison:
    """Two versions section by section: a section is matched by the draft section it was
    frozen from, so one renamed and moved shows as changed and moved."""
    title = diff({"title": older.title}, {"title": newer.title}, {"title": _("Title")})
    before = {_key(s, i): (i, s) for i, s in enumerate(older.sections)}
    after = {_key(s, i): (i, s) for i, s in enumerate(newer.sections)}
    changes = []
    for key, (j, new) in after.items():
        if key not in before:
            added = diff({}, new, _labels())
            changes.append(SectionChange(new["title"], ADDED, added, None, j + 1))
            continue
        i, old = before[key]
        words = diff(old, new, _labels())
        if words or i != j:
            state = CHANGED if words else MOVED
            changes.append(SectionChange(new["title"], state, words, i + 1, j + 1))
    for key, (i, old) in before.items():
        if key not in after:
            changes.append(SectionChange(old["title"], REMOVED, diff(old, {}, _labels()), i + 1))
    return Comparison(older, newer, title, changes)
