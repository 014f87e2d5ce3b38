"""The library's pages on the database the tests run on (SQLite, or PostgreSQL with
DATABASE_URL): search, entry, history, contributing, correcting and moderating, with broken
and hostile input. Entries are made through the services, as the pages make them."""

import re

import pytest
from django.test import Client
from django.urls import reverse
from factories import MembershipFactory, PersonFactory
from security.snapshots import snapshot

from coproduce.coalitions.models import Role, Visibility
from coproduce.library import services
from coproduce.library.models import BODY_MAX, Correction, Entry, Revision, Status

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert('x')</script>"


def published(**data):
    data.setdefault("kind", "case")
    author = data.pop("author", None)
    entry = services.create_entry(data, author=author)
    return services.moderate(entry, publish=True)


def words_of(response) -> str:
    """The page's text without its tags (a found title has its matched words marked)."""
    return re.sub(r"<[^>]+>", "", response.content.decode())


def client_for(person=None) -> Client:
    client = Client()
    if person is not None:
        client.force_login(person)
    return client


def form_data(**changes) -> dict:
    """What the entry form posts for a plain, valid case."""
    data = {
        "kind": "case",
        "title": "Neighbourhood budget in Ghent",
        "description": "Residents chose how to spend part of the budget.",
        "body": "## How\n\nTables in every **district**.",
        "language": "en",
        "city": "Ghent",
        "country": "Belgium",
        "start_year": "2017",
        "end_year": "2019",
        "links": "https://example.org/ghent The plan\nhttps://example.org/eval",
        "issues": ["governance", "planning"],
        "topics": "budget, public space",
        "iap2_level": "collaborate",
        "mode": "both",
        "four_cos": ["co_design", "co_delivery"],
        "ladder_step": "co_design",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


@pytest.fixture
def staff():
    return PersonFactory(is_staff=True, full_name="Stella Staff")


@pytest.fixture
def member():
    membership = MembershipFactory(role=Role.MEMBER, person__full_name="Mo Member")
    return membership.person, membership.coalition


# --- search -----------------------------------------------------------------------------------


def test_search_marks_matched_words_and_counts():
    published(title="The World Café in Wigan", country="United Kingdom", city="Wigan")
    published(title="Citizens' jury", description="A jury met in a café.", country="Spain")
    published(title="Participatory budgeting", country="Spain")
    response = client_for().get(reverse("library:search"), {"q": "world cafe"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "<mark>World</mark>" in html or "<mark>Café</mark>" in html
    assert "1 entry matches “world cafe”." in html
    assert "Participatory budgeting" not in html and "jury" not in html
    html = client_for().get(reverse("library:search"), {"q": "café"}).content.decode()
    assert "2 entries match “café”." in html
    assert "Tip:" in html and "particip*" in html
    # Kept on one line: at phone width "(-" and "online)" were split over two.
    assert '(<span class="nobreak">-online</span>)' in html


def test_narrowing_by_two_facets_with_links_that_add_and_remove(django_assert_max_num_queries):
    published(title="Plan A", country="Spain", city="Barcelona", mode="online")
    published(title="Plan B", country="Spain", city="Madrid", mode="facetoface")
    published(title="Plan C", country="Belgium", city="Ghent", mode="online")
    client = client_for()
    first = client.get(reverse("library:search"), {"f": "country:Spain"})
    html = first.content.decode()
    assert "2 entries in the library." in html
    assert "Plan C" not in html
    # The other country still shows its count, and its link adds it.
    assert re.search(r'href="\?f=country%3ASpain&amp;f=country%3ABelgium"', html)
    with django_assert_max_num_queries(20):
        second = client.get(reverse("library:search"), {"f": ["country:Spain", "mode:online"]})
    html = second.content.decode()
    assert "1 entry in the library." in html and "Plan A" in html and "Plan B" not in html
    assert "Online" in html and "Face to face" in html  # readable labels, not keys
    assert "Narrowed by:" in html and "Clear all choices" in html
    # The link on a chosen value removes it.
    assert 'href="?f=country%3ASpain"' in html


def test_a_spanish_page_names_countries_in_spanish():
    # Entries store the country as they were given it; the pages name it in the reader's
    # language, and a facet's link still narrows by the stored value.
    for n in range(2):
        published(title=f"Plan {n}", country="United Kingdom", city="Oldham")
    entry = published(title="Plan de barrio", country="Spain", city="Barcelona")
    client = client_for()
    html = client.get(reverse("library:search"), HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Reino Unido" in html and "España" in html and "United Kingdom" not in html
    assert re.search(
        r'href="\?f=country%3AUnited%20Kingdom"|href="\?f=country%3AUnited\+Kingdom"', html
    )
    narrowed = client.get(
        reverse("library:search"), {"f": "country:United Kingdom"}, HTTP_ACCEPT_LANGUAGE="es"
    )
    assert (
        "Plan 0" in narrowed.content.decode() and "Plan de barrio" not in narrowed.content.decode()
    )
    page = client.get(entry.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Barcelona, España" in page
    page = client.get(entry.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Barcelona, Spain" in page


def test_search_input_of_any_kind_is_answered():
    published(title="Something")
    client = client_for()
    for text in ['"unbalanced', "NEAR(", "x" * 10_000, "'; DROP TABLE x; --", "🙂", "*", "-"]:
        response = client.get(reverse("library:search"), {"q": text})
        assert response.status_code == 200
    hostile = [{"f": "nonsense"}, {"f": "kind:"}, {"page": "99999999999"}, {"page": "x"}]
    hostile += [{"f": "country:" + "x" * 5000}]
    for params in hostile:
        assert client.get(reverse("library:search"), params).status_code == 200
    for params in ({"q": "a\x00b"}, {"f": "kind:\x00"}):  # the site refuses NUL bytes
        assert client.get(reverse("library:search"), params).status_code == 400


def test_paging():
    for number in range(23):
        published(title=f"Entry {number:02d}")
    client = client_for()
    html = client.get(reverse("library:search")).content.decode()
    assert "Page 1 of 2" in html and "Entry 19" in html and "Entry 20" not in html
    html = client.get(reverse("library:search"), {"page": "2"}).content.decode()
    assert "Entry 22" in html and "Entry 00" not in html


def test_a_private_coalitions_entry_is_invisible_to_outsiders(member):
    person, coalition = member
    coalition.visibility = Visibility.PRIVATE
    coalition.save()
    entry = services.create_entry(
        {"kind": "case", "title": "Secret harbour plan"}, coalition=coalition, author=person
    )
    outsider = client_for(PersonFactory())
    assert outsider.get(entry.get_absolute_url()).status_code == 404
    assert client_for().get(entry.get_absolute_url()).status_code == 404
    for client in (outsider, client_for()):
        found = words_of(client.get(reverse("library:search"), {"q": "harbour"}))
        assert "Secret harbour plan" not in found and "0 entries match" in found
    assert client_for(person).get(entry.get_absolute_url()).status_code == 200
    found = words_of(client_for(person).get(reverse("library:search"), {"q": "harbour"}))
    assert "Secret harbour plan" in found


# --- the entry page ---------------------------------------------------------------------------


def test_entry_page_shows_fields_with_labels_sources_and_provenance(staff):
    entry = published(
        title="Ghent commons",
        body="## What\n\nA *plan*.\n\n<script>alert(1)</script>",
        city="Ghent",
        country="Belgium",
        start_year=2017,
        end_year=2019,
        issues=["governance", "someunknownkey"],
        iap2_level="consult",
        mode="facetoface",
        four_cos=["co_design"],
        links=[
            {"url": "https://example.org/plan", "label": "The plan"},
            {"url": "javascript:alert(1)", "label": "Bad link"},
        ],
        licence="CC BY-SA 4.0",
        author=staff,
    )
    Entry.objects.filter(pk=entry.pk).update(
        source="participedia", source_id="77", source_url="https://participedia.net/case/77"
    )
    published(title="Ghent commons transition", description="Another Ghent plan")
    html = client_for().get(entry.get_absolute_url()).content.decode()
    assert "<h3>What</h3>" in html and "<em>plan</em>" in html and "alert(1)" not in html
    assert "Governance and political institutions" in html and "someunknownkey" in html
    assert "Consult" in html and "Face to face" in html and "Co-design" in html
    assert "Ghent, Belgium" in html and "2017–2019" in html
    assert 'href="https://example.org/plan"' in html
    assert "javascript:" not in html  # shown as nothing rather than as a link
    assert "by Stella Staff" in html and "CC BY-SA 4.0" in html
    assert 'href="https://participedia.net/case/77"' in html
    assert "Linked to our work" in html
    # Anonymous visitors get no buttons beyond the history.
    assert reverse("library:edit", args=[entry.pk]) not in html
    assert f'href="{reverse("library:correct", args=[entry.pk])}"' not in html
    assert "Log in to propose a correction" in html


def test_entry_page_offers_what_the_visitor_may_do(staff, member):
    person, coalition = member
    shared = published(title="Shared entry")
    own = services.create_entry({"kind": "method", "title": "Our method"}, coalition=coalition)
    html = client_for(person).get(shared.get_absolute_url()).content.decode()
    assert reverse("library:correct", args=[shared.pk]) in html
    assert reverse("library:edit", args=[shared.pk]) not in html
    html = client_for(person).get(own.get_absolute_url()).content.decode()
    assert reverse("library:edit", args=[own.pk]) in html
    assert reverse("library:moderate", args=[own.pk]) not in html  # members do not moderate
    html = client_for(staff).get(shared.get_absolute_url()).content.decode()
    assert reverse("library:edit", args=[shared.pk]) in html
    assert reverse("library:moderate", args=[shared.pk]) in html


# --- contributing -----------------------------------------------------------------------------


def test_a_proposed_entry_waits_for_a_moderator_then_is_found(staff):
    author = PersonFactory()
    response = client_for(author).post(reverse("library:create"), form_data())
    entry = Entry.objects.get()
    assert response.status_code == 302 and response["Location"] == entry.get_absolute_url()
    assert entry.status == Status.PENDING and entry.added_by == author
    assert entry.links == [
        {"url": "https://example.org/ghent", "label": "The plan"},
        {"url": "https://example.org/eval", "label": ""},
    ]
    assert entry.topics == ["budget", "public space"] and entry.start_year == 2017
    html = client_for(author).get(entry.get_absolute_url()).content.decode()
    assert "waits for a moderator" in html
    assert client_for().get(entry.get_absolute_url()).status_code == 404
    found = words_of(client_for().get(reverse("library:search"), {"q": "Ghent"}))
    assert "Neighbourhood budget in Ghent" not in found and "0 entries match" in found

    html = client_for(staff).get(reverse("library:moderation")).content.decode()
    assert "Neighbourhood budget in Ghent" in html
    response = client_for(staff).post(
        reverse("library:moderate", args=[entry.pk]), {"decision": "publish", "back": "moderation"}
    )
    assert response["Location"] == reverse("library:moderation")
    entry.refresh_from_db()
    assert entry.status == Status.PUBLISHED
    found = words_of(client_for().get(reverse("library:search"), {"q": "Ghent"}))
    assert "Neighbourhood budget in Ghent" in found


def test_declining_hides_the_entry(staff):
    author = PersonFactory()
    entry = services.create_entry({"kind": "case", "title": "Dubious"}, author=author)
    client_for(staff).post(reverse("library:moderate", args=[entry.pk]), {"decision": "decline"})
    entry.refresh_from_db()
    assert entry.status == Status.DECLINED
    html = client_for(author).get(reverse("library:moderation")).content.decode()
    assert "Dubious" in html and "Declined" in html


def test_a_coalitions_own_entry_is_published_at_once(member):
    person, coalition = member
    url = reverse("library:create_for", args=[coalition.slug])
    assert client_for(person).get(url).status_code == 200
    response = client_for(person).post(url, form_data(title="What we learned"))
    entry = Entry.objects.get()
    assert response.status_code == 302
    assert entry.coalition == coalition and entry.status == Status.PUBLISHED
    assert client_for(PersonFactory()).get(url).status_code in (403, 404)


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"title": ""}, "title", "This field is required."),
        ({"title": "   "}, "title", "This field is required."),
        ({"start_year": "20000"}, "start_year", "four digits"),
        ({"start_year": "1999", "end_year": "1990"}, "end_year", "before the start year"),
        ({"body": "x" * (BODY_MAX + 1)}, "body", "at most 250,000 fit"),
        ({"links": "not-a-url Some page"}, "links", "Line 1 does not start with a web address"),
        ({"links": "javascript:alert(1) x"}, "links", "does not start with a web address"),
        ({"issues": ["governance", "planning", "health", "housing"]}, "issues", "at most 3"),
        ({"participants": "-5"}, "participants", "greater than or equal to 0"),
        ({"kind": "poem"}, "kind", "Select a valid choice"),
    ],
)
def test_broken_input_is_refused_with_a_clear_message(changes, field, message):
    person = PersonFactory()
    response = client_for(person).post(reverse("library:create"), form_data(**changes))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors, errors
    assert message in " ".join(errors[field])
    assert Entry.objects.count() == 0
    # What the person typed is still in the form.
    if changes.get("body"):
        assert changes["body"] in response.content.decode()


def test_html_and_script_in_every_field_are_shown_as_text(staff):
    hostile = {
        name: f"{SCRIPT} {name}"
        for name in (
            "title",
            "description",
            "city",
            "province",
            "country",
            "licence",
            "decision_rights",
        )
    }
    person = PersonFactory(full_name=f"{SCRIPT} Person")
    data = form_data(
        **hostile, body=f"{SCRIPT}\n\n<img src=x onerror=alert(1)>", topics=f"{SCRIPT}, ok"
    )
    data["links"] = f"https://example.org/x {SCRIPT}"
    response = client_for(person).post(reverse("library:create"), data)
    assert response.status_code == 302
    entry = Entry.objects.get()
    services.moderate(entry, publish=True)
    services.update_entry(entry, {"title": "Changed", "city": SCRIPT}, author=person)
    pages = [
        entry.get_absolute_url(),
        reverse("library:history", args=[entry.pk]),
        reverse("library:search") + "?q=Changed",
        reverse("library:search") + "?q=" + SCRIPT,
    ]
    for client in (client_for(), client_for(staff), client_for(person)):
        for url in pages:
            html = client.get(url).content.decode()
            assert "<script>alert" not in html, url
            assert "onerror=alert" not in html or "&lt;img" in html, url
    html = client_for(staff).get(reverse("library:edit", args=[entry.pk])).content.decode()
    assert "<script>alert" not in html and "&lt;script&gt;" in html


# --- editing, revisions, conflicts ----------------------------------------------------------------


def test_edit_keeps_revisions_and_the_history_shows_a_readable_diff(member):
    person, coalition = member
    entry = services.create_entry(
        {"kind": "case", "title": "Harbour plan", "description": "The old harbour was empty."},
        coalition=coalition,
        author=person,
    )
    url = reverse("library:edit", args=[entry.pk])
    response = client_for(person).get(url)
    assert response.status_code == 200
    assert 'name="base" value="1"' in response.content.decode()
    data = form_data(
        title="Harbour plan",
        description="The old harbour was full of boats.",
        base="1",
        note="boats",
        issues=["planning"],
    )
    response = client_for(person).post(url, data)
    assert response.status_code == 302
    assert Revision.objects.filter(entry=entry).count() == 2
    history = reverse("library:history", args=[entry.pk])
    html = client_for(person).get(history).content.decode()
    assert "Version 2" in html and "boats" in html
    assert re.search(r"<del>.*empty.*</del>", html) and re.search(r"<ins>.*full.*</ins>", html)
    assert "Planning and development" in html  # list values by their labels
    # Any two versions, and nonsense in the numbers is ignored.
    assert client_for(person).get(history, {"from": "0", "to": "1"}).status_code == 200
    for params in ({"from": "x", "to": "-1"}, {"from": "9" * 30}, {"to": "5"}):
        assert client_for(person).get(history, params).status_code == 200


def test_a_conflict_keeps_the_persons_text_and_shows_the_other_change(member):
    person, coalition = member
    other = MembershipFactory(coalition=coalition, role=Role.MEMBER).person
    entry = services.create_entry(
        {"kind": "case", "title": "Harbour plan"}, coalition=coalition, author=person
    )
    # The other member saves first, from the same version.
    services.update_entry(
        entry, {"description": "Their sentence about ferries."}, author=other, base=1
    )
    mine = form_data(title="Harbour plan", description="My careful paragraph.", base="1")
    response = client_for(person).post(reverse("library:edit", args=[entry.pk]), mine)
    html = response.content.decode()
    assert response.status_code == 409
    assert "Someone else saved this entry" in html
    assert "My careful paragraph." in html  # nothing lost
    assert "ferries" in html  # what the other person changed
    assert 'name="base" value="2"' in html  # saving again builds on the latest
    entry.refresh_from_db()
    assert entry.description == "Their sentence about ferries."
    mine["base"] = "2"
    response = client_for(person).post(reverse("library:edit", args=[entry.pk]), mine)
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.description == "My careful paragraph."


# --- corrections ------------------------------------------------------------------------------


def _correction(entry, person, **changes):
    data = form_data(
        kind=entry.kind,
        title=entry.title,
        description=entry.description,
        body=entry.body,
        city=entry.city,
        country=entry.country,
        start_year="",
        end_year="",
        links="",
        issues=[],
        topics="",
        iap2_level="",
        mode="",
        four_cos=[],
        ladder_step="",
        reason="The city is wrong; see the council's page.",
        base=str(services.latest_number(entry)),
    )
    data.update(changes)
    return client_for(person).post(reverse("library:correct", args=[entry.pk]), data)


def test_correction_accepted(staff):
    entry = published(title="Bologna regulation", city="Bolonia", country="Italy")
    reader = PersonFactory(full_name="Rita Reader")
    assert _correction(entry, reader).context["form"].non_field_errors()  # nothing changed
    response = _correction(entry, reader, city="Bologna")
    assert response.status_code == 302
    correction = Correction.objects.get()
    assert correction.data == {"city": "Bologna"}
    url = reverse("library:correction", args=[entry.pk, correction.pk])
    html = client_for(staff).get(url).content.decode()
    assert "Rita Reader" in html and "Bolonia" in html and "Bologna" in html
    assert client_for(reader).get(url).status_code == 403  # readers do not decide
    response = client_for(staff).post(url, {"decision": "accept", "reply": "Thanks!"})
    assert response.status_code == 302
    entry.refresh_from_db()
    correction.refresh_from_db()
    assert entry.city == "Bologna" and correction.state == Correction.State.ACCEPTED
    assert entry.revisions.order_by("-number").first().author == reader
    html = client_for(reader).get(reverse("library:moderation")).content.decode()
    assert "Accepted" in html and "Thanks!" in html
    # Deciding twice changes nothing.
    client_for(staff).post(url, {"decision": "decline", "reply": "No"})
    correction.refresh_from_db()
    assert correction.state == Correction.State.ACCEPTED


def test_correction_declined_and_outdated(staff):
    entry = published(title="Wigan Deal", city="Wigan")
    reader = PersonFactory()
    _correction(entry, reader, title="The Wigan Deal")
    correction = Correction.objects.get()
    services.update_entry(entry, {"description": "Changed meanwhile"}, author=staff)
    url = reverse("library:correction", args=[entry.pk, correction.pk])
    html = client_for(staff).get(url).content.decode()
    assert "changed after this correction was written" in html
    response = client_for(staff).post(url, {"decision": "accept", "reply": ""})
    assert response.status_code == 302
    correction.refresh_from_db()
    assert correction.state == Correction.State.OPEN  # refused, told why
    client_for(staff).post(url, {"decision": "decline", "reply": "Already fixed."})
    correction.refresh_from_db()
    entry.refresh_from_db()
    assert correction.state == Correction.State.DECLINED and entry.title == "Wigan Deal"


def test_a_correction_of_an_older_text_never_undoes_the_edit_made_since(staff):
    entry = published(title="Ghent plan", description="Old description", city="Gent")
    reader = PersonFactory()
    read = services.latest_number(entry)  # the reader opens the form here
    services.update_entry(entry, {"description": "New description"}, author=staff)
    # The form still holds the old description; the reader changes only the city.
    _correction(entry, reader, city="Ghent", description="Old description", base=str(read))
    correction = Correction.objects.get()
    assert correction.data == {"city": "Ghent"} and correction.base_number == read
    url = reverse("library:correction", args=[entry.pk, correction.pk])
    client_for(staff).post(url, {"decision": "accept", "reply": ""})
    entry.refresh_from_db()
    correction.refresh_from_db()
    assert entry.description == "New description" and correction.state == Correction.State.OPEN


def test_line_endings_a_browser_sends_are_no_change(staff):
    entry = published(title="Lambeth", body="First paragraph.\n\nSecond.", city="Lambeth")
    body = entry.body.replace("\n", "\r\n")
    response = _correction(entry, PersonFactory(), body=body)
    assert response.context["form"].non_field_errors()  # nothing changed
    _correction(entry, PersonFactory(), body=body, city="London")
    assert Correction.objects.get().data == {"city": "London"}


def test_a_pending_entry_cannot_be_corrected():
    entry = services.create_entry({"kind": "case", "title": "Pending"}, author=PersonFactory())
    response = client_for(PersonFactory()).get(reverse("library:correct", args=[entry.pk]))
    assert response.status_code == 404


# --- GET changes nothing ----------------------------------------------------------------------


def test_no_get_changes_anything(staff, member):
    person, coalition = member
    entry = published(title="Shared", author=person)
    own = services.create_entry({"kind": "case", "title": "Own"}, coalition=coalition)
    services.propose_correction(entry, {"title": "Shared!"}, "typo", author=person)
    correction = Correction.objects.get()
    urls = [
        reverse("library:search") + "?q=shared&f=kind:case",
        entry.get_absolute_url(),
        reverse("library:history", args=[entry.pk]),
        reverse("library:edit", args=[entry.pk]),
        reverse("library:edit", args=[own.pk]),
        reverse("library:correct", args=[own.pk]),
        reverse("library:correction", args=[entry.pk, correction.pk]),
        reverse("library:moderation"),
        reverse("library:create"),
        reverse("library:create_for", args=[coalition.slug]),
    ]
    before = snapshot()
    for client in (client_for(staff), client_for(person)):
        for url in urls:
            assert client.get(url).status_code in (200, 403), url
    assert client_for(staff).get(reverse("library:moderate", args=[entry.pk])).status_code == 405
    assert snapshot() == before


def test_every_page_renders_in_spanish(staff):
    entry = published(title="Presupuesto participativo", language="es", author=staff)
    client = client_for(staff)
    client.cookies["django_language"] = "es"
    html = client.get(reverse("library:search"), HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert 'lang="es"' in html
    for url in (entry.get_absolute_url(), reverse("library:history", args=[entry.pk])):
        assert client.get(url, HTTP_ACCEPT_LANGUAGE="es").status_code == 200


def test_pages_run_a_bounded_number_of_queries(staff, django_assert_max_num_queries):
    entries = [
        published(title=f"Commons plan {n}", country=f"Country {n % 7}", issues=["governance"])
        for n in range(40)
    ]
    entry = entries[0]
    for n in range(30):
        services.update_entry(entry, {"description": f"Version {n}"}, author=staff)
        services.propose_correction(entry, {"city": f"City {n}"}, "why", author=staff)
    client = client_for(staff)
    with django_assert_max_num_queries(25):
        assert client.get(entry.get_absolute_url()).status_code == 200
    with django_assert_max_num_queries(20):
        assert client.get(reverse("library:history", args=[entry.pk])).status_code == 200
    with django_assert_max_num_queries(20):
        assert client.get(reverse("library:search"), {"q": "commons"}).status_code == 200
    with django_assert_max_num_queries(20):
        assert client.get(reverse("library:moderation")).status_code == 200


def test_editing_an_imported_entry_keeps_values_the_form_does_not_list(staff):
    entry = published(title="Imported", issues=["planning", "brand_new_issue", "governance"])
    Entry.objects.filter(pk=entry.pk).update(mode="both")
    response = client_for(staff).get(reverse("library:edit", args=[entry.pk]))
    html = response.content.decode()
    assert 'value="brand_new_issue"' in html
    from security.forms import form_data as posted

    data = posted(response.context["form"])
    data["title"] = "Imported, edited"
    assert client_for(staff).post(reverse("library:edit", args=[entry.pk]), data).status_code == 302
    entry.refresh_from_db()
    assert entry.title == "Imported, edited"
    # Kept, in Participedia's ranking (not the order of the checkboxes on the page).
    assert entry.issues == ["planning", "brand_new_issue", "governance"] and entry.mode == "both"


def test_proposals_from_one_account_are_limited(settings, monkeypatch):
    import types

    from django_ratelimit import core as ratelimit_core

    # One moment for every request: all of them fall in one window of the limit.
    monkeypatch.setattr(ratelimit_core, "time", types.SimpleNamespace(time=lambda: 1.9e9))
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "library_proposal": "2/h"}
    entry = published(title="Oldham", city="Oldham")
    reader = PersonFactory()
    statuses = [_correction(entry, reader, city=f"Oldham {n}").status_code for n in range(3)]
    assert statuses == [302, 302, 429]
    assert Correction.objects.count() == 2
    # Another person is not held back by the first one's count.
    assert _correction(entry, PersonFactory(), city="Oldham, GM").status_code == 302
