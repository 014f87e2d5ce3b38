"""The Django side of the load bench: seed a full room, count queries per page, check the rows.

Run by `run.py` in a subprocess whose environment points at the bench's own database:

    python bench/load/scenario.py seed --phones 300 --voters 100 --facilitators 5
    python bench/load/scenario.py queries SCENARIO.json
    python bench/load/scenario.py cost SCENARIO.json REPEAT
    python bench/load/scenario.py check SCENARIO.json POSTED.json

Each prints one JSON object on its last line. Every row is made through the project's services
(the café's tables, participants, plan and first round; the conversation and its statements),
as a facilitator would make them, except the facilitators' sessions, which are written straight
into the session store so the bench needs no password hashing and no login rate limit.
"""

import json
import os
import sys
from datetime import timedelta
from functools import partial
from pathlib import Path

import django

STATEMENTS = 40
TABLE_SIZE = 5  # 300 people at tables of 5: 60 tables


def seed(phones: int, voters: int, facilitators: int) -> dict:
    from django.utils import timezone

    from coproduce.cafe import services as cafe_services
    from coproduce.coalitions.models import Coalition, Membership, Role, Visibility
    from coproduce.conversations import services as conversation_services
    from coproduce.workshops import services as workshop_services
    from coproduce.workshops.models import AgendaItem

    coalition = Coalition.objects.create(
        name="Load bench", slug="load-bench", purpose="A full room.", visibility=Visibility.PRIVATE
    )
    people = _facilitators(coalition, facilitators, Membership, Role)
    now = timezone.now()
    workshop = workshop_services.create_workshop(
        coalition=coalition,
        title="A full room",
        starts_at=now - timedelta(minutes=10),
        ends_at=now + timedelta(hours=3),
    )
    item = AgendaItem.objects.create(
        workshop=workshop, title="World Café", kind=AgendaItem.Kind.WORLD_CAFE, minutes=60
    )
    workshop_services.set_questions(
        item, [("ONE", "What should the city do first?"), ("TWO", "Who should own the plan?")]
    )
    _registrations(workshop, phones)
    cafe = cafe_services.cafe_for(item)  # participants and tables of five
    cafe_services.make_plan(cafe, seed=1, seconds=3.0)
    cafe = cafe_services.advance_round(cafe)  # round 1 under way: every phone has a seat
    conversation = conversation_services.open_conversation(
        coalition=coalition,
        workshop=workshop,
        question="What should the coalition do next?",
        seed_statements=[
            f"Statement number {n}: the city should try idea {n}." for n in range(1, STATEMENTS + 1)
        ],
    )
    keys = list(cafe.participants.order_by("pk").values_list("key", flat=True))
    return {
        "cafe": cafe.pk,
        "tables": cafe.tables.count(),
        "participant_keys": keys,
        "conversation": conversation.pk,
        "join_code": conversation.join_code,
        "facilitator_sessions": [_session_for(person) for person in people],
        "voters": voters,
    }


def _facilitators(coalition, count: int, Membership, Role) -> list:
    from coproduce.people.models import Person

    people = []
    for n in range(count):
        person = Person.objects.create_user(f"facilitator{n}@load.test", None, full_name=f"F{n}")
        Membership.objects.create(coalition=coalition, person=person, role=Role.FACILITATOR)
        people.append(person)
    return people


def _registrations(workshop, count: int) -> None:
    from coproduce.people.models import Guest
    from coproduce.people.sectors import Sector
    from coproduce.workshops.models import Registration

    sectors = list(Sector.values)
    guests = Guest.objects.bulk_create(
        Guest(display_name=f"Phone {n:03d}", sector=sectors[n % len(sectors)]) for n in range(count)
    )
    Registration.objects.bulk_create(
        Registration(workshop=workshop, guest=g, display_name=g.display_name, sector=g.sector)
        for g in guests
    )


def _session_for(person) -> str:
    """A logged-in session, as django.contrib.auth.login would store it."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session[SESSION_KEY] = str(person.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = person.get_session_auth_hash()
    session.create()
    return session.session_key


# Queries per page ---------------------------------------------------------------------------


def _pages(scenario: dict, phones: int = 1) -> dict:
    """Each kind of request the room makes: (client method, url, data, headers) per kind;
    phone polls come from `phones` different phones, each revalidating its card as a browser
    does (If-None-Match with the ETag of its last answer)."""
    from django.test import Client as TestClient
    from django.urls import reverse

    from coproduce.conversations.models import Statement

    cafe, conversation = scenario["cafe"], scenario["conversation"]
    # The Django test client, against the bench's database; 127.0.0.1 is an allowed host.
    Client = partial(TestClient, HTTP_HOST="127.0.0.1")
    htmx = {"HTTP_HX_REQUEST": "true"}
    poll_url = reverse("cafe:mine", args=[cafe])
    polls = []
    for key in scenario["participant_keys"][:phones]:
        phone = Client()
        phone.post(reverse("cafe:personal", args=[key]))
        tag = phone.get(poll_url, **htmx).headers.get("ETag", "")
        polls.append((phone.get, poll_url, {}, {**htmx, "HTTP_IF_NONE_MATCH": tag}))
    facilitator = Client()
    facilitator.cookies["sessionid"] = scenario["facilitator_sessions"][0]
    voter = Client()
    voter.post(
        reverse("conversations:join", args=[scenario["join_code"]]),
        {"display_name": "Query counter", "sector": "other"},
    )
    statement = Statement.objects.filter(conversation_id=conversation).first()
    facilitator_page = partial(
        lambda name, ident: (facilitator.get, reverse(name, args=[ident]), {}, htmx)
    )
    return {
        "phone poll (cafe:mine, htmx, unchanged: 304)": polls,
        "vote (conversations:vote POST, htmx)": [
            (
                voter.post,
                reverse("conversations:vote", args=[conversation]),
                {"statement": statement.pk, "value": 1},
                htmx,
            )
        ],
        "facilitator live (cafe:live, htmx)": [facilitator_page("cafe:live", cafe)],
        "room screen (cafe:screen, htmx)": [facilitator_page("cafe:screen", cafe)],
        "conversation detail (htmx)": [facilitator_page("conversations:detail", conversation)],
    }


def queries(scenario: dict) -> dict:
    """How many SQL queries each kind of page runs, asked once more after the load."""
    from django.core.signals import request_started
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    request_started.disconnect(reset_queries)  # or each request empties the captured log
    counts = {}
    for name, requests in _pages(scenario).items():
        method, url, data, headers = requests[0]
        method(url, data, **headers)  # warm: the first request fills per-process caches
        with CaptureQueriesContext(connection) as captured:
            response = method(url, data, **headers)
        counts[name] = {"queries": len(captured), "status": response.status_code}
    return counts


def cost(scenario: dict, repeat: int) -> dict:
    """CPU milliseconds per request of each kind: this process's and its PostgreSQL backend's."""
    import cProfile
    import time

    from django.core.signals import request_started
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    request_started.disconnect(reset_queries)  # or each request empties the captured log
    profile_dir = os.environ.get("COST_PROFILE_DIR")

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = cursor.fetchone()[0]
    results = {}
    for name, requests in _pages(scenario, phones=50).items():
        for method, url, data, headers in requests:  # warm the per-process caches
            method(url, data, **headers)
        with CaptureQueriesContext(connection) as captured:
            method, url, data, headers = requests[0]
            status = method(url, data, **headers).status_code
        profiler = cProfile.Profile() if profile_dir else None
        web, pg = time.process_time(), _backend_cpu(backend)
        if profiler:
            profiler.enable()
        for n in range(repeat):
            method, url, data, headers = requests[n % len(requests)]
            method(url, data, **headers)
        if profiler:
            profiler.disable()
            profiler.dump_stats(Path(profile_dir) / f"{name.split(' (')[0].replace(' ', '-')}.prof")
        web, pg = time.process_time() - web, _backend_cpu(backend) - pg
        results[name] = {
            "web_ms": 1000 * web / repeat,
            "postgres_ms": 1000 * pg / repeat,
            "queries": len(captured),
            "status": status,
        }
    return results


def _backend_cpu(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


# Nothing lost, nothing duplicated ------------------------------------------------------------


def check(scenario: dict, posted: dict) -> dict:
    """Compare what each simulated person was answered for with the rows in the database.

    `posted["votes"]` maps a voter's display name to {statement id: last value answered 2xx};
    `posted["notes"]` lists the texts of notes answered with a redirect (saved). Requests that
    got no answer are listed apart: whether they were stored is unknown, so they may be there
    or not, but never twice."""
    from django.db.models import Count

    from coproduce.cafe.models import Note
    from coproduce.conversations.models import Vote

    rows = Vote.objects.filter(conversation_id=scenario["conversation"]).values_list(
        "voter__display_name", "statement_id", "value"
    )
    stored = {(name, statement): value for name, statement, value in rows}
    duplicates = (
        Vote.objects.filter(conversation_id=scenario["conversation"])
        .values("voter", "statement")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .count()
    )
    expected = {
        (name, int(statement)): value
        for name, votes in posted["votes"].items()
        for statement, value in votes.items()
    }
    unsure = {(name, int(statement)) for name, statement in posted.get("unsure_votes", [])}
    lost = [key for key in expected if key not in stored]
    wrong = [key for key, value in expected.items() if key in stored and stored[key] != value]
    # Rows of this bench's voters that no answered request accounts for (excluding unanswered).
    ours = set(posted["votes"]) | {name for name, _ in unsure}
    extra = [k for k in stored if k[0] in ours and k not in expected and k not in unsure]
    texts = list(Note.objects.filter(cafe_id=scenario["cafe"]).values_list("text", flat=True))
    note_counts = {text: texts.count(text) for text in set(texts)}
    notes_lost = [t for t in posted["notes"] if t not in note_counts]
    notes_doubled = [t for t, n in note_counts.items() if n > 1]
    return {
        "votes_answered": len(expected),
        "votes_stored": len([k for k in stored if k[0] in ours]),
        "votes_lost": len(lost),
        "votes_with_another_value": len(wrong),
        "votes_unaccounted": len(extra),
        "duplicate_vote_rows": duplicates,
        "notes_answered": len(posted["notes"]),
        "notes_stored": len([t for t in texts if t.startswith("Load note")]),
        "notes_lost": len(notes_lost),
        "notes_duplicated": len(notes_doubled),
    }


def tasks_since(epoch: float) -> dict:
    """Background tasks the worker finished after a moment (Unix time): proof it still works."""
    from datetime import UTC, datetime

    from django_tasks_db.models import DBTaskResult

    since = datetime.fromtimestamp(epoch, tz=UTC)
    done = DBTaskResult.objects.filter(finished_at__gte=since, status="SUCCESSFUL")
    return {"finished": done.count()}


def _read(path: str) -> dict:
    return json.loads(Path(path).read_text())


def main(argv: list[str]) -> int:
    django.setup()

    command = argv[0]
    if command == "seed":
        args = dict(zip(argv[1::2], argv[2::2], strict=True))
        result = seed(
            int(args.get("--phones", 300)),
            int(args.get("--voters", 100)),
            int(args.get("--facilitators", 5)),
        )
    elif command == "queries":
        result = queries(_read(argv[1]))
    elif command == "cost":
        result = cost(_read(argv[1]), int(argv[2]))
    elif command == "check":
        result = check(_read(argv[1]), _read(argv[2]))
    elif command == "tasks-since":
        result = tasks_since(float(argv[1]))
    else:
        print(f"unknown command {command}", file=sys.stderr)
        return 2
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
