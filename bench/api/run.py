"""The open API under a crowd: 200 clients reading a workshop and posting votes, beside the
same work done through the pages, in one run.

Runs the real stack: `coproduce serve` (gunicorn, 2 workers of 8 threads) on PostgreSQL, no
task worker. wrk keeps 200 connections open; every other request reads the workshop, the rest
post a vote, each vote a new (voter, statement) pair with a known value. Two kinds of run take
turns, pages, API, pages, API, each on a conversation of its own:

- pages: the workshop's page (HTML) and the vote form, as a guest with a session and CSRF;
- API: `GET /api/workshops/<slug>/` and `POST /api/conversations/<id>/votes/`, each client a
  person with a write token (no session).

Afterwards every conversation must hold exactly one vote per pair answered, with the value
sent, and one vote-log row per vote; no request may be refused.

    .venv/bin/python bench/api/run.py [--seconds 15] [--connections 200] [--rounds 2]

Needs wrk (Debian package) and the PostgreSQL at 127.0.0.1:5432 (it creates and drops the
database coproduce_bench_api). Set REDIS_URL to keep sessions and rate limits in Redis, as in
production. Prints a Markdown table with the API's figures over the pages'.
"""

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DB_NAME = os.environ.get("BENCH_DB_NAME", "coproduce_bench_api")
PG = "postgres://postgres@127.0.0.1:5432"
CSRF = "benchbenchbenchbenchbenchbench12"  # a 32-character CSRF secret, cookie and header alike
CLIENTS, STATEMENTS = 600, 100  # people (API) and guests (pages) per run; statements each
PORT = int(os.environ.get("BENCH_PORT", "8097"))

SEED = """
import django, json
django.setup()
from datetime import timedelta
from importlib import import_module
from django.conf import settings
from django.utils import timezone
SessionStore = import_module(settings.SESSION_ENGINE).SessionStore
from coproduce.coalitions.models import Coalition, Visibility
from coproduce.conversations.models import Conversation, Statement, Voter
from coproduce.people.models import Guest, Person
from coproduce.people.tokens import issue
from coproduce.workshops.models import AgendaItem, Workshop
coalition = Coalition.objects.create(
    name="Bench", slug="bench", purpose="bench", visibility=Visibility.PUBLIC)
start = timezone.now() + timedelta(days=7)
workshop = Workshop.objects.create(
    coalition=coalition, title="Coproducing the city", slug="bench-workshop", join_code="BENCH1",
    starts_at=start, ends_at=start + timedelta(hours=3), summary="A bench workshop " * 20)
for n in range(8):
    AgendaItem.objects.create(workshop=workshop, title=f"Item {n}", minutes=20, order=n)
runs = []
for run in range(ROUNDS * 2):
    conversation = Conversation.objects.create(coalition=coalition, question=f"Run {run}?")
    statements = Statement.objects.bulk_create(
        Statement(conversation=conversation, text=f"Statement {i}") for i in range(STATEMENTS))
    run_data = {"conversation": conversation.pk, "statements": [s.pk for s in statements]}
    if run % 2:  # the API: people with write tokens
        people = Person.objects.bulk_create(
            Person(email=f"p{run}-{i}@bench.test", full_name=f"P{i}", sector="other")
            for i in range(CLIENTS))
        run_data["tokens"] = [issue(p, name="bench", write=True)[1] for p in people]
    else:  # the pages: guests with sessions, already voters, as the join page leaves them
        guests = Guest.objects.bulk_create(
            Guest(display_name=f"G{i}", sector="other") for i in range(CLIENTS))
        voters = Voter.objects.bulk_create(
            Voter(conversation=conversation, guest=g) for g in guests)
        keys = []
        for guest, voter in zip(guests, voters):
            session = SessionStore()
            session["coproduce_guest_key"] = guest.key
            session["conversation_voters"] = {str(conversation.pk): voter.pk}
            session.create()
            keys.append(session.session_key)
        run_data["sessions"] = keys
    runs.append(run_data)
print(json.dumps({"workshop": workshop.slug, "runs": runs}))
"""

# A thread's request n: even ones read the workshop, odd ones vote; the votes walk every
# (client, statement) pair once, so each stored row can be checked against what was sent.
LUA = """
local credentials = {%(credentials)s}
local statements = {%(statements)s}
local threads = %(threads)d
local api = %(api)s
local counter = 0
local tid = 0
local id_counter = 0
function setup(thread)
  thread:set("tid", id_counter)
  id_counter = id_counter + 1
end
function init(args)
  tid = tonumber(wrk.thread:get("tid"))
end
request = function()
  local n = counter
  counter = counter + 1
  local k = math.floor(n / 2) * threads + tid
  local client = k %% #credentials
  local statement = math.floor(k / #credentials) %% #statements
  local headers = {}
  if api then
    headers["Authorization"] = "Bearer " .. credentials[client + 1]
  else
    headers["Cookie"] = "sessionid=" .. credentials[client + 1] .. "; csrftoken=%(csrf)s"
  end
  if n %% 2 == 0 then
    if api then
      return wrk.format("GET", "/api/workshops/%(workshop)s/", headers)
    end
    return wrk.format("GET", "/workshops/%(workshop)s/", headers)
  end
  local value = (client + statement) %% 3 - 1
  if api then
    headers["Content-Type"] = "application/json"
    local body = '{"statement": ' .. statements[statement + 1] .. ', "value": ' .. value .. '}'
    return wrk.format("POST", "/api/conversations/%(conversation)d/votes/", headers, body)
  end
  headers["Content-Type"] = "application/x-www-form-urlencoded"
  headers["X-CSRFToken"] = "%(csrf)s"
  local body = "statement=" .. statements[statement + 1] .. "&value=" .. value
  return wrk.format("POST", "/conversations/%(conversation)d/vote/", headers, body)
end
done = function(summary, latency, requests)
  io.write(string.format("PERCENTILES %%.1f %%.1f %%.1f\\n",
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000))
end
"""

CHECK = """
import django
django.setup()
from django.db.models import Count
from coproduce.conversations.models import Vote, VoteEvent
conversation, statements = CONVERSATION, STATEMENTS_IDS
si = {s: i for i, s in enumerate(statements)}
votes = Vote.objects.filter(statement__conversation_id=conversation)
rows = list(votes.values_list("voter__person__email", "voter__guest__display_name",
                              "statement_id", "value"))
def client_of(email, name):
    return int(email.split("-")[1].split("@")[0]) if email else int(name[1:])
wrong = sum(1 for e, g, s, v in rows if v != (client_of(e, g) + si[s]) %% 3 - 1)
dupes = votes.values("voter", "statement").annotate(n=Count("id")).filter(n__gt=1).count()
logged = VoteEvent.objects.filter(statement__conversation_id=conversation).count()
print(len(rows), dupes, wrong, logged)
"""


def sh(*args, **kwargs):
    return subprocess.run(args, check=True, capture_output=True, text=True, **kwargs)


def seed(env, rounds: int) -> dict:
    sh("psql", f"{PG}/postgres", "-c", f"DROP DATABASE IF EXISTS {DB_NAME}")
    sh("psql", f"{PG}/postgres", "-c", f"CREATE DATABASE {DB_NAME}")
    sh(sys.executable, "-m", "coproduce.cli", "migrate", "-v0", env=env)
    code = SEED.replace("ROUNDS", str(rounds)).replace("CLIENTS", str(CLIENTS))
    code = code.replace("STATEMENTS)", f"{STATEMENTS})")
    out = sh(sys.executable, "-c", code, env=env).stdout
    return json.loads(out.strip().splitlines()[-1])


def load(run: dict, workshop: str, options, api: bool) -> dict:
    credentials = run["tokens"] if api else run["sessions"]
    lua = LUA % {
        "credentials": ",".join(f'"{c}"' for c in credentials),
        "statements": ",".join(map(str, run["statements"])),
        "threads": options.threads,
        "api": "true" if api else "false",
        "csrf": CSRF,
        "workshop": workshop,
        "conversation": run["conversation"],
    }
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(lua)
    out = sh(
        "wrk",
        f"-t{options.threads}",
        f"-c{options.connections}",
        f"-d{options.seconds}s",
        "--timeout",
        "30s",
        "-s",
        script.name,
        f"http://127.0.0.1:{PORT}/",
    ).stdout
    p50, p95, p99 = map(float, re.search(r"PERCENTILES (\S+) (\S+) (\S+)", out).groups())
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    timeouts = re.search(r"timeout (\d+)", out)
    return {
        "rate": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "answered": int(re.search(r"(\d+) requests in", out).group(1)),
        "errors": int(errors.group(1)) if errors else 0,
        "timeouts": int(timeouts.group(1)) if timeouts else 0,
        "p50": p50,
        "p95": p95,
        "p99": p99,
    }


def check(run: dict, env, result: dict, connections: int) -> dict:
    code = CHECK.replace("CONVERSATION", str(run["conversation"]))
    code = code.replace("STATEMENTS_IDS", repr(run["statements"])).replace("%%", "%")
    stored, duplicates, wrong, logged = map(
        int, sh(sys.executable, "-c", code, env=env).stdout.split()
    )
    votes_answered = result["answered"] // 2  # every other request is a vote
    # Requests still in flight when wrk stopped may be stored without being counted.
    in_flight = stored - votes_answered
    ok = (
        duplicates == 0
        and wrong == 0
        and logged == stored
        and -connections <= in_flight <= connections
        and result["errors"] == 0
    )
    return {
        "stored": stored,
        "duplicates": duplicates,
        "wrong": wrong,
        "logged": logged,
        "in_flight": in_flight,
        "ok": ok,
    }


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--connections", type=int, default=200)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--rounds", type=int, default=2, help="turns of pages then API")
    options = parser.parse_args()
    env = {
        **os.environ,
        "DATABASE_URL": f"{PG}/{DB_NAME}",
        "DJANGO_SETTINGS_MODULE": "coproduce.settings",
        "OPINION_MAP_DELAY_SECONDS": "3600",  # measure the requests, not the maths
        "LOG_LEVEL": "WARNING",
        "COPRODUCE_DATA_DIR": tempfile.mkdtemp(prefix="bench-api-"),
    }
    data = seed(env, options.rounds)
    server = subprocess.Popen(
        [sys.executable, "-m", "coproduce.cli", "serve", "--port", str(PORT)]
        + ["--workers", "2", "--no-worker"],
        env=env,
        stdout=subprocess.DEVNULL,
    )
    results = []
    try:
        time.sleep(4)
        for n, run in enumerate(data["runs"]):
            api = n % 2 == 1
            result = load(run, data["workshop"], options, api)
            result |= check(run, env, result, options.connections)
            results.append(("API" if api else "pages", result))
    finally:
        server.terminate()
        server.wait(timeout=30)
        sh("psql", f"{PG}/postgres", "-c", f"DROP DATABASE IF EXISTS {DB_NAME}")
    report(results, options)
    return 0 if all(result["ok"] for _kind, result in results) else 1


def report(results: list, options) -> None:
    print(
        f"wrk, {options.connections} connections, {options.seconds} s per run, half reads of "
        "the workshop and half votes\n"
    )
    print(
        "| run | requests/s | p50 ms | p95 ms | p99 ms | refused | votes stored | "
        "duplicates | wrong value | log rows | stored minus answered |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for kind, r in results:
        print(
            f"| {kind} | {r['rate']:.0f} | {r['p50']:.1f} | {r['p95']:.1f} | {r['p99']:.1f} | "
            f"{r['errors']} | {r['stored']} | {r['duplicates']} | {r['wrong']} | {r['logged']} | "
            f"{r['in_flight']} |"
        )
    by_kind = {kind: [r for k, r in results if k == kind] for kind in ("pages", "API")}
    mean = {
        k: {m: sum(r[m] for r in rs) / len(rs) for m in ("rate", "p50", "p95", "p99")}
        for k, rs in by_kind.items()
    }
    print("\n| API over pages | requests/s | p50 | p95 | p99 |\n|---|---|---|---|---|")
    ratios = [mean["API"][m] / mean["pages"][m] for m in ("rate", "p50", "p95", "p99")]
    print("| ratio | " + " | ".join(f"{r:.2f}" for r in ratios) + " |")
    lost = all(r["ok"] for _k, r in results)
    print(f"\nNothing lost or duplicated, nothing refused: {'yes' if lost else 'NO'}")


if __name__ == "__main__":
    sys.exit(main())
