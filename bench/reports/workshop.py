"""A whole workshop report, from the database to the file: PDF and DOCX.

The benchmark of the report issue: a workshop with 200 participants, a World Café of 40 tables
and 4 rounds with 2,000 table notes, and an opinion map (200 voters, 40 statements). The
timed part is what the worker does for a download: read everything, build the document and
render it (themes are found beforehand, as the facilitator does on the themes page).

    .venv/bin/python bench/reports/workshop.py [--runs 3]

Runs on a throwaway SQLite database, with BLAS threads pinned to one (one core).
"""

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[name] = "1"
folder = tempfile.mkdtemp(prefix="coproduce-bench-")
os.environ.update(
    DJANGO_SETTINGS_MODULE="coproduce.settings",
    DATABASE_URL=f"sqlite:///{folder}/bench.sqlite3",
    COPRODUCE_DATA_DIR=folder,
    TASKS_BACKEND="django.tasks.backends.immediate.ImmediateBackend",
    OPINION_MAP_DELAY_SECONDS="3600",
    LOG_LEVEL="WARNING",
)

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.utils import timezone  # noqa: E402

from coproduce.cafe import services as cafe  # noqa: E402
from coproduce.cafe.models import Note  # noqa: E402
from coproduce.coalitions.models import Coalition  # noqa: E402
from coproduce.conversations import services as conversations  # noqa: E402
from coproduce.conversations.maps import compute_map  # noqa: E402
from coproduce.people.models import Guest  # noqa: E402
from coproduce.people.sectors import SECTOR_ORDER  # noqa: E402
from coproduce.reports import services as reports  # noqa: E402
from coproduce.reports.rendering import render  # noqa: E402
from coproduce.workshops.models import AgendaItem, AgendaQuestion, Registration, Workshop  # noqa: E402

WORD_LINE = "charter budget residents council housing transport parks data trust power owners plan"
WORDS = [*WORD_LINE.split(" "), "strategy", "evaluation", "youth", "climate", "neighbourhood"]


def build_workshop(rng: random.Random) -> Workshop:
    coalition = Coalition.objects.create(name="Bench coalition", slug="bench", purpose="Benchmark")
    start = timezone.now() - timedelta(days=1)
    workshop = Workshop.objects.create(
        coalition=coalition,
        title="Benchmark workshop",
        slug="bench",
        starts_at=start,
        ends_at=start + timedelta(hours=4),
        summary="A large workshop.",
        time_zone="UTC",
    )
    item = AgendaItem.objects.create(
        workshop=workshop, title="Café", kind="world_cafe", minutes=160
    )
    for i, label in enumerate(("POLICY", "TOOLS")):
        AgendaQuestion.objects.create(
            agenda_item=item, label=label, text=f"Question {label}?", order=i
        )
    guests = Guest.objects.bulk_create(
        Guest(display_name=f"Participant {i}", sector=SECTOR_ORDER[i % 6]) for i in range(200)
    )
    Registration.objects.bulk_create(
        Registration(
            workshop=workshop,
            guest=g,
            display_name=g.display_name,
            sector=g.sector,
            checked_in_at=start,
        )
        for g in guests
    )
    room = cafe.cafe_for(item)
    room.rounds = 4
    room.save()
    cafe.set_round_questions(room)
    room.tables.all().delete()
    cafe.add_tables(room, 40, capacity=5)
    cafe.make_plan(room, seconds=5)
    tables = list(room.tables.all())
    Note.objects.bulk_create(
        Note(
            cafe=room,
            table=tables[n % 40],
            round_number=1 + (n // 40) % 4,
            question_id=None,
            text=" ".join(rng.choices(WORDS, k=rng.randint(8, 25))).capitalize() + ".",
        )
        for n in range(2000)
    )
    conversation = conversations.open_conversation(
        coalition=coalition,
        workshop=workshop,
        question="Where next?",
        seed_statements=[f"Statement {i}: " + " ".join(rng.choices(WORDS, k=6)) for i in range(40)],
    )
    statements = list(conversation.statements.values_list("pk", flat=True))
    for index, guest in enumerate(guests):
        voter = conversations.voter_for(conversation, guest=guest)
        for j, statement in enumerate(statements):
            if rng.random() < 0.6:
                conversations.cast_vote(voter, statement, 1 if (index % 2) == (j % 2) else -1)
    compute_map(conversation)
    reports.find_themes(reports.report_for(workshop))
    return workshop


def timed(fn, runs: int) -> tuple[float, float, float]:
    walls, cpus = [], []
    for _ in range(runs):
        wall, cpu = time.perf_counter(), time.process_time()
        fn()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls), min(walls), statistics.median(cpus)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    runs = parser.parse_args().runs
    call_command("migrate", verbosity=0)
    workshop = build_workshop(random.Random(2026))
    print(
        f"notes: {Note.objects.count()}, registrations: {workshop.registrations.count()}, "
        f"load average: {os.getloadavg()[0]:.2f}",
        file=sys.stderr,
    )
    version = reports.draft_of(reports.report_for(workshop))
    render(workshop, version, "pdf")  # warm the imports, as a running worker is
    print("| format | wall median (s) | wall best (s) | CPU median (s) | target (s) |")
    print("|---|---:|---:|---:|---:|")
    for fmt, target in (("pdf", 5), ("docx", 3), ("html", None), ("md", None)):
        median, best, cpu = timed(lambda f=fmt: render(workshop, version, f), runs)
        print(f"| {fmt} | {median:.2f} | {best:.2f} | {cpu:.2f} | {target or ''} |")
    pdf = Path(folder) / "report.pdf"
    pdf.write_bytes(render(workshop, version, "pdf"))
    # WeasyPrint packs its page objects into compressed streams: ask poppler for the count.
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
    pages = next((line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")), "?")
    Path(folder).joinpath("done").touch()
    print(f"\nload average after: {os.getloadavg()[0]:.2f}; PDF pages: {pages}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
