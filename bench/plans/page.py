"""The plan's public page at scale: 2,000 actions and 50,000 updates.

    .venv/bin/python bench/plans/page.py [--actions 2000] [--updates 50000] [--runs 30]

Times the page (`plans:detail`, as an anonymous visitor of a public coalition, through Django's
test client: the view, its queries and the template) and counts its queries, beside a baseline
in the same run: the same table read the obvious way, one query per action for its owners,
its lead and its latest update (what the page's constant-query reading avoids). Prints
milliseconds p50/p95 and the ratio.

The database is SQLite (a fresh file in a temporary folder) unless DATABASE_URL names a
PostgreSQL server: then the benchmark creates and drops its own database on that server,
`coproduce_bench_plans`, and never touches the one named.
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[2]
DB_NAME = "coproduce_bench_plans"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--actions", type=int, default=2000)
    parser.add_argument("--updates", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=30)
    options = parser.parse_args()
    vendor = _database()
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    plan = _generate(options.actions, options.updates)
    print(
        f"Generated {options.actions:,} actions and {options.updates:,} updates "
        f"in {time.perf_counter() - started:.1f} s on {vendor}"
    )
    _measure(plan, options.runs)


def _database() -> str:
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        parts = urlsplit(url)
        server = urlunsplit(parts._replace(path="/postgres"))
        for sql in (f"DROP DATABASE IF EXISTS {DB_NAME}", f"CREATE DATABASE {DB_NAME}"):
            subprocess.run(["psql", server, "-qc", sql], check=True)
        os.environ["DATABASE_URL"] = urlunsplit(parts._replace(path=f"/{DB_NAME}"))
        vendor = "postgresql"
    else:
        folder = Path(tempfile.mkdtemp())
        os.environ["DATABASE_URL"] = f"sqlite:///{folder / 'bench.sqlite3'}"
        vendor = "sqlite"
    os.environ.setdefault("COPRODUCE_DATA_DIR", tempfile.mkdtemp())
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coproduce.settings")
    return vendor


def _generate(actions: int, updates: int):
    from django.utils import timezone

    from coproduce.coalitions.models import Coalition, Membership, Role
    from coproduce.people.models import Organisation, Person
    from coproduce.plans.models import Action, Goal, Ownership, Plan, Status, Update

    coalition = Coalition.objects.create(name="Bench coalition", slug="bench", purpose="Bench")
    organisations = [
        Organisation.objects.create(name=f"Partner {n}", sector="research") for n in range(12)
    ]
    coalition.organisations.add(*organisations)
    people = [
        Person.objects.create_user(f"lead{n}@bench.test", "x", full_name=f"Lead {n}")
        for n in range(20)
    ]
    Membership.objects.bulk_create(
        Membership(coalition=coalition, person=p, role=Role.MEMBER) for p in people
    )
    plan = Plan.objects.create(coalition=coalition, title="A large plan")
    goals = Goal.objects.bulk_create(
        Goal(plan=plan, title=f"Goal {n}", position=n) for n in range(8)
    )
    statuses = [Status.NOT_STARTED, Status.IN_PROGRESS, Status.IN_PROGRESS, Status.STALLED]
    today = date.today()
    made = Action.objects.bulk_create(
        Action(
            goal=goals[n % 8],
            title=f"Action {n}",
            lead=people[n % 20],
            position=n,
            status=statuses[n % 4],
            progress=(n * 7) % 100,
            starts_on=today - timedelta(days=200 - n % 100),
            due_on=today + timedelta(days=(n % 300) - 60),
        )
        for n in range(actions)
    )
    Ownership.objects.bulk_create(
        Ownership(action=a, organisation=organisations[(a.position + k) % 12])
        for a in made
        for k in range(1 + a.position % 2)
    )
    now = timezone.now()
    Update.objects.bulk_create(
        (
            Update(
                action=made[n % actions],
                text=f"Update {n}",
                status=Status.IN_PROGRESS,
                progress=n % 100,
                written_at=now - timedelta(hours=n),
            )
            for n in range(updates)
        ),
        batch_size=5000,
    )
    return plan


def _measure(plan, runs: int) -> None:
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    client = Client(SERVER_NAME="localhost")
    url = reverse("plans:detail", args=[plan.coalition.slug, plan.pk])
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    queries = []  # counted as they run: the request's start empties Django's own log

    def count(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        client.get(url)
    page = _times(lambda: client.get(url), runs)
    base = _times(lambda: _baseline(plan), max(3, runs // 5))
    print(
        f"\nThe plan's page: {len(queries)} queries; p50 {_p(page, 50):.0f} ms, "
        f"p95 {_p(page, 95):.0f} ms"
    )
    print(
        f"One query per action (baseline): p50 {_p(base, 50):.0f} ms, "
        f"p95 {_p(base, 95):.0f} ms; {statistics.median(base) / statistics.median(page):.1f}x"
    )


def _baseline(plan) -> None:
    from coproduce.plans.models import Action

    rows = []
    for action in Action.objects.filter(goal__plan=plan).order_by("goal", "position"):
        owners = [o.organisation.name for o in action.ownerships.filter(until__isnull=True)]
        lead = action.lead.full_name if action.lead_id else ""
        last = action.updates.order_by("-written_at").first()
        rows.append((action.title, owners, lead, last.written_at if last else None))
    return rows


def _times(run, count: int) -> list[float]:
    run()
    times = []
    for _ in range(count):
        started = time.perf_counter()
        run()
        times.append((time.perf_counter() - started) * 1000)
    return times


def _p(times: list[float], percent: int) -> float:
    ordered = sorted(times)
    return ordered[min(len(ordered) - 1, round(percent / 100 * (len(ordered) - 1)))]


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT / "src"))
    main()
