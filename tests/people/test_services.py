"""Finding or creating the cities and organisations people type, without racing."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from coproduce.people import services
from coproduce.people.models import City, Organisation

pytestmark = pytest.mark.django_db


def test_a_city_is_found_whatever_its_case_and_made_once():
    leeds = services.city_named("  Leeds ")
    assert services.city_named("LEEDS").pk == leeds.pk
    assert City.objects.count() == 1 and services.city_named("") is None


def test_the_lookup_uses_the_lower_case_expression_of_the_unique_index():
    with CaptureQueriesContext(connection) as captured:
        services.organisation_named("Jam and Justice", "research", None)
    assert "LOWER(" in captured[0]["sql"].upper()


class MissesOnce:
    """A lookup that finds nothing the first time, as when two requests ask at once."""

    def __init__(self, queryset):
        self.queryset, self.asked = queryset, 0

    def first(self):
        self.asked += 1
        return None

    def get(self):
        return self.queryset.get()


def test_creating_what_someone_else_just_created_returns_theirs():
    theirs = Organisation.objects.create(name="Greater Manchester Combined Authority", sector="x")
    same = MissesOnce(Organisation.objects.filter(pk=theirs.pk))

    def create():
        return Organisation.objects.create(name="greater manchester combined authority", sector="y")

    assert services._find_or_create(same, create) == theirs
    assert Organisation.objects.count() == 1


def test_emails_are_stored_normalised_and_matched_exactly(client):
    from coproduce.people.models import Person

    person = services.create_account(
        email="  Ann.Lee@Example.ORG ", password="x" * 12, full_name="Ann"
    )
    assert Person.objects.get(pk=person.pk).email == "ann.lee@example.org"
    with CaptureQueriesContext(connection) as captured:
        found = Person.objects.get_by_natural_key("ANN.LEE@example.org")
    assert found == person
    # A plain equality on the stored column: the unique index answers it on PostgreSQL.
    sql = captured[0]["sql"].upper()
    assert "UPPER(" not in sql and "LOWER(" not in sql and "LIKE" not in sql
    assert client.login(username="Ann.Lee@EXAMPLE.org", password="x" * 12)


@pytest.mark.django_db(transaction=True)
def test_two_requests_naming_a_new_organisation_at_once_make_one():
    """Two threads, two database connections, released together at the find-or-create."""
    import threading

    from concurrency import at_once
    from django.db import connections

    start = threading.Barrier(2)
    found, failures = [], []

    def name_it(spelling):
        try:
            start.wait()
            found.append(services.organisation_named(spelling, "community", None).pk)
        except Exception as error:  # the assertion below shows what went wrong
            failures.append(error)
        finally:
            connections.close_all()

    at_once(name_it, "Friends of the Earth", "friends of the earth")
    assert failures == []
    assert len(set(found)) == 1 and Organisation.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_migration_lower_cases_addresses_saved_before():
    from django.db.migrations.executor import MigrationExecutor

    before, after = [("people", "0002_clean_text")], [("people", "0003_email_stored_normalised")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old = executor.loader.project_state(before).apps.get_model("people", "Person")
    old.objects.create(email="Kim@Example.org", full_name="Kim", password="!")
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(after)
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    from coproduce.people.models import Person

    assert Person.objects.get(full_name="Kim").email == "kim@example.org"
