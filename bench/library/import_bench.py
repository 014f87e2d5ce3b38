"""Importing a whole Participedia export: 100,000 rows in Participedia's case format, timed,
against the naive import (one `services.create_entry` per row) in the same run.

    .venv/bin/python bench/library/import_bench.py [--rows 100000] [--baseline-rows 2000]

Generates the rows (all 111 columns; synthetic words; a 120-200 word body, a 20-40 word
description, spread fields with Participedia's stray spaces, numbers with ".0"), then, in a
fresh database:

    baseline   the first `--baseline-rows` rows, parsed the same way, saved one at a time with
               `services.create_entry` (a revision, facets and the index per entry), then
               published with their source; timed and extrapolated to all the rows;
    import     `imports.import_participedia` on all the rows (parse, check, bulk writes);
    worker     (PostgreSQL) the common words chosen, as the worker does after an import, so
               that the next imports keep their entries' bitmaps too;
    again      the same file a second time (every row found by its id, nothing changed);
    changed    the file with one title in ten changed (those rows updated, the rest unchanged).

Prints rows/s, the totals (wall clock, and this process's CPU time, which a busy machine
inflates less) and the ratio to the baseline. The target is 100,000 rows in under
60 s. The database is SQLite (a fresh file in a temporary folder) unless DATABASE_URL names a
PostgreSQL server: then the benchmark makes and drops its own database on that server,
`coproduce_bench_import`, and never touches the one named.
"""

import argparse
import csv
import io
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "src"))
DB_NAME = "coproduce_bench_import"
SEED = 7
SYLLABLES = "ka lo mi ne ru ta so vi pe da gu fo li ma ze bo ni tu ra ce".split()  # noqa: SIM905
TARGET_SECONDS = 60.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--baseline-rows", type=int, default=2000)
    options = parser.parse_args()
    vendor = _database()
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    data, changed = _files(options.rows, np.random.default_rng(SEED))
    print(
        f"{vendor}: generated {options.rows:,} rows ({len(data) / 1e6:.0f} MB) "
        f"in {time.perf_counter() - started:.1f} s"
    )
    baseline = _baseline(data, options.baseline_rows)
    per_row = baseline / options.baseline_rows
    print(
        f"baseline  {options.baseline_rows:,} rows one at a time: {baseline:.1f} s "
        f"({options.baseline_rows / baseline:,.0f} rows/s; {per_row * options.rows:,.0f} s "
        f"for {options.rows:,}, extrapolated)"
    )
    seconds = _timed("import", data, options.rows, per_row)
    _choose_common_words()
    _timed("again", data, options.rows, per_row)
    _timed("changed", changed, options.rows, per_row)
    verdict = "under" if seconds < TARGET_SECONDS else "OVER"
    print(f"target: {options.rows:,} rows in {seconds:.1f} s, {verdict} {TARGET_SECONDS:.0f} s")
    if vendor == "postgresql":
        from django.db import connections

        connections.close_all()
        _drop()


def _choose_common_words() -> None:
    """What the worker's sweep does after an import (PostgreSQL only): the next imports then
    keep the common words' entries too (search/common.py)."""
    from coproduce.library.search import common

    started = time.perf_counter()
    count = common.refresh()
    if count is not None:
        seconds = time.perf_counter() - started
        print(f"worker    common words chosen after the import: {count} in {seconds:.1f} s")


def _timed(label: str, data: bytes, rows: int, per_row: float) -> float:
    from coproduce.library.imports import import_participedia

    started, cpu = time.perf_counter(), time.process_time()
    report = import_participedia(data)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    assert report.imported and not report.refused, report.refused[:3]
    print(
        f"{label:<9} {rows:,} rows: {seconds:.1f} s, this process's CPU {cpu:.1f} s "
        f"({rows / seconds:,.0f} rows/s; created "
        f"{len(report.created):,}, updated {len(report.updated):,}, unchanged "
        f"{len(report.unchanged):,}); {per_row * rows / seconds:.0f}x the baseline"
    )
    return seconds


def _baseline(data: bytes, count: int) -> float:
    """The import as one would first write it: the services' one-entry-at-a-time path."""
    from coproduce.library import participedia, services
    from coproduce.library.imports import LICENCE, SOURCE
    from coproduce.library.models import BODY_MAX, Entry, Status

    head = b"\n".join(data.split(b"\n", count + 1)[: count + 1]) + b"\n"
    started = time.perf_counter()
    for row in participedia.read(head, body_max=BODY_MAX).rows:
        fields = {name: value for name, value in row.fields.items() if name in services.EDITABLE}
        entry = services.create_entry({**fields, "licence": LICENCE}, note="Imported")
        Entry.objects.filter(pk=entry.pk).update(
            status=Status.PUBLISHED,
            source=SOURCE,
            source_id=row.source_id,
            source_url=row.source_url,
            participedia=row.participedia,
        )
    seconds = time.perf_counter() - started
    Entry.objects.all().delete()
    return seconds


# -- the rows -------------------------------------------------------------------------------


def _files(count: int, rng) -> tuple[bytes, bytes]:
    """The export, and the same export with every tenth title changed."""
    from coproduce.library.participedia import CASE_COLUMNS

    words = _vocabulary(rng, 20_000)
    rows = [_row(number, words, rng) for number in range(1, count + 1)]
    first = _write(CASE_COLUMNS, rows)
    for row in rows[::10]:
        row["title"] += " (revised)"
    return first, _write(CASE_COLUMNS, rows)


def _write(columns, rows) -> bytes:
    stream = io.StringIO()
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([row.get(name, "") for name in columns])
    return ("\ufeff" + stream.getvalue()).encode("utf-8")


def _vocabulary(rng, size: int) -> list[str]:
    found: dict[str, None] = {}
    while len(found) < size:
        found["".join(rng.choice(SYLLABLES, rng.integers(2, 5)))] = None
    return list(found)


COUNTRIES = [f"Country {n}" for n in range(60)]
ISSUES = [f"issue_{n}" for n in range(20)]
IAP2 = ["inform", "consult", "involve", "collaborate", "empower", ""]
MODES = ["facetoface", "online", "both"]


def _text(words, rng, low: int, high: int) -> str:
    picked = rng.zipf(1.3, rng.integers(low, high)) % len(words)
    return " ".join(words[i] for i in picked)


def _spread(name: str, values: list[str], count: int = 3) -> dict:
    return {
        f"{name}_{n + 1}": (value if n == 0 else f" {value}")
        for n, value in enumerate(values[:count])
    }


def _row(number: int, words, rng) -> dict:
    start = int(rng.integers(1990, 2024))
    row = {
        "id": str(number),
        "type": "case",
        "title": _text(words, rng, 3, 7).title(),
        "url": f"https://participedia.net/case/{number}",
        "description": _text(words, rng, 20, 40),
        "featured": "0",
        "post_date": "2019-05-01",
        "updated_date": "2021-01-02",
        "creator_id": str(int(rng.integers(1, 5000))),
        "creator_name": _text(words, rng, 2, 3).title(),
        "original_language": "en",
        "city": f"City {int(rng.integers(0, 800))}",
        "country": COUNTRIES[int(rng.integers(0, len(COUNTRIES)))],
        "latitude": f"{rng.uniform(-60, 70):.6f}",
        "longitude": f"{rng.uniform(-170, 170):.6f}",
        "start_date": f"{start}-03-01",
        "end_date": f"{start + 1}-06-30",
        "public_spectrum": IAP2[int(rng.integers(0, len(IAP2)))],
        "number_of_participants_1": f"{int(rng.integers(10, 5000))}.0",
        "facetoface_online_or_both": MODES[int(rng.integers(0, 3))],
        "body": f" {_text(words, rng, 120, 200)} ",
        "files_count": "2",
        "links_count": "3",
        "photos_count": "1",
    }
    issues = list(rng.choice(ISSUES, int(rng.integers(1, 4)), replace=False))
    row.update(_spread("general_issues", issues))
    row.update(_spread("specific_topics", [words[int(i)] for i in rng.integers(0, 200, 2)]))
    row.update(_spread("approaches", ["cogovernance", "consultation"]))
    row.update(_spread("method_types", ["deliberative"]))
    return row


# -- the database ---------------------------------------------------------------------------


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
