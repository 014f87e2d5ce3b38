"""The results page of a big self-assessment: 5,000 respondents × 40 items, timed, against a
baseline that aggregates per response in Python, in the same run.

    .venv/bin/python bench/assessments/results.py [--respondents 5000] [--items 40] [--runs 15]

Fills a fresh database (SQLite in a temporary folder, or, when DATABASE_URL names a
PostgreSQL server, a database of its own there, `coproduce_bench_assessments`, made and
dropped), then times:

    baseline   every response loaded as a model object and summed item by item in Python
               loops, per sector (what a naive results page would do), aggregates only;
    ours       `results.round_results` (one query, NumPy per group) — aggregates only;
    page       the whole results page as an organiser sees it (every group, the radar charts,
               the differences, promised against experienced), through Django's test client.

Prints p50/p95 of each and the ratio of the baseline to ours. Target: the page under 200 ms.
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "src"))
DB_NAME = "coproduce_bench_assessments"
SECTORS = ["local_government", "civil_society", "residents", "research", "business"]
TARGET_MS = 200.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--respondents", type=int, default=5000)
    parser.add_argument("--items", type=int, default=40)
    parser.add_argument("--runs", type=int, default=15)
    options = parser.parse_args()
    vendor = _database()
    import django

    django.setup()
    from django.core.management import call_command
    from django.test.utils import setup_test_environment

    setup_test_environment()
    call_command("migrate", verbosity=0)
    try:
        _run(vendor, options)
    finally:
        if vendor == "postgresql":
            from django.db import connections

            connections.close_all()
            _drop()


def _run(vendor: str, options) -> None:
    from django.test import Client

    from coproduce.assessments import results

    assessment, organiser = _fill(options.respondents, options.items)
    round_ = assessment.rounds.get()
    print(f"{vendor}: {options.respondents:,} respondents × {options.items} items")
    baseline = _times(lambda: _baseline(round_), max(3, options.runs // 3))
    ours = _times(lambda: results.round_results(assessment, round_, full=True), options.runs)
    client = Client()
    client.force_login(organiser)
    url = f"/assessments/{assessment.pk}/results/"

    def page():
        response = client.get(url)
        assert response.status_code == 200, response.status_code
        return response

    page()  # templates compiled, caches warm
    pages = _times(page, options.runs)
    for name, times in (("baseline", baseline), ("ours", ours), ("page", pages)):
        print(f"{name:9} p50 {_p(times, 50):8.1f} ms   p95 {_p(times, 95):8.1f} ms")
    ratio = _p(baseline, 50) / _p(ours, 50)
    verdict = "meets" if _p(pages, 95) < TARGET_MS else "misses"
    print(
        f"aggregates {ratio:.1f}× faster than the baseline; the page {verdict} {TARGET_MS:.0f} ms"
    )


def _fill(count: int, items: int):
    from coproduce.assessments import services
    from coproduce.assessments.models import Response, Round, pack
    from coproduce.coalitions.models import Coalition, Membership, Role
    from coproduce.people.models import Guest, Person

    coalition = Coalition.objects.create(name="Bench", slug="bench", purpose="Bench")
    organiser = Person.objects.create_user(email="bench@example.org", password="x" * 20)
    Membership.objects.create(coalition=coalition, person=organiser, role=Role.ORGANISER)
    assessment = services.create_assessment(coalition, title="Bench", framework="scie")
    services.set_promise(assessment, "ladder", "co_design")
    round_ = assessment.rounds.get()
    round_.items = [
        {"id": f"item{i}", "title": f"Item {i}", "meaning": "", "asks": ""} for i in range(items)
    ]
    round_.save()
    rng = np.random.default_rng(13)
    guests = Guest.objects.bulk_create(
        Guest(display_name=f"R{n}", sector="residents") for n in range(count)
    )
    ladder = services.levels_of("ladder")
    rows = []
    for guest in guests:
        sector = SECTORS[rng.integers(len(SECTORS))]
        scores = rng.integers(0, 5, items)
        skipped = rng.random(items) < 0.05
        given = {f"item{i}": None if skipped[i] else int(scores[i]) for i in range(items)}
        rows.append(
            Response(
                round=round_,
                guest=guest,
                sector=sector,
                scores=given,
                packed=pack(round_.item_ids, given),  # as services.save_response writes it
                experienced=ladder[rng.integers(len(ladder))],
            )
        )
    Response.objects.bulk_create(rows, batch_size=500)
    assert Round.objects.count() == 1
    return assessment, organiser


def _baseline(round_) -> dict:
    """Per response, per item, in Python: sums and counts per (sector, item)."""
    sums, counts = {}, {}
    for response in round_.responses.all():
        for item in round_.item_ids:
            score = response.scores.get(item)
            if score is None:
                continue
            key = (response.sector, item)
            sums[key] = sums.get(key, 0) + score
            counts[key] = counts.get(key, 0) + 1
    return {key: sums[key] / counts[key] for key in sums}


def _times(run, runs: int) -> list[float]:
    found = []
    for _ in range(runs):
        started = time.perf_counter()
        run()
        found.append((time.perf_counter() - started) * 1000)
    return found


def _p(times: list[float], percent: int) -> float:
    if len(times) < 2:
        return times[0]
    return statistics.quantiles(times, n=100, method="inclusive")[percent - 1]


def _database() -> str:
    url = os.environ.get("DATABASE_URL", "")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coproduce.settings")
    if url.startswith(("postgres://", "postgresql://")):
        parts = urlsplit(url)
        server = urlunsplit(parts._replace(path="/postgres"))
        os.environ["BENCH_SERVER"] = server
        _drop()
        subprocess.run(["psql", server, "-qc", f"CREATE DATABASE {DB_NAME}"], check=True)
        os.environ["DATABASE_URL"] = urlunsplit(parts._replace(path=f"/{DB_NAME}"))
        os.environ.setdefault("COPRODUCE_DATA_DIR", tempfile.mkdtemp())
        return "postgresql"
    folder = Path(tempfile.mkdtemp())
    os.environ["DATABASE_URL"] = f"sqlite:///{folder / 'bench.sqlite3'}"
    os.environ.setdefault("COPRODUCE_DATA_DIR", str(folder))
    return "sqlite"


def _drop() -> None:
    server = os.environ["BENCH_SERVER"]
    subprocess.run(["psql", server, "-qc", f"DROP DATABASE IF EXISTS {DB_NAME}"], check=True)


if __name__ == "__main__":
    main()
