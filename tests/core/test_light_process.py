"""A web process stays light: serving the pages of a live workshop (the home page, the workshop,
a café participant's page, a vote) loads none of the heavy libraries. The seating solver, the
opinion maths, theme finding and the report files load in the worker, or in the function that
needs them, the first time it runs.

The demo is built in one interpreter (it plans seats and computes a map, so it needs them all);
the pages are served by a second, fresh one, which then says what it has imported.
"""

import json
import os
import subprocess
import sys
import textwrap

FORBIDDEN = ("ortools", "sklearn", "scipy", "weasyprint", "docx", "pandas", "pyarrow")

BUILD_DEMO = textwrap.dedent(
    """
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    call_command("demo", verbosity=0)
    """
)

# Served as a phone in the room would: the home page, the workshop, the café card's link and
# "Continue as", the café page and its poll, then the conversation's code, its vote page and a
# vote. Prints the status of each and the heavy modules imported.
SERVE_PAGES = textwrap.dedent(
    """
    import json, sys
    import django
    from django.test.utils import setup_test_environment

    django.setup()
    setup_test_environment()  # lets the test client's host in; nothing else changes
    from django.test import Client
    from django.urls import reverse

    from coproduce.cafe.models import Participant
    from coproduce.conversations.models import Conversation
    from coproduce.workshops.demo import WORKSHOP_SLUG

    statuses = {}
    client = Client()

    def visit(name, response):
        statuses[name] = response.status_code

    visit("home", client.get("/"))
    visit("workshop", client.get(reverse("workshops:detail", args=[WORKSHOP_SLUG])))
    participant = Participant.objects.filter(cafe__agenda_item__workshop__slug=WORKSHOP_SLUG)[0]
    card = reverse("cafe:personal", args=[participant.key])
    visit("card", client.get(card))
    visit("continue", client.post(card))
    mine = reverse("cafe:mine", args=[participant.cafe_id])
    visit("cafe", client.get(mine))
    visit("cafe poll", client.get(mine, headers={"HX-Request": "true"}))
    conversation = Conversation.objects.get(workshop__slug=WORKSHOP_SLUG)
    join = reverse("conversations:join", args=[conversation.join_code])
    visit("join", client.post(join, {"display_name": "Ana", "sector": "residents"}))
    vote = reverse("conversations:vote", args=[conversation.pk])
    visit("vote page", client.get(vote))
    statement = conversation.statements.filter(status="accepted").first()
    visit("vote", client.post(vote, {"statement": statement.pk, "value": "1"}))
    heavy = sorted(name for name in json.loads(sys.argv[1]) if name in sys.modules)
    print(json.dumps({"statuses": statuses, "heavy": heavy}))
    """
)


def _run(code: str, data_dir, *args: str) -> str:
    env = {
        name: value
        for name, value in os.environ.items()
        if name not in {"DATABASE_URL", "REDIS_URL", "TASKS_BACKEND", "DEBUG"}
    }
    env.update(COPRODUCE_DATA_DIR=str(data_dir), DJANGO_SETTINGS_MODULE="coproduce.settings")
    result = subprocess.run(
        [sys.executable, "-c", code, *args], env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


def test_a_web_process_serving_a_live_workshop_loads_no_heavy_library(tmp_path):
    _run(BUILD_DEMO, tmp_path)
    served = json.loads(_run(SERVE_PAGES, tmp_path, json.dumps(FORBIDDEN)).splitlines()[-1])
    assert served["statuses"] == {
        "home": 200,
        "workshop": 200,
        "card": 200,
        "continue": 302,
        "cafe": 200,
        "cafe poll": 200,
        "join": 302,
        "vote page": 200,
        "vote": 302,
    }
    assert served["heavy"] == []
