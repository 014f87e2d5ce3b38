"""Plan reminders at scale: one sweep that finds 10,000 actions due within the week, claims a
reminder for each of their lead and owners' members, and queues one email per person; then
the delivery of those emails with the in-memory mail backend. Against, in the same run, a
naive loop: for each action, ask who is told (a few queries per action), claim each reminder
one by one, and queue one email per action and person.

    .venv/bin/python bench/plans/reminders.py [--actions 10000] [--people 2000] [--coalitions 10]

The issue asks for the reminder task for 10,000 due actions under 30 s without anyone emailed
twice; both are checked and printed. The queue is the real one (django-tasks-db rows); the
delivery runs each queued task in this process, as a worker would.

The database is SQLite (a fresh file in a temporary folder) unless DATABASE_URL names a
PostgreSQL server: then the benchmark creates and drops its own database on that server,
`coproduce_bench_plans_reminders`, and never touches the one named.
"""

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import date, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[2]
DB_NAME = "coproduce_bench_plans_reminders"
SEED = 14
TODAY = date(2031, 3, 10)
NOW = datetime(2031, 3, 10, 9, 30, tzinfo=ZoneInfo("Europe/London"))
LIMIT_SECONDS = 30.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--actions", type=int, default=10_000)
    parser.add_argument("--people", type=int, default=2_000)
    parser.add_argument("--coalitions", type=int, default=10)
    options = parser.parse_args()
    vendor = _database()
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    _generate(options)
    print(
        f"{vendor}: {options.actions:,} actions due within the week, {options.people:,} people "
        f"in {options.coalitions} coalitions (made in {time.perf_counter() - started:.1f} s)"
    )
    ours = _run("ours (claim in bulk, one email per person)", _sweep_ours)
    _reset()
    naive = _run("naive (per action, one email per action)", _sweep_naive)
    _report(ours, naive)


def _database() -> str:
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        parts = urlsplit(url)
        server = urlunsplit(parts._replace(path="/postgres"))
        subprocess.run(["psql", server, "-qc", f"DROP DATABASE IF EXISTS {DB_NAME}"], check=True)
        subprocess.run(["psql", server, "-qc", f"CREATE DATABASE {DB_NAME}"], check=True)
        os.environ["DATABASE_URL"] = urlunsplit(parts._replace(path=f"/{DB_NAME}"))
        os.environ.setdefault("COPRODUCE_DATA_DIR", tempfile.mkdtemp())
        vendor = "postgresql"
    else:
        folder = Path(tempfile.mkdtemp())
        os.environ["DATABASE_URL"] = f"sqlite:///{folder / 'bench.sqlite3'}"
        os.environ.setdefault("COPRODUCE_DATA_DIR", str(folder))
        vendor = "sqlite"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coproduce.settings")
    return vendor


# -- data ------------------------------------------------------------------------------------


def _generate(options) -> None:
    """Coalitions with 100 organisations each, the people spread over them (all members of
    their coalition), and the actions, each owned by one organisation and, for half of them,
    led by a member; every action is due within the week, none done."""
    from coproduce.coalitions.models import Coalition, Membership, Role
    from coproduce.people.models import Organisation, Person
    from coproduce.plans.models import Action, Goal, Ownership, Plan

    rng = random.Random(SEED)
    coalitions = Coalition.objects.bulk_create(
        [
            Coalition(name=f"Coalition {n}", slug=f"coalition-{n}", purpose="To bench.")
            for n in range(options.coalitions)
        ]
    )
    per = max(1, options.people // (options.coalitions * 2))  # two people per organisation
    organisations = Organisation.objects.bulk_create(
        [
            Organisation(name=f"Organisation {c}-{n}")
            for c in range(len(coalitions))
            for n in range(per)
        ]
    )
    by_coalition = {c.pk: organisations[i * per : (i + 1) * per] for i, c in enumerate(coalitions)}
    for coalition in coalitions:
        coalition.organisations.add(*by_coalition[coalition.pk])
    people = Person.objects.bulk_create(
        [
            Person(
                email=f"person{n}@bench.test",
                full_name=f"Person {n}",
                organisation=organisations[n % len(organisations)],
            )
            for n in range(options.people)
        ],
        batch_size=1000,
    )
    coalition_of = {}
    for coalition in coalitions:
        for organisation in by_coalition[coalition.pk]:
            coalition_of[organisation.pk] = coalition.pk
    members = {c.pk: [] for c in coalitions}
    for person in people:
        members[coalition_of[person.organisation_id]].append(person)
    Membership.objects.bulk_create(
        [
            Membership(coalition_id=coalition_of[p.organisation_id], person=p, role=Role.MEMBER)
            for p in people
        ],
        batch_size=1000,
    )
    goals = {}
    for coalition in coalitions:
        plan = Plan.objects.create(coalition=coalition, title="Plan")
        goals[coalition.pk] = Goal.objects.create(plan=plan, title="Goal")
    actions = []
    for n in range(options.actions):
        coalition = coalitions[n % len(coalitions)]
        lead = rng.choice(members[coalition.pk]) if members[coalition.pk] and n % 2 else None
        actions.append(
            Action(
                goal=goals[coalition.pk],
                title=f"Action {n}",
                lead=lead,
                due_on=TODAY + timedelta(days=rng.randint(0, 7)),
                status="in_progress",
                progress=rng.randint(0, 90),
                position=n,
            )
        )
    actions = Action.objects.bulk_create(actions, batch_size=1000)
    Ownership.objects.bulk_create(
        [
            Ownership(
                action=action,
                organisation=rng.choice(by_coalition[coalitions[n % len(coalitions)].pk]),
            )
            for n, action in enumerate(actions)
        ],
        batch_size=1000,
    )


def _reset() -> None:
    from django.core import mail
    from django_tasks_db.models import DBTaskResult

    from coproduce.plans.models import Notice

    Notice.objects.all().delete()
    DBTaskResult.objects.all().delete()
    mail.outbox = []


# -- the two ways ----------------------------------------------------------------------------


def _sweep_ours() -> None:
    from coproduce.plans import reminders

    reminders.sweep(NOW)


def _sweep_naive() -> None:
    """What a first version would write: per action, who to tell; per person, a check and a
    claim; one email per action and person."""
    from coproduce.coalitions.models import Membership
    from coproduce.people.models import Person
    from coproduce.plans import reminders
    from coproduce.plans.models import Action, EmailKind, EmailOptOut, Notice

    due = Action.objects.filter(due_on__gte=TODAY, due_on__lte=TODAY + timedelta(days=7)).exclude(
        status__in=["done", "dropped"]
    )
    for action in due.select_related("goal__plan"):
        coalition = action.goal.plan.coalition_id
        told = []
        if (
            action.lead_id
            and Membership.objects.filter(
                coalition_id=coalition, person_id=action.lead_id, person__is_active=True
            ).exists()
        ):
            told.append(action.lead_id)
        for ownership in action.ownerships.filter(until__isnull=True):
            told += Person.objects.filter(
                organisation_id=ownership.organisation_id,
                is_active=True,
                memberships__coalition_id=coalition,
            ).values_list("pk", flat=True)
        for person in dict.fromkeys(told):
            if EmailOptOut.objects.filter(person_id=person, kind=EmailKind.DUE_SOON).exists():
                continue
            notice, created = Notice.objects.get_or_create(
                person_id=person, kind=EmailKind.DUE_SOON, action=action, due_on=action.due_on
            )
            if created:
                reminders.send_notices.enqueue(person, [notice.pk])


def _deliver() -> int:
    """Run every queued task as a worker would (in this process)."""
    from django_tasks_db.models import DBTaskResult

    from coproduce.plans import reminders

    ran = 0
    for args in DBTaskResult.objects.order_by("pk").values_list("args_kwargs", flat=True):
        reminders.send_notices.call(*args["args"], **args["kwargs"])
        ran += 1
    return ran


def _run(label: str, sweep) -> dict:
    from django.core import mail
    from django.db import connection
    from django_tasks_db.models import DBTaskResult

    from coproduce.plans.models import Notice

    mail.outbox = []
    counted = [0]

    def count(execute, sql, params, many, context):
        counted[0] += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        started = time.perf_counter()
        sweep()
        swept = time.perf_counter() - started
    queries = counted[0]
    queued = DBTaskResult.objects.count()
    started = time.perf_counter()
    _deliver()
    delivered = time.perf_counter() - started
    started = time.perf_counter()
    sweep()  # again: nothing is left to claim
    again = time.perf_counter() - started
    emails = Counter(message.to[0] for message in mail.outbox)
    told = Counter(
        (p, a)
        for p, a in Notice.objects.filter(sent_at__isnull=False).values_list("person", "action")
    )
    result = {
        "label": label,
        "sweep": swept,
        "queries": queries,
        "queued": queued,
        "deliver": delivered,
        "again": again,
        "emails": len(mail.outbox),
        "people": len(emails),
        "notices": sum(told.values()),
        "told twice": sum(1 for count in told.values() if count > 1),
        "queued after": DBTaskResult.objects.count() - queued,
    }
    print(
        f"{label}:\n"
        f"  sweep {swept:.2f} s ({queries:,} queries), {queued:,} emails queued\n"
        f"  delivery {delivered:.2f} s: {result['emails']:,} emails to {result['people']:,} "
        f"people, {result['notices']:,} reminders\n"
        f"  a second sweep {again:.3f} s, {result['queued after']} more queued; "
        f"anyone told the same thing twice: {result['told twice']}"
    )
    return result


def _report(ours: dict, naive: dict) -> None:
    total = ours["sweep"] + ours["deliver"]
    print()
    print(f"{'':28}{'ours':>10}{'naive':>10}{'naive / ours':>14}")
    for key, name in (("sweep", "sweep (s)"), ("deliver", "delivery (s)")):
        ratio = naive[key] / ours[key] if ours[key] else float("inf")
        print(f"{name:28}{ours[key]:10.2f}{naive[key]:10.2f}{ratio:14.1f}")
    for key, name in (("queries", "queries in the sweep"), ("emails", "emails sent")):
        ratio = naive[key] / ours[key] if ours[key] else float("inf")
        print(f"{name:28}{ours[key]:10,}{naive[key]:10,}{ratio:14.1f}")
    print()
    verdict = "under" if ours["sweep"] < LIMIT_SECONDS else "OVER"
    per_email = 1000 * ours["deliver"] / max(1, ours["emails"])
    once = ours["told twice"] == 0 and ours["queued after"] == 0
    print(
        f"The reminder sweep (claim and queue): {ours['sweep']:.1f} s, {verdict} the "
        f"{LIMIT_SECONDS:.0f} s asked; nobody told the same thing twice: {once}.\n"
        f"Delivery, spread over the workers: {per_email:.0f} ms per email in one process "
        f"({total:.1f} s for sweep and delivery together)."
    )


if __name__ == "__main__":
    main()
