"""Spreadsheets out: the desk's registrations (streamed) and the café's harvest."""

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from factories import (
    MembershipFactory,
    OrganisationFactory,
    PersonFactory,
    RegistrationFactory,
    WorkshopFactory,
)

from coproduce.cafe import services as cafe_services
from coproduce.cafe.models import Note
from coproduce.coalitions.models import Role
from coproduce.people.models import Guest
from coproduce.reports import services as report_services
from coproduce.workshops.models import AgendaItem, AgendaQuestion, Registration

pytestmark = pytest.mark.django_db

STARTS = datetime(2031, 6, 10, 16, 0, tzinfo=UTC)  # 18:00 in Madrid


@pytest.fixture
def workshop():
    return WorkshopFactory(
        time_zone="Europe/Madrid", starts_at=STARTS, ends_at=STARTS + timedelta(hours=2)
    )


def client_as(client, workshop, role):
    client.force_login(MembershipFactory(coalition=workshop.coalition, role=role).person)
    return client


def read_csv(response) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")  # Excel reads UTF-8 only with the byte order mark
    return list(csv.reader(io.StringIO(body[1:])))


def registrations_url(workshop) -> str:
    return reverse("workshops:registrations_csv", args=[workshop.slug])


def test_organisers_get_registrations_with_emails_in_the_workshops_time(client, workshop):
    organisation = OrganisationFactory(name="Ayuntamiento")
    person = PersonFactory(full_name="Ana Ruiz", email="ana@example.org", organisation=organisation)
    RegistrationFactory(
        workshop=workshop,
        guest=None,
        person=person,
        display_name="Ana Ruiz",
        sector="local_government",
        created_at=datetime(2031, 5, 1, 9, 30, tzinfo=UTC),
        checked_in_at=datetime(2031, 6, 10, 15, 55, tzinfo=UTC),
    )
    response = client_as(client, workshop, Role.ORGANISER).get(registrations_url(workshop))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    header, row = read_csv(response)
    assert header == [
        "Name",
        "Email",
        "Organisation",
        "Sector",
        "Status",
        "Registered at",
        "Checked in at",
    ]
    assert row[:3] == ["Ana Ruiz", "ana@example.org", "Ayuntamiento"]
    assert row[4] == "Registered"
    assert row[5:] == ["2031-05-01 11:30", "2031-06-10 17:55"]  # Madrid, summer time


def test_facilitators_get_the_list_without_email_addresses(client, workshop):
    RegistrationFactory(workshop=workshop, guest=None, person=PersonFactory(email="x@example.org"))
    response = client_as(client, workshop, Role.FACILITATOR).get(registrations_url(workshop))
    header, row = read_csv(response)
    assert "Email" not in header
    assert "x@example.org" not in ",".join(row)


@pytest.mark.parametrize("role", [Role.MEMBER, Role.OBSERVER])
def test_participants_never_get_other_peoples_addresses(client, workshop, role):
    RegistrationFactory(workshop=workshop, guest=None, person=PersonFactory())
    response = client_as(client, workshop, role).get(registrations_url(workshop))
    assert response.status_code in (403, 404)


def test_formulas_in_names_are_made_harmless(client, workshop):
    RegistrationFactory(workshop=workshop, display_name='=HYPERLINK("http://evil","x")')
    RegistrationFactory(workshop=workshop, display_name="@SUM(A1)")
    response = client_as(client, workshop, Role.ORGANISER).get(registrations_url(workshop))
    names = sorted(row[0] for row in read_csv(response)[1:])
    assert names == ['\'=HYPERLINK("http://evil","x")', "'@SUM(A1)"]


def test_ten_thousand_registrations_stream_whole_in_the_same_number_of_queries(client, workshop):
    client = client_as(client, workshop, Role.ORGANISER)

    def queries_for(n_total: int) -> tuple[int, int]:
        missing = n_total - workshop.registrations.count()
        guests = Guest.objects.bulk_create(
            Guest(display_name=f"G{i}", sector="residents") for i in range(missing)
        )
        Registration.objects.bulk_create(
            Registration(
                workshop=workshop, guest=g, display_name=g.display_name, sector="residents"
            )
            for g in guests
        )
        with CaptureQueriesContext(connection) as queries:
            response = client.get(registrations_url(workshop))
            rows = read_csv(response)
        return len(rows) - 1, len(queries)

    rows_small, queries_small = queries_for(10)
    rows_large, queries_large = queries_for(10_000)
    assert (rows_small, rows_large) == (10, 10_000)
    # Chunked reads may take a few more round trips on SQLite, never one per row.
    assert queries_large <= queries_small + 10_000 // 2000 + 1


def test_the_registrations_csv_streams(client, workshop):
    response = client_as(client, workshop, Role.ORGANISER).get(registrations_url(workshop))
    assert response.streaming


def test_the_desk_links_to_the_spreadsheet(client, workshop):
    page = client_as(client, workshop, Role.FACILITATOR).get(
        reverse("workshops:desk", args=[workshop.slug])
    )
    assert registrations_url(workshop) in page.content.decode()


# The harvest -----------------------------------------------------------------------------------


@pytest.fixture
def cafe(workshop):
    item = AgendaItem.objects.create(workshop=workshop, title="Café", kind="world_cafe", minutes=60)
    AgendaQuestion.objects.create(agenda_item=item, label="HOUSING", text="What would help?")
    for sector in ("residents", "research"):
        RegistrationFactory(workshop=workshop, sector=sector)
    cafe = cafe_services.cafe_for(item)
    cafe.tables.all().delete()
    cafe_services.add_tables(cafe, 2, capacity=6)
    return cafe


def test_the_harvest_csv_has_a_row_per_note_with_its_theme(client, workshop, cafe):
    question = AgendaQuestion.objects.get()
    table = cafe.tables.order_by("order").first()
    author = cafe.participants.get(registration__sector="research")
    first = Note.objects.create(
        cafe=cafe, table=table, round_number=1, question=question, text="More trees", author=author
    )
    Note.objects.create(cafe=cafe, table=table, round_number=2, text="=1+1")
    report = report_services.report_for(workshop)
    report.themes = {
        "questions": {
            str(question.pk): [
                {"id": 1, "label": "Green streets", "note_ids": [first.pk], "example_id": first.pk}
            ]
        }
    }
    report.save()

    response = client_as(client, workshop, Role.ORGANISER).get(
        reverse("cafe:harvest_csv", args=[cafe.pk])
    )
    header, *rows = read_csv(response)
    assert header == ["Question", "Round", "Table", "Note", "Author's sector", "Theme"]
    assert rows[0] == [
        "HOUSING: What would help?",
        "1",
        table.name,
        "More trees",
        "Research",
        "Green streets",
    ]
    assert rows[1][1:4] == ["2", table.name, "'=1+1"]  # a formula, made harmless
    assert rows[1][4:] == ["", ""]


def test_the_harvest_page_links_to_its_spreadsheet_for_those_who_run_it(client, workshop, cafe):
    """The file names authors' sectors and draft themes, so only organisers get it."""
    Note.objects.create(cafe=cafe, table=cafe.tables.first(), round_number=1, text="Trees")
    csv_url = reverse("cafe:harvest_csv", args=[cafe.pk])
    page = client_as(client, workshop, Role.MEMBER).get(reverse("cafe:harvest", args=[cafe.pk]))
    assert page.status_code == 200 and csv_url not in page.content.decode()
    assert client.get(csv_url).status_code in (403, 404)
    page = client_as(client, workshop, Role.ORGANISER).get(reverse("cafe:harvest", args=[cafe.pk]))
    assert csv_url in page.content.decode()
