"""The demo's starter library: written by the project, searchable, linked to the founding
workshop's café, and loaded twice without duplicating anything."""

import pytest
from django.contrib.auth.models import AnonymousUser

from coproduce.library import services
from coproduce.library.demo import ENTRIES, FOUNDING_CASE, LICENCE, SOURCE
from coproduce.library.links import entries_for_coalition, entries_for_workshop, links_of
from coproduce.library.models import Entry, Facet, Link, Revision, Status
from coproduce.library.rules import sight
from coproduce.library.search import engine
from coproduce.reports.rendering import render
from coproduce.workshops import demo
from coproduce.workshops.models import Workshop

pytestmark = pytest.mark.django_db

CITIES = {
    "Bologna",
    "Barcelona",
    "Ghent",
    "London",  # Lambeth, Hammersmith & Fulham
    "Oldham",
    "Wigan",
    "Greater Manchester",
}


@pytest.fixture
def workshop(settings) -> Workshop:
    settings.CAFE_SOLVER_SECONDS = 1.0
    demo.load_demo()
    return Workshop.objects.get(slug=demo.WORKSHOP_SLUG)


def search(words: str):
    return engine.search(words, sight=sight(AnonymousUser()), limit=20)


def test_the_demo_makes_a_starter_library_of_our_own_words_with_public_sources(workshop):
    entries = list(Entry.objects.filter(source=SOURCE))
    assert len(entries) == len(ENTRIES) + 1 == 12
    assert {entry.city for entry in entries} >= CITIES
    assert {entry.kind for entry in entries} == {"policy", "method", "case"}
    assert {e.title for e in entries if e.kind == "method"} == {
        "World Café",
        "Opinion map (a Pol.is-style conversation)",
    }
    for entry in entries:
        assert entry.is_sample and entry.status == Status.PUBLISHED
        assert entry.licence == LICENCE and entry.language == "en"
        assert entry.description and entry.body.count("\n\n") >= 2, entry.title
        assert entry.links and all(link["url"].startswith("https://") for link in entry.links)
        assert all(link["label"] for link in entry.links)
        assert entry.revisions.count() == 1  # made through the services, with its revision
        assert entry.facets.filter(name="kind", value=entry.kind).exists()
    shared = [e for e in entries if e.coalition_id is None]
    assert len(shared) == 11
    case = Entry.objects.get(source_id=FOUNDING_CASE[0])
    assert case.coalition == workshop.coalition and case.participants == 18
    bologna = Entry.objects.get(source_id="demo-bologna-2014")
    assert (bologna.country, bologna.start_year, bologna.iap2_level) == (
        "Italy",
        2014,
        "collaborate",
    )
    assert "co_delivery" in bologna.four_cos and bologna.ladder_step == "co_production"


def test_the_starter_library_is_searchable_by_anyone(workshop):
    found = search("Bologna")
    assert (
        found.hits[0].entry.title == "Bologna's regulation on collaboration for the urban commons"
    )
    assert search("world cafe").hits[0].entry.title == "World Café"
    assert search("Wigan").hits[0].entry.title == "The Wigan Deal"
    everything = search("")
    kinds = {value.value: value.count for value in everything.facets["kind"]}
    assert kinds == {"policy": 9, "method": 2, "case": 1}
    countries = {value.value: value.count for value in everything.facets["country"]}
    assert countries["United Kingdom"] == 6


def test_the_starter_library_is_linked_to_the_demo_workshop_and_its_cafe(workshop, client):
    groups = entries_for_workshop(workshop, AnonymousUser())
    by_place = {
        (group.question.label if group.question else None): [i.entry.title for i in group.items]
        for group in groups
    }
    assert by_place["POLICY"] == [
        "Bologna's regulation on collaboration for the urban commons",
        "Barcelona's citizen participation regulations and Decidim",
        "Ghent's Commons Transition Plan",
    ]
    assert by_place["TOOLS/VALUES"] == ["World Café"]
    assert by_place[None] == ["Opinion map (a Pol.is-style conversation)"]
    assert all(item.note for group in groups for item in group.items)

    page = client.get(workshop.get_absolute_url()).content.decode()
    panel = page[page.index('id="library-panel"') :]
    assert "Ghent&#x27;s Commons Transition Plan" in panel and "World Café" in panel

    found = entries_for_coalition(workshop.coalition, AnonymousUser())
    assert [e.title for e in found.own] == [FOUNDING_CASE[1]["title"]]
    assert {"The Wigan Deal", "Co-operative Oldham", "The Greater Manchester Model"} <= {
        e.title for e in found.linked
    }
    case = Entry.objects.get(source_id=FOUNDING_CASE[0])
    assert [view.label for view in links_of(case, AnonymousUser())] == [workshop.coalition.name]

    report = render(workshop, None, "md").decode()
    assert "## Examples mentioned" in report
    assert "https://www.comune.bologna.it/media/files/bolognaregulation.pdf" in report


def test_loading_the_demo_twice_duplicates_nothing_and_keeps_edits(workshop):
    models = [Entry, Link, Revision, Facet]
    first = {model.__name__: model.objects.count() for model in models}
    wigan = Entry.objects.get(source_id="demo-wigan-2013")
    services.update_entry(wigan, {"title": "The Wigan Deal (edited)"}, note="A reader's edit")
    demo.load_demo()
    first["Revision"] += 1  # the edit, and nothing of the second load
    assert {model.__name__: model.objects.count() for model in models} == first
    assert Entry.objects.get(pk=wigan.pk).title == "The Wigan Deal (edited)"
    assert search("Wigan").total == 1
