"""The demo is the founding report's workshop; check it against the report's own text."""

import io
from pathlib import Path

import pytest
from django.core.management import call_command

from coproduce.coalitions.models import Coalition, Membership
from coproduce.people.models import City, Guest, Organisation, Person
from coproduce.workshops import demo
from coproduce.workshops.models import (
    AgendaItem,
    AgendaQuestion,
    Conclusion,
    Contributor,
    DesiredOutcome,
    Registration,
    Workshop,
)

pytestmark = pytest.mark.django_db

# A copy of shared/seed/iopd-2018-gm-workshop-report.txt, the founding report, kept in the
# repository so the comparison runs wherever the suite runs.
SEED = Path(__file__).resolve().parents[1] / "data" / "iopd-2018-gm-workshop-report.txt"


def normalise(text: str) -> str:
    """The report as one line, with the listed spelling corrections applied."""
    text = " ".join(text.split())
    for wrong, right in demo.SPELLING_CORRECTIONS:
        text = text.replace(wrong, right)
    return text


@pytest.fixture(scope="module")
def report() -> str:
    return normalise(SEED.read_text(encoding="utf-8"))


def test_demo_loads_the_founding_workshop(report):
    call_command("demo", stdout=io.StringIO())
    workshop = Workshop.objects.get(slug=demo.WORKSHOP_SLUG)
    assert workshop.title in report
    assert [c.name for c in workshop.organisers()] == ["Bertie Russell", "Beth Perry"]
    assert "Organizer (s) | Bertie Russell, Beth Perry |" in report
    names = ", ".join(c.name for c in workshop.speakers_and_facilitators())
    assert f"Speakers / Facilitators | {names} |" in report
    assert workshop.registrations.count() == 18
    assert "Participants | 18 |" in report
    assert workshop.summary in report
    outcomes = list(workshop.desired_outcomes.values_list("text", flat=True))
    assert len(outcomes) == 6
    assert " ".join(outcomes) in report
    presentations = list(
        workshop.agenda_items.filter(kind="presentation").values_list("title", "minutes")
    )
    assert [minutes for _, minutes in presentations] == [5, 5, 5, 5]
    assert (
        "4 x 5min presentations: "
        + ", ".join(t for t, _ in presentations).replace("Developing", "developing")
        in report
    )
    cafe = workshop.agenda_items.get(kind="world_cafe")
    for question in cafe.questions.all():
        assert f"{question.label}: {question.text}" in report
    assert cafe.questions.count() == 2
    conclusions = list(workshop.conclusions.values_list("text", flat=True))
    assert len(conclusions) == 3
    for conclusion in conclusions:
        assert conclusion in report


def test_participants_are_fictional_sample_data_with_a_mix_of_sectors_and_cities():
    demo.load_demo()
    registrations = Registration.objects.all()
    assert all(r.is_sample and r.guest.is_sample for r in registrations)
    assert len({r.sector for r in registrations}) >= 4
    assert len({r.city for r in registrations}) >= 8
    assert all(r.attended for r in registrations)


def test_loading_twice_duplicates_nothing():
    demo.load_demo()
    models = [
        Coalition,
        Membership,
        Person,
        Guest,
        City,
        Organisation,
        Workshop,
        Contributor,
        DesiredOutcome,
        AgendaItem,
        AgendaQuestion,
        Conclusion,
        Registration,
    ]
    first = {m.__name__: m.objects.count() for m in models}
    demo.load_demo()
    assert {m.__name__: m.objects.count() for m in models} == first


def test_demo_organiser_can_log_in_and_manage(client):
    demo.load_demo()
    assert client.login(email=demo.ORGANISER_EMAIL, password=demo.ORGANISER_PASSWORD)
    assert client.get(f"/workshops/{demo.WORKSHOP_SLUG}/desk/").status_code == 200
