"""Entries brought into the work: links to workshops, café questions and coalitions, the
panels that show them on both sides, and who may see and make them."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from factories import CoalitionFactory, MembershipFactory, PersonFactory, WorkshopFactory

from coproduce.coalitions.models import Role, Visibility
from coproduce.library import services
from coproduce.library.links import entries_for_coalition, entries_for_workshop, links_of
from coproduce.library.models import Link
from coproduce.workshops.models import AgendaItem, AgendaQuestion

pytestmark = pytest.mark.django_db


def shared_entry(title="Bologna's commons regulation", **fields):
    """A published entry of the shared library."""
    data = {"kind": "policy", "title": title, "city": "Bologna", "country": "Italy"}
    entry = services.create_entry({**data, **fields})
    return services.moderate(entry, True)


def cafe_workshop(coalition=None, **fields):
    workshop = WorkshopFactory(coalition=coalition or CoalitionFactory(), **fields)
    item = AgendaItem.objects.create(
        workshop=workshop, order=0, title="World Café", kind=AgendaItem.Kind.WORLD_CAFE, minutes=60
    )
    AgendaQuestion.objects.create(agenda_item=item, order=0, label="POLICY", text="Who else?")
    AgendaQuestion.objects.create(agenda_item=item, order=1, label="TOOLS", text="How?")
    return workshop


def question(workshop, label):
    return AgendaQuestion.objects.get(agenda_item__workshop=workshop, label=label)


def member(coalition, role=Role.MEMBER, person=None):
    return MembershipFactory(
        coalition=coalition, role=role, person=person or PersonFactory()
    ).person


def link_url(workshop):
    return reverse("library:link_workshop", args=[workshop.slug])


# --- linking ----------------------------------------------------------------------------------


def test_linking_the_same_place_twice_changes_nothing():
    workshop = cafe_workshop()
    entry = shared_entry()
    policy = question(workshop, "POLICY")
    first = services.link_entry(
        entry, coalition=workshop.coalition, workshop=workshop, question=policy
    )
    again = services.link_entry(
        entry, coalition=workshop.coalition, workshop=workshop, question=policy, note="x"
    )
    assert first.pk == again.pk
    assert Link.objects.count() == 1


def test_a_member_links_an_entry_to_a_cafe_question_and_both_sides_show_it(client):
    workshop = cafe_workshop()
    person = member(workshop.coalition)
    entry = shared_entry()
    client.force_login(person)
    form = {"entry": entry.pk, "question": question(workshop, "POLICY").pk, "note": "Pacts!"}
    response = client.post(link_url(workshop), form)
    assert response.status_code == 302
    assert response["Location"].startswith(workshop.get_absolute_url())
    link = Link.objects.get()
    assert (link.entry, link.workshop, link.coalition) == (entry, workshop, workshop.coalition)
    assert link.question.label == "POLICY" and link.note == "Pacts!" and link.added_by == person
    client.post(link_url(workshop), form)  # twice: still one link
    assert Link.objects.count() == 1

    page = client.get(workshop.get_absolute_url()).content.decode()
    panel = page[page.index('id="library-panel"') :]
    assert "From the library" in panel
    assert "POLICY: Who else?" in panel and "Bologna&#x27;s commons regulation" in panel
    assert "Pacts!" in panel and "Policy · Bologna, Italy" in panel
    assert [view.label for view in links_of(entry, AnonymousUser())] == [
        f"{workshop.title} – café question: POLICY: Who else?"
    ]


def test_the_link_page_finds_entries_by_search_and_preselects_a_single_match(client):
    workshop = cafe_workshop()
    client.force_login(member(workshop.coalition))
    shared_entry("Participatory budgeting in Porto Alegre", city="Porto Alegre")
    wanted = shared_entry("Citizens' jury on transport", city="Leeds")
    page = client.get(link_url(workshop), {"q": "jury"}).content.decode()
    assert f'<option value="{wanted.pk}" selected>' in page
    assert "Porto Alegre" not in page
    page = client.get(link_url(workshop), {"q": "nothing-like-this"}).content.decode()
    assert "No entry you may see matches" in page


def test_only_contributors_may_link():
    workshop = cafe_workshop()
    entry = shared_entry()
    form = {"entry": entry.pk}
    from django.test import Client

    anonymous = Client().post(link_url(workshop), form)
    assert anonymous.status_code == 302 and "login" in anonymous["Location"]
    outsider = Client()
    outsider.force_login(PersonFactory())
    assert outsider.post(link_url(workshop), form).status_code == 403
    observer = Client()
    observer.force_login(member(workshop.coalition, Role.OBSERVER))
    assert observer.post(link_url(workshop), form).status_code == 403
    private = cafe_workshop(CoalitionFactory(visibility=Visibility.PRIVATE))
    assert outsider.post(link_url(private), form).status_code == 404
    assert Link.objects.count() == 0


# --- broken input ----------------------------------------------------------------------------


@pytest.fixture
def linker(client):
    workshop = cafe_workshop()
    client.force_login(member(workshop.coalition))
    return client, workshop


def test_an_entry_the_person_cannot_see_is_refused_as_if_it_did_not_exist(linker):
    client, workshop = linker
    secret = services.create_entry(
        {"title": "Secret plan"}, coalition=CoalitionFactory(visibility=Visibility.PRIVATE)
    )
    pending = services.create_entry({"title": "Waiting for a moderator"}, author=PersonFactory())
    for entry in (secret, pending):
        response = client.post(link_url(workshop), {"entry": entry.pk})
        assert response.status_code == 400
        page = response.content.decode()
        assert "Choose an entry from the list." in page
        assert entry.title not in page
    assert Link.objects.count() == 0


def test_a_question_of_another_workshop_is_refused(linker):
    client, workshop = linker
    other = cafe_workshop(workshop.coalition)
    form = {"entry": shared_entry().pk, "question": question(other, "POLICY").pk}
    response = client.post(link_url(workshop), form)
    assert response.status_code == 400
    assert "Choose one of this workshop&#x27;s questions." in response.content.decode()
    assert Link.objects.count() == 0


@pytest.mark.parametrize(
    "form",
    [
        {},
        {"entry": ""},
        {"entry": "abc"},
        {"entry": "99999999999999999999999"},
        {"entry": "-1"},
        {"entry": "1", "question": "abc"},
        {"entry": "1", "note": "x" * 301},
    ],
)
def test_broken_forms_are_answered_with_the_form_and_change_nothing(linker, form):
    client, workshop = linker
    entry = shared_entry()
    form = {key: (str(entry.pk) if value == "1" else value) for key, value in form.items()}
    response = client.post(link_url(workshop), form)
    assert response.status_code == 400
    assert Link.objects.count() == 0


def test_a_huge_or_odd_entry_in_the_address_is_ignored(linker):
    client, workshop = linker
    for value in ("99999999999999999999999999", "abc", "-3", "1e5"):
        assert client.get(link_url(workshop), {"entry": value}).status_code == 200


# --- who sees what -----------------------------------------------------------------------------


def test_a_private_coalitions_entry_linked_to_a_public_workshop_stays_hidden_from_outsiders(
    client,
):
    public = cafe_workshop()
    private = CoalitionFactory(visibility=Visibility.PRIVATE)
    both = member(public.coalition)
    member(private, person=both)
    secret = services.create_entry(
        {"title": "Our unpublished pilot", "kind": "case"}, coalition=private
    )
    services.link_entry(secret, coalition=public.coalition, workshop=public, by=both)
    services.link_entry(secret, coalition=public.coalition, by=both)

    assert "Our unpublished pilot" not in client.get(public.get_absolute_url()).content.decode()
    coalition_page = client.get(public.coalition.get_absolute_url()).content.decode()
    assert "Our unpublished pilot" not in coalition_page
    assert entries_for_workshop(public, AnonymousUser()) == []
    assert entries_for_coalition(public.coalition, AnonymousUser()).linked == []
    outsider = member(public.coalition)  # a member of the public coalition only
    assert entries_for_workshop(public, outsider) == []

    client.force_login(both)
    assert "Our unpublished pilot" in client.get(public.get_absolute_url()).content.decode()
    assert [e.title for e in entries_for_coalition(public.coalition, both).linked] == [
        "Our unpublished pilot"
    ]


def test_links_to_a_private_workshop_are_not_listed_on_a_public_entry_for_outsiders(client):
    private = cafe_workshop(
        CoalitionFactory(visibility=Visibility.PRIVATE, name="Hidden Coalition"),
        title="Closed-door session",
    )
    insider = member(private.coalition)
    entry = shared_entry()
    services.link_entry(entry, coalition=private.coalition, workshop=private)
    services.link_entry(entry, coalition=private.coalition)

    assert links_of(entry, AnonymousUser()) == []
    assert links_of(entry, PersonFactory()) == []
    assert {view.kind for view in links_of(entry, insider)} == {"workshop", "coalition"}
    page = client.get(entry.get_absolute_url())
    assert page.status_code == 200
    assert "Closed-door session" not in page.content.decode()
    assert "Hidden Coalition" not in page.content.decode()


def test_a_workshop_panel_is_left_out_for_visitors_when_nothing_is_linked(client):
    workshop = cafe_workshop()
    assert 'id="library-panel"' not in client.get(workshop.get_absolute_url()).content.decode()
    client.force_login(member(workshop.coalition))
    page = client.get(workshop.get_absolute_url()).content.decode()
    assert 'id="library-panel"' in page and "Link an entry from the library" in page


# --- removing, and the coalition ---------------------------------------------------------------


def test_a_contributor_removes_a_link_and_outsiders_cannot(client):
    workshop = cafe_workshop()
    entry = shared_entry()
    link = services.link_entry(entry, coalition=workshop.coalition, workshop=workshop)
    url = reverse("library:unlink", args=[link.pk])
    client.force_login(PersonFactory())
    assert client.post(url).status_code == 403
    client.force_login(member(workshop.coalition))
    assert client.get(url).status_code == 405
    assert Link.objects.count() == 1
    response = client.post(url)
    assert response.status_code == 302
    assert Link.objects.count() == 0
    assert entry.__class__.objects.filter(pk=entry.pk).exists()  # the entry stays


def test_a_link_of_a_private_coalition_is_not_found_by_outsiders(client):
    workshop = cafe_workshop(CoalitionFactory(visibility=Visibility.PRIVATE))
    link = services.link_entry(shared_entry(), coalition=workshop.coalition, workshop=workshop)
    client.force_login(PersonFactory())
    assert client.post(reverse("library:unlink", args=[link.pk])).status_code == 404
    assert Link.objects.count() == 1


def test_the_coalition_panel_shows_its_own_entries_and_those_linked_to_its_work(client):
    coalition = CoalitionFactory()
    person = member(coalition)
    own = services.create_entry({"title": "What we learned", "kind": "case"}, coalition=coalition)
    borrowed = shared_entry("The Wigan Deal", city="Wigan")
    client.force_login(person)
    url = reverse("library:link_coalition", args=[coalition.slug])
    assert client.get(url).status_code == 200
    response = client.post(url, {"entry": borrowed.pk, "note": "Our neighbour"})
    assert response.status_code == 302
    link = Link.objects.get()
    assert (link.coalition, link.workshop, link.question) == (coalition, None, None)
    page = client.get(coalition.get_absolute_url()).content.decode()
    panel = page[page.index('id="library-panel"') :]
    assert "Written by this coalition" in panel and own.title in panel
    assert "Linked to its work" in panel and "The Wigan Deal" in panel
    assert reverse("library:create_for", args=[coalition.slug]) in panel
    assert [view.label for view in links_of(borrowed, AnonymousUser())] == [coalition.name]


def test_the_workshop_page_reads_a_bounded_number_of_queries_however_many_links(client):
    workshop = cafe_workshop()
    client.force_login(member(workshop.coalition))
    policy = question(workshop, "POLICY")

    def queries_with(n_links):
        for n in range(Link.objects.count(), n_links):
            entry = shared_entry(f"Entry {n}")
            services.link_entry(
                entry, coalition=workshop.coalition, workshop=workshop, question=policy
            )
        with CaptureQueriesContext(connection) as queries:
            assert client.get(workshop.get_absolute_url()).status_code == 200
        return len(queries)

    assert queries_with(2) == queries_with(12)


def test_removing_a_link_never_names_an_entry_the_person_cannot_see(client):
    # Ann, in both coalitions, links the private coalition's own entry to the public one's
    # workshop; Bob, only in the public one, removes the link and must not learn its title.
    hidden = CoalitionFactory(visibility=Visibility.PRIVATE)
    workshop = cafe_workshop(CoalitionFactory(visibility=Visibility.PUBLIC))
    entry = services.create_entry(
        {"kind": "case", "title": "Our unpublished pilot"}, coalition=hidden
    )
    link = services.link_entry(entry, coalition=workshop.coalition, workshop=workshop)
    client.force_login(member(workshop.coalition))
    response = client.post(reverse("library:unlink", args=[link.pk]), follow=True)
    assert Link.objects.count() == 0
    assert "Our unpublished pilot" not in response.content.decode()
    assert "no longer linked here" in response.content.decode()
