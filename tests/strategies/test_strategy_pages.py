"""The strategy's pages: who may see and do what, every form with broken input (the field is
named, nothing typed is lost), HTML and script shown as text, the amendment over words that
changed since, versions compared, the coalition page's panel, and GETs that change nothing.
Permissions across every visitor are also in tests/security/test_matrix.py."""

import pseudo
import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from factories import CoalitionFactory, MembershipFactory, PersonFactory
from security.snapshots import snapshot

from coproduce.coalitions.models import Role, Visibility
from coproduce.strategies import services
from coproduce.strategies.models import REASON_MAX, TEXT_MAX, Amendment, Comment, Strategy

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert('x')</script>"
ESCAPED = "&lt;script&gt;"


def client_for(person=None) -> Client:
    client = Client()
    if person is not None:
        client.force_login(person)
    return client


@pytest.fixture(params=[Visibility.PRIVATE, Visibility.PUBLIC], ids=["private", "public"])
def coalition(request):
    return CoalitionFactory(slug="gm", visibility=request.param)


def person_with(coalition, role):
    person = PersonFactory()
    MembershipFactory(coalition=coalition, person=person, role=role)
    return person


@pytest.fixture
def organiser(coalition):
    return person_with(coalition, Role.ORGANISER)


@pytest.fixture
def member(coalition):
    return person_with(coalition, Role.MEMBER)


@pytest.fixture
def observer(coalition):
    return person_with(coalition, Role.OBSERVER)


@pytest.fixture
def strategy(coalition, organiser):
    return services.start_strategy(
        coalition,
        title="SecretStrategyTitle",
        sections=[("Why", "Because decisions are better."), ("Who", "The council.")],
        by=organiser,
    )


def section_of(strategy, title):
    return strategy.sections.get(title=title)


def url(name, strategy, *more):
    return reverse(f"strategies:{name}", args=[strategy.coalition.slug, strategy.pk, *more])


def amend(strategy, by, title="Who", text="The partners, together.", why="Shared work."):
    section = section_of(strategy, title) if title in ("Why", "Who") else None
    return services.propose(strategy, section=section, title=title, text=text, why=why, by=by)


def body(response) -> str:
    return response.content.decode()


# --- who sees and does what -----------------------------------------------------------------


def test_outsiders_see_nothing_of_a_strategy_even_in_a_public_coalition(strategy, member):
    amendment = amend(strategy, member)
    who = section_of(strategy, "Who")
    for visitor in (None, PersonFactory()):
        client = client_for(visitor)
        for address in (
            url("detail", strategy),
            url("versions", strategy),
            url("compare", strategy),
            url("propose", strategy, who.pk),
            url("propose_new", strategy),
            url("edit_section", strategy, who.pk),
            url("amendment", strategy, amendment.pk),
        ):
            response = client.get(address)
            assert response.status_code == 404, address
            assert "SecretStrategyTitle" not in body(response)
        listing = client.get(reverse("strategies:list", args=[strategy.coalition.slug]))
        assert "SecretStrategyTitle" not in body(listing)
        coalition_page = client.get(strategy.coalition.get_absolute_url())
        assert "SecretStrategyTitle" not in body(coalition_page)
        response = client.post(url("comment", strategy, amendment.pk), {"text": "Let me in"})
        assert response.status_code == 404
    assert not Comment.objects.exists()


def test_an_observer_reads_but_may_not_propose_comment_or_decide(strategy, observer, member):
    amendment = amend(strategy, member)
    client = client_for(observer)
    page = client.get(url("detail", strategy))
    assert page.status_code == 200 and "SecretStrategyTitle" in body(page)
    assert "Propose a change" not in body(page)
    assert client.get(url("amendment", strategy, amendment.pk)).status_code == 200
    assert client.get(url("propose_new", strategy)).status_code == 403
    who = section_of(strategy, "Who")
    assert client.get(url("propose", strategy, who.pk)).status_code == 403
    response = client.post(url("comment", strategy, amendment.pk), {"text": "Hello"})
    assert response.status_code == 403 and not Comment.objects.exists()
    response = client.post(
        url("amendment", strategy, amendment.pk), {"decision": "decline", "reason": "No"}
    )
    assert response.status_code == 403
    amendment.refresh_from_db()
    assert amendment.status == Amendment.Status.OPEN


def test_a_member_proposes_and_comments_but_may_not_write_or_decide(strategy, member):
    client = client_for(member)
    who = section_of(strategy, "Who")
    page = client.get(url("detail", strategy))
    assert "Propose a change" in body(page)
    assert url("edit_section", strategy, who.pk) not in body(page)
    response = client.post(
        url("propose", strategy, who.pk),
        {"title": "Who", "text": "Residents lead.", "why": "Ownership.", "revision": "1"},
    )
    amendment = Amendment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("amendment", strategy, amendment.pk)
    assert (amendment.section, amendment.author, amendment.based_on_revision) == (who, member, 1)
    response = client.post(url("comment", strategy, amendment.pk), {"text": "Agreed."})
    assert response.status_code == 302 and Comment.objects.get().text == "Agreed."
    assert client.get(url("edit_section", strategy, who.pk)).status_code == 403
    assert client.get(reverse("strategies:create", args=["gm"])).status_code == 403
    response = client.post(url("amendment", strategy, amendment.pk), {"decision": "accept"})
    assert response.status_code == 403
    amendment.refresh_from_db()
    assert amendment.status == Amendment.Status.OPEN
    page = client.get(url("amendment", strategy, amendment.pk))
    assert "Your decision" not in body(page) and "Agreed." in body(page)


def test_the_coalition_page_shows_the_panel_to_members_only(strategy, member):
    page = body(client_for(member).get(strategy.coalition.get_absolute_url()))
    assert "SecretStrategyTitle" in page and "1 version" in page
    if strategy.coalition.visibility == Visibility.PUBLIC:
        response = client_for(None).get(strategy.coalition.get_absolute_url())
        assert response.status_code == 200 and "strategies-panel" not in body(response)


# --- starting a strategy --------------------------------------------------------------------


def start_data(title="Our strategy", *sections):
    data = {"title": title, "s-TOTAL_FORMS": "3", "s-INITIAL_FORMS": "0"}
    data.update({"s-MIN_NUM_FORMS": "0", "s-MAX_NUM_FORMS": "80"})
    for i, (section_title, text) in enumerate(sections):
        data[f"s-{i}-title"], data[f"s-{i}-text"] = section_title, text
    return data


def test_an_organiser_starts_a_strategy_with_its_first_sections(coalition, organiser):
    client = client_for(organiser)
    address = reverse("strategies:create", args=[coalition.slug])
    assert client.get(address).status_code == 200
    response = client.post(
        address, start_data("Our strategy", ("Why", "Because."), ("How", "*Together*."))
    )
    strategy = Strategy.objects.get()
    assert response.status_code == 302 and response["Location"] == url("detail", strategy)
    assert [s.title for s in strategy.sections.all()] == ["Why", "How"]
    assert strategy.versions.get().number == 1
    page = body(client.get(url("detail", strategy)))
    assert "<em>Together</em>" in page


@pytest.mark.parametrize(
    "data, field",
    [
        (start_data("", ("Why", "Kept words")), "title"),
        (start_data("\u200b\u200b", ("Why", "Kept words")), "title"),
        (start_data("x" * 201, ("Why", "Kept words")), "title"),
        (start_data("Our strategy", ("", "Kept words")), "s-0-title"),
        (start_data("Our strategy", ("Why", "Kept words" + "x" * TEXT_MAX)), "s-0-text"),
        (start_data("Kept words"), "sections"),
    ],
    ids=["no title", "invisible title", "long title", "section without title", "long", "none"],
)
def test_a_broken_start_names_the_field_and_keeps_the_rest(coalition, organiser, data, field):
    response = client_for(organiser).post(reverse("strategies:create", args=["gm"]), data)
    assert response.status_code == 200
    form, sections = response.context["form"], response.context["sections"]
    if field in form.fields:
        assert field in form.errors
    elif field == "sections":
        assert "at least one section" in str(sections.non_form_errors())
    else:
        number, name = field.split("-")[1:]
        assert name in sections.forms[int(number)].errors
    assert "Kept words" in body(response)
    assert not Strategy.objects.exists()


def test_a_start_with_a_tampered_form_or_too_many_sections_is_refused(coalition, organiser):
    client = client_for(organiser)
    address = reverse("strategies:create", args=["gm"])
    response = client.post(address, {"title": "Kept words", "s-0-title": "Why"})
    assert response.status_code == 200 and response.context["sections"].non_form_errors()
    data = start_data("Kept words", *[(f"Part {i}", "") for i in range(81)])
    data["s-TOTAL_FORMS"] = "81"
    response = client.post(address, data)
    assert response.status_code == 200 and response.context["sections"].non_form_errors()
    assert "Kept words" in body(response)
    assert not Strategy.objects.exists()


def test_a_script_in_a_title_is_kept_as_text_and_shown_escaped(coalition, organiser):
    client = client_for(organiser)
    data = start_data(SCRIPT, (SCRIPT, f"Words {SCRIPT} and <b onclick='x()'>bold</b>"))
    client.post(reverse("strategies:create", args=["gm"]), data)
    strategy = Strategy.objects.get()
    assert strategy.title == SCRIPT
    for address in (url("detail", strategy), reverse("strategies:list", args=["gm"])):
        page = body(client.get(address))
        assert SCRIPT not in page and "onclick" not in page and ESCAPED in page


# --- editing a section ----------------------------------------------------------------------


def test_editing_a_section_makes_a_version_and_an_unchanged_save_none(strategy, organiser):
    client = client_for(organiser)
    why = section_of(strategy, "Why")
    address = url("edit_section", strategy, why.pk)
    form = client.get(address).context["form"]
    assert form.initial == {"title": "Why", "text": why.text, "revision": 1}
    response = client.post(address, {"title": "Why", "text": why.text, "revision": "1"})
    assert response.status_code == 302 and strategy.versions.count() == 1
    new_words = {"title": "Why", "text": "People live with them.", "revision": "1"}
    response = client.post(address, new_words)
    assert response["Location"] == url("detail", strategy) + f"#section-{why.pk}"
    why.refresh_from_db()
    assert (why.text, why.revision, strategy.versions.count()) == ("People live with them.", 2, 2)


@pytest.mark.parametrize(
    "data, field",
    [
        ({"title": "", "text": "Kept words"}, "title"),
        ({"title": "\u202e", "text": "Kept words"}, "title"),
        ({"title": "Why", "text": "Kept words" + "x" * TEXT_MAX}, "text"),
    ],
    ids=["no title", "invisible title", "too long"],
)
def test_a_broken_edit_names_the_field_and_loses_nothing(strategy, organiser, data, field):
    why = section_of(strategy, "Why")
    response = client_for(organiser).post(
        url("edit_section", strategy, why.pk), {**data, "revision": "1"}
    )
    assert response.status_code == 200 and field in response.context["form"].errors
    assert "Kept words" in body(response)
    why.refresh_from_db()
    assert why.revision == 1 and strategy.versions.count() == 1


@pytest.mark.parametrize("revision", ["1", "", "not a number"])
def test_an_edit_over_someone_elses_save_shows_their_words_first(strategy, organiser, revision):
    why = section_of(strategy, "Why")
    services.save_section(why, title="Why", text="Their newer words.", by=organiser)  # rev 2
    client = client_for(organiser)
    address = url("edit_section", strategy, why.pk)
    mine = {"title": "Why", "text": "My own words.", "revision": revision}
    response = client.post(address, mine)
    page = body(response)
    assert response.status_code == 200 and response.context["meanwhile"]
    assert "Their newer words." in page and "My own words." in page
    why.refresh_from_db()
    assert why.text == "Their newer words."
    # The form now carries the revision they saw: saving again puts these words in.
    assert response.context["form"]["revision"].value() == "2"
    assert client.post(address, {**mine, "revision": "2"}).status_code == 302
    why.refresh_from_db()
    assert why.text == "My own words."


# --- proposing ------------------------------------------------------------------------------


def test_proposing_a_new_section(strategy, member):
    client = client_for(member)
    new_section = {"title": "How we learn", "text": "From others.", "why": "Gap"}
    response = client.post(url("propose_new", strategy), new_section)
    amendment = Amendment.objects.get()
    assert response.status_code == 302 and amendment.section is None
    page = body(client.get(url("detail", strategy)))
    assert "How we learn" in page and "Proposed new sections" in page


@pytest.mark.parametrize(
    "data, field",
    [
        ({"title": "Who", "text": "", "why": "Kept words"}, "text"),
        ({"title": "Who", "text": "Kept words", "why": ""}, "why"),
        ({"title": "Who", "text": "Kept words", "why": "  "}, "why"),
        ({"title": "", "text": "Kept words", "why": "Because"}, "title"),
        ({"title": "\u200b", "text": "Kept words", "why": "Because"}, "title"),
        ({"title": "Who", "text": "Kept words", "why": "x" * (REASON_MAX + 1)}, "why"),
        ({"title": "Who", "text": "Kept words" + "x" * TEXT_MAX, "why": "Because"}, "text"),
    ],
    ids=["no text", "no why", "blank why", "no title", "invisible title", "long why", "long"],
)
def test_a_broken_amendment_names_the_field_and_loses_nothing(strategy, member, data, field):
    who = section_of(strategy, "Who")
    response = client_for(member).post(url("propose", strategy, who.pk), {**data, "revision": "1"})
    assert response.status_code == 200 and field in response.context["form"].errors
    assert "Kept words" in body(response)
    assert not Amendment.objects.exists()


def test_an_amendment_to_a_section_that_changed_while_it_was_written(strategy, organiser, member):
    who = section_of(strategy, "Who")
    client = client_for(member)
    address = url("propose", strategy, who.pk)
    assert client.get(address).context["form"].initial["revision"] == 1
    services.save_section(who, title="Who", text="The council and its partners.", by=organiser)
    mine = {"title": "Who", "text": "Residents lead.", "why": "Ownership.", "revision": "1"}
    response = client.post(address, mine)
    page = body(response)
    assert response.status_code == 200 and response.context["meanwhile"]
    assert "The section changed while you were writing" in page
    assert "The council and its partners." in page and "Residents lead." in page
    assert "Ownership." in page
    assert not Amendment.objects.exists()
    assert client.post(address, {**mine, "revision": "2"}).status_code == 302
    assert Amendment.objects.get().based_on_revision == 2


# --- deciding -------------------------------------------------------------------------------


def decide(client, amendment, **data):
    return client.post(url("amendment", amendment.strategy, amendment.pk), data)


def test_accepting_on_the_page_makes_a_version_and_shows_the_reason(strategy, organiser, member):
    amendment = amend(strategy, member)
    client = client_for(organiser)
    page = body(client.get(url("amendment", strategy, amendment.pk)))
    assert "<del>" in page and "<ins>" in page and "partners" in page  # word by word
    response = decide(client, amendment, decision="accept", reason="Agreed by all.")
    assert response.status_code == 302
    amendment.refresh_from_db()
    assert amendment.status == Amendment.Status.ACCEPTED and amendment.made_version.number == 2
    assert section_of(strategy, "Who").text == "The partners, together."
    page = body(client_for(member).get(url("detail", strategy)))
    assert "Agreed by all." in page and "Accepted" in page
    page = body(client_for(member).get(url("amendment", strategy, amendment.pk)))
    assert "It made version 2." in page and "Your decision" not in page


def test_a_decline_needs_a_reason_which_everyone_then_reads(strategy, organiser, member):
    amendment = amend(strategy, member)
    client = client_for(organiser)
    for reason in ("", "   "):
        response = decide(client, amendment, decision="decline", reason=reason)
        assert response.status_code == 200 and "reason" in response.context["form"].errors
    amendment.refresh_from_db()
    assert amendment.status == Amendment.Status.OPEN
    response = decide(client, amendment, decision="decline", reason="We keep the council.")
    assert response.status_code == 302
    amendment.refresh_from_db()
    assert (amendment.status, amendment.reason) == ("declined", "We keep the council.")
    observer = person_with(strategy.coalition, Role.OBSERVER)
    assert "We keep the council." in body(client_for(observer).get(url("detail", strategy)))


def test_merging_needs_another_open_amendment_of_the_same_section_and_a_reason(
    strategy, organiser, member
):
    first = amend(strategy, member, text="Residents lead.")
    second = amend(strategy, member, text="Residents and the council lead.")
    elsewhere = amend(strategy, member, title="Why", text="Because.")
    client = client_for(organiser)
    page = body(client.get(url("amendment", strategy, first.pk)))
    assert "Merge it" in page
    response = decide(client, first, decision="merge", reason="Same idea.")
    assert "into" in response.context["form"].errors and "Same idea." in body(response)
    response = decide(client, first, decision="merge", into=str(second.pk), reason="")
    assert "reason" in response.context["form"].errors
    response = decide(client, first, decision="merge", into=str(elsewhere.pk), reason="Same")
    assert "into" in response.context["form"].errors
    response = decide(client, first, decision="merge", into=str(first.pk), reason="Same")
    assert "into" in response.context["form"].errors
    first.refresh_from_db()
    assert first.status == Amendment.Status.OPEN
    response = decide(client, first, decision="merge", into=str(second.pk), reason="Same idea.")
    assert response.status_code == 302
    first.refresh_from_db()
    assert (first.status, first.merged_into, first.reason) == ("merged", second, "Same idea.")
    page = body(client_for(member).get(url("amendment", strategy, first.pk)))
    assert "Merged into:" in page and "Same idea." in page
    page = body(client_for(member).get(url("amendment", strategy, second.pk)))
    assert "Amendments merged into this one" in page and "Same idea." in page


def test_a_decision_on_a_decided_amendment_or_without_a_choice_is_refused(
    strategy, organiser, member
):
    amendment = amend(strategy, member)
    client = client_for(organiser)
    response = decide(client, amendment, decision="", reason="Kept reason")
    assert "decision" in response.context["form"].errors and "Kept reason" in body(response)
    response = decide(client, amendment, decision="publish", reason="Kept reason")
    assert "decision" in response.context["form"].errors
    services.decline(amendment, by=organiser, reason="No.")
    response = decide(client, amendment, decision="accept", reason="Kept reason")
    assert response.status_code == 200 and "already decided" in body(response)
    amendment.refresh_from_db()
    assert amendment.status == Amendment.Status.DECLINED and strategy.versions.count() == 1


def test_accepting_over_words_that_changed_since_asks_for_a_second_look(
    strategy, organiser, member
):
    amendment = amend(strategy, member, text="Residents lead.")
    who = section_of(strategy, "Who")
    services.save_section(who, title="Who", text="The council and its partners.", by=organiser)
    client = client_for(organiser)
    page = body(client.get(url("amendment", strategy, amendment.pk)))
    assert "The section changed after this amendment was proposed" in page
    assert "I have read the section" in page
    assert "partners" in page  # what changed since, word by word
    response = decide(client, amendment, decision="accept", reason="My kept reason")
    assert response.status_code == 200
    assert "seen_changes" in response.context["form"].errors
    assert "My kept reason" in body(response)
    amendment.refresh_from_db()
    who.refresh_from_db()
    assert amendment.status == Amendment.Status.OPEN
    assert who.text == "The council and its partners."
    response = decide(
        client, amendment, decision="accept", reason="My kept reason", seen_changes="on"
    )
    assert response.status_code == 302
    who.refresh_from_db()
    assert who.text == "Residents lead."
    member_page = body(client_for(member).get(url("detail", strategy)))
    assert "My kept reason" in member_page


def test_the_detail_page_says_an_open_amendment_is_over_older_words(strategy, organiser, member):
    amend(strategy, member)
    who = section_of(strategy, "Who")
    client = client_for(member)
    assert "the section changed since" not in body(client.get(url("detail", strategy)))
    services.save_section(who, title="Who", text="Someone else.", by=organiser)
    assert "the section changed since" in body(client.get(url("detail", strategy)))


# --- comments -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, kept", [("", None), ("   ", None), ("Kept words" + "x" * REASON_MAX, "Kept words")]
)
def test_a_broken_comment_is_shown_on_the_amendment_page(strategy, member, text, kept):
    amendment = amend(strategy, member)
    response = client_for(member).post(url("comment", strategy, amendment.pk), {"text": text})
    assert response.status_code == 200 and "text" in response.context["comment_form"].errors
    if kept:
        assert kept in body(response)
    assert not Comment.objects.exists()


# --- script everywhere ----------------------------------------------------------------------


def test_script_everywhere_is_shown_as_text(strategy, organiser, member):
    client = client_for(member)
    who = section_of(strategy, "Who")
    client.post(
        url("propose", strategy, who.pk),
        {"title": SCRIPT, "text": f"New {SCRIPT}", "why": f"Why {SCRIPT}", "revision": "1"},
    )
    client.post(url("propose_new", strategy), {"title": SCRIPT, "text": SCRIPT, "why": SCRIPT})
    first, second = Amendment.objects.order_by("pk")
    client.post(url("comment", strategy, first.pk), {"text": SCRIPT})
    decide(client_for(organiser), second, decision="decline", reason=SCRIPT)
    assert Comment.objects.get().text == SCRIPT and first.title == SCRIPT
    for address in (
        url("detail", strategy),
        url("amendment", strategy, first.pk),
        url("amendment", strategy, second.pk),
    ):
        page = body(client_for(organiser).get(address))
        assert SCRIPT not in page and "alert('x')</" not in page, address
        assert ESCAPED in page, address
    decide(client_for(organiser), first, decision="accept")
    for address in (url("compare", strategy), url("detail", strategy)):
        page = body(client_for(member).get(address))
        assert SCRIPT not in page and ESCAPED in page


# --- versions -------------------------------------------------------------------------------


def test_versions_are_listed_and_compared_section_by_section(strategy, organiser, member):
    why = section_of(strategy, "Why")
    services.save_section(why, title="Why", text="Because people live with them.", by=organiser)
    new = amend(strategy, member, title="How we learn", text="From other cities.", why="Gap")
    services.accept(new, by=organiser)
    client = client_for(member)
    page = body(client.get(url("versions", strategy)))
    assert "“Why” edited" in page and "Amendment accepted" in page
    page = body(client.get(url("compare", strategy) + "?from=1&to=3"))
    assert "What changed from version 1 to version 3" in page
    assert 'removed: </span>decisions</del><ins><span class="visually-hidden">added: ' in page
    assert "How we learn" in page and "added" in page
    reversed_ = client.get(url("compare", strategy) + "?from=3&to=1")
    assert (reversed_.context["start"], reversed_.context["end"]) == (1, 3)
    for query in ("?from=abc&to=-4", "?from=99&to=0", "?to=" + "9" * 30):
        response = client.get(url("compare", strategy) + query)
        assert response.status_code == 200, query
    assert client.get(url("compare", strategy) + "?from=2&to=3").context["comparison"]


def test_comparing_with_one_version_says_so(strategy, member):
    page = body(client_for(member).get(url("compare", strategy)))
    assert "There is only one version so far." in page


# --- reading changes nothing, in a bounded number of queries --------------------------------


def test_every_get_changes_nothing(strategy, organiser, member):
    amendment = amend(strategy, member)
    services.comment(amendment, text="A thought", by=member)
    who = section_of(strategy, "Who")
    addresses = [
        reverse("strategies:list", args=["gm"]),
        reverse("strategies:create", args=["gm"]),
        url("detail", strategy),
        url("edit_section", strategy, who.pk),
        url("propose", strategy, who.pk),
        url("propose_new", strategy),
        url("amendment", strategy, amendment.pk),
        url("versions", strategy),
        url("compare", strategy),
        strategy.coalition.get_absolute_url(),
    ]
    before = snapshot()
    client = client_for(organiser)
    for address in addresses:
        assert client.get(address).status_code == 200, address
    assert snapshot() == before


def test_the_strategy_page_reads_in_a_fixed_number_of_queries(strategy, member):
    def count() -> int:
        client = client_for(member)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url("detail", strategy)).status_code == 200
        return len(queries)

    few = count()
    for title in ("Why", "Who", "Why", "How we learn"):
        amendment = amend(strategy, member, title=title)
        services.comment(amendment, text="More", by=member)
    services.decline(amendment, by=None, reason="Not now.")
    assert count() == few


# --- every word translated ------------------------------------------------------------------


def test_every_word_on_the_strategy_pages_passes_through_translation(
    settings, strategy, organiser, member
):
    """The pseudo-language marks translated strings: a visible word left unmarked was not."""
    amendment = amend(strategy, member)
    services.comment(amendment, text="A thought", by=member)
    merged = amend(strategy, member, text="Residents first.")
    services.merge(merged, into=amendment, by=organiser, reason="Same idea.")
    services.save_section(section_of(strategy, "Who"), title="Who", text="Someone.", by=organiser)
    declined = amend(strategy, member, title="Why", text="Shorter.")
    services.decline(declined, by=organiser, reason="Longer is clearer.")
    who = section_of(strategy, "Who")
    with pseudo.installed(settings):
        client = client_for(organiser)
        client.cookies["django_language"] = pseudo.CODE
        found = []
        for address in (
            reverse("strategies:list", args=["gm"]),
            reverse("strategies:create", args=["gm"]),
            url("detail", strategy),
            url("edit_section", strategy, who.pk),
            url("propose", strategy, who.pk),
            url("propose_new", strategy),
            url("amendment", strategy, amendment.pk),
            url("amendment", strategy, merged.pk),
            url("amendment", strategy, declined.pk),
            url("versions", strategy),
            url("compare", strategy) + "?from=1&to=2",
            strategy.coalition.get_absolute_url(),
        ):
            page = body(client.get(address))
            data = pseudo.user_data() + ["The council.", "Because decisions are better."]
            found += [f"{address}: {text}" for text in pseudo.unmarked_on_page(page, data)]
        assert found == [], "Not translated:\n" + "\n".join(found)
