"""The platform as a whole: command line, background worker, security headers, languages."""

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


def test_spanish_translation_is_complete():
    po = (LOCALE / "es" / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8")
    entries = po.split("\n\n")[1:]
    untranslated = [e for e in entries if 'msgstr ""\n' in e + "\n" and 'msgstr ""\n"' not in e]
    fuzzy = [e for e in entries if "#, fuzzy" in e]
    assert untranslated == [] and fuzzy == []
    mo = LOCALE / "es" / "LC_MESSAGES" / "django.mo"
    assert (
        mo.exists()
        and mo.stat().st_mtime >= (LOCALE / "es" / "LC_MESSAGES" / "django.po").stat().st_mtime - 1
    )


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
