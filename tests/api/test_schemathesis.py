"""Schemathesis over openapi.json, in process: every operation, valid and invalid input, no
server error and every answer as the description says (status, content type, body)."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from factories import CoalitionFactory, RegistrationFactory, WorkshopFactory
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from coproduce.workshops.models import AgendaItem

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


@pytest.fixture
def api_schema(db, settings):
    # The WSGI handler closes the database connection after each request, as in production;
    # the test's database lives in that connection (Django's test client does the same).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "api": "100000/m"}
    # Something to find (see `known`), with an agenda and a registration to count.
    coalition = CoalitionFactory(slug="c")
    workshop = WorkshopFactory(coalition=coalition, slug="w")
    RegistrationFactory(workshop=workshop)
    AgendaItem.objects.create(workshop=workshop, title="Café", kind="world_cafe", minutes=60)
    yield schemathesis.openapi.from_wsgi("/api/openapi.json", get_wsgi_application())
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def known(case):
    """The case with a slug that exists, half the time: made-up slugs mostly find nothing."""
    if "slug" in (case.path_parameters or {}):
        case.path_parameters["slug"] = "w" if case.path.startswith("/api/workshops/") else "c"
    return case


def test_the_api_keeps_its_description(api_schema):
    # Each operation in turn (schemathesis' pytest loader does not run under pytest 9).
    tried = []
    for result in api_schema.get_all_operations():
        operation = result.ok()
        tried.append(operation.label)
        cases = operation.as_strategy()

        @given(case=st.one_of(cases, cases.map(known)))
        @settings(
            max_examples=30,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def keeps(case):
            case.call_and_validate(checks=CHECKS)

        keeps()
    assert len(tried) == len(api_schema) >= 4
