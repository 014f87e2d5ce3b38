"""What changed between two versions of a charter, principle by principle, in words.

Principles are matched by the draft principle they were frozen from, so a principle that was
renamed and moved is shown as changed and moved, not as one removed and another added. The
word-level differences come from library/diffs.py (pure).
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from coproduce.library.diffs import FieldChange, diff

from .models import Proposal, Version

CHANGED, ADDED, REMOVED, MOVED = "changed", "added", "removed", "moved"


def _labels() -> dict[str, str]:
    return {
        "title": _("Title"),
        "meaning": _("What it means"),
        "asks": _("What it asks of signatories"),
    }


@dataclass
class PrincipleChange:
    title: str
    state: str  # CHANGED, ADDED, REMOVED or MOVED (same words, another place)
    changes: list[FieldChange] = field(default_factory=list)
    old_position: int | None = None  # 1-based, as people count
    new_position: int | None = None

    @property
    def moved(self) -> bool:
        return (
            self.old_position is not None
            and self.new_position is not None
            and self.old_position != self.new_position
        )


@dataclass
class Comparison:
    older: Version
    newer: Version
    header: list[FieldChange]  # the charter's title and preamble
    principles: list[PrincipleChange]

    @property
    def unchanged(self) -> bool:
        return not self.header and not self.principles


def _key(item: dict, index: int):
    # Snapshots always name their draft principle; one that does not (an import) by position.
    return item.get("principle") or f"at-{index}"


def compare(older: Version, newer: Version) -> Comparison:
    header = diff(
        {"title": older.title, "preamble": older.preamble},
        {"title": newer.title, "preamble": newer.preamble},
        {"title": _("Title of the charter"), "preamble": _("Preamble")},
    )
    before = {_key(p, i): (i, p) for i, p in enumerate(older.principles)}
    after = {_key(p, i): (i, p) for i, p in enumerate(newer.principles)}
    changes = []
    for key, (j, new) in after.items():
        if key not in before:
            changes.append(
                PrincipleChange(new["title"], ADDED, diff({}, new, _labels()), None, j + 1)
            )
            continue
        i, old = before[key]
        words = diff(old, new, _labels())
        if words or i != j:
            state = CHANGED if words else MOVED
            changes.append(PrincipleChange(new["title"], state, words, i + 1, j + 1))
    for key, (i, old) in before.items():
        if key not in after:
            changes.append(PrincipleChange(old["title"], REMOVED, diff(old, {}, _labels()), i + 1))
    return Comparison(older, newer, header, changes)


def changed_since(proposal: Proposal, current: dict | None) -> list[FieldChange]:
    """How the principle's wording changed after the proposer read it (empty when it did not,
    or for a new principle): organisers see it before accepting someone's words over it."""
    if proposal.principle_id is None or proposal.based_on is None or current is None:
        return []
    read = next(
        (p for p in proposal.based_on.principles if p.get("principle") == proposal.principle_id),
        None,
    )
    if read is None:
        return diff({}, current, _labels())
    return diff(read, current, _labels())


def proposed_change(proposal: Proposal, current: dict | None) -> list[FieldChange]:
    """The proposal's wording against the principle as it stands now."""
    proposed = {"title": proposal.title, "meaning": proposal.meaning, "asks": proposal.asks}
    return diff(current or {}, proposed, _labels())
