"""The library's search at scale: ranked search with facet counts, and "similar entries",
against a plain `icontains` scan over the same data in the same run.

    .venv/bin/python bench/library/search.py [--entries 100000] [--runs 30] [--keep]

Generates N entries (synthetic words with a Zipf-like distribution, 100-300 words per body,
facet values spread as in a real library: most entries cases, countries and cities skewed),
indexes them as an import does (facets.write + index.update in batches), then times a mix of
searches through `engine.search` (one common word, two words, a phrase, a prefix, a rare word,
a facet pick, an empty search that browses; a different query of the kind every run, so that
the matches the engine remembers never flatter the figures, and one repeated search apart)
and `engine.similar`, as an anonymous visitor sees the library. The baseline runs each search
as `icontains` over title, description and body, with the same facet counting and the same
page of 20, and the ratio is printed beside it.

The database is SQLite (a fresh file in a temporary folder) unless DATABASE_URL names a
PostgreSQL server: then the benchmark creates and drops its own database on that server,
`coproduce_bench_library`, and never touches the one named. `--keep` keeps the data for the
next run (SQLite: in /tmp/coproduce-bench-library) and reuses it when the entry count matches.
"""

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
DB_NAME = "coproduce_bench_library"
SEED = 12
VOCABULARY = 30_000
SYLLABLES = [
    *("ka", "lo", "mi", "ne", "ru", "ta", "so", "vi", "pe", "da"),
    *("gu", "fo", "li", "ma", "ze", "bo", "ni", "tu", "ra", "ce"),
]
BATCH = 5000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=30, help="timed runs per search")
    parser.add_argument("--baseline-runs", type=int, default=3)
    parser.add_argument("--keep", action="store_true", help="keep (and reuse) the data")
    options = parser.parse_args()
    vendor = _database(options.keep)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    rng = np.random.default_rng(SEED)
    words = _vocabulary(rng)
    from coproduce.library.models import Entry

    if Entry.objects.count() != options.entries:
        Entry.objects.all().delete()
        seconds = _generate(options.entries, words, rng)
        print(f"Generated {options.entries:,} entries; facets and index took {seconds:.1f} s")
    _choose_common_words()
    _measure(vendor, words, options)


def _choose_common_words() -> None:
    """What the worker's sweep does after an import: file the index's pending rows, choose
    the common words (PostgreSQL only; search/index.py, search/common.py), then keep the
    common prefixes' entries, and on SQLite the common words' (search/snapshot.py)."""
    from coproduce.library.search import common, index, snapshot

    index.file_pending()
    started = time.perf_counter()
    count = common.refresh()
    if count is not None:
        seconds = time.perf_counter() - started
        print(f"Common words chosen and their entries kept: {count} words in {seconds:.1f} s")
    started = time.perf_counter()
    count = snapshot.rebuild()
    seconds = time.perf_counter() - started
    print(f"Common words' and prefixes' entries kept for now: {count} in {seconds:.1f} s")


def _database(keep: bool) -> str:
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        parts = urlsplit(url)
        server = urlunsplit(parts._replace(path="/postgres"))
        exists = subprocess.run(
            ["psql", server, "-tAc", f"SELECT 1 FROM pg_database WHERE datname = '{DB_NAME}'"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
        if not (keep and exists):
            subprocess.run(
                ["psql", server, "-qc", f"DROP DATABASE IF EXISTS {DB_NAME}"], check=True
            )
            subprocess.run(["psql", server, "-qc", f"CREATE DATABASE {DB_NAME}"], check=True)
        os.environ["DATABASE_URL"] = urlunsplit(parts._replace(path=f"/{DB_NAME}"))
        os.environ.setdefault("COPRODUCE_DATA_DIR", "/tmp/coproduce-bench-library")
        vendor = "postgresql"
    else:
        import tempfile

        folder = Path("/tmp/coproduce-bench-library") if keep else Path(tempfile.mkdtemp())
        folder.mkdir(exist_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{folder / 'bench.sqlite3'}"
        os.environ.setdefault("COPRODUCE_DATA_DIR", str(folder))
        vendor = "sqlite"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coproduce.settings")
    return vendor


# -- data -----------------------------------------------------------------------------------


def _vocabulary(rng) -> list[str]:
    found: dict[str, None] = {}
    while len(found) < VOCABULARY:
        count = rng.integers(2, 5)
        found["".join(rng.choice(SYLLABLES, count))] = None
    return list(found)


def _zipf(count: int, exponent: float = 1.05) -> np.ndarray:
    weights = 1.0 / np.arange(1, count + 1) ** exponent
    return weights / weights.sum()


COUNTRIES = [f"Country {n}" for n in range(60)]
ISSUES = [f"issue_{n}" for n in range(20)]
IAP2 = ["inform", "consult", "involve", "collaborate", "empower"]
FOUR_COS = ["co_design", "co_commission", "co_deliver", "co_assess"]
KINDS = (["case", "method", "organization", "policy"], [0.6, 0.2, 0.1, 0.1])
MODES = ["facetoface", "online", "both", ""]


def _generate(total: int, words: list[str], rng) -> float:
    from coproduce.library import facets
    from coproduce.library.models import Entry
    from coproduce.library.search import index

    word_p = _zipf(len(words))
    country_p = _zipf(len(COUNTRIES), 1.2)
    city_p = _zipf(2000, 1.1)
    vocabulary = np.array(words)
    indexing = 0.0
    for start in range(0, total, BATCH):
        size = min(BATCH, total - start)
        lengths = rng.integers(100, 301, size)
        drawn = vocabulary[rng.choice(len(words), int(lengths.sum()) + size * 36, p=word_p)]
        cursor = 0
        batch = []
        for number in range(size):
            title = " ".join(drawn[cursor : cursor + 6]).capitalize()
            description = " ".join(drawn[cursor + 6 : cursor + 36])
            cursor += 36
            body = " ".join(drawn[cursor : cursor + lengths[number]])
            cursor += lengths[number]
            batch.append(_entry(Entry, title, description, body, rng, country_p, city_p))
        created = Entry.objects.bulk_create(batch)
        started = time.perf_counter()
        facets.write(created)
        index.update(created)
        indexing += time.perf_counter() - started
        print(f"  {start + size:,} entries", end="\r", flush=True)
    print()
    return indexing


def _entry(Entry, title, description, body, rng, country_p, city_p):
    country = int(rng.choice(len(COUNTRIES), p=country_p))
    year = int(rng.integers(1970, 2026)) if rng.random() < 0.8 else None
    return Entry(
        kind=str(rng.choice(KINDS[0], p=KINDS[1])),
        title=title,
        description=description,
        body=body,
        language="es" if rng.random() < 0.1 else "en",
        country=COUNTRIES[country],
        city=f"City {country}-{int(rng.choice(2000, p=city_p)) % 40}",
        start_year=year,
        issues=sorted({str(v) for v in rng.choice(ISSUES, rng.integers(1, 4))}),
        iap2_level=str(rng.choice(IAP2)) if rng.random() < 0.7 else "",
        four_cos=sorted({str(v) for v in rng.choice(FOUR_COS, rng.integers(0, 3))}),
        mode=str(rng.choice(MODES)),
        status="published" if rng.random() < 0.95 else "pending",
    )


# -- measuring ------------------------------------------------------------------------------


def _queries(words: list[str], runs: int) -> list[tuple[str, list[str], dict]]:
    """Each kind of search with a different query every run (words of about the same
    frequency), so that what the engine remembers of a search never flatters the figures;
    the last row repeats one search, as a popular one would be."""
    from coproduce.library.models import Entry

    bodies = Entry.objects.order_by("pk").values_list("body", flat=True)[: runs + 1]
    phrases = [body.split()[10:12] for body in bodies]
    span = range(runs + 1)
    return [
        ("one common word", [words[15 + n] for n in span], {}),
        ("two words", [f"{words[40 + n]} {words[300 + n]}" for n in span], {}),
        ("a phrase", [f'"{a} {b}"' for a, b in phrases], {}),
        ("a prefix", [words[150 + n][:4] + "*" for n in span], {}),
        ("a rare word", [words[8000 + n] for n in span], {}),
        ("a facet pick", [words[100 + n] for n in span], {"country": [COUNTRIES[0]]}),
        ("browse (no words)", [""], {}),
        ("one common word, again", [words[15]], {}),
    ]


def _measure(vendor: str, words: list[str], options) -> None:
    from django.contrib.auth.models import AnonymousUser

    from coproduce.library.models import Entry
    from coproduce.library.rules import sight
    from coproduce.library.search import engine

    seen = sight(AnonymousUser())
    visible = seen.q()
    print(f"\n{Entry.objects.count():,} entries on {vendor}; {options.runs} runs per search\n")
    print("| search | matches | p50 ms | p95 ms | CPU p50 ms | icontains p50 ms | ratio |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    everything = []
    for label, queries, chosen in _queries(words, options.runs):
        turn = iter(range(10**9))

        def run(queries=queries, chosen=chosen, turn=turn):
            return engine.search(queries[next(turn) % len(queries)], sight=seen, chosen=chosen)

        times = _times(run, options.runs)
        cpu = list(CPU)
        # Counted after timing: the engine remembers the matches of its last searches.
        totals = [engine.search(query, sight=seen, chosen=chosen).total for query in queries]
        if "again" not in label:
            everything += times
        first = queries[0]
        base = _times(lambda q=first, c=chosen: _baseline(q, visible, c), options.baseline_runs)
        ratio = statistics.median(base) / statistics.median(times)
        found = f"{min(totals):,}" + (f"-{max(totals):,}" if max(totals) != min(totals) else "")
        print(
            f"| {label} | {found} | {_p(times, 50):.1f} | {_p(times, 95):.1f} "
            f"| {_p(cpu, 50):.1f} | {statistics.median(base):.0f} | {ratio:.0f}x |"
        )
    mix = f"{_p(everything, 50):.1f} | {_p(everything, 95):.1f}"
    print(f"| **the mix** (but the repeat) | | {mix} | | | |")
    # Timed on entries never asked about before: the engine remembers each telling word's
    # entries, which the words one entry shares with others (a place, an issue) then reuse,
    # as on a running site; the entries of the warm-up are others.
    count = 50 * max(1, options.runs // 15)
    ids = list(
        Entry.objects.filter(visible).order_by("?").values_list("pk", flat=True)[: count + 50]
    )
    entries = list(Entry.objects.filter(pk__in=ids).order_by("?"))
    for entry in entries[count:]:  # warm
        engine.similar(entry, sight=seen)
    times = []
    for entry in entries[:count]:
        started = time.perf_counter()
        engine.similar(entry, sight=seen)
        times.append((time.perf_counter() - started) * 1000)
    print(f"\nSimilar entries: p50 {_p(times, 50):.1f} ms, p95 {_p(times, 95):.1f} ms")
    reads = _times(engine.read_tally, 3)
    print(
        f"Reading the library into memory (once per process, and after a change): "
        f"{statistics.median(reads):.0f} ms"
    )
    print(f"Load average while measuring: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")


CPU: list[float] = []  # this process's CPU milliseconds per run (SQLite works in-process)


def _times(run, count: int) -> list[float]:
    """Wall-clock milliseconds per run; the CPU time goes to CPU, which a busy machine (other
    processes taking turns on the cores) inflates much less than the wall clock."""
    run()  # warm the caches, as a running site has them
    times = []
    CPU.clear()
    for _ in range(count):
        started, cpu = time.perf_counter(), time.process_time()
        run()
        times.append((time.perf_counter() - started) * 1000)
        CPU.append((time.process_time() - cpu) * 1000)
    return times


def _p(times: list[float], percent: int) -> float:
    ordered = sorted(times)
    return ordered[min(len(ordered) - 1, round(percent / 100 * (len(ordered) - 1)))]


def _baseline(query: str, visible, chosen: dict) -> None:
    """The same search as a plain scan: every word `icontains` in title, description or body,
    the same facet counting (one grouped query per group), the first 20 by title."""
    from django.db.models import Count, Q

    from coproduce.library.facets import FACETS
    from coproduce.library.models import Entry, Facet

    matching = Entry.objects.filter(visible)
    phrase = query.startswith('"')
    pieces = [query.strip('"')] if phrase else query.split()
    for piece in pieces:
        piece = piece.rstrip("*")
        condition = Q(title__icontains=piece) | Q(description__icontains=piece)
        matching = matching.filter(condition | Q(body__icontains=piece))

    def narrowed(leave_out=None):
        found = matching
        for name, values in chosen.items():
            if name != leave_out:
                picked = Facet.objects.filter(name=name, value__in=values).values("entry_id")
                found = found.filter(pk__in=picked)
        return found

    list(narrowed().order_by("title")[:20])
    groups = [[name for name in FACETS if name not in chosen]] + [[name] for name in chosen]
    for names in groups:
        rows = Facet.objects.filter(name__in=names, entry_id__in=narrowed(names[0]).values("pk"))
        list(rows.values("name", "value").annotate(n=Count("id")))


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT / "src"))
    main()
