"""The library's search on the database the tests run on (SQLite, or PostgreSQL with
DATABASE_URL): ranking, accents, stemming, phrases, prefixes, exclusions, facets, visibility,
hostile input and similar entries. Entries are made through the services, as the pages make
them, so the facets and the index are kept the way they are in use."""

from dataclasses import replace

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext
from factories import CoalitionFactory, MembershipFactory, PersonFactory
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from library.test_search_text_fast_paths import longest_body

from coproduce.coalitions.models import Visibility
from coproduce.library import services
from coproduce.library.models import Entry
from coproduce.library.rules import sight
from coproduce.library.search import engine, index, text

pytestmark = pytest.mark.django_db

EVERYONE = sight(AnonymousUser())


def published(**data):
    data.setdefault("kind", "case")
    entry = services.create_entry(data)
    return services.moderate(entry, publish=True)


def titles(query, **options):
    options.setdefault("sight", EVERYONE)
    return [hit.entry.title for hit in engine.search(query, **options).hits]


def test_title_outranks_description_outranks_body():
    filler = "A long account of meetings, tables, people and the questions they asked. " * 5
    published(title="Notes from Ghent", body=f"{filler} The commons were discussed.")
    published(title="The commons in Bologna", body=filler)
    published(title="A charter", description="How the commons were shared.", body=filler)
    assert titles("commons") == ["The commons in Bologna", "A charter", "Notes from Ghent"]
    scores = [hit.score for hit in engine.search("commons", sight=EVERYONE).hits]
    assert scores == sorted(scores, reverse=True) and scores[0] > scores[-1]


def test_one_of_the_words_in_the_title_comes_before_all_of_them_in_the_text_only():
    # The title group holds the entries with any of the words in their title (that have
    # them all somewhere), however often the others repeat the words in their text.
    published(title="Budget notes", body="A plain account. " * 40 + "The garden was planned.")
    for n in range(3):
        published(title=f"Minutes {n}", body="The garden budget, the garden budget. " * 20)
    published(title="Garden budget", body="A plain account.")
    found = titles("garden budget")
    assert found[:2] == ["Garden budget", "Budget notes"]  # both words, then one
    assert sorted(found[2:]) == ["Minutes 0", "Minutes 1", "Minutes 2"]


def asked_while(call):
    """What the call gives, and the SQL it asked."""
    with CaptureQueriesContext(connection) as asked:
        found = call()
    return found, [query["sql"] for query in asked.captured_queries]


def test_titles_ranked_among_the_matches_alone_give_the_same_page(monkeypatch):
    # PostgreSQL ranks the titles of a few thousand matches alone (TITLED_AMONG_MAX); with
    # that off, the best titles of the whole library are asked for first: the same page.
    for n in range(6):
        published(title=f"Garden {n}" + " and notes" * n, body="The budget.")
    published(title="Budget of the garden", body="Nothing more.")
    published(title="Plain", body="A garden budget.")
    for n in range(4):  # in the title, but without the other word: not found
        published(title=f"Garden only {n}", body="Nothing else.")

    def page():
        found = engine.search("garden budget", sight=EVERYONE, limit=5)
        return [(hit.entry.title, round(hit.score, 9)) for hit in found.hits]

    among, sql = asked_while(page)
    titled_among = [one for one in sql if "title_document" in one and "unnest" in one]
    assert bool(titled_among) is (connection.vendor == "postgresql")
    monkeypatch.setattr(engine, "TITLED_AMONG_MAX", 0)
    assert page() == among
    assert among[0][0] == "Budget of the garden"


def test_the_rest_scored_among_the_matches_alone_give_the_same_page(monkeypatch):
    # PostgreSQL scores the matches without the words in their title by their ids: asked
    # for every match, it would check a phrase again in every entry with both words.
    for n in range(5):
        published(title=f"Notes {n}", body="The garden budget. " * (n + 1) + "Filler. " * 9)
    published(title="Budget garden", body="A budget, then a garden.")  # not the phrase
    published(title="Other", body="The garden, the budget.")

    def page():
        found = engine.search('"garden budget"', sight=EVERYONE, limit=4)
        return [(hit.entry.title, round(hit.score, 9)) for hit in found.hits]

    among, sql = asked_while(page)
    scored_among = [one for one in sql if "ts_rank" in one and "document, CAST" in one]
    scored_among = [one for one in scored_among if "= ANY(" in one]
    assert bool(scored_among) is (connection.vendor == "postgresql")
    of = engine._Match.of
    monkeypatch.setattr(engine._Match, "of", lambda query: replace(of(query), scored_among=None))
    assert page() == among
    assert [title for title, _score in among] == ["Notes 4", "Notes 3", "Notes 2", "Notes 1"]


def test_titles_the_reader_may_not_get_never_push_the_others_out_of_the_title_group(
    monkeypatch,
):
    """The best titles are asked for first, a few pages' worth; when the reader's picks
    leave too few of them, every title is asked for, so the entries with the words in
    their title still come first, best title first."""
    monkeypatch.setattr(engine, "TITLED_FIRST", 1)
    monkeypatch.setattr(engine, "TITLED_FIRST_MIN", 3)
    for n in range(6):  # short titles: the best title scores, in Ghent
        published(title=f"Commons {n}", country="Belgium")
    longer = " ".join(["and the questions they asked"] * 3)
    for n in range(3):  # longer titles, in Italy; and one with the word only in its body
        published(title=f"Commons of Bologna {n} {longer}", country="Italy")
    published(title="A charter", body="On the commons.", country="Italy")
    hits = engine.search("commons", sight=EVERYONE, chosen={"country": ["Italy"]}, limit=3).hits
    assert [hit.entry.country for hit in hits] == ["Italy"] * 3
    assert all(hit.score > 1 for hit in hits), "the title group comes first"
    every = engine.search("commons", sight=EVERYONE, chosen={"country": ["Italy"]}).hits
    assert [hit.entry.title for hit in every][-1] == "A charter"


def test_accents_and_case_do_not_matter():
    published(title="The World Café", description="Small tables, changing rounds.")
    assert titles("world cafe") == ["The World Café"]
    assert titles("WORLD CAFÉ") == ["The World Café"]
    assert titles("cafes") == ["The World Café"]


def test_english_stemming():
    published(title="Participation in planning", description="Residents plan their streets.")
    assert titles("participating") == ["Participation in planning"]
    assert titles("planned streets") == ["Participation in planning"]


def test_spanish_stemming_and_accents_across_languages():
    published(title="Presupuesto participativo de Sevilla", language="es")
    published(title="Participation and budgets in Porto Alegre", language="en")
    assert titles("presupuestos participativos") == ["Presupuesto participativo de Sevilla"]
    # A Spanish word finds the English entry through its English stem, and the other way.
    assert sorted(titles("participación")) == [
        "Participation and budgets in Porto Alegre",
        "Presupuesto participativo de Sevilla",
    ]


def test_phrase_needs_the_words_next_to_each_other_in_one_field():
    published(title="A world café in Oldham")
    published(title="Café talks", description="People from around the world.")
    published(title="World", description="Café")  # adjacent only across two fields
    assert titles('"world cafe"') == ["A world café in Oldham"]
    assert sorted(titles("world cafe")) == ["A world café in Oldham", "Café talks", "World"]


def test_prefix_and_exclusion():
    published(title="Participatory budgeting", description="Votes on the budget.")
    published(title="Participation ladder", description="Steps.")
    published(title="Citizens' jury on the budget", description="Participants deliberate.")
    assert sorted(titles("particip*")) == [
        "Citizens' jury on the budget",
        "Participation ladder",
        "Participatory budgeting",
    ]
    assert titles("budget -jury") == ["Participatory budgeting"]
    assert titles('particip* -"citizens jury" -ladder') == ["Participatory budgeting"]
    assert titles("-jury") == []


def test_a_prefix_finds_the_words_it_begins_and_its_own_stem_but_no_other_word():
    published(title="Running a citizens' jury", description="Steps.")
    published(title="She runs the assembly", description="Steps.")
    published(title="Runway noise panel", description="Steps.")
    # "runs" is indexed as "run", the stem of "running": a whole word, not a prefix, so
    # "runway" (which "running" does not begin) stays out.
    assert sorted(titles("running*")) == ["Running a citizens' jury", "She runs the assembly"]
    assert sorted(titles("run*")) == [
        "Running a citizens' jury",
        "Runway noise panel",
        "She runs the assembly",
    ]


def test_place_issues_and_topics_are_searchable():
    published(title="Neighbourhood pacts", city="Bologna", issues=["planning_development"])
    assert titles("bologna") == ["Neighbourhood pacts"]
    assert titles("planning development") == ["Neighbourhood pacts"]


def test_snippet_marks_the_matched_words_and_escapes_the_rest():
    published(
        title="Café night",
        description="<script>alert(1)</script> Cafés & more",
        body="**Tables** in the [hall](https://x.org), cafés at `noon`.",
    )
    hit = engine.search("cafe", sight=EVERYONE).hits[0]
    assert "<mark>Cafés</mark>" in hit.snippet_html
    assert "<script>" not in hit.snippet_html and "&amp;" in hit.snippet_html
    assert "https" not in hit.snippet_text and "**" not in hit.snippet_text
    assert hit.snippet_html.count("<mark>") == 2


# -- facets ---------------------------------------------------------------------------------


@pytest.fixture
def spread():
    """Six entries over kinds, countries and modes."""
    rows = [
        ("case", "Spain", "online", 2015),
        ("case", "Spain", "facetoface", 2016),
        ("case", "Italy", "facetoface", 2009),
        ("method", "Italy", "online", 2021),
        ("method", "United Kingdom", "both", None),
        ("policy", "United Kingdom", "facetoface", 2019),
    ]
    for number, (kind, country, mode, year) in enumerate(rows):
        published(
            title=f"Commons {number}",
            kind=kind,
            country=country,
            mode=mode,
            start_year=year,
            issues=["governance"] if number % 2 else ["environment", "governance"],
        )


def counts(results, name):
    return {value.value: value.count for value in results.facets[name]}


def chosen(results, name):
    return [value.value for value in results.facets[name] if value.chosen]


def test_facet_counts_of_all_matches(spread):
    results = engine.search("commons", sight=EVERYONE)
    assert results.total == 6
    assert counts(results, "kind") == {"case": 3, "method": 2, "policy": 1}
    assert counts(results, "country") == {"Spain": 2, "Italy": 2, "United Kingdom": 2}
    assert counts(results, "issue") == {"governance": 6, "environment": 3}
    assert counts(results, "decade") == {"2000": 1, "2010": 3, "2020": 1}
    assert [value.value for value in results.facets["kind"]] == ["case", "method", "policy"]


def test_narrowing_by_two_facets(spread):
    picks = {"country": ["Spain", "Italy"], "mode": ["online"]}
    results = engine.search("commons", sight=EVERYONE, chosen=picks)
    assert sorted(hit.entry.title for hit in results.hits) == ["Commons 0", "Commons 3"]
    assert results.total == 2
    # Each facet counts with the other facets' picks only: the countries of online entries,
    # the modes of Spanish and Italian entries.
    assert counts(results, "country") == {"Spain": 1, "Italy": 1}
    assert sorted(chosen(results, "country")) == ["Italy", "Spain"]
    assert counts(results, "mode") == {"online": 2, "facetoface": 2}
    assert counts(results, "kind") == {"case": 1, "method": 1}


def test_picking_one_value_still_shows_the_others(spread):
    results = engine.search("", sight=EVERYONE, chosen={"country": ["Spain"]})
    assert counts(results, "country") == {"Spain": 2, "Italy": 2, "United Kingdom": 2}
    assert chosen(results, "country") == ["Spain"]
    assert results.total == 2


def test_empty_text_browses_by_title_and_unknown_picks_are_ignored(spread):
    results = engine.search("  ", sight=EVERYONE, chosen={"colour": ["red"], "kind": []})
    assert [hit.entry.title for hit in results.hits] == [f"Commons {n}" for n in range(6)]
    assert results.total == 6
    page = engine.search("", sight=EVERYONE, limit=2, offset=4)
    assert [hit.entry.title for hit in page.hits] == ["Commons 4", "Commons 5"]
    assert page.total == 6


def test_a_picked_value_without_matches_is_still_listed(spread):
    results = engine.search("commons", sight=EVERYONE, chosen={"country": ["Atlantis"]})
    assert results.hits == [] and results.total == 0
    assert [(v.value, v.count, v.chosen) for v in results.facets["country"]][-1] == (
        "Atlantis",
        0,
        True,
    )


def test_a_search_runs_a_bounded_number_of_queries(spread, django_assert_max_num_queries):
    picks = {"country": ["Spain"], "mode": ["online", "both"], "issue": ["governance"]}
    engine.search("", sight=EVERYONE)  # the library read into memory once
    # The library's generation, the public coalitions, the matching ids, those with the words
    # in their title, their scores, the entries on the page: never more with more picks. On
    # SQLite, a word is looked up among the bitmaps the worker keeps (their state's row).
    most = 7 if connection.vendor == "sqlite" else 6
    with django_assert_max_num_queries(most):
        engine.search("commons", sight=EVERYONE, chosen=picks)
    with django_assert_max_num_queries(most):
        engine.search("commons", sight=EVERYONE)
    with django_assert_max_num_queries(3):
        engine.search("", sight=EVERYONE, chosen=picks)


# -- who finds what -------------------------------------------------------------------------


def test_a_private_coalitions_entries_are_invisible_to_outsiders():
    private = CoalitionFactory(visibility=Visibility.PRIVATE)
    member = MembershipFactory(coalition=private).person
    outsider = PersonFactory()
    services.create_entry({"title": "Our secret commons plan"}, coalition=private)
    published(title="Public commons")
    for user in (AnonymousUser(), outsider):
        found = engine.search("commons", sight=sight(user))
        assert [hit.entry.title for hit in found.hits] == ["Public commons"]
        assert found.total == 1 and counts(found, "kind") == {"case": 1}
        assert engine.search("", sight=sight(user)).total == 1
    assert sorted(titles("commons", sight=sight(member))) == [
        "Our secret commons plan",
        "Public commons",
    ]


def test_pending_shared_entries_only_for_their_author_and_staff():
    author, stranger = PersonFactory(), PersonFactory()
    staff = PersonFactory(is_staff=True)
    services.create_entry({"title": "Proposed commons"}, author=author)
    assert titles("commons", sight=sight(author)) == ["Proposed commons"]
    assert titles("commons", sight=sight(staff)) == ["Proposed commons"]
    assert titles("commons", sight=sight(stranger)) == []
    assert titles("commons") == []


# -- keeping the index in step ---------------------------------------------------------------


def test_edits_and_deletions_reach_the_index():
    entry = published(title="Commons garden")
    services.update_entry(entry, {"title": "Community orchard"})
    assert titles("commons") == [] and titles("orchard") == ["Community orchard"]
    entry.delete()
    assert titles("orchard") == []
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM library_search")
        assert cursor.fetchone()[0] == 0


def test_the_index_holds_each_word_at_its_places():
    entry = published(title="World Café", description="a world", body="cafés " + "word " * 300)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Written a word per position; PostgreSQL gathers them and keeps the first 256.
            cursor.execute(
                "SELECT lexeme, cardinality(positions), positions[1:2], weights[1:2] "
                "FROM library_search, unnest(document) WHERE entry_id = %s ORDER BY lexeme",
                [entry.pk],
            )
            assert cursor.fetchall() == [
                ("a", 1, [4], ["B"]),
                ("cafe", 2, [2, 7], ["A", "C"]),
                ("word", 256, [8, 9], ["C", "C"]),
                ("world", 2, [1, 5], ["A", "B"]),
            ]
            cursor.execute(
                "SELECT title_document::text FROM library_search WHERE entry_id = %s", [entry.pk]
            )
            assert cursor.fetchone()[0] == "'cafe':2A 'world':1A"
        else:
            cursor.execute(
                "SELECT title, description, body FROM library_search WHERE rowid = %s",
                [entry.pk],
            )
            assert cursor.fetchone() == ("world cafe", "a world", "cafe" + " word" * 300)


def test_the_longest_text_is_indexed_to_its_last_word():
    """A text too long for PostgreSQL to take word by word (over 1 MB of words) is indexed,
    words past the last position too."""
    often, body = longest_body()
    published(title="The longest", body=" ".join(body))
    assert titles(often[0]) == titles(body[-1]) == ["The longest"]


def test_rebuild_and_remove():
    first = published(title="Commons one")
    published(title="Commons two")
    index.remove([first.pk])
    assert titles("commons") == ["Commons two"]
    assert index.rebuild() == 2
    assert sorted(titles("commons")) == ["Commons one", "Commons two"]


def test_bulk_update_writes_many_entries_in_few_queries(django_assert_max_num_queries):
    entries = Entry.objects.bulk_create(
        Entry(title=f"Bulk commons {n}", status="published") for n in range(1200)
    )
    entries = list(Entry.objects.filter(title__startswith="Bulk"))
    with django_assert_max_num_queries(12):
        index.update(entries)
    assert engine.search("bulk", sight=EVERYONE).hits[0].entry.title.startswith("Bulk")


# -- hostile input --------------------------------------------------------------------------

# What people (and attackers) type; test_search_text.py has the longer list for the renderers.
HOSTILE = [
    '"',
    '"unclosed phrase',
    "*",
    "-",
    "-*",
    "NEAR(the commons, 2)",
    "a AND OR NOT b",
    "title:cafe",
    "{title description}: cafe",
    "'); DROP TABLE library_search; --",
    "1' OR '1'='1",
    "a:* & !b | <-> c",
    "\\'",
    "x" * 10_000,
    "commons " * 3000,
    "👩\u200d💻 🏴 emoji",
    "\x00\x07\x1b[2J",
    "\u202eevil",
]


@pytest.mark.parametrize("query", HOSTILE)
def test_hostile_input_never_raises(query):
    published(title="NEAR the commons", description="A title: cafe; 'quoted' \"words\" * -")
    results = engine.search(query, sight=EVERYONE, chosen={"kind": ["case", "<b>"]})
    assert results.total == len(results.hits)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.text(max_size=80))
def test_any_text_is_a_valid_query_for_the_database(query):
    # The database itself parses what text.py renders (FTS5 MATCH, or CAST AS tsquery).
    engine.search(query, sight=EVERYONE, limit=1)
    rendered = text.to_tsquery(query)
    if connection.vendor == "postgresql" and rendered is not None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT CAST(%s AS tsquery), to_tsquery('simple', %s)", [rendered] * 2)


# -- similar entries ------------------------------------------------------------------------


def test_similar_entries_share_words_and_facets():
    entry = published(
        title="Participatory budgeting in Porto Alegre",
        country="Brazil",
        issues=["governance"],
        description="Residents decide how to spend part of the city budget.",
    )
    close = published(title="Participatory budgeting in Paris", country="France")
    closer = published(title="Budgeting with residents", country="Brazil", issues=["governance"])
    published(title="A citizens' jury on transport", country="Brazil")
    private = CoalitionFactory(visibility=Visibility.PRIVATE)
    services.create_entry({"title": "Participatory budgeting, privately"}, coalition=private)
    found = engine.similar(entry, sight=EVERYONE)
    assert found[:2] == [closer, close]
    assert entry not in found
    assert all(other.title != "Participatory budgeting, privately" for other in found)


def test_similar_entries_of_an_entry_without_telling_words():
    entry = published(title="The", country="Chile")
    published(title="Xyz", country="Chile")
    published(title="Abc", country="Peru")
    # Nothing to search for: the entries sharing most facet values (country and kind) first.
    assert [found.title for found in engine.similar(entry, sight=EVERYONE)] == ["Xyz", "Abc"]


def test_similar_entries_are_the_same_on_both_databases():
    # The case the library pages showed (reported by the pages' tests): a Spanish neighbour.
    barcelona = published(
        title="Participatory budgeting in Barcelona",
        description="Districts decided how to spend part of the city budget.",
        city="Barcelona",
        country="Spain",
        issues=["governance", "economics"],
        mode="both",
    )
    published(title="Participatory planning in Madrid", country="Spain", issues=["planning"])
    published(title="Participation charter of Ghent", country="Belgium", mode="both")
    published(title="World Café", kind="method")
    found = [entry.title for entry in engine.similar(barcelona, sight=EVERYONE)]
    assert found[0] == "Participatory planning in Madrid"
    assert "World Café" not in found


def _word_lookups(run) -> int:
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        run()
    asked = ("library_matching", "MATCH")
    return sum(any(word in query["sql"] for word in asked) for query in captured)


def test_similar_entries_remember_their_words_until_the_library_changes():
    entry = published(title="Tenants' assembly in Wythenshawe", country="United Kingdom")
    published(title="Housing assembly", country="Spain")

    def similar():
        return [found.title for found in engine.similar(entry, sight=EVERYONE)]

    assert _word_lookups(similar) > 0
    assert _word_lookups(similar) == 0  # the same words, the same library: asked once
    published(title="Wythenshawe tenants' forum", country="Chile")
    # A new entry is a new library: the words are looked up again, and it is found.
    assert _word_lookups(similar) > 0
    assert similar()[0] == "Wythenshawe tenants' forum"


def test_a_facet_lists_its_most_found_values_and_every_picked_one(monkeypatch):
    # Cities with 3, 2, 2 and 1 entries and room for two: Bolton's tie with Wigan goes to
    # the first in alphabetical order. A picked city beyond those is listed too, with its
    # own count.
    monkeypatch.setattr(engine, "FACET_VALUES_MAX", 2)
    for city, many in [("Oldham", 1), ("Wigan", 2), ("Bolton", 2), ("Bury", 3), ("Salford", 1)]:
        for _ in range(many):
            published(title=f"Commons in {city}", city=city)
    results = engine.search("commons", sight=EVERYONE)
    listed = [(value.value, value.count) for value in results.facets["city"]]
    assert listed == [("Bury", 3), ("Bolton", 2)]
    picked = engine.search("commons", sight=EVERYONE, chosen={"city": ["Salford"]})
    listed = [(value.value, value.count, value.chosen) for value in picked.facets["city"]]
    assert listed == [("Bury", 3, False), ("Bolton", 2, False), ("Salford", 1, True)]
    assert picked.total == 1


def test_a_page_of_hits_and_similar_entries_show_without_another_query(django_assert_num_queries):
    # Hits and similar entries load only what a list shows (engine.LISTED_FIELDS): reading
    # anything a results page, a link choice, the command line or the API shows of them must
    # not go back to the database, entry by entry.
    coalition = CoalitionFactory(visibility=Visibility.PUBLIC)
    for n in range(3):
        services.create_entry(
            {"kind": "case", "title": f"Orchard {n}", "body": "Apples and orchards"},
            coalition=coalition,
        )
    published(title="Orchard map", city="Ghent", country="Belgium", start_year=2019)
    hits = engine.search("orchard", sight=sight(AnonymousUser())).hits
    others = engine.similar(Entry.objects.get(title="Orchard map"), sight=EVERYONE)
    assert len(hits) == 4 and others
    with django_assert_num_queries(0):
        for entry in [hit.entry for hit in hits] + others:
            shown = [entry.get_absolute_url(), entry.get_kind_display(), entry.get_status_display()]
            shown += [entry.title, entry.description, entry.source_id, entry.is_sample]
            shown += [entry.city, entry.province, entry.country, entry.start_year, entry.end_year]
            shown += [entry.coalition and entry.coalition.name]
            assert entry.title in shown


def test_a_country_is_found_by_its_name_in_either_language():
    published(title="Repair cafes", country="United Kingdom")
    published(title="Superblocks", country="España")
    assert titles("Reino Unido") == titles('"united kingdom"') == ["Repair cafes"]
    assert titles("spain") == titles("espana") == ["Superblocks"]
    assert titles("italia") == []
