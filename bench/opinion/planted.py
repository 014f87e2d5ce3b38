"""Planted-groups generator: synthetic conversations whose true opinion groups are known.

Each participant belongs to one of ``n_groups`` planted groups. Every group holds a stance
(+1 agree / -1 disagree) on every statement; a share of statements are consensus statements on
which all groups hold the same stance. A participant votes on a random subset of statements
(``density`` of the full matrix on average): pass with ``pass_prob``, otherwise follow the group's
stance with ``agree_prob`` and go against it otherwise. Votes come back in a random order, which
plays the role of time order (as in an append-only ``votes.csv``).

Only NumPy is needed, so both the project venv and the peer venv can import this file.
"""

from __future__ import annotations

import argparse
import csv
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np


@dataclass(frozen=True)
class PlantedConversation:
    """Votes in time order plus the planted group of every participant id."""

    participant: np.ndarray  # int32 voter id per vote
    statement: np.ndarray  # int32 statement id per vote
    vote: np.ndarray  # int8, agree = +1
    groups: np.ndarray  # planted group per participant id (index = id)
    n_statements: int

    @property
    def n_votes(self) -> int:
        return int(self.vote.size)


def planted(
    n_participants: int,
    n_statements: int,
    density: float,
    *,
    n_groups: int = 3,
    weights: tuple[float, ...] | None = None,
    consensus_share: float = 0.3,
    agree_prob: float = 0.8,
    pass_prob: float = 0.15,
    seed: int = 0,
) -> PlantedConversation:
    """Generate a conversation with planted opinion groups (see module docstring)."""
    if not 0 < density <= 1:
        raise ValueError("density must be in (0, 1]")
    rng = np.random.default_rng(seed)
    if weights is None:
        # Unequal group sizes, like real conversations: 3 groups -> 50 %, 30 %, 20 %.
        raw = np.arange(n_groups, 0, -1, dtype=float) + 0.5 * (n_groups - 1)
        weights = tuple(raw / raw.sum())
    groups = rng.choice(n_groups, size=n_participants, p=np.asarray(weights)).astype(np.int8)

    stance = rng.choice(np.array([-1, 1], dtype=np.int8), size=(n_groups, n_statements))
    shared = rng.random(n_statements) < consensus_share
    stance[:, shared] = stance[0, shared]

    cells = n_participants * n_statements
    if density >= 1:
        keys = np.arange(cells, dtype=np.int64)
    else:
        # Drawing cells with replacement and keeping the distinct ones gives density * cells
        # cells on average when we draw -ln(1 - density) * cells times (Poissonisation).
        n_draw = int(round(-math.log1p(-density) * cells))
        keys = np.sort(rng.integers(0, cells, size=n_draw, dtype=np.int64))
        # np.unique is very slow on large int64 arrays in NumPy 2.5; sort and mask instead.
        keys = keys[np.r_[True, keys[1:] != keys[:-1]]]
    keys = keys[rng.permutation(keys.size)]  # random time order
    participant = (keys // n_statements).astype(np.int32)
    statement = (keys % n_statements).astype(np.int32)
    del keys

    n = participant.size
    own = stance[groups[participant], statement]
    follows = rng.random(n, dtype=np.float32) < agree_prob
    vote = np.where(follows, own, -own).astype(np.int8)
    vote[rng.random(n, dtype=np.float32) < pass_prob] = 0
    return PlantedConversation(participant, statement, vote, groups, n_statements)


def save_npz(conv: PlantedConversation, path: Path) -> None:
    np.savez(
        path,
        participant=conv.participant,
        statement=conv.statement,
        vote=conv.vote,
        groups=conv.groups,
        n_statements=np.int64(conv.n_statements),
    )


def load_npz(path: Path) -> PlantedConversation:
    with np.load(path) as data:
        return PlantedConversation(
            data["participant"],
            data["statement"],
            data["vote"],
            data["groups"],
            int(data["n_statements"]),
        )


def write_polis_folder(
    conv: PlantedConversation, folder: Path, start_ms: int = 1_700_000_000_000
) -> None:
    """Write votes.csv and comments.csv in the Pol.is open-data format (agree = +1)."""
    folder.mkdir(parents=True, exist_ok=True)
    n = conv.n_votes
    timestamps = start_ms + np.arange(n, dtype=np.int64) * 7
    with open(folder / "votes.csv", "w", newline="") as fh:
        fh.write("timestamp,datetime,comment-id,voter-id,vote\n")
        step = 1_000_000
        for lo in range(0, n, step):
            hi = min(n, lo + step)
            ts = timestamps[lo:hi]
            # A constant datetime text keeps the file realistic in width without slow formatting.
            lines = [
                f"{t},Tue Nov 14 2023,{s},{p},{v}\n"
                for t, s, p, v in zip(
                    ts.tolist(),
                    conv.statement[lo:hi].tolist(),
                    conv.participant[lo:hi].tolist(),
                    conv.vote[lo:hi].tolist(),
                    strict=True,
                )
            ]
            fh.writelines(lines)
    agrees = np.bincount(conv.statement[conv.vote == 1], minlength=conv.n_statements)
    disagrees = np.bincount(conv.statement[conv.vote == -1], minlength=conv.n_statements)
    with open(folder / "comments.csv", "w", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(
            [
                "timestamp",
                "datetime",
                "comment-id",
                "author-id",
                "agrees",
                "disagrees",
                "moderated",
                "comment-body",
            ]
        )
        for sid in range(conv.n_statements):
            writer.writerow(
                [
                    start_ms,
                    "Tue Nov 14 2023",
                    sid,
                    0,
                    agrees[sid],
                    disagrees[sid],
                    1,
                    f"Statement {sid}",
                ]
            )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("participants", type=int)
    parser.add_argument("statements", type=int)
    parser.add_argument("density", type=float)
    parser.add_argument("out", type=Path, help="a .npz file, or a folder for Pol.is CSV files")
    parser.add_argument("--groups", type=int, default=3)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    conv = planted(
        args.participants, args.statements, args.density, n_groups=args.groups, seed=args.seed
    )
    if args.out.suffix == ".npz":
        save_npz(conv, args.out)
    else:
        write_polis_folder(conv, args.out)
    print(f"{conv.n_votes} votes written to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
