import threading

import pytest
from django.db import connection
from factories import GuestFactory, WorkshopFactory

from coproduce.workshops import services
from coproduce.workshops.models import (
    AgendaItem,
    AgendaQuestion,
    Conclusion,
    Contributor,
    DesiredOutcome,
)

ATTACK = '<script>alert("x")</script><img src=x onerror=alert(1)>'


@pytest.mark.django_db
def test_every_workshop_text_field_is_shown_escaped(client):
    workshop = WorkshopFactory(
        title=f"T{ATTACK}", venue=f"V{ATTACK}", summary=f"S{ATTACK}", methodology=f"M{ATTACK}"
    )
    workshop.coalition.name = f"C{ATTACK}"
    workshop.coalition.save()
    Contributor.objects.create(workshop=workshop, name=f"N{ATTACK}", is_organiser=True)
    DesiredOutcome.objects.create(workshop=workshop, text=f"O{ATTACK}")
    item = AgendaItem.objects.create(
        workshop=workshop,
        title=f"A{ATTACK}",
        speaker=f"P{ATTACK}",
        minutes=5,
        description=f"D{ATTACK}",
    )
    AgendaQuestion.objects.create(agenda_item=item, label=f"L{ATTACK}", text=f"Q{ATTACK}")
    Conclusion.objects.create(workshop=workshop, text=f"K{ATTACK}")
    services.register_guest(workshop, GuestFactory(display_name=f"G{ATTACK}"))
    for url in (workshop.get_absolute_url(), workshop.coalition.get_absolute_url(), "/"):
        body = client.get(url).content.decode()
        assert "<script>alert" not in body, url
        assert "<img src=x" not in body, url
    body = client.get(workshop.get_absolute_url()).content.decode()
    assert body.count("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;") >= 10


@pytest.mark.django_db(transaction=True)
def test_two_people_racing_for_the_last_place_get_one_place():
    workshop = WorkshopFactory(capacity=1)
    guests = [GuestFactory(), GuestFactory()]
    outcomes: list[str] = []
    start = threading.Barrier(2)

    def take_place(guest):
        start.wait()
        try:
            services.register_guest(workshop, guest)
            outcomes.append("registered")
        except services.RegistrationError:
            outcomes.append("full")
        finally:
            connection.close()  # each thread has its own connection; let the test DB go

    threads = [threading.Thread(target=take_place, args=(g,)) for g in guests]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["full", "registered"]
    assert workshop.registrations.count() == 1
