"""A coalition's name is unique in its city, whatever its capitals: the form says so by the
name field, the database refuses what slips past it, and the migration numbers old twins."""

import pytest
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from factories import CityFactory, CoalitionFactory, MembershipFactory, PersonFactory

from coproduce.coalitions.forms import CoalitionForm
from coproduce.coalitions.models import Coalition, Role

pytestmark = pytest.mark.django_db


def _data(**overrides):
    return {"name": "River Path", "purpose": "Paths by the river", "visibility": "public"} | (
        overrides
    )


def test_the_same_name_in_the_same_city_is_refused_by_the_name_field(client):
    CoalitionFactory(name="River Path", city=CityFactory(name="Leeds"))
    client.force_login(PersonFactory())
    response = client.post(
        reverse("coalitions:create"), _data(name="river PATH", city_name=" leeds ")
    )
    assert response.status_code == 200
    error = response.context["form"].errors["name"][0]
    assert "“river PATH” already exists in leeds" in error
    assert Coalition.objects.count() == 1
    # What was typed is still in the form.
    assert response.context["form"]["purpose"].value() == "Paths by the river"


def test_the_same_name_in_another_city_or_a_new_city_is_fine():
    CoalitionFactory(name="River Path", city=CityFactory(name="Leeds"))
    CityFactory(name="York")
    assert CoalitionForm(data=_data(city_name="York")).is_valid()
    assert CoalitionForm(data=_data(city_name="Hull")).is_valid()
    assert CoalitionForm(data=_data(city_name="")).is_valid()


def test_a_typed_city_is_the_same_place_as_the_city_with_a_country():
    CoalitionFactory(name="River Path", city=CityFactory(name="Leeds", country="United Kingdom"))
    form = CoalitionForm(data=_data(city_name="LEEDS"))
    assert not form.is_valid()
    assert "already exists in LEEDS" in form.errors["name"][0]


def test_without_a_city_names_are_unique_among_coalitions_without_one():
    CoalitionFactory(name="River Path", city=None)
    form = CoalitionForm(data=_data(name="RIVER path", city_name=""))
    assert not form.is_valid()
    assert "or give its city" in form.errors["name"][0]


def test_editing_a_coalition_keeps_its_own_name():
    coalition = CoalitionFactory(name="River Path", city=CityFactory(name="Leeds"))
    assert CoalitionForm(data=_data(city_name="Leeds"), instance=coalition).is_valid()


def test_editing_into_another_coalitions_name_is_refused(client):
    leeds = CityFactory(name="Leeds")
    CoalitionFactory(name="River Path", city=leeds)
    organiser = MembershipFactory(role=Role.ORGANISER, coalition__city=leeds)
    client.force_login(organiser.person)
    response = client.post(
        reverse("coalitions:edit", args=[organiser.coalition.slug]),
        _data(name="River path", city_name="Leeds"),
    )
    assert response.status_code == 200 and "already exists" in response.content.decode()
    organiser.coalition.refresh_from_db()
    assert organiser.coalition.name != "River path"


def test_the_database_refuses_twins_whatever_their_capitals():
    leeds = CityFactory(name="Leeds")
    CoalitionFactory(name="River Path", city=leeds)
    with pytest.raises(IntegrityError), transaction.atomic():
        CoalitionFactory(name="RIVER PATH", city=leeds)
    CoalitionFactory(name="Lonely", city=None)
    with pytest.raises(IntegrityError), transaction.atomic():
        CoalitionFactory(name="lonely", city=None)


@pytest.mark.django_db(transaction=True)
def test_the_migration_numbers_old_twins_instead_of_failing():
    from django.db.migrations.executor import MigrationExecutor

    before = [("coalitions", "0005_email_stored_normalised")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    city = old.get_model("people", "City").objects.create(name="Leeds")
    other = old.get_model("people", "City").objects.create(name="York")
    OldCoalition = old.get_model("coalitions", "Coalition")
    for i, (name, where) in enumerate(
        [
            ("River Path", city),
            ("river path", city),
            ("RIVER PATH", city),
            ("River Path (2)", city),
            ("River Path", other),
            ("Lonely", None),
            ("lonely", None),
        ]
    ):
        OldCoalition.objects.create(name=name, slug=f"c{i}", purpose="p", city=where)
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())

    names = dict(Coalition.objects.values_list("slug", "name"))
    assert names == {
        "c0": "River Path",
        "c1": "river path (3)",  # "(2)" is taken by a coalition of its own
        "c2": "RIVER PATH (4)",
        "c3": "River Path (2)",
        "c4": "River Path",
        "c5": "Lonely",
        "c6": "lonely (2)",
    }
