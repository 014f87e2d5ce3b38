"""The seating engine says why no plan can do better as codes with numbers; the site says
them in the reader's language, with people and tables by name, and the command line keeps
readable English."""

import json
import pickle

import pytest
from django.urls import reverse
from django.utils import translation
from factories import MembershipFactory, RegistrationFactory, WorkshopFactory

from coproduce.cafe import selectors, services
from coproduce.cafe.models import Cafe
from coproduce.cafe.seating import Person, Problem, ProblemError, Table, bounds, solve
from coproduce.cafe.seating.reasons import ENGLISH, Reason
from coproduce.coalitions.models import Role
from coproduce.jobs.models import Job
from coproduce.jobs.tasks import run_job
from coproduce.workshops.models import AgendaItem

DEVELOPER_WORDS = ("CP-SAT", "C(m, 2)", "bound", "transition (", "design theory", "counting (")


def test_a_reason_is_its_english_sentence_with_a_code_and_numbers():
    reason = Reason("pinned_table", count=2, table="T1", people=["ana", "ben"], repeats=2)
    assert reason == "2 people pinned to table 'T1' every round ('ana', 'ben'): 2 repeated meetings"
    assert reason.to_json() == {
        "code": "pinned_table",
        "count": 2,
        "table": "T1",
        "people": ["ana", "ben"],
        "repeats": 2,
    }
    assert json.loads(json.dumps([reason])) == [str(reason)]
    assert pickle.loads(pickle.dumps(reason)).to_json() == reason.to_json()


def test_the_engine_gives_codes_the_site_can_translate():
    tables = tuple(Table(f"T{i}", capacity=5) for i in range(4))
    people = tuple(Person(f"p{i}") for i in range(20))
    people = (Person("p0", immobile=True), *people[1:])
    problem = Problem(rounds=3, tables=tables, people=people, together=(("p6", "p7"),))
    found = bounds(problem)
    codes = {reason.code for reason in found.explanations}
    assert {"together"} <= codes and codes <= set(ENGLISH)
    plan = solve(problem, time_limit=0.3)
    metrics = plan.metrics_json()
    assert [r["code"] for r in metrics["reasons"]] == [r.code for r in plan.explanations]
    assert metrics["explanations"] == [str(r) for r in plan.explanations]


@pytest.mark.django_db
def test_a_planned_cafe_s_reasons_are_plain_and_in_spanish():
    organiser = MembershipFactory(role=Role.ORGANISER)
    workshop = WorkshopFactory(coalition=organiser.coalition)
    item = AgendaItem.objects.create(workshop=workshop, title="Café", kind="world_cafe", minutes=90)
    for i in range(20):
        RegistrationFactory(workshop=workshop, display_name=f"Guest {i:02d}")
    cafe = services.cafe_for(item)
    cafe.rounds = 4
    cafe.save()
    cafe.tables.all().delete()
    services.add_tables(cafe, 4, capacity=5)
    services.make_plan(cafe, seconds=0.5)
    cafe = Cafe.objects.get(pk=cafe.pk)
    assert cafe.plan_metrics["reasons"], "4 tables of 5 for 4 rounds force repeats"
    english = selectors.plan_reasons(cafe)
    assert english and not any(word in " ".join(english) for word in DEVELOPER_WORDS)
    assert not selectors.plan_reasons_outdated(cafe)
    with translation.override("es"):
        spanish = selectors.plan_reasons(cafe)
    assert len(spanish) == len(english) and spanish != english


@pytest.mark.django_db
def test_reasons_of_unknown_codes_and_old_plans_are_left_out():
    organiser = MembershipFactory(role=Role.ORGANISER)
    workshop = WorkshopFactory(coalition=organiser.coalition)
    item = AgendaItem.objects.create(workshop=workshop, title="Café", kind="world_cafe", minutes=90)
    cafe = services.cafe_for(item)
    cafe.plan_metrics = {"explanations": ["CP-SAT proved the room part's pair cost bound 2"]}
    assert selectors.plan_reasons(cafe) == [] and selectors.plan_reasons_outdated(cafe)
    cafe.plan_metrics = {"explanations": [], "reasons": [{"code": "from_the_future"}]}
    assert selectors.plan_reasons(cafe) == [] and not selectors.plan_reasons_outdated(cafe)


@pytest.mark.django_db
def test_a_plan_job_says_its_progress_in_the_language_of_who_asked(client, settings):
    """The worker has no request: the job keeps the language it was asked in ("Hecho: Saving
    the plan" was the worker speaking English on a Spanish page)."""
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    organiser = MembershipFactory(role=Role.ORGANISER)
    workshop = WorkshopFactory(coalition=organiser.coalition)
    item = AgendaItem.objects.create(workshop=workshop, title="Café", kind="world_cafe", minutes=90)
    for i in range(6):
        RegistrationFactory(workshop=workshop, display_name=f"Guest {i:02d}")
    cafe = services.cafe_for(item)
    client.force_login(organiser.person)
    client.cookies["django_language"] = "es"
    client.post(reverse("cafe:make_plan", args=[cafe.pk]))
    job = Job.objects.get()
    assert job.status == "queued"
    with translation.override("en"):  # the worker's own language
        run_job.call(job.pk)
    job.refresh_from_db()
    assert (job.status, job.message) == ("done", "Guardando el plan")


def _cafe_with(people: int, tables: int, capacity: int) -> Cafe:
    organiser = MembershipFactory(role=Role.ORGANISER)
    workshop = WorkshopFactory(coalition=organiser.coalition)
    item = AgendaItem.objects.create(workshop=workshop, title="Café", kind="world_cafe", minutes=90)
    for i in range(people):
        RegistrationFactory(workshop=workshop, display_name=f"Guest {i:02d}")
    cafe = services.cafe_for(item)
    cafe.tables.all().delete()
    services.add_tables(cafe, tables, capacity=capacity)
    return cafe


@pytest.mark.django_db
def test_what_stops_a_plan_is_said_plainly_with_names():
    cafe = _cafe_with(people=12, tables=2, capacity=5)
    assert services.why_not_plannable(cafe) == (
        "12 people are here but the tables in the room have only 10 seats. Add tables or seats."
    )
    first, second = cafe.participants.order_by("pk")[:2]
    conflict = ProblemError("in English", "together_and_apart", people=[first.pk, second.pk])
    said = selectors.plan_obstacle(cafe, conflict)
    assert said == f"{first.name}, {second.name} must both sit together and sit apart. " + (
        "Delete one of the two rules."
    )
    unknown = selectors.plan_obstacle(cafe, ProblemError("duplicate table id 'T1'"))
    assert "T1" not in unknown and "cannot be seated" in unknown
