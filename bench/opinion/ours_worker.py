"""Run our opinion maths on prepared votes; executed with /work/main/.venv/bin/python.

Modes (the same protocol as peer_worker.py):

    ours_worker.py votes VOTES.npz OUT.json [--seed N] [--repeat R]
        Times VoteMatrix.from_votes + compute (the full computation from the votes) R times
        in this process; reports the first and the best run and the peak RSS of the process.
        Writes OUT.json and OUT.labels.npz (participant ids, group labels, -1 = none).
    ours_worker.py live VOTES.npz OUT.json [--repeat R]
        Cold map, then one more vote and a warm-started map, R times: the live update.
"""

from __future__ import annotations

import json
import resource
import sys
import time
from pathlib import Path

import numpy as np

from coproduce.conversations.opinion import VoteMatrix, compute


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def _load(npz: Path):
    with np.load(npz) as data:
        mod_out = data["mod_out"] if "mod_out" in data.files else np.zeros(0, dtype=np.int64)
        return data["participant"], data["statement"], data["vote"], mod_out


def votes_mode(npz: Path, out: Path, seed: int, repeat: int) -> None:
    participant, statement, vote, mod_out = _load(npz)
    input_mb = _peak_mb()
    times, stages = [], None
    result = None
    for _ in range(repeat):
        del result
        start = time.perf_counter()
        matrix = VoteMatrix.from_votes(participant, statement, vote)
        built = time.perf_counter()
        result = compute(matrix, excluded_statements=mod_out, seed=seed)
        times.append(time.perf_counter() - start)
        stages = {"build": built - start, **result.timings}
        del matrix
    np.savez(
        out.with_suffix(".labels.npz"), participant=result.participant_ids, group=result.group_of
    )
    doc = {
        "seconds": times[0],
        "best_seconds": min(times),
        "all_seconds": times,
        "peak_mb": _peak_mb(),
        "input_mb": input_mb,
        "k": result.k,
        "stages": stages,
        "votes": int(vote.size),
    }
    out.write_text(json.dumps(doc))


def live_mode(npz: Path, out: Path, repeat: int) -> None:
    participant, statement, vote, _ = _load(npz)
    cold = compute(VoteMatrix.from_votes(participant, statement, vote))
    # One more vote: an existing participant agrees with a statement they had not voted on.
    p0 = participant[0]
    seen = set(statement[participant == p0].tolist())
    s_new = next(s for s in range(int(statement.max()) + 1) if s not in seen)
    participant2 = np.append(participant, p0)
    statement2 = np.append(statement, s_new)
    vote2 = np.append(vote, np.int8(1))
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        warm = compute(VoteMatrix.from_votes(participant2, statement2, vote2), previous=cold.state)
        times.append(time.perf_counter() - start)
    moved = np.abs(warm.coords - cold.coords).max()
    same = float(np.mean(warm.group_of == cold.group_of))
    doc = {
        "votes": int(vote2.size),
        "seconds": float(np.median(times)),
        "all_seconds": times,
        "peak_mb": _peak_mb(),
        "k_cold": cold.k,
        "k_warm": warm.k,
        "max_move": float(moved),
        "same_group_share": same,
        "stages": warm.timings,
    }
    out.write_text(json.dumps(doc))


def main(argv: list[str]) -> int:
    mode, npz, out = argv[0], Path(argv[1]), Path(argv[2])
    seed = int(argv[argv.index("--seed") + 1]) if "--seed" in argv else 0
    repeat = int(argv[argv.index("--repeat") + 1]) if "--repeat" in argv else 1
    if mode == "votes":
        votes_mode(npz, out, seed, repeat)
    elif mode == "live":
        live_mode(npz, out, repeat)
    else:
        raise SystemExit(f"unknown mode {mode}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
