"""What the search keeps in memory stays true to the database: who may see what (the same
rule as the pages' query), and the library after any change, however it was made (bulk
updates, deletions, a rolled-back transaction). Runs on SQLite and on PostgreSQL."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from factories import CoalitionFactory, MembershipFactory, PersonFactory

from coproduce.coalitions.models import Membership, Visibility
from coproduce.coalitions.permissions import Action, can
from coproduce.library import facets, generation, services
from coproduce.library.models import Entry, Status
from coproduce.library.rules import sight
from coproduce.library.search import engine

pytestmark = pytest.mark.django_db

EVERYONE = sight(AnonymousUser())


def published(**data):
    data.setdefault("kind", "case")
    return services.moderate(services.create_entry(data), publish=True)


def titles(query, **options):
    options.setdefault("sight", EVERYONE)
    return [hit.entry.title for hit in engine.search(query, **options).hits]


def test_the_in_memory_sight_is_the_pages_query():
    public, private = (CoalitionFactory(visibility=v) for v in Visibility)
    member = MembershipFactory(coalition=private).person
    author, staff = PersonFactory(), PersonFactory(is_staff=True)
    admin = PersonFactory(is_staff=True, is_superuser=True)
    services.create_entry({"title": "Someone else's proposal", "kind": "case"})
    for coalition in (public, private, None):
        for status in Status:
            entry = services.create_entry(
                {"title": f"{status} in {coalition}", "kind": "case"},
                coalition=coalition,
                author=author,
            )
            Entry.objects.filter(pk=entry.pk).update(status=status)
    tally = engine.current_tally()
    people = [AnonymousUser(), PersonFactory(), member, author, staff, admin]
    for person in people:
        seen = sight(person)
        expected = set(Entry.objects.filter(seen.q()).values_list("pk", flat=True))
        assert set(tally.ids[engine._visible(tally, seen)].tolist()) == expected
        assert engine.search("", sight=seen, limit=50).total == len(expected)
        # And the search finds what the entry pages would show this person, no more.
        shown = {
            e.pk for e in Entry.objects.select_related("coalition") if can(person, Action.VIEW, e)
        }
        assert expected == shown
    # Everyone but the outsider (who sees what the anonymous see) sees something different.
    assert len({frozenset(Entry.objects.filter(sight(p).q())) for p in people}) == 5


def test_changes_made_past_the_services_reach_the_search():
    entry = published(title="Commons garden", country="Italy")
    assert titles("commons") == ["Commons garden"]
    Entry.objects.filter(pk=entry.pk).update(status=Status.PENDING)  # no signals, no services
    assert titles("commons") == [] and engine.search("", sight=EVERYONE).total == 0
    Entry.objects.filter(pk=entry.pk).update(status=Status.PUBLISHED)
    assert titles("commons") == ["Commons garden"]
    Entry.objects.filter(pk=entry.pk).delete()
    assert titles("commons") == [] and engine.search("", sight=EVERYONE).facets["country"] == []


def test_changes_to_coalitions_and_memberships_reach_the_search():
    coalition = CoalitionFactory(visibility=Visibility.PUBLIC)
    person = PersonFactory()
    services.create_entry({"title": "Commons of a coalition", "kind": "case"}, coalition=coalition)
    assert titles("commons", sight=sight(person)) == ["Commons of a coalition"]
    coalition.visibility = Visibility.PRIVATE
    coalition.save()
    assert titles("commons", sight=sight(person)) == []
    Membership.objects.create(coalition=coalition, person=person)
    assert titles("commons", sight=sight(person)) == ["Commons of a coalition"]
    coalition.delete()  # its entries go with it
    assert titles("commons", sight=sight(person)) == []
    assert engine.search("", sight=sight(person)).total == 0


def test_facet_rows_written_alone_reach_the_counts():
    entry = published(title="Commons garden", country="Italy")
    assert engine.search("", sight=EVERYONE).facets["country"][0].value == "Italy"
    entry.country = "Spain"  # the facet rows rewritten without saving the entry
    facets.write([entry])
    assert [v.value for v in engine.search("", sight=EVERYONE).facets["country"]] == ["Spain"]


def test_a_rolled_back_change_is_forgotten():
    published(title="Commons garden")
    before = generation.current()
    assert titles("commons") == ["Commons garden"]
    with transaction.atomic():
        published(title="Commons orchard")
        assert sorted(titles("commons")) == ["Commons garden", "Commons orchard"]
        transaction.set_rollback(True)
    assert generation.current() == before
    assert titles("commons") == ["Commons garden"]


def test_every_change_gives_a_new_generation():
    seen = {generation.current()}
    entry = published(title="Commons garden")
    seen.add(generation.current())
    services.update_entry(entry, {"title": "Commons orchard"})
    seen.add(generation.current())
    Entry.objects.all().delete()
    seen.add(generation.current())
    assert len(seen) == 4


def test_titles_first_whether_or_not_the_title_matches_fill_the_page():
    body = "The commons of the city, and the commons again. " * 3
    published(title="Commons of Naples", body="A short account.")
    published(title="A long story", body=body)
    published(title="Commons and the commons", body=body)
    everything = titles("commons", limit=3)  # more than the titles: every match is scored
    # The title with the word twice first, then the other title, on both databases.
    assert everything == ["Commons and the commons", "Commons of Naples", "A long story"]
    scores = [hit.score for hit in engine.search("commons", sight=EVERYONE).hits]
    assert scores == sorted(scores, reverse=True) and scores[1] > 1 > scores[2] > 0
    # Pages the titles fill (only those are ranked) agree with the whole order.
    for offset in range(3):
        assert titles("commons", limit=1, offset=offset) == everything[offset : offset + 1]
    assert titles("commons", limit=2) == everything[:2]


def test_browsing_orders_titles_without_regard_to_accents_or_case():
    for title in ("zebra crossings", "Élan vital", "eco streets", "Bologna"):
        published(title=title)
    assert titles("") == ["Bologna", "eco streets", "Élan vital", "zebra crossings"]


def test_a_repeated_search_asks_the_database_less(django_assert_max_num_queries):
    published(title="Commons garden", body="commons " * 5)
    engine.search("commons", sight=EVERYONE)
    # The generation, the public coalitions, the titles' scores, the entries: the matches
    # themselves are remembered until the library changes.
    with django_assert_max_num_queries(4):
        assert engine.search("commons", sight=EVERYONE, limit=1).total == 1
    published(title="Commons orchard")
    assert engine.search("commons", sight=EVERYONE).total == 2


def test_a_shorter_title_with_the_words_comes_first_on_both_databases():
    published(title="Commons in the long story of a city and its people")
    published(title="Commons")
    assert titles("commons") == ["Commons", "Commons in the long story of a city and its people"]
