"""Time the workshop report renderers on a large generated workshop.

    /work/main/.venv/bin/python bench/reports/run.py [--runs 3] [--seed 0] [--notes 2000]
        [--participants 200] [--themes 12] [--save-dir DIR]

The document is what the platform builds for a big workshop: the header table, 200
participants in 8 sectors (a table and two bar charts), an opinion map (a scatter of one point
per participant, a statements table and a bar chart), 2,000 table notes quoted under 12
themes, and conclusions. Text comes from a fixed-seed generator with some Catalan and Greek
words mixed in, so the fonts' fallback paths are exercised too.

Prints a Markdown table: for each format the median and best wall time and the median CPU time
of ``--runs`` runs, after one untimed warm-up call (imports, font discovery), whose time is
reported separately. No Django.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import shutil
import statistics
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from coproduce.reports.document import (
    BarChartSpec,
    BulletList,
    Document,
    Figure,
    KeyValueTable,
    Markdown,
    Quote,
    ScatterSpec,
    Section,
    Table,
    to_docx,
    to_html,
    to_markdown,
    to_pdf,
)

SECTORS = (
    "Local government",
    "Civil society organisations",
    "Academia and research",
    "Neighbourhood associations",
    "Social economy and cooperatives",
    "Private sector",
    "Public services (health, education)",
    "Residents without affiliation",
)
# A few Catalan and Greek words among the English, so the fonts' Greek glyphs are used too.
_WORD_TEXT = (
    "bus tram bike lanes housing rent tenants parks trees shade heat schools carers budget "
    "council strategy coproduction workshop neighbourhood elderly youth migrants volunteers "
    "libraries markets street lighting crossings benches toilets water participation trust "
    "power decisions accountability funding evaluation data maps listening assemblies "
    "barri veïns participació habitatge places arbres συμμετοχή γειτονιά πόλη δήμος "
    "we need more should the city people and to of in for with that this is are not"
)
WORDS = tuple(_WORD_TEXT.split())
THEMES = (
    "Mobility and safe streets",
    "Affordable housing",
    "Green and cool public space",
    "Care and loneliness",
    "Budget and money",
    "Trust in the council",
    "Young people's voice",
    "Migrants and language",
    "Data and evaluation",
    "Neighbourhood assemblies",
    "Local economy",
    "Culture and libraries",
)


def sentence(rng: random.Random, low: int, high: int) -> str:
    words = rng.choices(WORDS, k=rng.randint(low, high))
    return " ".join(words).capitalize() + rng.choice(".!?")


def build(seed: int, participants: int, notes: int, themes: int) -> Document:
    rng = random.Random(seed)
    return Document(
        title="How to coproduce the city: lessons for and from Greater Manchester",
        subtitle="Workshop report, IOPD 2018 (generated benchmark data)",
        footer="Coproduce — generated benchmark workshop",
        sections=(
            header_section(rng, participants),
            Section("summary", "Summary and methodology", (Markdown(markdown_text(rng, 4)),)),
            participation_section(rng, participants),
            opinion_section(rng, participants),
            themes_section(rng, notes, themes),
            Section("conclusions", "Conclusions", (Markdown(markdown_text(rng, 3)),)),
        ),
    )


def header_section(rng: random.Random, participants: int) -> Section:
    rows = (
        ("Title of the workshop", "How to coproduce the city"),
        ("Organizer (s)", "Bertie Russell, Beth Perry"),
        ("Speakers / Facilitators", ", ".join(f"Facilitator {i}" for i in range(1, 7))),
        ("Participants", str(participants)),
        ("Desired outcomes", "\n".join(sentence(rng, 6, 14) for _ in range(6))),
        ("Organisation of session", "\n".join(sentence(rng, 6, 14) for _ in range(4))),
    )
    return Section("header", "The workshop", (KeyValueTable(rows),))


def markdown_text(rng: random.Random, paragraphs: int) -> str:
    parts = [" ".join(sentence(rng, 8, 20) for _ in range(4)) for _ in range(paragraphs)]
    parts.insert(1, "\n".join(f"- **{sentence(rng, 2, 4)}** {sentence(rng, 6, 12)}" for _ in "abc"))
    parts.append("See [the founding report](https://example.org/iopd-2018) for the background.")
    return "\n\n".join(parts)


def participation_section(rng: random.Random, participants: int) -> Section:
    shares = [rng.random() + 0.3 for _ in SECTORS]
    registered = [round(participants * 1.2 * s / sum(shares)) for s in shares]
    attended = [
        min(r, round(participants * s / sum(shares)))
        for r, s in zip(registered, shares, strict=True)
    ]
    bars = BarChartSpec(
        "Participants by sector",
        f"{sum(attended)} of {sum(registered)} registered people came, in {len(SECTORS)} sectors.",
        SECTORS,
        (("Registered", tuple(registered)), ("Attended", tuple(attended))),
    )
    rounds = BarChartSpec(
        "Notes per café round",
        "Table notes written in each of the three rounds.",
        ("Round 1", "Round 2", "Round 3"),
        (("Notes", tuple(rng.randint(500, 800) for _ in range(3))),),
    )
    table = Table(
        ("Sector", "Registered", "Attended", "Share"),
        tuple(
            (name, str(r), str(a), f"{100 * a / max(sum(attended), 1):.0f}%")
            for name, r, a in zip(SECTORS, registered, attended, strict=True)
        ),
        caption="Participation by sector",
        numeric_columns=(1, 2, 3),
    )
    return Section(
        "participation",
        "Participants",
        (
            Figure(bars, "Participants by sector", bars.description),
            table,
            Figure(rounds, "Notes per round", rounds.description),
        ),
    )


def opinion_section(rng: random.Random, participants: int) -> Section:
    centres = [(-1.5, 0.5), (1.2, 1.0), (0.3, -1.4), (1.8, -0.6)]
    points = tuple(
        (rng.gauss(centres[g][0], 0.6), rng.gauss(centres[g][1], 0.6), g if i % 17 else None)
        for i in range(participants)
        for g in [rng.randrange(len(centres))]
    )
    groups = tuple(f"Opinion group {chr(65 + i)}" for i in range(len(centres)))
    scatter = ScatterSpec(
        "Opinion map", f"{participants} participants in {len(groups)} groups.", points, groups
    )
    statements = [sentence(rng, 6, 16) for _ in range(30)]
    votes = [[rng.randint(0, 80) for _ in range(3)] for _ in statements]
    table = Table(
        ("Statement", "Agree", "Disagree", "Pass"),
        tuple((s, *(str(v) for v in vs)) for s, vs in zip(statements, votes, strict=True)),
        caption="Statements and votes",
        numeric_columns=(1, 2, 3),
    )
    consensus = BarChartSpec(
        "Consensus statements",
        "Share of participants agreeing with the ten statements with most consensus.",
        tuple(statements[:10]),
        tuple((g, tuple(round(rng.uniform(40, 95), 1) for _ in range(10))) for g in groups[:3]),
    )
    return Section(
        "opinion",
        "Opinion map",
        (
            Markdown(markdown_text(rng, 2)),
            Figure(scatter, "Opinion map of the participants", scatter.description),
            table,
            Figure(consensus, "Consensus statements by group", consensus.description),
        ),
    )


def themes_section(rng: random.Random, notes: int, themes: int) -> Section:
    blocks: list = []
    sizes = [notes // themes + (1 if i < notes % themes else 0) for i in range(themes)]
    for number, size in enumerate(sizes):
        label = THEMES[number % len(THEMES)]
        blocks.append(Markdown(f"### {number + 1}. {label}\n\n{sentence(rng, 15, 30)}"))
        blocks += [
            Quote(sentence(rng, 5, 30), f"Table {rng.randint(1, 20)}, round {rng.randint(1, 3)}")
            for _ in range(size)
        ]
    blocks.append(BulletList(tuple(THEMES[:themes]), ordered=True))
    return Section("themes", "World Café themes", tuple(blocks))


def measure(render: Callable[[Document], object], doc: Document, runs: int) -> dict:
    start = time.perf_counter()
    output = render(doc)
    first = time.perf_counter() - start
    walls, cpus = [], []
    for _ in range(runs):
        wall, cpu = time.perf_counter(), time.process_time()
        output = render(doc)
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    size = len(output.encode() if isinstance(output, str) else output)
    return {
        "first": first,
        "median": statistics.median(walls),
        "best": min(walls),
        "cpu": statistics.median(cpus),
        "size": size,
        "output": output,
    }


def pdf_pages(pdf: bytes) -> str:
    if not shutil.which("pdfinfo"):
        return "?"
    with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
        f.write(pdf)
        f.flush()
        info = subprocess.run(["pdfinfo", f.name], capture_output=True, text=True).stdout
    return next((line.split()[-1] for line in info.splitlines() if line.startswith("Pages")), "?")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--participants", type=int, default=200)
    parser.add_argument("--notes", type=int, default=2000)
    parser.add_argument("--themes", type=int, default=12)
    parser.add_argument("--save-dir", type=Path, help="write the last output of each format here")
    args = parser.parse_args()

    load_before = os.getloadavg()
    start = time.perf_counter()
    doc = build(args.seed, args.participants, args.notes, args.themes)
    built = time.perf_counter() - start
    formats = {"html": to_html, "markdown": to_markdown, "docx": to_docx, "pdf": to_pdf}
    results = {name: measure(render, doc, args.runs) for name, render in formats.items()}
    load_after = os.getloadavg()

    print(
        f"Machine: {os.cpu_count()} CPUs, {platform.machine()}, Python {platform.python_version()}"
    )
    print(f"Load average before: {_load(load_before)}; after: {_load(load_after)}")
    print(
        f"Document: {args.participants} participants, {args.notes} quotes in {args.themes} "
        f"themes, 4 charts, seed {args.seed}; built in {built:.3f} s; "
        f"PDF pages: {pdf_pages(results['pdf']['output'])}"
    )
    print()
    print(
        "| format | first call (s) | runs | wall median (s) | wall best (s) | CPU median (s) "
        "| output size |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|")
    for name, r in results.items():
        print(
            f"| {name} | {r['first']:.3f} | {args.runs} | {r['median']:.3f} | {r['best']:.3f} "
            f"| {r['cpu']:.3f} | {r['size'] / 1024:,.0f} KiB |"
        )
    if args.save_dir:
        args.save_dir.mkdir(parents=True, exist_ok=True)
        suffix = {"html": "html", "markdown": "md", "docx": "docx", "pdf": "pdf"}
        for name, r in results.items():
            out = r["output"]
            path = args.save_dir / f"report.{suffix[name]}"
            path.write_bytes(out.encode() if isinstance(out, str) else out)


def _load(values: tuple[float, float, float]) -> str:
    return " / ".join(f"{v:.2f}" for v in values)


if __name__ == "__main__":
    main()
