"""A server error is seen by an operator: its traceback in the log, and by email to ADMINS."""

import os
import subprocess
import sys
import textwrap

import pytest
from django.core import mail
from django.test import Client
from django.urls import path


def broken_view(request):
    raise ZeroDivisionError("the sum the page needed")


urlpatterns = [path("broken/", broken_view)]


@pytest.mark.django_db
def test_a_server_error_is_emailed_to_the_admins_with_its_traceback(settings):
    settings.ROOT_URLCONF = __name__
    settings.ADMINS = ["ops@council.example"]
    response = Client(raise_request_exception=False).get("/broken/")
    assert response.status_code == 500
    assert b"ZeroDivisionError" not in response.content  # the person sees a plain page
    (message,) = mail.outbox
    assert message.to == ["ops@council.example"]
    assert "ZeroDivisionError at /broken/" in message.body
    assert "in broken_view" in message.body  # the frame where it happened


@pytest.mark.django_db
def test_without_admins_no_email_is_attempted(settings):
    settings.ROOT_URLCONF = __name__
    settings.ADMINS = []
    assert Client(raise_request_exception=False).get("/broken/").status_code == 500
    assert mail.outbox == []


def test_the_traceback_goes_to_stderr_or_to_log_file(tmp_path):
    """In a fresh process with production's DEBUG=false, as an operator runs it."""
    (tmp_path / "brokenurls.py").write_text(
        textwrap.dedent(
            """
            from django.urls import path

            def broken(request):
                raise ZeroDivisionError("the sum the page needed")

            urlpatterns = [path("broken/", broken)]
            """
        )
    )
    script = textwrap.dedent(
        """
        import django
        django.setup()
        from django.test import Client, override_settings
        with override_settings(ROOT_URLCONF="brokenurls", ALLOWED_HOSTS=["testserver"]):
            print(Client(raise_request_exception=False).get("/broken/").status_code)
        """
    )

    def run(**extra):
        env = {
            **{name: value for name, value in os.environ.items() if name != "LOG_FILE"},
            "DJANGO_SETTINGS_MODULE": "coproduce.settings",
            "COPRODUCE_DATA_DIR": str(tmp_path / "data"),
            "PYTHONPATH": str(tmp_path),
            "DEBUG": "false",
            **extra,
        }
        return subprocess.run(
            [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True
        )

    to_stderr = run()
    assert to_stderr.stdout.strip() == "500"
    assert "Traceback" in to_stderr.stderr and "ZeroDivisionError" in to_stderr.stderr

    log_file = tmp_path / "coproduce.log"
    to_file = run(LOG_FILE=str(log_file))
    assert "Traceback" not in to_file.stderr
    assert "ZeroDivisionError: the sum the page needed" in log_file.read_text()
