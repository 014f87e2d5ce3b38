"""While the database cannot be reached, every page answers 503 with a plain retry page (never a
traceback), and the first request once it is back is served as usual.

The tests commit for real (transaction=True): the middleware closes the broken connection, and
the request after it must open a new one, which a test wrapped in a transaction cannot do.
"""

from unittest import mock

import pytest
from django.core import mail
from django.db import InterfaceError, OperationalError, connection
from django.test import Client
from django.urls import reverse
from factories import CoalitionFactory, PersonFactory

from coproduce.conversations.models import Conversation

pytestmark = pytest.mark.django_db(transaction=True)

SECRET = "password=hunter2 host=db.internal"  # what a driver's message might carry


def assert_retry_page(response) -> None:
    assert response.status_code == 503
    assert int(response["Retry-After"]) > 0
    body = response.content.decode()
    assert "Back in a moment" in body
    assert "cannot reach its database" in body
    assert "Traceback" not in body and SECRET not in body


def failing_query(error_class):
    def execute(execute, sql, params, many, context):
        raise error_class(f"server closed the connection unexpectedly ({SECRET})")

    return execute


@pytest.mark.parametrize("error_class", [OperationalError, InterfaceError])
def test_a_query_that_fails_gets_the_retry_page_and_the_next_request_works(client, error_class):
    coalition = CoalitionFactory()
    page = reverse("coalitions:detail", args=[coalition.slug])
    with connection.execute_wrapper(failing_query(error_class)):
        assert_retry_page(client.get(page))
    assert connection.connection is None  # the broken connection was dropped, not kept
    response = client.get(page)
    assert response.status_code == 200 and coalition.name in response.content.decode()


def test_a_database_that_refuses_connections_gets_the_retry_page(client):
    """Signed in, so the session and the user are read from the database before the page."""
    client.force_login(PersonFactory())
    connection.close()
    refused = connection.Database.OperationalError(f"connection refused ({SECRET})")
    with mock.patch.object(connection, "get_new_connection", side_effect=refused):
        assert_retry_page(client.get(reverse("home")))
        assert_retry_page(client.post(reverse("people:logout")))
    assert client.get(reverse("people:profile")).status_code == 200  # still signed in


def _join(client) -> object:
    conversation = Conversation.objects.create(coalition=CoalitionFactory(), question="Next?")
    url = reverse("conversations:join", args=[conversation.join_code])
    return client.post(url, {"display_name": "Ana", "sector": "residents"})


def test_a_database_error_in_another_middleware_gets_the_retry_page():
    """Saving the session happens after the view, in the session middleware's own layer."""
    client = Client(raise_request_exception=False)
    lost = OperationalError(f"terminating connection due to administrator command ({SECRET})")
    with mock.patch("django.contrib.sessions.backends.db.SessionStore.save", side_effect=lost):
        assert_retry_page(_join(client))


def test_other_errors_stay_server_errors():
    """Only the database's absence is a 503: a bug must still show as one."""
    client = Client(raise_request_exception=False)
    with mock.patch(
        "django.contrib.sessions.backends.db.SessionStore.save", side_effect=RuntimeError("bug")
    ):
        response = _join(client)
    assert response.status_code == 500 and "Retry-After" not in response


def test_an_outage_is_logged_as_warnings_and_mails_nobody(client, settings, caplog):
    """Django logs a 5xx as an error, and errors are mailed to ADMINS from the request itself:
    in an outage, one mail per request. The retry page is logged once, as a warning."""
    settings.ADMINS = ["ops@example.org"]
    page = reverse("coalitions:detail", args=[CoalitionFactory().slug])
    with connection.execute_wrapper(failing_query(OperationalError)):
        assert_retry_page(client.get(page))
    logged = [r for r in caplog.records if r.name == "django.request"]
    assert [r.levelname for r in logged] == ["WARNING"]
    assert page in logged[0].getMessage()
    assert mail.outbox == []
