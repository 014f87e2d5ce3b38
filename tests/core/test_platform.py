"""The platform as a whole: command line, background worker, security headers, languages."""

import ast
import gettext
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from factories import PersonFactory, WorkshopFactory

from coproduce import cli
from coproduce.core.charts import Series, horizontal_bars
from coproduce.core.tasks import send_email

LOCALE = Path(cli.__file__).parent / "locale"


def test_cli_help_lists_the_commands(capsys):
    assert cli.main(["--help"]) == 0
    out = capsys.readouterr().out
    for command in ("serve", "worker", "demo", "seat", "opinion", "migrate"):
        assert command in out


def test_cli_passes_other_commands_to_django():
    result = subprocess.run(
        [sys.executable, "-m", "coproduce.cli", "check", "--deploy", "--fail-level", "CRITICAL"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr


def test_console_script_is_installed():
    script = Path(sys.executable).parent / "coproduce"
    result = subprocess.run([str(script), "help"], capture_output=True, text=True, check=False)
    assert result.returncode == 0 and "coproduce serve" in result.stdout


@pytest.mark.django_db(transaction=True)
def test_database_worker_runs_queued_tasks(settings):
    """With the real queue, nothing is sent until a worker picks the task up."""
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }
    result = send_email.enqueue(subject="Hello", body="From the queue", to=["a@example.org"])
    assert mail.outbox == []
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    result.refresh()
    assert result.status == "SUCCESSFUL"
    assert [m.subject for m in mail.outbox] == ["Hello"]


@pytest.mark.django_db
def test_security_headers_and_csp_nonce(client):
    response = client.get(reverse("home"))
    csp = response["Content-Security-Policy"]
    assert "script-src 'self' 'nonce-" in csp
    assert "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    nonce = csp.split("'nonce-")[1].split("'")[0]
    body = response.content.decode()
    assert body.count("<script") == body.count(f'nonce="{nonce}"') > 0


@pytest.mark.django_db
def test_posts_without_csrf_token_are_refused():
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(PersonFactory())
    response = client.post(
        reverse("coalitions:create"), {"name": "x", "purpose": "y", "visibility": "public"}
    )
    assert response.status_code == 403
    assert "form has expired" in response.content.decode()


@pytest.mark.django_db
def test_language_switcher_and_spanish_pages(client):
    response = client.post(reverse("set_language"), {"language": "es", "next": "/"})
    assert response.status_code == 302
    page = client.get(reverse("home")).content.decode()
    assert '<html lang="es">' in page
    assert "Coproducir la ciudad" in page
    workshop = WorkshopFactory()
    page = client.get(workshop.get_absolute_url()).content.decode()
    assert "Quién participa" in page


def po_entries(path: Path) -> list[dict]:
    """A small .po reader: each entry's flags, msgid and msgstr(s), continuation lines joined."""
    entries, current, key = [], None, None
    for line in path.read_text(encoding="utf-8").splitlines() + [""]:
        if not line.strip():
            if current and "msgid" in current["strings"]:
                entries.append(current)
            current, key = None, None
            continue
        current = current or {"flags": "", "strings": {}}
        if line.startswith("#,"):
            current["flags"] += line
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            current["strings"][key] += line[1:-1]
        else:
            key, _, value = line.partition(" ")
            current["strings"][key] = value[1:-1]
    return entries


def test_spanish_translation_is_complete_and_compiled():
    po = LOCALE / "es" / "LC_MESSAGES" / "django.po"
    entries = po_entries(po)
    assert len(entries) > 100
    fuzzy = [e["strings"].get("msgid") for e in entries if "fuzzy" in e["flags"]]
    empty = [
        e["strings"]["msgid"]
        for e in entries
        if e["strings"]["msgid"]
        and any(not v for k, v in e["strings"].items() if k.startswith("msgstr"))
    ]
    assert fuzzy == [] and empty == []
    # The compiled catalogue must say what the .po says (a forgotten compilemessages would not).
    with po.with_suffix(".mo").open("rb") as mo:
        compiled = gettext.GNUTranslations(mo)
    for entry in entries:
        strings = {k: ast.literal_eval(f'"{v}"') for k, v in entry["strings"].items()}
        if not strings["msgid"] or "msgstr" not in strings:
            continue
        if "msgctxt" in strings:
            assert compiled.pgettext(strings["msgctxt"], strings["msgid"]) == strings["msgstr"]
        else:
            assert compiled.gettext(strings["msgid"]) == strings["msgstr"]


def test_every_template_string_is_in_the_catalogue():
    """A new `translate` tag without `makemessages` would show English on Spanish pages."""
    known = {e["strings"]["msgid"] for e in po_entries(LOCALE / "es" / "LC_MESSAGES" / "django.po")}
    templates = Path(cli.__file__).parent / "templates"
    missing = set()
    for template in templates.rglob("*.html"):
        for text in re.findall(r'{% translate "([^"]+)"', template.read_text(encoding="utf-8")):
            if text not in known:
                missing.add(text)
    assert missing == set()


def test_every_python_string_is_in_the_catalogue():
    """A changed `_("...")` in Python without `makemessages` would show English on Spanish
    pages (this caught two in the library). Single literals only: the catalogue's own
    completeness is the test above."""
    known = {e["strings"]["msgid"] for e in po_entries(LOCALE / "es" / "LC_MESSAGES" / "django.po")}
    known = {ast.literal_eval(f'"{msgid}"') for msgid in known}
    call = re.compile(
        r"""\b(?:_|gettext|gettext_lazy|gettext_noop)\(\s*("(?:[^"\\\n]|\\.)*")\s*\)"""
    )
    missing = set()
    for module in Path(cli.__file__).parent.rglob("*.py"):
        if "migrations" in module.parts:
            continue
        for literal in call.findall(module.read_text(encoding="utf-8")):
            text = ast.literal_eval(literal)
            if text and text not in known:
                missing.add(f"{module.name}: {text}")
    assert missing == set()


def test_chart_is_accessible_and_escapes_labels():
    svg = horizontal_bars(
        title="T <1>",
        description="D & E",
        categories=["<script>", "B"],
        series=[Series("one", [3, 0]), Series("two", [1, 2])],
        chart_id="c",
    )
    assert 'role="img"' in svg and 'aria-labelledby="c-title c-desc"' in svg
    assert '<title id="c-title">T &lt;1&gt;</title>' in svg
    assert "<script>" not in svg
    assert svg.count("<rect") == 2 + 4  # legend swatches + bars


def test_chart_with_no_data_draws_no_bars():
    svg = horizontal_bars(
        title="Empty", description="none", categories=[], series=[Series("x", [])]
    )
    assert "<rect" not in svg and svg.endswith("</svg>")


def test_redis_cache_for_production_works(settings, redis_url):
    """REDIS_URL switches the cache (rate limits, sessions) to Redis; the client must be there."""
    from django.core.cache import caches

    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": redis_url,
        }
    }
    cache = caches.create_connection("default")
    cache.set("coproduce-test", 41, timeout=5)
    assert cache.incr("coproduce-test") == 42
    cache.delete("coproduce-test")
