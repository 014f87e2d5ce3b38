import re

import pytest
from django.core import mail
from django.urls import reverse
from factories import PASSWORD, PersonFactory

from coproduce.people.models import City, Organisation, Person

pytestmark = pytest.mark.django_db


def signup(client, **overrides):
    data = {
        "full_name": "Ada Organiser",
        "email": "ada@example.org",
        "sector": "local_government",
        "password1": PASSWORD,
        "password2": PASSWORD,
        **overrides,
    }
    return client.post(reverse("people:signup"), data)


def test_signup_creates_account_and_logs_in(client):
    response = signup(client)
    assert response.status_code == 302
    person = Person.objects.get(email="ada@example.org")
    assert person.full_name == "Ada Organiser"
    assert client.get(reverse("people:profile")).status_code == 200


def test_signup_twice_with_same_email_is_refused_case_insensitively(client):
    signup(client)
    client.logout()
    response = signup(client, email="ADA@example.org")
    assert response.status_code == 200
    assert "already exists" in response.content.decode()
    assert Person.objects.count() == 1


def test_signup_with_10000_character_name_is_refused_next_to_the_field(client):
    response = signup(client, full_name="x" * 10_000)
    assert response.status_code == 200
    form = response.context["form"]
    assert "full_name" in form.errors
    assert "at most 200 characters" in form.errors["full_name"][0]
    assert not Person.objects.exists()


def test_signup_keeps_what_was_typed_when_passwords_differ(client):
    response = signup(client, password2="something-else-entirely")
    assert response.status_code == 200
    assert 'value="Ada Organiser"' in response.content.decode()
    assert "password2" in response.context["form"].errors


def test_login_and_logout(client):
    person = PersonFactory(email="bo@example.org")
    response = client.post(
        reverse("people:login"), {"username": "BO@example.org", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == person.pk
    client.post(reverse("people:logout"))
    assert "_auth_user_id" not in client.session


def test_login_is_rate_limited(client, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "login": (3, 60)}
    PersonFactory(email="bo@example.org")
    statuses = [
        client.post(
            reverse("people:login"), {"username": "bo@example.org", "password": "wrong"}
        ).status_code
        for _ in range(5)
    ]
    assert statuses[:3] == [200, 200, 200]
    assert statuses[3:] == [429, 429]


def test_password_reset_by_email(client):
    PersonFactory(email="cy@example.org")
    response = client.post(reverse("people:password_reset"), {"email": "cy@example.org"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = re.search(
        r"http://testserver(/accounts/password/reset/\S+/)", mail.outbox[0].body
    ).group(1)
    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    set_url = form_page.redirect_chain[-1][0]
    new = "another-long-password-77"
    done = client.post(set_url, {"new_password1": new, "new_password2": new})
    assert done.status_code == 302
    assert client.login(email="cy@example.org", password=new)


def test_password_reset_for_unknown_email_sends_nothing_and_says_the_same(client):
    response = client.post(reverse("people:password_reset"), {"email": "nobody@example.org"})
    assert response.status_code == 302
    assert mail.outbox == []


def test_profile_creates_organisation_and_city_once(client):
    person = PersonFactory()
    client.force_login(person)
    data = {
        "full_name": "Dee",
        "organisation_name": "Manchester Action",
        "sector": "civil_society",
        "city_name": "Salford",
        "languages": "English, Urdu",
        "access_needs": "Step-free access",
    }
    assert client.post(reverse("people:profile"), data).status_code == 302
    assert (
        client.post(
            reverse("people:profile"), {**data, "organisation_name": "manchester action"}
        ).status_code
        == 302
    )
    person.refresh_from_db()
    assert person.organisation.name == "Manchester Action"
    assert person.city.name == "Salford"
    assert Organisation.objects.count() == 1
    assert City.objects.count() == 1
    assert person.access_needs == "Step-free access"


def test_profile_with_broken_input_keeps_saved_values(client):
    person = PersonFactory(full_name="Original Name")
    client.force_login(person)
    response = client.post(reverse("people:profile"), {"full_name": "", "sector": "not-a-sector"})
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "full_name" in errors and "sector" in errors
    person.refresh_from_db()
    assert person.full_name == "Original Name"


def test_profile_needs_login(client):
    response = client.get(reverse("people:profile"))
    assert response.status_code == 302
    assert reverse("people:login") in response["Location"]


def test_the_profile_shows_and_changes_the_language_for_emails(client):
    person = PersonFactory(language="es")
    client.force_login(person)
    page = client.get(reverse("people:profile"))
    assert page.context["form"]["language"].value() == "es"
    data = {"full_name": person.full_name, "sector": "", "language": "en"}
    assert client.post(reverse("people:profile"), data).status_code == 302
    person.refresh_from_db()
    assert person.language == "en"
    refused = client.post(reverse("people:profile"), {**data, "language": "fr"})
    assert "language" in refused.context["form"].errors
    person.refresh_from_db()
    assert person.language == "en"
