"""How sure a suggested grouping is: "clear", "loose" or "no clear grouping".

Short notes always split into *some* groups, and the silhouette of those groups says little
on its own: notes made of random words split just as "well" by that measure. So the grouping
is compared with the same clustering of the same notes with their words shuffled between
them (same note lengths, same vocabulary, no topics left). The *contrast* is the grouping's
silhouette divided by the shuffled notes' mean silhouette: about 1 when the words do not hold
any grouping, well above 1 when notes of a theme really share words.

Thresholds were calibrated on the labelled harvests in ``bench/themes/`` (see
``docs/benchmarks-themes.md``): realistic harvests written with synonyms scored 0.8-1.3, with
agreement with the hand labels near zero; harvests whose notes name their topic scored 2 and
more, with agreement above 0.5.

The clustering itself is `finding`'s (`finding.contrast`); this module holds the thresholds and
the shuffling, so that it imports nothing of the package.
"""

from __future__ import annotations

import random
from collections.abc import Sequence

CLEAR, LOOSE, NONE = "clear", "loose", "none"
CLEAR_CONTRAST = 2.0
LOOSE_CONTRAST = 1.5
# Three shuffles keep the mean steady to a few hundredths on harvests of 30 notes or more.
NULL_RUNS = 3
# Beyond this many notes the contrast is measured on a seeded sample: it is a ratio of two
# averages, which a sample estimates well, and it keeps 20,000 notes in seconds.
SAMPLE = 600


def level(contrast: float | None) -> str:
    """The plain confidence for a contrast (None: nothing was split)."""
    if contrast is None:
        return NONE
    if contrast >= CLEAR_CONTRAST:
        return CLEAR
    return LOOSE if contrast >= LOOSE_CONTRAST else NONE


def sample(n: int, seed: int) -> list[int]:
    """Rows the contrast is measured on: all, or a seeded sample of SAMPLE."""
    if n <= SAMPLE:
        return list(range(n))
    return sorted(random.Random(seed).sample(range(n), SAMPLE))


def shuffled(words: Sequence[Sequence[str]], seed: int) -> list[list[str]]:
    """The notes' words dealt out again at random, each note keeping its length."""
    pool = [w for note in words for w in note]
    random.Random(seed).shuffle(pool)
    out, start = [], 0
    for note in words:
        out.append(pool[start : start + len(note)])
        start += len(note)
    return out


# When the shuffled notes do not split at all there is no ratio to take; the grouping then
# counts as clear only if its own silhouette is plainly good on its own.
CLEAR_SILHOUETTE = 0.25


def ratio(real: float, shuffled_silhouettes: Sequence[float]) -> float | None:
    """The contrast: the real silhouette over the shuffled notes' mean one."""
    null = sum(shuffled_silhouettes) / len(shuffled_silhouettes)
    if null <= 0:
        return float("inf") if real >= CLEAR_SILHOUETTE else None
    return round(real / null, 3)
