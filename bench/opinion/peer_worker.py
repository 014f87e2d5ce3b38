"""Run red-dwarf 0.4.0 on prepared votes; executed with /work/main/.venv-peer/bin/python.

Modes:

    peer_worker.py votes VOTES.npz OUT.json [--seed N] [--force-k K] [--details]
        VOTES.npz holds participant, statement, vote (latest votes, time order) and optional
        mod_out (statement ids). Times ``run_pipeline`` only and reports the peak RSS of this
        process. Writes OUT.json (summary, plus coordinates, repness, consensus... with
        --details) and OUT.labels.npz (participant ids and group labels, -1 = not clustered).
    peer_worker.py folder DIR
        "red-dwarf's pipeline run from the files": read votes.csv (or participants-votes.csv)
        and comments.csv with pandas, keep the latest vote per cell, run ``run_pipeline`` and
        print participants (id, x, y, group) as JSON on stdout. Timed as a whole process.

Only numpy, pandas and reddwarf are imported: this file must not import the project.
"""

from __future__ import annotations

import json
import resource
import sys
import time
import warnings
from pathlib import Path

import numpy as np

warnings.filterwarnings("ignore")  # pydantic prints a schema warning on import


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def _run(votes: dict, mod_out: list, seed: int, force_k: int | None):
    from reddwarf.implementations.polis import run_pipeline

    kwargs = {"votes": votes, "mod_out_statement_ids": mod_out, "random_state": seed}
    if force_k:
        kwargs["force_group_count"] = force_k
    start = time.perf_counter()
    result = run_pipeline(**kwargs)
    return result, time.perf_counter() - start


def votes_mode(npz: Path, out: Path, seed: int, force_k: int | None, details: bool) -> None:
    with np.load(npz) as data:
        n = data["vote"].size
        # A dict of columns is accepted by red-dwarf (it goes straight into a DataFrame) and is
        # far lighter than a list of n dicts: the peer is measured on its maths, not its input.
        votes = {
            "participant_id": data["participant"].astype(np.int64),
            "statement_id": data["statement"].astype(np.int64),
            "vote": data["vote"].astype(np.int64),
            "modified": np.arange(n, dtype=np.int64),
        }
        mod_out = data["mod_out"].astype(int).tolist() if "mod_out" in data.files else []
    rss_input = _peak_mb()
    result, seconds = _run(votes, mod_out, seed, force_k)
    pdf = result.participants_df
    labels = pdf["cluster_id"].astype("float64").fillna(-1).to_numpy().astype(np.int64)
    np.savez(out.with_suffix(".labels.npz"), participant=pdf.index.to_numpy(), group=labels)
    doc = {
        "seconds": seconds,
        "peak_mb": _peak_mb(),
        "input_mb": rss_input,
        "k": int(result.clusterer.n_clusters) if result.clusterer is not None else 0,
    }
    if details:
        doc.update(_details(result))
    out.write_text(json.dumps(doc))


def _details(result) -> dict:
    pdf = result.participants_df
    sdf = result.statements_df
    return {
        "participants": [int(p) for p in pdf.index.tolist()],
        "x": pdf["x"].astype(float).tolist(),
        "y": pdf["y"].astype(float).tolist(),
        "group": pdf["cluster_id"].astype("float64").fillna(-1).astype(int).tolist(),
        "in_conv": pdf["to_cluster"].astype(bool).tolist(),
        "statements": [int(s) for s in sdf.index.tolist()],
        "extremity": sdf["extremity"].astype(float).tolist(),
        "priority": sdf["priority"].astype(float).tolist(),
        "gac": sdf["group-aware-consensus-agree"].astype(float).tolist(),
        "repness": {
            str(int(g)): [[int(s["tid"]), str(s["repful-for"])] for s in items]
            for g, items in result.repness.items()
        },
        "consensus": {
            d: [int(s["tid"]) for s in result.consensus[d]] for d in ("agree", "disagree")
        },
    }


def folder_mode(folder: Path) -> None:
    import pandas as pd

    comments = pd.read_csv(folder / "comments.csv")
    mod_out = comments.loc[comments["moderated"] == -1, "comment-id"].astype(int).tolist()
    if (folder / "votes.csv").exists():
        cols = ["timestamp", "comment-id", "voter-id", "vote"]
        raw = pd.read_csv(folder / "votes.csv", usecols=cols)
        raw = raw.sort_values("timestamp", kind="stable")
        raw = raw.drop_duplicates(["voter-id", "comment-id"], keep="last")
        votes = {
            "participant_id": raw["voter-id"].to_numpy(),
            "statement_id": raw["comment-id"].to_numpy(),
            "vote": raw["vote"].to_numpy(),
            "modified": raw["timestamp"].to_numpy(),
        }
    else:
        wide = pd.read_csv(folder / "participants-votes.csv")
        cols = [c for c in wide.columns if c.isdigit()]
        long = wide.melt(id_vars=["participant"], value_vars=cols, var_name="statement_id")
        long = long.dropna(subset=["value"])
        votes = {
            "participant_id": long["participant"].to_numpy(),
            "statement_id": long["statement_id"].astype(int).to_numpy(),
            "vote": long["value"].astype(int).to_numpy(),
            "modified": np.zeros(len(long), dtype=np.int64),
        }
    result, _ = _run(votes, mod_out, 0, None)
    pdf = result.participants_df
    labels = pdf["cluster_id"].astype("float64").fillna(-1).astype(int).tolist()
    doc = {
        "k": int(result.clusterer.n_clusters) if result.clusterer is not None else 0,
        "participants": [
            {"id": int(p), "x": float(x), "y": float(y), "group": None if g < 0 else g}
            for p, x, y, g in zip(pdf.index.tolist(), pdf["x"], pdf["y"], labels, strict=True)
        ],
    }
    sys.stdout.write(json.dumps(doc) + "\n")


def main(argv: list[str]) -> int:
    mode = argv[0]
    if mode == "votes":
        seed = int(argv[argv.index("--seed") + 1]) if "--seed" in argv else 0
        force_k = int(argv[argv.index("--force-k") + 1]) if "--force-k" in argv else None
        votes_mode(Path(argv[1]), Path(argv[2]), seed, force_k, "--details" in argv)
    elif mode == "folder":
        folder_mode(Path(argv[1]))
    else:
        raise SystemExit(f"unknown mode {mode}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
