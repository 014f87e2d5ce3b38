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
