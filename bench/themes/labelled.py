"""How well suggested themes agree with themes given by hand, and how honest the confidence is.

    .venv/bin/python bench/themes/labelled.py [--seeds 0 1 2] [--tags 0 0.25 0.5 0.75 1]

Reads the labelled harvests in ``bench/themes/harvests/`` (CSV ``id,text,question,label``,
written to read like real World Café table notes, with synonyms and notes that share no word
with the rest of their theme). Each question's notes are grouped as the platform does
(``find_themes(..., by_question=True)``) and compared with the hand labels by the adjusted
Rand index (ARI: 0 is chance, 1 the same grouping).

To see the confidence levels across the whole range, each harvest is also run with a share of
its notes *tagged*: the note's topic word written before it ("money - Budgets are decided
before anyone asks us"), as hosts sometimes head a note. Tag share 0 is the harvest as
written.

A confidence is counted right when: "clear" and ARI >= 0.5; "loose" and ARI >= 0.2;
"no clear grouping" and ARI < 0.2, where ARI is that of the grouping the machine found before
it fell back to one column per question (the grouping it declined to show).

Baselines, over the whole harvest: one group per question, and random groups of the same sizes
as the suggestion (mean of 20 shuffles).
"""

from __future__ import annotations

import argparse
import csv
import random
import statistics
from collections import defaultdict
from pathlib import Path

from sklearn.metrics import adjusted_rand_score

from coproduce.reports.themes import Note, find_themes, finding

HARVESTS = Path(__file__).parent / "harvests"
RIGHT = {
    "clear": lambda ari: ari >= 0.5,
    "loose": lambda ari: ari >= 0.2,
    "none": lambda ari: ari < 0.2,
}


def read(path: Path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def tagged(rows: list[dict], share: float, seed: int) -> list[dict]:
    chosen = set(random.Random(seed).sample(range(len(rows)), round(share * len(rows))))
    return [
        {**r, "text": f"{r['label']} - {r['text']}"} if i in chosen else r
        for i, r in enumerate(rows)
    ]


def ari(rows: list[dict], found: dict[str, int]) -> float:
    return adjusted_rand_score([r["label"] for r in rows], [found[r["id"]] for r in rows])


def groupings(rows: list[dict], seed: int) -> list[tuple[str, float, float | None, str]]:
    """Per question: (question, ARI of the machine's grouping, contrast, confidence)."""
    out = []
    for question in sorted({r["question"] for r in rows}):
        mine = [r for r in rows if r["question"] == question]
        notes = finding._canonical(Note(r["id"], r["text"], question) for r in mine)
        themes, grouping = finding._theme_group(notes, seed, None, 3, question, 0)
        found = {n: t.id for t in themes for n in t.note_ids}
        out.append((question, ari(mine, found), grouping.contrast, grouping.confidence))
    return out


def whole(rows: list[dict], seed: int) -> dict[str, float]:
    notes = [Note(r["id"], r["text"], r["question"]) for r in rows]
    theming = find_themes(notes, seed=seed, by_question=True)
    found = {n: t.id for t in theming.themes for n in t.note_ids}
    by_question = {r["id"]: hash(r["question"]) for r in rows}
    shuffles = []
    for s in range(20):
        ids = [r["id"] for r in rows]
        groups = [found[i] for i in ids]
        random.Random(s).shuffle(groups)
        shuffles.append(ari(rows, dict(zip(ids, groups, strict=True))))
    return {
        "suggested": ari(rows, found),
        "per question": ari(rows, by_question),
        "random": statistics.mean(shuffles),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--tags", type=float, nargs="+", default=[0, 0.25, 0.5, 0.75, 1])
    args = parser.parse_args()
    tally: dict[str, list[bool]] = defaultdict(list)
    by_share: dict[float, list[dict[str, float]]] = defaultdict(list)
    contrasts: dict[str, list[float]] = defaultdict(list)
    print("harvest | tagged | seed | ARI suggested | ARI per question | ARI random | confidences")
    for path in sorted(HARVESTS.glob("*.csv")):
        rows = read(path)
        for share in args.tags:
            for seed in args.seeds:
                run = tagged(rows, share, seed)
                scores = whole(run, seed)
                levels = []
                found = groupings(run, seed)
                machine = statistics.mean(score for _q, score, _c, _l in found)
                by_share[share].append({**scores, "machine, per question": machine})
                for _question, score, contrast, level in found:
                    tally[level].append(RIGHT[level](score))
                    contrasts[level].append(contrast or 0.0)
                    levels.append(f"{level} ({contrast or 0:.2f}; ARI {score:.2f})")
                print(
                    f"{path.stem} | {share:.2f} | {seed} | {scores['suggested']:.3f} | "
                    f"{scores['per question']:.3f} | {scores['random']:.3f} | {', '.join(levels)}"
                )
    print("\nmean ARI by tag share (whole harvest; machine = its own grouping, per question)")
    print("tagged | suggested | per question | random | machine, per question")
    for share, runs in by_share.items():
        mean = {k: statistics.mean(r[k] for r in runs) for k in runs[0]}
        print(
            f"{share:.2f} | {mean['suggested']:.3f} | {mean['per question']:.3f} | "
            f"{mean['random']:.3f} | {mean['machine, per question']:.3f}"
        )
    print("\nconfidence | groupings | right | share right | contrast range")
    for level in ("clear", "loose", "none"):
        hits = tally.get(level, [])
        if not hits:
            print(f"{level} | 0 | - | - | -")
            continue
        low, high = min(contrasts[level]), max(contrasts[level])
        print(
            f"{level} | {len(hits)} | {sum(hits)} | {sum(hits) / len(hits):.0%} | "
            f"{low:.2f}-{high:.2f}"
        )


if __name__ == "__main__":
    main()
