"""Opinion-maths benchmarks, side by side with red-dwarf 0.4.0, in one run.

    /work/main/.venv/bin/python bench/opinion/run.py [--threads 1] [--out bench/out/opinion]
        [--only planted cli live realdata small] [--no-huge]

Every measured computation runs in its own subprocess (ours with .venv, red-dwarf with
.venv-peer), with BLAS / OpenMP / Arrow threads pinned by environment variables, under
``/usr/bin/time`` for wall time and peak RSS. Results go to OUT/results.json and OUT/results.md
(the tables of docs/benchmarks-opinion.md). Generated data is cached in OUT/data.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
from sklearn.metrics import adjusted_rand_score

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
OURS_PY = ROOT / ".venv" / "bin" / "python"
PEER_PY = ROOT / ".venv-peer" / "bin" / "python"
OPENDATA = Path("/work/shared/data/polis-opendata")
sys.path.insert(0, str(HERE))

from planted import load_npz, planted, save_npz, write_polis_folder  # noqa: E402

from coproduce.conversations.opinion import OpinionConfig, VoteMatrix, compute  # noqa: E402
from coproduce.conversations.opinion.polis_io import (  # noqa: E402
    read_exported_groups,
    read_polis_export,
    read_vote_log,
)
from coproduce.conversations.opinion.repness import (  # noqa: E402
    group_stats,
    representative_statements,
)

PLANTED_CASES = [
    # name, participants, statements, density, run red-dwarf too, repeats of ours
    ("5k x 500 @ 30 %", 5_000, 500, 0.30, True, 3),
    ("50k x 2k @ 5 %", 50_000, 2_000, 0.05, True, 3),
    ("200k x 10k @ 1 %", 200_000, 10_000, 0.01, False, 3),
    ("1M x 10k @ 1 %", 1_000_000, 10_000, 0.01, False, 1),
]


# -- plumbing ----------------------------------------------------------------------------------


def pinned_env(threads: int) -> dict[str, str]:
    env = dict(os.environ)
    for var in (
        "OMP_NUM_THREADS",
        "OPENBLAS_NUM_THREADS",
        "MKL_NUM_THREADS",
        "VECLIB_MAXIMUM_THREADS",
        "NUMEXPR_NUM_THREADS",
        "ARROW_NUM_THREADS",
    ):
        env[var] = str(threads)
    env["PYTHONWARNINGS"] = "ignore"
    return env


def timed(cmd: list[str], env: dict[str, str], stdout=subprocess.DEVNULL) -> dict:
    """Run under /usr/bin/time; wall seconds, peak RSS (MB) and the load average around it."""
    stats = Path(f"/tmp/opinion-bench-{os.getpid()}.time")
    load_before = os.getloadavg()[0]
    proc = subprocess.run(
        ["/usr/bin/time", "-f", "%e %M", "-o", str(stats), *cmd],
        env=env,
        stdout=stdout,
        stderr=subprocess.PIPE,
        text=True,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed:\n{proc.stderr[-3000:]}")
    wall, rss_kb = stats.read_text().split()[-2:]
    return {
        "wall": float(wall),
        "rss_mb": int(rss_kb) / 1024.0,
        "load": [round(load_before, 2), round(os.getloadavg()[0], 2)],
        "cmd": " ".join(str(c) for c in cmd),
    }


def ari_against(truth: dict, labels_npz: Path) -> tuple[float, float]:
    """ARI over participants the method put in a group, and the share it grouped."""
    with np.load(labels_npz) as data:
        pids, groups = data["participant"], data["group"]
    keep = groups >= 0
    expected = np.array([truth[p] for p in pids[keep].tolist()])
    return float(adjusted_rand_score(expected, groups[keep])), float(keep.mean())


def planted_data(out: Path, n: int, m: int, d: float, seed: int = 0) -> Path:
    path = out / "data" / f"planted-{n}-{m}-{d}-s{seed}.npz"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        save_npz(planted(n, m, d, seed=seed), path)
    return path


# -- sections ----------------------------------------------------------------------------------


def section_planted(out: Path, env: dict, huge: bool) -> list[dict]:
    rows = []
    for name, n, m, d, with_peer, repeat in PLANTED_CASES:
        if n >= 1_000_000 and not huge:
            continue
        data = planted_data(out, n, m, d)
        conv = load_npz(data)
        truth = dict(enumerate(conv.groups.tolist()))
        row = {"case": name, "votes": conv.n_votes}
        del conv
        ours_json = out / f"ours-{n}-{m}.json"
        proc = timed(
            [
                str(OURS_PY),
                str(HERE / "ours_worker.py"),
                "votes",
                str(data),
                str(ours_json),
                "--repeat",
                str(repeat),
            ],
            env,
        )
        ours = json.loads(ours_json.read_text())
        ours["ari"], ours["grouped"] = ari_against(truth, ours_json.with_suffix(".labels.npz"))
        ours["process"] = proc
        row["ours"] = ours
        if with_peer:
            peer_json = out / f"peer-{n}-{m}.json"
            proc = timed(
                [str(PEER_PY), str(HERE / "peer_worker.py"), "votes", str(data), str(peer_json)],
                env,
            )
            peer = json.loads(peer_json.read_text())
            peer["ari"], peer["grouped"] = ari_against(truth, peer_json.with_suffix(".labels.npz"))
            peer["process"] = proc
            row["peer"] = peer
            row["speedup"] = peer["seconds"] / ours["seconds"]
        rows.append(row)
        print(f"planted {name}: {json.dumps(_brief(row))}", flush=True)
    return rows


def _brief(row: dict) -> dict:
    brief = {"ours_s": round(row["ours"]["seconds"], 3), "ours_ari": round(row["ours"]["ari"], 4)}
    if "peer" in row:
        brief.update(peer_s=round(row["peer"]["seconds"], 2), peer_ari=round(row["peer"]["ari"], 4))
    return brief


def section_cli(out: Path, env: dict, repeat: int = 3) -> dict:
    n, m, d = 20_000, 2_000, 0.05
    folder = out / "data" / f"folder-{n}-{m}-{d}"
    conv = planted(n, m, d, seed=1)
    if not (folder / "votes.csv").exists():
        write_polis_folder(conv, folder)
    truth = dict(enumerate(conv.groups.tolist()))
    ours_runs = []
    for i in range(repeat):
        target = out / f"cli-ours-{i}.json"
        with open(target, "w") as fh:
            ours_runs.append(
                timed(
                    [str(OURS_PY), "-m", "coproduce.conversations.opinion", str(folder)],
                    env,
                    stdout=fh,
                )
            )
    peer_target = out / "cli-peer.json"
    with open(peer_target, "w") as fh:
        peer = timed(
            [str(PEER_PY), str(HERE / "peer_worker.py"), "folder", str(folder)], env, stdout=fh
        )

    def ari(doc_path: Path) -> float:
        doc = json.loads(doc_path.read_text())
        got = [(p["id"], p["group"]) for p in doc["participants"] if p["group"] is not None]
        return float(adjusted_rand_score([truth[i] for i, _ in got], [g for _, g in got]))

    median = sorted(ours_runs, key=lambda r: r["wall"])[len(ours_runs) // 2]
    result = {
        "votes": conv.n_votes,
        "size_mb": (folder / "votes.csv").stat().st_size / 2**20,
        "ours": median,
        "ours_all": [r["wall"] for r in ours_runs],
        "ours_ari": ari(out / "cli-ours-0.json"),
        "peer": peer,
        "peer_ari": ari(peer_target),
        "speedup": peer["wall"] / median["wall"],
    }
    print(f"cli: ours {median['wall']:.2f}s peer {peer['wall']:.2f}s", flush=True)
    return result


def section_live(out: Path, env: dict) -> dict:
    data = planted_data(out, 20_000, 1_000, 0.05, seed=2)
    target = out / "live.json"
    proc = timed(
        [
            str(OURS_PY),
            str(HERE / "ours_worker.py"),
            "live",
            str(data),
            str(target),
            "--repeat",
            "5",
        ],
        env,
    )
    doc = json.loads(target.read_text())
    doc["process"] = proc
    print(f"live: {doc['seconds']:.3f}s", flush=True)
    return doc


def _votes_npz(matrix: VoteMatrix, mod_out, path: Path) -> None:
    rows = matrix.vote_rows()
    np.savez(
        path,
        participant=matrix.participant_ids[rows],
        statement=matrix.statement_ids[matrix.indices],
        vote=matrix.values,
        mod_out=np.asarray(mod_out, dtype=np.int64),
    )


def section_realdata(out: Path, env: dict) -> list[dict]:
    rows = []
    for folder in sorted(p for p in OPENDATA.iterdir() if (p / "participants-votes.csv").exists()):
        export = read_polis_export(folder)
        exported = read_exported_groups(folder / "participants-votes.csv")
        pol = dict(zip(exported.participant_ids.tolist(), exported.group_ids.tolist(), strict=True))
        ours = compute(export.votes, excluded_statements=export.rejected_statements)
        # The platform's earlier defaults, kept for comparison with today's (Pol.is's).
        earlier = compute(
            export.votes,
            excluded_statements=export.rejected_statements,
            config=OpinionConfig.drop_moderated(),
        )
        seeds = [
            _ari_vs(
                pol,
                _groups_of(
                    compute(
                        export.votes,
                        excluded_statements=export.rejected_statements,
                        seed=s,
                        config=cfg,
                    )
                ),
            )
            for cfg in (OpinionConfig(), OpinionConfig.drop_moderated())
            for s in range(4)
        ]
        npz = out / "data" / f"real-{folder.name}.npz"
        npz.parent.mkdir(parents=True, exist_ok=True)
        _votes_npz(export.votes, export.rejected_statements, npz)
        peer_json = out / f"real-peer-{folder.name}.json"
        timed([str(PEER_PY), str(HERE / "peer_worker.py"), "votes", str(npz), str(peer_json)], env)
        peer = json.loads(peer_json.read_text())
        with np.load(peer_json.with_suffix(".labels.npz")) as lab:
            peer_groups = dict(zip(lab["participant"].tolist(), lab["group"].tolist(), strict=True))
        ours_groups = _groups_of(ours)
        rows.append(
            {
                "conversation": folder.name,
                "participants": export.votes.n_participants,
                "polis_k": len(set(exported.group_ids.tolist()) - {-1}),
                "ours_k": ours.k,
                "earlier_k": earlier.k,
                "peer_k": peer["k"],
                "ours_ari": _ari_vs(pol, ours_groups),
                "earlier_ari": _ari_vs(pol, _groups_of(earlier)),
                "peer_ari": _ari_vs(pol, peer_groups),
                "ours_seeds": seeds[:4],
                "earlier_seeds": seeds[4:],
                "ours_compared": _overlap(pol, ours_groups),
                "peer_compared": _overlap(pol, peer_groups),
            }
        )
        print(
            f"real {folder.name}: {rows[-1]['ours_ari']:.3f} vs {rows[-1]['peer_ari']:.3f}",
            flush=True,
        )
    return rows


def _groups_of(result) -> dict:
    return dict(zip(result.participant_ids.tolist(), result.group_of.tolist(), strict=True))


def _overlap(reference: dict, labels: dict) -> int:
    return sum(1 for p, g in labels.items() if g >= 0 and reference.get(p, -1) >= 0)


def _ari_vs(reference: dict, labels: dict) -> float:
    both = [(reference[p], g) for p, g in labels.items() if g >= 0 and reference.get(p, -1) >= 0]
    return float(adjusted_rand_score([a for a, _ in both], [b for _, b in both]))


# -- small conversations: equality with red-dwarf -----------------------------------------------


def small_cases(voters: int = 80) -> list[tuple[str, VoteMatrix, np.ndarray]]:
    """London (26 voters) and every votes.csv conversation as it stood at its 80th voter."""
    cases = []
    for folder in sorted(OPENDATA.iterdir()):
        export = read_polis_export(folder)
        if export.votes.n_participants < 100:
            cases.append((folder.name, export.votes, export.rejected_statements))
            continue
        if not (folder / "votes.csv").exists():
            continue
        log = read_vote_log(folder / "votes.csv")
        order = np.argsort(log.timestamps, kind="stable")
        seen: dict = {}
        for p, t in zip(
            log.participants[order].tolist(), log.timestamps[order].tolist(), strict=True
        ):
            if p not in seen:
                seen[p] = t
                if len(seen) > voters:
                    break
        cutoff = max(seen.values())  # first vote of voter 81: keep what came before
        keep = log.timestamps < cutoff
        matrix = VoteMatrix.from_votes(
            log.participants[keep],
            log.statements[keep],
            log.votes[keep],
            timestamps=log.timestamps[keep],
        )
        cases.append((f"{folder.name} @ {voters} voters", matrix, export.rejected_statements))
    return cases


def section_small(out: Path, env: dict) -> list[dict]:
    rows = []
    (out / "data").mkdir(parents=True, exist_ok=True)
    for name, matrix, rejected in small_cases():
        rejected = rejected[np.isin(rejected, matrix.statement_ids)]
        npz = out / "data" / f"small-{name.replace(' ', '_').replace('@', 'at')}.npz"
        _votes_npz(matrix, rejected, npz)
        for k in (2, 3):
            peer_json = npz.with_name(npz.stem + f"-k{k}.json")
            timed(
                [
                    str(PEER_PY),
                    str(HERE / "peer_worker.py"),
                    "votes",
                    str(npz),
                    str(peer_json),
                    "--force-k",
                    str(k),
                    "--details",
                ],
                env,
            )
            peer = json.loads(peer_json.read_text())
            # red-dwarf keeps moderated columns as all-pass: moderation="zero" does the same.
            ours = compute(
                matrix,
                excluded_statements=rejected,
                force_k=k,
                config=OpinionConfig(moderation="zero"),
            )
            parity = compute(
                matrix,
                excluded_statements=rejected,
                force_k=k,
                config=OpinionConfig(moderation="zero", group_init="first-distinct"),
            )
            row = compare_small(name, k, matrix, rejected, ours, peer)
            same_init = compare_small(name, k, matrix, rejected, parity, peer)
            row["labels_ari_same_init"] = same_init["labels_ari"]
            row["repness_equal_same_init"] = same_init["repness_equal"]
            row["statement_figures_diff"] = _statement_figures_diff(parity, peer)
            rows.append(row)
            print(f"small {name} k={k}: {json.dumps(rows[-1])}", flush=True)
    return rows


def compare_small(name, k, matrix, rejected, ours, peer) -> dict:
    index = {p: i for i, p in enumerate(ours.participant_ids.tolist())}
    rows = np.array([index[p] for p in peer["participants"]])
    mine = ours.coords[rows]
    theirs = np.column_stack([peer["x"], peer["y"]])
    diff = 0.0
    for a in range(2):
        sign = 1.0 if mine[:, a] @ theirs[:, a] >= 0 else -1.0
        diff = max(diff, float(np.abs(mine[:, a] - sign * theirs[:, a]).max()))
    in_conv_equal = bool(np.array_equal(ours.in_conversation[rows], np.array(peer["in_conv"])))
    our_labels = ours.group_of[rows]
    peer_labels = np.array(peer["group"])
    clustered = (our_labels >= 0) & (peer_labels >= 0)
    labels_ari = float(adjusted_rand_score(our_labels[clustered], peer_labels[clustered]))

    # Representative statements: end to end, and from red-dwarf's own labels through our stage.
    peer_rep = {int(g): [tuple(x) for x in items] for g, items in peer["repness"].items()}
    ours_rep = {
        g.id: [(r.statement_id, r.direction) for r in g.representative] for g in ours.groups
    }
    shown = matrix.select(statements=~np.isin(matrix.statement_ids, rejected))
    full_labels = np.full(shown.n_participants, -1)
    full_labels[shown.participant_index(np.array(peer["participants"]))] = peer_labels
    agree, disagree, votes = shown.tally(full_labels, k)
    maths = shown.votes_per_statement() > 0  # red-dwarf's columns: statements with votes
    stats = group_stats(agree[:, maths], disagree[:, maths], votes[:, maths])
    stage_rep = {
        g: [
            (r.statement_id, r.direction)
            for r in representative_statements(stats, g, shown.statement_ids[maths])
        ]
        for g in range(k)
    }
    consensus_ours = {
        "agree": [c.statement_id for c in ours.consensus_agree],
        "disagree": [c.statement_id for c in ours.consensus_disagree],
    }
    return {
        "case": name,
        "k": k,
        "participants": int(matrix.n_participants),
        "projection_max_diff": diff,
        "projection_scale": float(np.abs(theirs).max()),
        "in_conv_equal": in_conv_equal,
        "labels_ari": labels_ari,
        "inertia_ours": _inertia(mine[clustered], our_labels[clustered]),
        "inertia_peer": _inertia(mine[clustered], peer_labels[clustered]),
        "repness_equal": labels_ari == 1.0 and _same_groups(ours_rep, peer_rep),
        "repness_stage_equal": stage_rep == peer_rep,
        "consensus_equal": consensus_ours == peer["consensus"],
        "consensus_equal_up_to_ties": _consensus_up_to_ties(shown, ours, peer["consensus"]),
    }


def _statement_figures_diff(ours, peer) -> float:
    """Largest relative difference (floor 1e-6) of extremity, priority, group-aware consensus."""
    ours_col = {sid: i for i, sid in enumerate(ours.statement_ids.tolist())}
    worst = 0.0
    for j, sid in enumerate(peer["statements"]):
        i = ours_col.get(sid)
        if i is None or not ours.in_maths[i]:
            continue
        for mine, theirs in (
            (ours.extremity[i], peer["extremity"][j]),
            (ours.priority[i], peer["priority"][j]),
            (ours.group_aware_consensus[i], peer["gac"][j]),
        ):
            worst = max(worst, abs(mine - theirs) / max(abs(theirs), 1e-6))
    return float(worst)


def _inertia(points: np.ndarray, labels: np.ndarray) -> float:
    return float(
        sum(
            ((points[labels == g] - points[labels == g].mean(axis=0)) ** 2).sum()
            for g in set(labels.tolist())
        )
    )


def _same_groups(ours: dict, peer: dict) -> bool:
    """Same lists of representative statements, whatever the group numbering."""
    return sorted(map(tuple, ours.values())) == sorted(map(tuple, peer.values()))


def _consensus_up_to_ties(shown: VoteMatrix, ours, peer_consensus: dict) -> bool:
    from coproduce.conversations.opinion.repness import probability, prop_test

    agree, disagree, votes = shown.column_tally()
    for direction, ours_list, succ in (
        ("agree", ours.consensus_agree, agree),
        ("disagree", ours.consensus_disagree, disagree),
    ):
        metric = probability(succ, votes) * prop_test(succ, votes)
        col = {sid: i for i, sid in enumerate(shown.statement_ids.tolist())}
        mine = [round(float(metric[col[c.statement_id]]), 12) for c in ours_list]
        theirs = [round(float(metric[col[s]]), 12) for s in peer_consensus[direction]]
        if mine != theirs:
            return False
    return True


# -- report ------------------------------------------------------------------------------------


def machine() -> dict:
    def version(py: Path, module: str) -> str:
        code = f"import importlib.metadata as m; print(m.version('{module}'))"
        proc = subprocess.run([str(py), "-c", code], capture_output=True, text=True)
        return proc.stdout.strip() or "?"

    cpu = "?"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    mem_kb = int(Path("/proc/meminfo").read_text().split()[1])
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "ram_gb": round(mem_kb / 2**20, 1),
        "python": platform.python_version(),
        "ours": {m: version(OURS_PY, m) for m in ("numpy", "scipy", "pyarrow")},
        "peer": {m: version(PEER_PY, m) for m in ("red-dwarf", "numpy", "pandas", "scikit-learn")},
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
    }


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    return lines + ["| " + " | ".join(row) + " |" for row in rows]


def _md_planted(rows: list[dict]) -> list[str]:
    header = ["case", "votes", "ours: first / best", "ours peak RSS", "ours ARI"]
    header += ["red-dwarf", "red-dwarf peak RSS", "red-dwarf ARI", "speed-up", "max load"]
    body = []
    for r in rows:
        o, p = r["ours"], r.get("peer")
        loads = o["process"]["load"] + (p["process"]["load"] if p else [])
        cells = [
            r["case"],
            f"{r['votes']:,}",
            f"{o['seconds']:.2f} / {o['best_seconds']:.2f} s",
            f"{o['process']['rss_mb']:.0f} MB",
            f"{o['ari']:.4f}",
        ]
        if p:
            cells += [
                f"{p['seconds']:.1f} s",
                f"{p['process']['rss_mb']:.0f} MB",
                f"{p['ari']:.4f}",
                f"{r['speedup']:.0f}x",
            ]
        else:
            cells += ["not run", "", "", ""]
        body.append([*cells, f"{max(loads):.1f}"])
    lines = ["", "## Planted groups: speed, memory, agreement", "", *_table(header, body)]
    lines += ["", "Stage times of our last run (seconds):", ""]
    for r in rows:
        stages = ", ".join(f"{k} {v:.3f}" for k, v in r["ours"]["stages"].items() if v >= 0.001)
        lines.append(f"- {r['case']}: {stages}")
    return lines


def _md_cli(c: dict) -> list[str]:
    ours, peer = c["ours"], c["peer"]
    runs = len(c["ours_all"])
    all_runs = ", ".join(f"{x:.2f}" for x in c["ours_all"])
    body = [
        [
            f"`python -m coproduce.conversations.opinion DIR` (median of {runs})",
            f"{ours['wall']:.2f} s",
            f"{ours['rss_mb']:.0f} MB",
            f"{c['ours_ari']:.4f}",
            str(ours["load"]),
        ],
        [
            "red-dwarf from the same files (pandas read + run_pipeline)",
            f"{peer['wall']:.2f} s",
            f"{peer['rss_mb']:.0f} MB",
            f"{c['peer_ari']:.4f}",
            str(peer["load"]),
        ],
    ]
    return [
        "",
        "## Command line, whole process (start-up and CSV reading included)",
        "",
        f"20,000 x 2,000 at 5 % ({c['votes']:,} votes, votes.csv {c['size_mb']:.0f} MB).",
        "",
        *_table(["", "wall time", "peak RSS", "ARI vs planted", "load"], body),
        "",
        f"Speed-up: {c['speedup']:.1f}x (our runs: {all_runs} s).",
    ]


def _md_live(lv: dict) -> list[str]:
    runs = ", ".join(f"{x:.3f}" for x in lv["all_seconds"])
    return [
        "",
        "## Live update",
        "",
        f"One more vote in a {lv['votes']:,}-vote conversation (20,000 x 1,000 at 5 %), "
        "warm-started from the previous state, matrix rebuilt from the vote arrays: "
        f"median {lv['seconds']:.3f} s (runs: {runs} s); k {lv['k_cold']} -> {lv['k_warm']}, "
        f"{100 * lv['same_group_share']:.2f} % keep their group, largest move "
        f"{lv['max_move']:.3f}; process peak RSS {lv['process']['rss_mb']:.0f} MB.",
    ]


def _md_realdata(rows: list[dict]) -> list[str]:
    header = ["conversation", "participants", "Pol.is k"]
    header += ["k: ours / earlier defaults / red-dwarf"]
    header += [
        "ARI ours (default, Pol.is conventions)",
        "ARI ours, earlier defaults",
        "ARI red-dwarf",
        "compared",
    ]
    body = [
        [
            r["conversation"],
            f"{r['participants']:,}",
            str(r["polis_k"]),
            f"{r['ours_k']} / {r['earlier_k']} / {r['peer_k']}",
            f"{r['ours_ari']:.3f}",
            f"{r['earlier_ari']:.3f}",
            f"{r['peer_ari']:.3f}",
            f"{r['ours_compared']} / {r['peer_compared']}",
        ]
        for r in rows
    ]
    mean = {k: np.mean([r[k] for r in rows]) for k in ("ours_ari", "earlier_ari", "peer_ari")}
    body.append(
        ["**mean**", "", "", ""]
        + [f"**{mean[k]:.3f}**" for k in ("ours_ari", "earlier_ari", "peer_ari")]
        + [""]
    )
    seeds_ours = np.mean([r["ours_seeds"] for r in rows], axis=0)
    seeds_earlier = np.mean([r["earlier_seeds"] for r in rows], axis=0)
    return [
        "",
        "## Agreement with Pol.is's exported groups (adjusted Rand index)",
        "",
        *_table(header, body),
        "",
        f"Mean ARI for seeds 0-3: ours default {', '.join(f'{x:.3f}' for x in seeds_ours)}; "
        f"earlier defaults {', '.join(f'{x:.3f}' for x in seeds_earlier)} "
        "(red-dwarf's k-means start is deterministic).",
    ]


def _md_small(rows: list[dict]) -> list[str]:
    header = [
        "case",
        "k",
        "projection max diff (scale)",
        "in-conv equal",
        "labels ARI: default / red-dwarf's init",
        "inertia: ours / red-dwarf",
        "repness equal: default / red-dwarf's init / on red-dwarf's labels",
        "consensus equal (up to ties)",
        "extremity, priority, GAC max rel. diff",
    ]
    body = [
        [
            r["case"],
            str(r["k"]),
            f"{r['projection_max_diff']:.1e} ({r['projection_scale']:.1f})",
            str(r["in_conv_equal"]),
            f"{r['labels_ari']:.3f} / {r['labels_ari_same_init']:.3f}",
            f"{r['inertia_ours']:.1f} / {r['inertia_peer']:.1f}",
            f"{r['repness_equal']} / {r['repness_equal_same_init']} / {r['repness_stage_equal']}",
            f"{r['consensus_equal']} ({r['consensus_equal_up_to_ties']})",
            f"{r['statement_figures_diff']:.1e}",
        ]
        for r in rows
    ]
    return [
        "",
        "## Small conversations: equality with red-dwarf at forced k",
        "",
        *_table(header, body),
    ]


def markdown(results: dict) -> str:
    mach = results["machine"]
    lines = [
        "# Opinion maths benchmark results",
        "",
        f"Machine: {mach['cpu']}, {mach['cores']} cores, {mach['ram_gb']} GB RAM; "
        f"Python {mach['python']}; threads pinned to {results['threads']}; {mach['date']}.",
        f"Ours: {mach['ours']}. Peer: {mach['peer']}.",
    ]
    renderers = {
        "planted": _md_planted,
        "cli": _md_cli,
        "live": _md_live,
        "realdata": _md_realdata,
        "small": _md_small,
    }
    for name, render in renderers.items():
        if name in results:
            lines += render(results[name])
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out" / "opinion")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument(
        "--only", nargs="*", default=["planted", "cli", "live", "realdata", "small"]
    )
    parser.add_argument("--no-huge", action="store_true", help="skip the 100 M-vote case")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    env = pinned_env(args.threads)
    results_path = args.out / "results.json"
    results = json.loads(results_path.read_text()) if results_path.exists() else {}
    results.update(threads=args.threads, machine=machine())
    sections = {
        "planted": lambda: section_planted(args.out, env, not args.no_huge),
        "cli": lambda: section_cli(args.out, env),
        "live": lambda: section_live(args.out, env),
        "realdata": lambda: section_realdata(args.out, env),
        "small": lambda: section_small(args.out, env),
    }
    for name in args.only:
        results[name] = sections[name]()
        results_path.write_text(json.dumps(results, indent=1, default=float))
    (args.out / "results.md").write_text(markdown(results))
    print(markdown(results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
