"""Each list runs the same number of queries at 10 items as at 1,000."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from factories import CoalitionFactory, MembershipFactory, PersonFactory, WorkshopFactory

from coproduce.coalitions.models import Coalition, Role, Visibility
from coproduce.people import tokens
from coproduce.workshops.models import Workshop

pytestmark = pytest.mark.django_db


def queries(client, url: str, **headers) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, headers=headers)
    assert response.status_code == 200, response.content
    return len(captured)


def grow_coalitions(person, total: int) -> None:
    """Public and private coalitions, the person a member of some of them."""
    have = Coalition.objects.count()
    made = [
        Coalition(
            name=f"Coalition {n:05}",
            slug=f"coalition-{n}",
            purpose="x",
            visibility=Visibility.PRIVATE if n % 3 else Visibility.PUBLIC,
        )
        for n in range(have, total)
    ]
    Coalition.objects.bulk_create(made)
    for coalition in Coalition.objects.filter(pk__in=[c.pk for c in made[::2]]):
        if coalition.visibility == Visibility.PRIVATE:
            MembershipFactory(coalition=coalition, person=person, role=Role.MEMBER)


def grow_workshops(coalition, total: int) -> None:
    template = WorkshopFactory.build(coalition=coalition)
    have = Workshop.objects.filter(coalition=coalition).count()
    Workshop.objects.bulk_create(
        [
            Workshop(
                coalition=coalition,
                title=f"Workshop {n}",
                slug=f"workshop-{n}",
                starts_at=template.starts_at,
                ends_at=template.ends_at,
                join_code=f"CODE{n:06}",
            )
            for n in range(have, total)
        ]
    )


@pytest.mark.parametrize("how", ["anonymous", "session", "token"])
def test_the_coalition_list_is_constant(client, how):
    person = PersonFactory()
    headers = {}
    if how == "session":
        client.force_login(person)
    if how == "token":
        headers["authorization"] = "Bearer " + tokens.issue(person, name="t", write=False)[1]
        client.get(
            "/api/openapi.json", headers=headers
        )  # its first use is noted (then once a minute)
    counts = []
    for size in (10, 1000):
        grow_coalitions(person, size)
        counts.append(queries(client, "/api/coalitions/?limit=200", **headers))
    assert counts[0] == counts[1]


def test_the_workshop_list_is_constant(client):
    coalition = CoalitionFactory(slug="c1")
    counts = []
    for size in (10, 1000):
        grow_workshops(coalition, size)
        counts.append(queries(client, "/api/coalitions/c1/workshops/?limit=200"))
    assert counts[0] == counts[1]


def test_a_later_page_costs_the_same(client):
    coalition = CoalitionFactory(slug="c1")
    grow_workshops(coalition, 30)
    first = client.get("/api/coalitions/c1/workshops/?limit=10")
    with CaptureQueriesContext(connection) as later:
        client.get(first.json()["next"])
    assert len(later) == queries(client, "/api/coalitions/c1/workshops/?limit=10")
