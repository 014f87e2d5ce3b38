"""An assessment's results, read from the database in one query per round and computed by the
pure core (profile.py): what the results page, the downloads, the export and the report share.

Public results (`full=False`) leave out every group with fewer than five respondents, every
item mean fewer than five in a group gave, and build "everyone" from the groups shown only
(so a hidden group cannot be recovered by subtraction); organisers see everything.
"""

from dataclasses import dataclass, field

import numpy as np
from django.utils.translation import gettext as _

from coproduce.people.sectors import SECTOR_ORDER, sector_key, sector_label

from . import profile as core
from .models import SKIPPED, Assessment, Round, pack
from .services import LEVELS, levels_of


def item_title(assessment: Assessment, item: dict) -> str:
    """A framework's items were frozen in English: shown in the reader's language."""
    return _(item["title"]) if assessment.framework and item["title"] else item["title"]


def item_meaning(assessment: Assessment, item: dict) -> str:
    return _(item["meaning"]) if assessment.framework and item["meaning"] else item["meaning"]


@dataclass(frozen=True)
class Matrix:
    scores: np.ndarray  # respondents × items, NaN for skipped
    groups: list[str]  # sector keys
    experienced: list[str]  # level keys, "" for none


def matrix_of(round_: Round) -> Matrix:
    """Every response of the round as a matrix: one query of short strings, one character per
    item, read by NumPy in one go (no JSON decoded, no per-answer rows)."""
    ids = round_.item_ids
    rows = list(round_.responses.values_list("sector", "packed", "experienced"))
    width = len(ids)
    if any(len(packed) != width for _sector, packed, _e in rows):
        rows = _repacked(round_)  # written before `packed` was kept: slower, still right
    text = "".join(packed for _sector, packed, _e in rows).encode("ascii")
    codes = np.frombuffer(text, dtype=np.uint8).reshape(len(rows), width)
    scores = codes.astype(float) - ord("0")
    scores[codes == ord(SKIPPED)] = np.nan
    return Matrix(scores, [sector_key(r[0]) for r in rows], [r[2] for r in rows])


def respondents(round_: Round) -> int:
    """People who scored at least one item: what every page calls "people who answered"."""
    matrix = matrix_of(round_)
    return int((~np.isnan(matrix.scores)).any(axis=1).sum())


def _repacked(round_: Round) -> list[tuple[str, str, str]]:
    ids = round_.item_ids
    found = round_.responses.values_list("sector", "scores", "experienced")
    return [(sector, pack(ids, scores), experienced) for sector, scores, experienced in found]


@dataclass
class RoundResults:
    round: Round
    items: list[dict]  # {"id", "number", "title", "meaning"}
    total: int  # respondents who answered anything
    shown: core.Profile  # groups the reader may see
    withheld: tuple[str, ...]  # groups too small to show (public results)
    everyone: core.Profile | None
    differences: list[core.Difference]
    experienced: list[core.Experienced] = field(default_factory=list)
    full: bool = True  # False: public results (small groups and small counts withheld)

    @property
    def everyone_partial(self) -> bool:
        """True when "everyone" leaves out the groups too small to show."""
        return bool(self.withheld)

    def label(self, group: str) -> str:
        return sector_label(group)


def round_results(assessment: Assessment, round_: Round, *, full: bool) -> RoundResults:
    matrix = matrix_of(round_)
    ids = round_.item_ids
    every = core.profile(matrix.scores, matrix.groups, ids, order=SECTOR_ORDER)
    shown, small = (every, ()) if full else core.withheld(every)
    total = int(every.respondents.sum())
    everyone = _everyone(matrix, ids, shown.groups if not full else None)
    if not full:
        # An item fewer than five in a group answered would show what those few said.
        shown = core.masked(shown)
        everyone = core.masked(everyone) if everyone is not None else None
    items = [
        {
            "id": item["id"],
            "number": number,
            "title": item_title(assessment, item),
            "meaning": item_meaning(assessment, item),
        }
        for number, item in enumerate(round_.items, start=1)
    ]
    result = RoundResults(
        round=round_,
        items=items,
        total=total,
        shown=shown,
        withheld=small,
        everyone=everyone,
        differences=core.differences(shown),
        full=full,
    )
    if assessment.scale:
        result.experienced = _experienced(assessment, matrix, shown.groups)
    return result


def _everyone(matrix: Matrix, ids: list[str], groups) -> core.Profile | None:
    """Everyone who answered anything, as one group. For public readers (``groups`` given)
    only the people in the groups shown: counting the hidden groups in would let anyone
    recover their scores by subtraction. None when fewer than five are left."""
    keep = ~np.isnan(matrix.scores).all(axis=1)
    if groups is not None:
        keep &= np.isin(np.asarray(matrix.groups, dtype=object), list(groups))
        if keep.sum() < core.MIN_PUBLIC:
            return None
    if not keep.any():
        return None
    return core.overall(matrix.scores[keep], ids)


def _experienced(assessment: Assessment, matrix: Matrix, groups) -> list[core.Experienced]:
    levels = levels_of(assessment.scale)
    position = {key: index for index, key in enumerate(levels)}
    promised = position.get(assessment.promised)
    chosen = [position.get(e) for e in matrix.experienced]
    found = core.promised_against_experienced(promised, chosen, matrix.groups, len(levels))
    order = {g: i for i, g in enumerate(groups)}
    return sorted((e for e in found if e.group in order), key=lambda e: order[e.group])


def level_names(assessment: Assessment) -> list[str]:
    return [str(name) for name in LEVELS.get(assessment.scale, {}).values()]


def previous_round(round_: Round) -> Round | None:
    return (
        Round.objects.filter(assessment_id=round_.assessment_id, number__lt=round_.number)
        .order_by("-number")
        .first()
    )


@dataclass(frozen=True)
class ChangeRow:
    title: str
    group: str
    before: float
    after: float
    status: str

    @property
    def difference(self) -> float:
        return self.after - self.before


def change_rows(
    assessment: Assessment, before: RoundResults, after: RoundResults
) -> list[ChangeRow]:
    """Each item's mean per group in two rounds (public readers: only groups shown in both),
    with items removed or added between the rounds marked as such."""
    titles = {i["id"]: i["title"] for i in before.items} | {
        i["id"]: i["title"] for i in after.items
    }
    both = [g for g in after.shown.groups if g in before.shown.groups]
    old, new = before.shown.only(both), after.shown.only(both)
    return [
        ChangeRow(titles[c.item], sector_label(c.group), c.before, c.after, c.status)
        for c in core.changes(old, new)
    ]
