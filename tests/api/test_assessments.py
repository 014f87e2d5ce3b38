"""Self-assessments through the API: the list, and results as the results page shows them. Only
groups of five or more for whoever does not run it, no figure fewer than five gave, and never one
person's answer (a marker in a note is absent for every visitor); constant queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from factories import CoalitionFactory, MembershipFactory, PersonFactory
from security.world import MEMBER, ORGANISER, VISITORS, build_world

from coproduce.assessments import services
from coproduce.assessments.models import Assessment
from coproduce.coalitions.models import Role
from coproduce.people import tokens
from coproduce.people.models import Guest

pytestmark = pytest.mark.django_db


def bearer(person) -> dict:
    return {"authorization": "Bearer " + tokens.issue(person, name="a", write=False)[1]}


@pytest.fixture
def world():
    return build_world(public=True)


def _results(w) -> str:
    return f"/api/assessments/{w.assessment.pk}/results/"


def test_the_list_gives_each_assessment_and_its_rounds(client, world):
    w = world
    items = client.get(f"/api/coalitions/{w.coalition.slug}/assessments/").json()["items"]
    assert [a["title"] for a in items] == [w.markers["assessment"]]
    assert items[0]["rounds"] == [{"number": 1, "open": True}]
    assert client.get(items[0]["results"]).json()["assessment"] == w.assessment.pk


def test_public_results_hide_the_group_of_one(client, world):
    """The member answered alone for research: only the five residents are shown to others."""
    w = world
    found = client.get(_results(w)).json()
    assert [g["sector"] for g in found["groups"]] == ["residents"]
    assert found["withheld"] == ["research"] and found["every_group_shown"] is False
    assert found["people"] == 6 and found["smallest_group_shown"] == 5
    residents = found["groups"][0]
    assert residents["people"] == 5
    figures = {f["number"]: f for f in residents["items"]}
    numbers = {i["number"]: i for i in found["items"]}
    equality = next(n for n, i in numbers.items() if i["title"].lower().startswith("equal"))
    assert figures[equality]["average"] == 2.0 and figures[equality]["answered"] == 5
    # "everyone" is made of the groups shown only: the research answer is not in it.
    assert found["everyone"]["people"] == 5
    assert found["everyone"]["label"] == "everyone in the groups shown"


def test_organisers_see_every_group_as_on_their_page(client, world):
    w = world
    found = client.get(_results(w), headers=bearer(w.accounts[ORGANISER])).json()
    assert [g["sector"] for g in found["groups"]] == ["research", "residents"]
    assert found["withheld"] == [] and found["every_group_shown"] is True
    member = client.get(_results(w), headers=bearer(w.accounts[MEMBER])).json()
    assert [g["sector"] for g in member["groups"]] == ["residents"]


def test_nobody_reads_one_persons_answer(client, world):
    w = world
    marker = w.markers["answer_note"]
    urls = [_results(w), f"/api/coalitions/{w.coalition.slug}/assessments/"]
    for visitor in VISITORS:
        browser = w.client(visitor)
        for url in urls:
            answer = browser.get(url)
            assert answer.status_code == 200, (visitor, url)
            assert marker not in answer.content.decode(), (visitor, url)
        if visitor in w.accounts:
            for url in urls:
                answer = client.get(url, headers=bearer(w.accounts[visitor]))
                assert marker not in answer.content.decode(), (visitor, url)


def test_a_figure_fewer_than_five_gave_is_not_shown(client):
    coalition = CoalitionFactory(slug="few")
    organiser = PersonFactory()
    MembershipFactory(coalition=coalition, person=organiser, role=Role.ORGANISER)
    assessment = services.create_assessment(coalition, title="Few", framework="scie")
    round_ = services.latest_round(assessment)
    for number in range(5):
        scores = {"equality": 4, "diversity": 1 if number < 2 else None}
        guest = Guest.objects.create(display_name=f"R{number}", sector="residents")
        services.save_response(round_, guest=guest, sector="residents", scores=scores)
    url = f"/api/assessments/{assessment.pk}/results/"
    found = client.get(url).json()
    ids = {i["number"]: i["title"] for i in found["items"]}
    figures = {ids[f["number"]]: f for f in found["groups"][0]["items"]}
    diversity = next(f for title, f in figures.items() if title.lower().startswith("divers"))
    assert diversity["average"] is None and diversity["answered"] is None
    full = client.get(url, headers=bearer(organiser)).json()
    figures = {ids[f["number"]]: f for f in full["groups"][0]["items"]}
    diversity = next(f for title, f in figures.items() if title.lower().startswith("divers"))
    assert diversity["average"] == 1.0 and diversity["answered"] == 2
    # Four people of a sector: no group at all, and no "everyone" either.
    Guest.objects.filter(display_name="R4").delete()
    found = client.get(url).json()
    assert found["groups"] == [] and found["everyone"] is None
    assert found["withheld"] == ["residents"]


def test_a_round_by_number_and_a_missing_one(client, world):
    w = world
    services.close_round(w.assessment)
    services.new_round(w.assessment)
    latest = client.get(_results(w)).json()
    assert latest["round"] == {"number": 2, "open": True} and latest["rounds"] == [1, 2]
    assert latest["changes"]["from_round"] == 1
    first = client.get(_results(w), {"round": 1}).json()
    assert first["round"] == {"number": 1, "open": False} and first["changes"] is None
    missing = client.get(_results(w), {"round": 9})
    assert missing.status_code == 422 and missing.json()["errors"][0]["field"] == "round"


def test_assessments_since_a_time(client, world):
    w = world
    url = f"/api/coalitions/{w.coalition.slug}/assessments/"
    later = timezone.now() + timezone.timedelta(hours=1)
    since = (later - timezone.timedelta(minutes=1)).isoformat()
    assert client.get(url, {"updated_since": since}).json()["items"] == []
    w.assessment.rounds.update(closed_at=later)
    found = client.get(url, {"updated_since": since}).json()["items"]
    assert [a["id"] for a in found] == [w.assessment.pk]


def test_the_assessment_list_costs_the_same_at_10_and_200(client):
    coalition = CoalitionFactory(slug="many")

    def grow(total: int) -> None:
        have = Assessment.objects.filter(coalition=coalition).count()
        for n in range(have, total):
            services.create_assessment(coalition, title=f"A {n}", framework="scie")

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/api/coalitions/many/assessments/?limit=200").status_code == 200
        return len(captured)

    grow(10)
    small = queries()
    grow(200)
    assert queries() == small
