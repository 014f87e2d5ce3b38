"""Changes to people: accounts, profiles, guests, and the cities and organisations they name.

Cities and organisations are typed by people, so the same one arrives from many forms at once:
they are found case-insensitively (through the same LOWER(name) expression as their unique
indexes, so PostgreSQL can use them) and created without racing those constraints.
"""

from collections.abc import Callable

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.db.models.functions import Lower

from .models import City, Guest, Organisation, Person
from .sectors import sector_key


def _find_or_create(found: QuerySet, create: Callable[[], object]):
    """The first row of `found`, or a new one; if someone creates it at the same moment, theirs."""
    existing = found.first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return create()
    except IntegrityError:  # created meanwhile by another request: the constraint said so
        return found.get()


def city_named(name: str) -> City | None:
    name = name.strip()
    if not name:
        return None
    same = City.objects.annotate(lower_name=Lower("name")).filter(
        lower_name=name.lower(), country=""
    )
    return _find_or_create(same, lambda: City.objects.create(name=name))


def organisation_named(name: str, sector: str, city: City | None) -> Organisation | None:
    name = name.strip()
    if not name:
        return None
    same = Organisation.objects.annotate(lower_name=Lower("name")).filter(lower_name=name.lower())
    return _find_or_create(
        same, lambda: Organisation.objects.create(name=name, sector=sector, city=city)
    )


def create_account(*, email: str, password: str, full_name: str, sector: str = "") -> Person:
    return Person.objects.create_user(email, password, full_name=full_name, sector=sector)


@transaction.atomic
def update_profile(
    person: Person, *, organisation_name: str = "", city_name: str = "", **fields
) -> Person:
    """Save a person's profile; the organisation and city they type are found or created."""
    for name, value in fields.items():
        setattr(person, name, value)
    person.city = city_named(city_name)
    person.organisation = organisation_named(
        organisation_name, sector_key(person.sector), person.city
    )
    person.save()
    return person


def new_guest(*, display_name: str, sector: str) -> Guest:
    """Someone taking part with a join code: a name to show and a sector, nothing else."""
    return Guest.objects.create(display_name=display_name, sector=sector)


# -- the language a person is emailed in ------------------------------------------------------


def _known(code: str) -> bool:
    return code in {known for known, _name in settings.LANGUAGES}


def language_of(person) -> str:
    """The language to email this person in: the one they last chose on the site (or
    registered for a workshop in), else the site's. Guests and anyone without a choice get
    the site's language."""
    chosen = getattr(person, "language", "") or ""
    return chosen if _known(chosen) else settings.LANGUAGE_CODE


def remember_language(person, code: str, *, unless_set: bool = False) -> bool:
    """Keep the language a signed-in person chose, for their emails; a language the site does
    not offer is ignored. With `unless_set`, a choice made before is kept. Whether it was
    stored."""
    if not isinstance(person, Person) or not person.pk or not _known(code):
        return False
    same = Person.objects.filter(pk=person.pk)
    # Stored only when it changes anything (a choice made before is kept with `unless_set`).
    same = same.filter(language="") if unless_set else same.exclude(language=code)
    stored = same.update(language=code) == 1
    if stored:
        person.language = code
    return stored
