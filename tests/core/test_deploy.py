"""Deploying safely: the production switch, deployment checks, mail without a server, files.

Settings are read once, at import, so everything that needs the production settings runs in a
subprocess with its own environment, data folder and SQLite file.
"""

import json
import logging
import os
import re
import secrets
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from django.core.mail import EmailMessage, send_mail
from django.urls import reverse
from factories import PersonFactory

from coproduce import cli
from coproduce import settings as settings_module
from coproduce.core.mail import (
    ConsoleEmailBackend,
    EmailNotConfigured,
    RefusingEmailBackend,
    can_send_email,
)
from coproduce.core.tasks import send_email

BIN = Path(sys.executable).parent
# A link that logs someone in: /accounts/password/reset/<uid>/<token>/
RESET_LINK = re.compile(r"/password/reset/[\w-]+/[\w-]+-[\w-]+/")
SECRET_BODY = (
    "Choose a new password here: https://coproduce.example.org/accounts/password/reset/MQ/abc-123/"
)

# The developer's own configuration must not leak into the subprocesses.
CONFIG = {
    "PRODUCTION",
    "DEBUG",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "CSRF_TRUSTED_ORIGINS",
    "SECURE_COOKIES",
    "BEHIND_PROXY",
    "TRUSTED_PROXIES",
    "HSTS_SECONDS",
    "HSTS_INCLUDE_SUBDOMAINS",
    "HSTS_PRELOAD",
    "EMAIL_HOST",
    "EMAIL_PORT",
    "EMAIL_HOST_USER",
    "EMAIL_HOST_PASSWORD",
    "EMAIL_USE_TLS",
    "DEFAULT_FROM_EMAIL",
    "REDIS_URL",
    "DATABASE_URL",
    "COPRODUCE_DATA_DIR",
    "STATIC_ROOT",
    "MEDIA_ROOT",
    "LOG_LEVEL",
    "TASKS_BACKEND",
    "WEB_WORKERS",
    "DJANGO_ALLOW_ASYNC_UNSAFE",  # set by conftest.py for the browser tests
}


def environment(tmp_path: Path, production: bool = True, **changes: str | None) -> dict:
    """A clean environment; production as in the README. A change of None removes a variable."""
    env = {name: value for name, value in os.environ.items() if name not in CONFIG}
    env["COPRODUCE_DATA_DIR"] = str(tmp_path / "data")
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'coproduce.sqlite3'}"
    if production:
        env.update(
            PRODUCTION="true",
            SECRET_KEY=secrets.token_urlsafe(50),
            ALLOWED_HOSTS="coproduce.example.org",
            CSRF_TRUSTED_ORIGINS="https://coproduce.example.org",
            BEHIND_PROXY="true",
            EMAIL_HOST="smtp.example.org",
            REDIS_URL="redis://127.0.0.1:6379/0",
        )
    for name, value in changes.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return env


def coproduce(env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(BIN / "coproduce"), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def python(env: dict, code: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        env={**env, "DJANGO_SETTINGS_MODULE": "coproduce.settings"},
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )


def check_deploy(env: dict) -> tuple[int, str]:
    result = coproduce(env, "check", "--deploy", "--fail-level", "WARNING")
    return result.returncode, result.stdout + result.stderr


# --- the production switch -------------------------------------------------------------------


def test_production_settings_pass_check_deploy_with_no_warning(tmp_path):
    code, output = check_deploy(environment(tmp_path))
    assert code == 0, output
    assert "WARNING" not in output and "ERROR" not in output, output
    assert "System check identified no issues" in output


def test_check_deploy_fails_when_production_is_weakened(tmp_path):
    """The check above can fail: turning HSTS off or leaving PRODUCTION unset is caught."""
    code, output = check_deploy(environment(tmp_path, HSTS_SECONDS="0"))
    assert code != 0 and "security.W004" in output

    code, output = check_deploy(environment(tmp_path, PRODUCTION=None))
    assert code != 0
    for expected in ("coproduce.deploy.W001", "security.W008", "security.W012", "W016"):
        assert expected in output, output


def test_turning_preload_off_is_a_choice_not_a_warning(tmp_path):
    env = environment(tmp_path, HSTS_PRELOAD="false", HSTS_INCLUDE_SUBDOMAINS="false")
    code, output = check_deploy(env)
    assert code == 0, output
    assert "WARNING" not in output


def test_production_settings(tmp_path):
    show = """
        import json
        from django.conf import settings as s
        print(json.dumps({name: getattr(s, name) for name in (
            "DEBUG", "ALLOWED_HOSTS", "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS",
            "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_HSTS_PRELOAD", "SESSION_COOKIE_SECURE",
            "CSRF_COOKIE_SECURE", "SECURE_PROXY_SSL_HEADER")}))
        """

    def settings_for(env):
        result = python(env, show)
        assert result.returncode == 0, result.stderr
        return json.loads(result.stdout)

    production = settings_for(environment(tmp_path))
    assert production == {
        "DEBUG": False,
        "ALLOWED_HOSTS": ["coproduce.example.org"],
        "SECURE_SSL_REDIRECT": True,
        "SECURE_HSTS_SECONDS": 31_536_000,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
        "SECURE_HSTS_PRELOAD": True,
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "SECURE_PROXY_SSL_HEADER": ["HTTP_X_FORWARDED_PROTO", "https"],
    }
    shorter = settings_for(environment(tmp_path, HSTS_SECONDS="3600", HSTS_PRELOAD="false"))
    assert shorter["SECURE_HSTS_SECONDS"] == 3600 and shorter["SECURE_HSTS_PRELOAD"] is False

    laptop = settings_for(environment(tmp_path, production=False))
    assert laptop["ALLOWED_HOSTS"] == ["127.0.0.1", "localhost", "[::1]"]
    assert not laptop["SECURE_SSL_REDIRECT"] and laptop["SECURE_HSTS_SECONDS"] == 0
    assert not laptop["SESSION_COOKIE_SECURE"] and not laptop["DEBUG"]
    # SECURE_COOKIES still works on its own, without the rest of production.
    cookies = settings_for(environment(tmp_path, production=False, SECURE_COOKIES="true"))
    assert cookies["SESSION_COOKIE_SECURE"] and cookies["CSRF_COOKIE_SECURE"]
    assert not cookies["SECURE_SSL_REDIRECT"]


@pytest.mark.parametrize("missing", ["SECRET_KEY", "ALLOWED_HOSTS"])
def test_production_refuses_to_start_without_secret_key_or_hosts(tmp_path, missing):
    result = coproduce(environment(tmp_path, **{missing: None}), "check")
    assert result.returncode == 2
    assert f"PRODUCTION=true needs {missing} in the environment" in result.stderr
    assert "Traceback" not in result.stderr
    # No key was invented for it either.
    assert not (tmp_path / "data" / "secret_key").exists()


# --- deployment checks -----------------------------------------------------------------------


def test_check_deploy_warns_without_email_host_and_without_redis(tmp_path):
    code, output = check_deploy(environment(tmp_path, EMAIL_HOST=None, REDIS_URL=None))
    assert code != 0
    assert "coproduce.deploy.W003" in output and "EMAIL_HOST is not set" in output
    assert "coproduce.deploy.W004" in output and "REDIS_URL is not set" in output
    assert "rate limits are counted per process" in output


def test_check_deploy_warns_about_loose_hosts_and_files_others_can_read(tmp_path):
    env = environment(tmp_path, ALLOWED_HOSTS="coproduce.example.org,testserver")
    data = tmp_path / "data"
    data.mkdir(mode=0o755)
    data.chmod(0o755)
    key_file = data / "secret_key"
    key_file.write_text("an old key")
    key_file.chmod(0o644)
    code, output = check_deploy(env)
    assert code != 0
    assert "coproduce.deploy.W005" in output and "'testserver'" in output
    assert "coproduce.deploy.W006" in output and f"chmod 600 {key_file}" in output
    assert "coproduce.deploy.W007" in output and f"chmod 700 {data}" in output

    code, output = check_deploy(environment(tmp_path, ALLOWED_HOSTS="*", BEHIND_PROXY=None))
    assert "coproduce.deploy.W005" in output and "'*'" in output
    assert "coproduce.deploy.W002" in output  # HTTPS redirect without trusting the proxy


# --- mail without a mail server --------------------------------------------------------------


def test_refusing_backend_refuses_with_a_clear_error_and_logs_no_body(caplog):
    caplog.set_level(logging.DEBUG)
    message = EmailMessage(
        "Choose a new Coproduce password", SECRET_BODY, to=["a@example.org", "b@example.org"]
    )
    with pytest.raises(EmailNotConfigured, match="EMAIL_HOST is not set"):
        RefusingEmailBackend().send_messages([message])
    assert "2 recipient(s)" in caplog.text
    assert "Choose a new Coproduce password" in caplog.text
    assert "abc-123" not in caplog.text and not RESET_LINK.search(caplog.text)


@pytest.mark.django_db
def test_mail_through_the_worker_fails_loudly_without_leaking_the_body(settings, caplog):
    caplog.set_level(logging.DEBUG)
    settings.MAILERS = {"default": {"BACKEND": "coproduce.core.mail.RefusingEmailBackend"}}
    assert not can_send_email()
    with pytest.raises(EmailNotConfigured):
        send_mail("Hello", SECRET_BODY, None, ["a@example.org"])
    result = send_email.enqueue(subject="Hello", body=SECRET_BODY, to=["a@example.org"])
    assert result.status == "FAILED"
    assert "EMAIL_HOST is not set" in caplog.text  # the worker's log says why
    assert "abc-123" not in caplog.text


def test_password_reset_page_in_production_without_email_host_says_so(tmp_path):
    env = environment(
        tmp_path,
        EMAIL_HOST=None,
        # The process's own cache: a Redis shared with other runs would carry their counts of
        # reset requests (and the tests must not need a Redis the scripts do not start).
        REDIS_URL=None,
        LOG_LEVEL="DEBUG",
        TASKS_BACKEND="django.tasks.backends.immediate.ImmediateBackend",
    )
    result = python(
        env,
        """
        import logging, sys
        import django
        django.setup()
        # Everything, at every level, goes to stderr: no link may show up there.
        logging.basicConfig(level=logging.DEBUG, stream=sys.stderr)
        from django.core.management import call_command
        from django.test import Client
        from django.urls import reverse
        from coproduce.people.models import Person

        call_command("migrate", verbosity=0)
        Person.objects.create_user("cy@example.org", "a-long-password-77", full_name="Cy")
        client = Client(headers={"host": "coproduce.example.org", "x-forwarded-proto": "https"})
        url = reverse("people:password_reset")
        page = client.get(url)
        print("GET", page.status_code, "cannot send email yet" in page.content.decode())
        sent = client.post(url, {"email": "cy@example.org"})
        print("POST", sent.status_code, "cannot send email yet" in sent.content.decode())
        print("PLAIN-HTTP", client.get(url, headers={"x-forwarded-proto": "http"}).status_code)
        """,
    )
    assert result.returncode == 0, result.stderr
    assert "GET 200 True" in result.stdout
    assert "POST 200 True" in result.stdout  # not a redirect to "check your email"
    assert "PLAIN-HTTP 301" in result.stdout
    output = result.stdout + result.stderr
    assert not RESET_LINK.search(output), output
    assert "send_email" not in output  # nothing was even queued


@pytest.mark.django_db
def test_development_console_prints_mail_but_not_password_reset_links(
    client, settings, capsys, caplog
):
    settings.MAILERS = {"default": {"BACKEND": "coproduce.core.mail.ConsoleEmailBackend"}}
    PersonFactory(email="cy@example.org")
    response = client.post(reverse("people:password_reset"), {"email": "cy@example.org"})
    assert response.status_code == 302  # development "sends" it
    printed = capsys.readouterr().out
    assert "Choose a new Coproduce password" in printed and "cy@example.org" in printed
    assert "LOG_LEVEL=DEBUG" in printed
    assert not RESET_LINK.search(printed + caplog.text), printed

    # Other mail, such as the demo's invitations, is printed whole.
    invitation = "Join us: http://testserver/coalitions/invitations/abc/"
    send_mail("Invitation", invitation, None, ["dee@example.org"])
    assert invitation in capsys.readouterr().out


def test_development_console_prints_reset_links_at_debug_level(capsys, caplog):
    caplog.set_level(logging.DEBUG, logger="coproduce.mail")
    link = "http://testserver" + reverse(
        "people:password_reset_confirm", kwargs={"uidb64": "MQ", "token": "abc-123"}
    )
    ConsoleEmailBackend().send_messages([EmailMessage("Reset", link, to=["cy@example.org"])])
    assert link in capsys.readouterr().out


# --- coproduce serve -------------------------------------------------------------------------


class FakeProcess:
    started: list[list[str]] = []

    def __init__(self, args, **kwargs):
        FakeProcess.started.append(args)

    def wait(self, timeout=None):
        return 0

    def terminate(self):
        pass


@pytest.fixture
def fake_processes(monkeypatch):
    """gunicorn and the worker are never started; what would have been started is recorded."""
    FakeProcess.started = []
    monkeypatch.setattr(cli.subprocess, "Popen", FakeProcess)
    monkeypatch.setattr(cli.signal, "signal", lambda *args: None)
    return FakeProcess.started


def test_serve_refuses_several_workers_without_redis_in_production(
    monkeypatch, capsys, fake_processes
):
    monkeypatch.setenv("PRODUCTION", "true")
    monkeypatch.delenv("REDIS_URL", raising=False)
    monkeypatch.delenv("WEB_WORKERS", raising=False)
    assert cli.main(["serve", "--workers", "4"]) == 2
    assert cli.main(["serve"]) == 2  # the default is two workers
    error = capsys.readouterr().err
    assert "REDIS_URL" in error and "rate limits would be counted per process" in error
    assert "--workers 1" in error
    assert fake_processes == []


def test_serve_starts_several_workers_with_redis_or_one_without(monkeypatch, fake_processes):
    monkeypatch.setenv("PRODUCTION", "true")
    monkeypatch.delenv("REDIS_URL", raising=False)
    assert cli.main(["serve", "--workers", "1", "--no-worker"]) == 0
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/0")
    assert cli.main(["serve", "--workers", "4", "--no-worker"]) == 0
    monkeypatch.delenv("PRODUCTION")
    monkeypatch.delenv("REDIS_URL")
    assert cli.main(["serve", "--workers", "4", "--no-worker"]) == 0  # a laptop may
    assert [args[args.index("--workers") + 1] for args in fake_processes] == ["1", "4", "4"]


# --- files not readable by others ------------------------------------------------------------


def test_secret_key_file_is_created_0600_in_a_0700_data_folder(tmp_path):
    env = environment(tmp_path, production=False)
    show_key = "from django.conf import settings; print(settings.SECRET_KEY)"
    first = subprocess.run(
        [sys.executable, "-c", show_key],
        env={**env, "DJANGO_SETTINGS_MODULE": "coproduce.settings"},
        capture_output=True,
        text=True,
        check=False,
        # With no umask at all, only the code's own modes stand between the key and others.
        preexec_fn=lambda: os.umask(0),
    )
    assert first.returncode == 0, first.stderr
    data, key_file = tmp_path / "data", tmp_path / "data" / "secret_key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert stat.S_IMODE(data.stat().st_mode) == 0o700
    assert first.stdout.strip() == key_file.read_text() and len(key_file.read_text()) >= 50
    again = python(env, show_key)
    assert again.stdout == first.stdout  # the same key on every start
    assert [path.name for path in data.iterdir() if path.name.startswith(".")] == []


def test_private_file_is_never_overwritten(tmp_path):
    path = tmp_path / "secret_key"
    settings_module._create_private_file(path, "first")
    settings_module._create_private_file(path, "second")
    assert path.read_text() == "first"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert sorted(p.name for p in tmp_path.iterdir()) == ["secret_key"]
