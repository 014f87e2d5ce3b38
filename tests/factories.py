"""Test data builders. Each makes a valid object with sensible defaults; override what matters."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import factory
from django.utils import timezone

from coproduce.coalitions.models import Coalition, Membership, Role, Visibility
from coproduce.people.models import City, Guest, Organisation, Person
from coproduce.people.sectors import Sector
from coproduce.workshops.models import Registration, Workshop

PASSWORD = "a-long-test-password-42"


class CityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = City

    name = factory.Sequence(lambda n: f"City {n}")


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisation {n}")
    sector = Sector.CIVIL_SOCIETY


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    full_name = factory.Sequence(lambda n: f"Person {n}")
    sector = Sector.RESEARCH
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def save_password(self, create, extracted, **kwargs):
        if create:
            self.save()


class GuestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Guest

    display_name = factory.Sequence(lambda n: f"Guest {n}")
    sector = Sector.RESIDENTS


class CoalitionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Coalition

    name = factory.Sequence(lambda n: f"Coalition {n}")
    slug = factory.Sequence(lambda n: f"coalition-{n}")
    purpose = "To coproduce the city."
    visibility = Visibility.PUBLIC


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    coalition = factory.SubFactory(CoalitionFactory)
    person = factory.SubFactory(PersonFactory)
    role = Role.MEMBER


LONDON = ZoneInfo("Europe/London")


def next_week_at_ten() -> datetime:
    """Seven days from today, at 10:00 in London: a factory workshop's time of day never
    depends on when the tests run (a test moving one by hours once crossed midnight)."""
    day = timezone.localdate(timezone.now() + timedelta(days=7), LONDON)
    return datetime.combine(day, time(10), tzinfo=LONDON)


class WorkshopFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Workshop

    coalition = factory.SubFactory(CoalitionFactory)
    title = factory.Sequence(lambda n: f"Workshop {n}")
    slug = factory.Sequence(lambda n: f"workshop-{n}")
    starts_at = factory.LazyFunction(next_week_at_ten)
    ends_at = factory.LazyAttribute(lambda w: w.starts_at + timedelta(hours=2))
    time_zone = "Europe/London"


class RegistrationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Registration

    workshop = factory.SubFactory(WorkshopFactory)
    guest = factory.SubFactory(GuestFactory)
    display_name = factory.LazyAttribute(lambda r: r.guest.display_name if r.guest else "")
    sector = Sector.RESIDENTS
