"""Votes per second through the web endpoint, and nothing lost or duplicated.

Runs the real stack: gunicorn with 2 workers (threaded, as `coproduce serve` runs it),
PostgreSQL, sessions, CSRF checks. wrk posts votes as 2,000 guests, each request a different
(voter, statement) pair with a known value, for a fixed time. Afterwards the database must
hold exactly one row per pair that was answered, with the value that was sent, and the vote
log (VoteEvent, written by every vote beside the upsert, issue 16) one row per vote.

    .venv/bin/python bench/voting/run.py [--seconds 20] [--connections 16]

Needs wrk (Debian package) and the PostgreSQL at 127.0.0.1:5432 (it creates and drops the
database coproduce_bench). Set REDIS_URL to keep sessions and rate limits in Redis, as in
production. Prints a Markdown table.
"""

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DB_NAME = os.environ.get("BENCH_DB_NAME", "coproduce_bench")  # another name beside other runs
PG = "postgres://postgres@127.0.0.1:5432"
CSRF = "benchbenchbenchbenchbenchbench12"  # a 32-character CSRF secret, sent as cookie and header
VOTERS, STATEMENTS = 2000, 200
PORT = int(os.environ.get("BENCH_PORT", "8099"))


def sh(*args, **kwargs):
    return subprocess.run(args, check=True, capture_output=True, text=True, **kwargs)


def expected(voter_index: int, statement_index: int) -> int:
    return (voter_index + statement_index) % 3 - 1


def prepare(env) -> tuple[int, list[str], list[int]]:
    sh("psql", f"{PG}/postgres", "-c", f"DROP DATABASE IF EXISTS {DB_NAME}")
    sh("psql", f"{PG}/postgres", "-c", f"CREATE DATABASE {DB_NAME}")
    if os.environ.get("BENCH_ASYNC_COMMIT"):
        sh("psql", f"{PG}/postgres", "-c", f"ALTER DATABASE {DB_NAME} SET synchronous_commit = off")
    sh(sys.executable, "-m", "coproduce.cli", "migrate", "-v0", env=env)
    code = f"""
import django, json
django.setup()
from importlib import import_module
from django.conf import settings
SessionStore = import_module(settings.SESSION_ENGINE).SessionStore
from coproduce.coalitions.models import Coalition
from coproduce.conversations.models import Conversation, Statement, Voter
from coproduce.people.models import Guest
coalition = Coalition.objects.create(name="Bench", slug="bench", purpose="bench")
conversation = Conversation.objects.create(coalition=coalition, question="Bench?")
statements = Statement.objects.bulk_create(
    Statement(conversation=conversation, text=f"Statement {{i}}") for i in range({STATEMENTS}))
guests = Guest.objects.bulk_create(
    Guest(display_name=f"G{{i}}", sector="other") for i in range({VOTERS}))
voters = Voter.objects.bulk_create(Voter(conversation=conversation, guest=g) for g in guests)
keys = []
for guest, voter in zip(guests, voters):
    session = SessionStore()
    session["coproduce_guest_key"] = guest.key
    session["conversation_voters"] = {{str(conversation.pk): voter.pk}}
    session.create()
    keys.append(session.session_key)
print(json.dumps({{"conversation": conversation.pk, "keys": keys,
                   "statements": [s.pk for s in statements], "voters": [v.pk for v in voters]}}))
"""
    out = sh(sys.executable, "-c", code, env=env).stdout
    import json

    data = json.loads(out.strip().splitlines()[-1])
    return data["conversation"], data["keys"], data["statements"], data["voters"]


LUA = """
local keys = {%(keys)s}
local statements = {%(statements)s}
local threads = %(threads)d
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
  -- Each thread walks its own voters; every request is a new (voter, statement) pair.
  local n = counter * threads + tid
  counter = counter + 1
  local voter = n %% #keys
  local statement = math.floor(n / #keys) %% #statements
  local value = (voter + statement) %% 3 - 1
  local headers = {}
  headers["Content-Type"] = "application/x-www-form-urlencoded"
  headers["Cookie"] = "sessionid=" .. keys[voter + 1] .. "; csrftoken=%(csrf)s"
  headers["X-CSRFToken"] = "%(csrf)s"
  local body = "statement=" .. statements[statement + 1] .. "&value=" .. value
  return wrk.format("POST", "/conversations/%(conversation)d/vote/", headers, body)
end
"""


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--server-threads", type=int, default=8, help="threads per gunicorn worker")
    options = parser.parse_args()
    env = {
        **os.environ,
        "DATABASE_URL": f"{PG}/{DB_NAME}",
        "DJANGO_SETTINGS_MODULE": "coproduce.settings",
        "OPINION_MAP_DELAY_SECONDS": "3600",  # measure voting, not the maths
        "LOG_LEVEL": "WARNING",
    }
    conversation, keys, statements, voters = prepare(env)
    lua = LUA % {
        "keys": ",".join(f'"{k}"' for k in keys),
        "statements": ",".join(map(str, statements)),
        "threads": options.threads,
        "csrf": CSRF,
        "conversation": conversation,
    }
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "coproduce.wsgi",
            "--bind",
            f"127.0.0.1:{PORT}",
            "--workers",
            "2",
            "--no-control-socket",
            "--log-level",
            "warning",
        ],
        env=env,
    )
    try:
        time.sleep(3)
        with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
            script.write(lua)
        result = sh(
            "wrk",
            f"-t{options.threads}",
            f"-c{options.connections}",
            f"-d{options.seconds}s",
            "-s",
            script.name,
            f"http://127.0.0.1:{PORT}/",
        )
    finally:
        server.terminate()
        server.wait(timeout=30)
    report = result.stdout
    completed = int(re.search(r"(\d+) requests in", report).group(1))
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", report).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", report)
    check = f"""
import django
django.setup()
from django.db.models import Count
from coproduce.conversations.models import Vote, VoteEvent
voters = {voters!r}
statements = {statements!r}
vi = {{v: i for i, v in enumerate(voters)}}
si = {{s: i for i, s in enumerate(statements)}}
rows = list(Vote.objects.values_list("voter_id", "statement_id", "value"))
dupes = Vote.objects.values("voter", "statement").annotate(n=Count("id")).filter(n__gt=1).count()
wrong = sum(1 for v, s, value in rows if value != (vi[v] + si[s]) % 3 - 1)
print(len(rows), dupes, wrong, VoteEvent.objects.count())
"""
    stored, duplicates, wrong, logged = map(
        int, sh(sys.executable, "-c", check, env=env).stdout.split()
    )
    sh("psql", f"{PG}/postgres", "-c", f"DROP DATABASE IF EXISTS {DB_NAME}")
    print("| measure | value |\n|---|---|")
    setup = f"wrk, {options.connections} connections, {options.seconds} s"
    print(f"| votes per second ({setup}) | {rate:.0f} |")
    print(f"| requests answered | {completed} |")
    print(f"| error responses | {errors.group(1) if errors else 0} |")
    print(f"| vote rows stored | {stored} |")
    print(f"| duplicate (voter, statement) rows | {duplicates} |")
    print(f"| rows with a value other than the one sent | {wrong} |")
    # Every request is a new (voter, statement) pair: one log row per stored vote.
    print(f"| vote log rows written (VoteEvent, one per vote) | {logged} |")
    in_flight = stored - completed
    print(f"| stored minus answered (requests still in flight when wrk stopped) | {in_flight} |")
    ok = (
        duplicates == 0
        and wrong == 0
        and logged == stored
        and 0 <= in_flight <= options.connections
        and not errors
    )
    print(f"\nNothing lost or duplicated: {'yes' if ok else 'NO'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
