"""The language a person is emailed in: kept when a signed-in person switches language (POST
only) or registers for a workshop (unless they chose one before), and read in one place,
`language_of`, falling back to the site's language."""

import pytest
from django.urls import reverse
from factories import GuestFactory, PersonFactory, WorkshopFactory

from coproduce.people.models import Person
from coproduce.people.services import language_of, remember_language

pytestmark = pytest.mark.django_db

SWITCH = reverse("set_language")


def _language(person) -> str:
    return Person.objects.values_list("language", flat=True).get(pk=person.pk)


def test_language_of_is_the_persons_choice_else_the_sites(settings):
    settings.LANGUAGE_CODE = "en"
    assert language_of(PersonFactory.build(language="es")) == "es"
    assert language_of(PersonFactory.build(language="")) == "en"
    assert language_of(PersonFactory.build(language="xx")) == "en"  # not offered: the site's
    assert language_of(GuestFactory.build()) == "en"  # a guest has no choice stored
    assert language_of(None) == "en"


def test_switching_language_while_signed_in_keeps_it(client):
    person = PersonFactory()
    client.force_login(person)
    response = client.post(SWITCH, {"language": "es", "next": "/"})
    assert response.status_code == 302
    assert response.cookies["django_language"].value == "es"
    assert _language(person) == "es"
    client.post(SWITCH, {"language": "en", "next": "/"})
    assert _language(person) == "en"


def test_a_get_stores_nothing(client):
    person = PersonFactory()
    client.force_login(person)
    response = client.get(SWITCH, {"language": "es", "next": "/"})
    assert response.status_code == 405
    assert _language(person) == ""


@pytest.mark.parametrize("code", ["xx", "", "es-xx-long-code", "<script>"])
def test_a_language_the_site_does_not_offer_is_not_stored(client, code):
    person = PersonFactory(language="es")
    client.force_login(person)
    client.post(SWITCH, {"language": code, "next": "/"})
    assert _language(person) == "es"


def test_switching_without_an_account_stores_nothing_on_anyone(client):
    PersonFactory()
    response = client.post(SWITCH, {"language": "es", "next": "/"})
    assert response.cookies["django_language"].value == "es"
    assert list(Person.objects.values_list("language", flat=True)) == [""]


def test_registering_for_a_workshop_keeps_the_language_unless_one_was_chosen(client):
    newcomer, chosen = PersonFactory(), PersonFactory(language="en")
    workshop = WorkshopFactory()
    client.cookies["django_language"] = "es"
    for person in (newcomer, chosen):
        client.force_login(person)
        client.post(reverse("workshops:register", args=[workshop.slug]), {"sector": "residents"})
    assert _language(newcomer) == "es"
    assert _language(chosen) == "en"  # their own choice on the site stands


def test_remember_language_ignores_guests_and_unsaved_people():
    assert remember_language(GuestFactory(), "es") is False
    assert remember_language(PersonFactory.build(), "es") is False
    person = PersonFactory()
    assert remember_language(person, "es") is True
    assert remember_language(person, "es") is False  # nothing to change
    assert person.language == _language(person) == "es"
