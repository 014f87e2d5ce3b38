"""The arithmetic of a self-assessment, over NumPy arrays (no Django, no project imports).

Shapes and units:

- ``scores``: float array, respondents × items, each value 0..4 (not in place, starting,
  developing, established, embedded) or NaN where the respondent skipped the item.
- ``groups``: one label per respondent (a sector, or any respondent group).
- A group's *mean* on an item is the mean of the scores its respondents gave (skips left out);
  NaN when nobody in the group answered. A group's *band* comes from the mean of its item means.

Everything is computed for all groups at once with matrix products, so 5,000 respondents × 40
items cost a few milliseconds. Results are profiles: nothing here ranks groups or places.
"""

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

LOWEST, HIGHEST = 0, 4
# Groups smaller than this are withheld from public results (a person could be recognised).
MIN_PUBLIC = 5

NOT_THERE, STARTING_OUT, ON_THE_WAY, GOING_STRONG = (
    "not_there",
    "starting_out",
    "on_the_way",
    "going_strong",
)
BANDS = (NOT_THERE, STARTING_OUT, ON_THE_WAY, GOING_STRONG)


def band(mean: float) -> str | None:
    """mean < 1 not there, ≤ 2 starting out, ≤ 3 on the way, > 3 going strong; None for NaN."""
    if mean is None or not np.isfinite(mean):
        return None
    if mean < 1:
        return NOT_THERE
    if mean <= 2:
        return STARTING_OUT
    if mean <= 3:
        return ON_THE_WAY
    return GOING_STRONG


def check_scores(scores: np.ndarray) -> np.ndarray:
    """The scores as a 2-D float array; ValueError if any given score is outside 0..4."""
    matrix = np.asarray(scores, dtype=float)
    if matrix.ndim != 2:
        raise ValueError("scores must be a respondents × items matrix")
    given = matrix[~np.isnan(matrix)]
    if given.size and (given.min() < LOWEST or given.max() > HIGHEST):
        raise ValueError("every score is between 0 and 4")
    return matrix


@dataclass(frozen=True)
class Profile:
    """Per-group results. Arrays are indexed [group, item] or [group]."""

    groups: tuple[str, ...]
    items: tuple[str, ...]
    respondents: np.ndarray  # (groups,) people who answered at least one item
    answered: np.ndarray  # (groups, items) people who answered each item
    means: np.ndarray  # (groups, items), NaN where nobody answered

    @property
    def group_means(self) -> np.ndarray:
        """(groups,) the mean of each group's item means (items nobody answered left out)."""
        out = np.full(len(self.groups), np.nan)
        for index, row in enumerate(self.means):
            finite = row[np.isfinite(row)]
            if finite.size:
                out[index] = finite.mean()
        return out

    def bands(self) -> dict[str, str | None]:
        return {g: band(m) for g, m in zip(self.groups, self.group_means, strict=True)}

    def item_bands(self) -> list[list[str | None]]:
        return [[band(m) for m in row] for row in self.means]

    def mean(self, group: str, item: str) -> float:
        return float(self.means[self.groups.index(group), self.items.index(item)])

    def only(self, keep: Sequence[str]) -> "Profile":
        """The same profile with only these groups (in their order here)."""
        rows = [i for i, g in enumerate(self.groups) if g in set(keep)]
        return Profile(
            groups=tuple(self.groups[i] for i in rows),
            items=self.items,
            respondents=self.respondents[rows],
            answered=self.answered[rows],
            means=self.means[rows],
        )


def profile(
    scores: np.ndarray,
    groups: Sequence[str],
    items: Sequence[str],
    order: Sequence[str] | None = None,
) -> Profile:
    """Means and counts per group and item. ``order`` fixes the groups' order (groups with no
    respondent in it are left out; groups missing from it come after, sorted)."""
    matrix = check_scores(scores)
    labels = np.asarray(list(groups), dtype=object)
    if matrix.shape[0] != len(labels):
        raise ValueError("one group label per respondent")
    if matrix.shape[1] != len(items):
        raise ValueError("one item name per column")
    present = set(labels.tolist())
    names = [g for g in (order or ()) if g in present]
    names += sorted(present - set(names))
    # One-hot membership (groups × respondents): sums and counts for every group in one product.
    member = np.zeros((len(names), len(labels)))
    for index, name in enumerate(names):
        member[index, labels == name] = 1.0
    given = ~np.isnan(matrix)
    sums = member @ np.where(given, matrix, 0.0)
    answered = member @ given.astype(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        means = np.where(answered > 0, sums / np.maximum(answered, 1), np.nan)
    respondents = member @ given.any(axis=1).astype(float)
    return Profile(
        groups=tuple(names),
        items=tuple(items),
        respondents=respondents.astype(int),
        answered=answered.astype(int),
        means=means,
    )


def overall(scores: np.ndarray, items: Sequence[str], label: str = "everyone") -> Profile:
    """Everyone together, as a profile of one group."""
    matrix = check_scores(scores)
    return profile(matrix, [label] * matrix.shape[0], items)


def withheld(result: Profile, minimum: int = MIN_PUBLIC) -> tuple[Profile, tuple[str, ...]]:
    """(the groups public results may show, the names of the groups too small to show)."""
    small = tuple(g for g, n in zip(result.groups, result.respondents, strict=True) if n < minimum)
    return result.only([g for g in result.groups if g not in small]), small


def masked(result: Profile, minimum: int = MIN_PUBLIC) -> Profile:
    """The same profile with every mean fewer than ``minimum`` people gave set to NaN: in a
    group of five, an item two people answered would show what those two said."""
    few = result.answered < minimum
    return Profile(
        groups=result.groups,
        items=result.items,
        respondents=result.respondents,
        answered=result.answered,
        means=np.where(few, np.nan, result.means),
    )


@dataclass(frozen=True)
class Difference:
    """How far apart the groups are on one item: the lowest and highest group means."""

    item: str
    low_group: str
    low: float
    high_group: str
    high: float

    @property
    def gap(self) -> float:
        return self.high - self.low


def differences(result: Profile) -> list[Difference]:
    """Items on which at least two groups answered, the widest gap between groups first
    (ties in the items' own order)."""
    found = []
    for column, item in enumerate(result.items):
        means = result.means[:, column]
        rows = np.flatnonzero(np.isfinite(means))
        if rows.size < 2:
            continue
        low, high = rows[np.argmin(means[rows])], rows[np.argmax(means[rows])]
        found.append(
            Difference(
                item=item,
                low_group=result.groups[low],
                low=float(means[low]),
                high_group=result.groups[high],
                high=float(means[high]),
            )
        )
    return sorted(found, key=lambda d: -d.gap)


KEPT, NEW, REMOVED = "kept", "new", "removed"


@dataclass(frozen=True)
class Change:
    """One item's mean for one group in two rounds. ``status`` says whether the item was in
    both rounds (kept), only the later one (new) or only the earlier one (removed)."""

    item: str
    group: str
    before: float
    after: float
    status: str

    @property
    def difference(self) -> float:
        return self.after - self.before


def changes(before: Profile, after: Profile) -> list[Change]:
    """Every item of either round, for every group in either round, in the later round's item
    order, then the removed items. A mean nobody gave is NaN (so is the difference)."""
    items = list(after.items) + [i for i in before.items if i not in set(after.items)]
    groups = list(after.groups) + [g for g in before.groups if g not in set(after.groups)]
    found = []
    for item in items:
        status = KEPT if item in before.items and item in after.items else NEW
        if item not in after.items:
            status = REMOVED
        for group in groups:
            found.append(
                Change(
                    item,
                    group,
                    _mean_or_nan(before, group, item),
                    _mean_or_nan(after, group, item),
                    status,
                )
            )
    return found


def _mean_or_nan(result: Profile, group: str, item: str) -> float:
    if group not in result.groups or item not in result.items:
        return float("nan")
    return result.mean(group, item)


@dataclass(frozen=True)
class Experienced:
    """What one group said it experienced, against what the organisers promised (levels are
    positions on the ladder or spectrum, 0 the lowest)."""

    group: str
    counts: tuple[int, ...]  # how many chose each level
    mean: float  # NaN when nobody in the group answered
    below: int  # how many experienced less than was promised
    met: int  # how many experienced what was promised or more


def promised_against_experienced(
    promised: int | None, experienced: Sequence[int | None], groups: Sequence[str], levels: int
) -> list[Experienced]:
    """Per group, how many experienced each level and how many fell short of the promise
    (with no promise, nobody falls short)."""
    values = np.array([-1 if e is None else e for e in experienced], dtype=int)
    if values.size and values.max() >= levels:
        raise ValueError("a level beyond the scale")
    labels = np.asarray(list(groups), dtype=object)
    out = []
    for group in dict.fromkeys(labels.tolist()):
        chosen = values[(labels == group) & (values >= 0)]
        counts = np.bincount(chosen, minlength=levels)[:levels]
        below = int((chosen < promised).sum()) if promised is not None else 0
        out.append(
            Experienced(
                group=group,
                counts=tuple(int(c) for c in counts),
                mean=float(chosen.mean()) if chosen.size else float("nan"),
                below=below,
                met=int(chosen.size) - below,
            )
        )
    return out
