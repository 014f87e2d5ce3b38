"""The drafting pages: who may see and do what, and bad input that names the field and loses
nothing. Permissions across every visitor are also in tests/security/test_matrix.py."""

import pytest
from django.test import Client
from django.urls import reverse
from factories import CoalitionFactory, MembershipFactory, PersonFactory

from coproduce.charters import services
from coproduce.charters.models import Charter, Comment, Proposal
from coproduce.charters.services import Wording
from coproduce.coalitions.models import Role, Visibility
from coproduce.conversations.models import Conversation

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert('x')</script>"


def client_for(person=None) -> Client:
    client = Client()
    if person is not None:
        client.force_login(person)
    return client


@pytest.fixture(params=[Visibility.PRIVATE, Visibility.PUBLIC])
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
def charter(coalition, organiser):
    return services.start_charter(
        coalition, title="SecretDraftTitle", framework="nef", by=organiser
    )


def url(name, charter, *more):
    return reverse(f"charters:{name}", args=[charter.coalition.slug, charter.pk, *more])


def test_outsiders_see_nothing_of_a_draft(charter):
    principle = charter.principles.first()
    for visitor in (None, PersonFactory()):
        client = client_for(visitor)
        for address in (
            url("detail", charter),
            url("versions", charter),
            url("compare", charter),
            url("propose", charter, principle.pk),
        ):
            response = client.get(address)
            assert response.status_code == 404, address
            assert b"SecretDraftTitle" not in response.content
        response = client.get(reverse("charters:list", args=[charter.coalition.slug]))
        assert b"SecretDraftTitle" not in response.content


def test_an_observer_reads_but_may_not_propose(charter):
    observer = person_with(charter.coalition, Role.OBSERVER)
    client = client_for(observer)
    assert client.get(url("detail", charter)).status_code == 200
    assert client.get(url("propose_new", charter)).status_code == 403


def test_a_member_comments_and_proposes_but_may_not_edit_or_decide(charter, member):
    client = client_for(member)
    principle = charter.principles.first()
    page = client.get(url("detail", charter))
    assert page.status_code == 200 and b"Edit the draft" not in page.content
    response = client.post(url("comment", charter, principle.pk), {"text": "Agreed."})
    assert response.status_code == 302 and Comment.objects.get().text == "Agreed."
    response = client.post(
        url("propose", charter, principle.pk),
        {"title": "Assets first", "meaning": "Start from strengths.", "reason": "Clearer."},
    )
    assert response.status_code == 302
    proposal = Proposal.objects.get()
    assert proposal.principle == principle
    assert client.get(url("edit", charter)).status_code == 403
    response = client.post(url("proposal", charter, proposal.pk), {"decision": "accept"})
    assert response.status_code == 403
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.OPEN
    assert client.get(url("proposal", charter, proposal.pk)).status_code == 200


def test_an_organiser_starts_a_charter_from_a_framework(coalition, organiser):
    client = client_for(organiser)
    address = reverse("charters:create", args=[coalition.slug])
    assert client.get(address).status_code == 200
    response = client.post(
        address, {"title": "Our charter", "start": "framework", "framework": "jam_and_justice"}
    )
    charter = Charter.objects.get()
    assert response.status_code == 302 and response["Location"].startswith(url("detail", charter))
    assert charter.principles.count() == 7
    page = client.get(url("detail", charter))
    assert "Jam &amp; Justice" in page.content.decode()


def test_a_start_without_a_title_names_the_field_and_keeps_the_rest(coalition, organiser):
    client = client_for(organiser)
    response = client.post(
        reverse("charters:create", args=[coalition.slug]),
        {"title": "", "start": "framework", "framework": "scie", "preamble": "Kept words"},
    )
    assert response.status_code == 200
    assert "title" in response.context["form"].errors
    assert b"Kept words" in response.content
    assert not Charter.objects.exists()


def test_a_decline_without_a_reply_is_refused_and_one_with_a_reply_recorded(
    charter, organiser, member
):
    proposal = services.propose(charter, Wording("New", "Words"), reason="Because", by=member)
    client = client_for(organiser)
    address = url("proposal", charter, proposal.pk)
    response = client.post(address, {"decision": "decline", "reply": ""})
    assert response.status_code == 200 and "reply" in response.context["form"].errors
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.OPEN
    response = client.post(address, {"decision": "decline", "reply": "Not now."})
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert (proposal.status, proposal.reply) == (Proposal.Status.DECLINED, "Not now.")


def test_accepting_on_the_page_makes_a_version(charter, organiser, member):
    principle = charter.principles.first()
    proposal = services.propose(
        charter,
        Wording("Assets", "People bring strengths."),
        reason="Short",
        by=member,
        principle=principle,
    )
    response = client_for(organiser).post(
        url("proposal", charter, proposal.pk), {"decision": "accept", "reply": ""}
    )
    assert response.status_code == 302
    assert charter.versions.count() == 2
    page = client_for(member).get(url("compare", charter) + "?from=1&to=2")
    assert page.status_code == 200
    assert "<ins>" in page.content.decode()


def edit_data(charter, **changes) -> dict:
    principles = list(charter.principles.order_by("position"))
    data = {
        "title": charter.title,
        "preamble": charter.preamble,
        "what_changed": "",
        "base": str(charter.versions.order_by("-number").first().number),
        "p-TOTAL_FORMS": str(len(principles) + 1),
        "p-INITIAL_FORMS": str(len(principles)),
        "p-MIN_NUM_FORMS": "0",
        "p-MAX_NUM_FORMS": "60",
    }
    for i, p in enumerate(principles):
        data.update(
            {
                f"p-{i}-pk": str(p.pk),
                f"p-{i}-title": p.title,
                f"p-{i}-meaning": p.meaning,
                f"p-{i}-asks": p.asks,
                f"p-{i}-ORDER": str(i + 1),
            }
        )
    data.update(changes)
    return data


def test_an_edit_reorders_adds_and_removes(charter, organiser):
    n = charter.principles.count()
    data = edit_data(
        charter,
        **{
            "p-0-ORDER": "9",  # the first goes last
            "p-1-DELETE": "on",
            f"p-{n}-title": "Transparency",
            f"p-{n}-meaning": "Say why.",
            f"p-{n}-ORDER": "",
            "what_changed": "Reordered",
        },
    )
    first = charter.principles.order_by("position").first().title
    response = client_for(organiser).post(url("edit", charter), data)
    assert response.status_code == 302, response.context and response.context["formset"].errors
    titles = list(charter.principles.order_by("position").values_list("title", flat=True))
    assert len(titles) == n  # one removed, one added
    assert titles[-2:] == [first, "Transparency"]  # numbered last, then the new one
    version = charter.versions.get(number=2)
    assert version.what_changed == "Reordered"


def test_bad_edit_input_names_the_field_and_loses_nothing(charter, organiser):
    long = "x" * 10_000
    data = edit_data(charter, **{"p-0-title": "", "p-1-meaning": long, "preamble": SCRIPT})
    response = client_for(organiser).post(url("edit", charter), data)
    assert response.status_code == 200
    errors = response.context["formset"].errors
    assert "title" in errors[0] and "meaning" in errors[1]
    body = response.content.decode()
    assert SCRIPT not in body and "&lt;script&gt;" in body
    assert long in body  # what was typed is still there to fix
    assert charter.versions.count() == 1


def test_an_edit_over_someone_elses_save_shows_their_change_first(charter, organiser):
    data = edit_data(charter, preamble="Mine")
    services.save_draft(
        charter,
        title=charter.title,
        preamble="Theirs",
        principles=[Wording(p.title, p.meaning, p.asks, p.pk) for p in charter.principles.all()],
        what_changed="",
        by=organiser,
    )
    response = client_for(organiser).post(url("edit", charter), data)
    assert response.status_code == 200 and response.context["meanwhile"] is not None
    assert b"Mine" in response.content and b"Theirs" in response.content
    charter.refresh_from_db()
    assert charter.preamble == "Theirs"
    again = client_for(organiser).post(url("edit", charter), {**data, "base": "2"})
    assert again.status_code == 302
    charter.refresh_from_db()
    assert charter.preamble == "Mine"


def test_script_in_comments_and_proposals_is_shown_as_text(charter, member):
    principle = charter.principles.first()
    client = client_for(member)
    client.post(url("comment", charter, principle.pk), {"text": SCRIPT})
    client.post(url("propose_new", charter), {"title": SCRIPT, "meaning": SCRIPT, "reason": SCRIPT})
    body = client.get(url("detail", charter)).content.decode()
    assert SCRIPT not in body and "&lt;script&gt;" in body
    proposal = Proposal.objects.get()
    body = client.get(url("proposal", charter, proposal.pk)).content.decode()
    assert SCRIPT not in body


def test_oversized_comment_and_proposal_name_the_field(charter, member):
    principle = charter.principles.first()
    client = client_for(member)
    response = client.post(url("comment", charter, principle.pk), {"text": "c" * 10_000})
    assert response.status_code == 200 and "text" in response.context["form"].errors
    response = client.post(
        url("propose_new", charter), {"title": "T", "meaning": "m", "reason": "r" * 10_000}
    )
    assert response.status_code == 200 and "reason" in response.context["form"].errors
    assert ("r" * 10_000) in response.content.decode()
    assert not Comment.objects.exists() and not Proposal.objects.exists()


def test_the_coalition_page_shows_the_panel_to_members_only(charter, member):
    page = client_for(member).get(charter.coalition.get_absolute_url())
    assert b"SecretDraftTitle" in page.content
    if charter.coalition.visibility == Visibility.PUBLIC:
        page = client_for(None).get(charter.coalition.get_absolute_url())
        assert page.status_code == 200 and b"SecretDraftTitle" not in page.content


def test_putting_the_draft_to_a_conversation_from_the_page(charter, organiser):
    client = client_for(organiser)
    if charter.coalition.visibility == Visibility.PUBLIC:
        # Public coalition, public conversation: say so before the draft's words go out.
        asked = client.post(url("converse", charter))
        assert asked.status_code == 200
        assert "anyone who can see it will be able to read" in asked.content.decode()
        charter.refresh_from_db()
        assert charter.conversation is None
    response = client.post(url("converse", charter), {"confirm": "yes"})
    charter.refresh_from_db()
    assert charter.conversation is not None
    assert response["Location"] == charter.conversation.get_absolute_url()
    page = client.get(url("detail", charter)).content.decode()
    assert "seen only by the coalition" not in page and "open to votes" in page
    again = client.post(url("converse", charter), {"confirm": "yes"}, follow=True)
    assert "already in a conversation" in again.content.decode()
    assert Conversation.objects.count() == 1


def test_the_draft_page_reads_in_a_fixed_number_of_queries(charter, member):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count() -> int:
        client = client_for(member)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url("detail", charter)).status_code == 200
        return len(queries)

    few = count()
    for principle in charter.principles.all():
        services.add_comment(principle, text="More", by=member)
        services.propose(
            charter, Wording("Other", "Words"), reason="Why", by=member, principle=principle
        )
    assert count() == few


def test_an_edit_over_an_accepted_new_principle_keeps_it(charter, organiser, member):
    data = edit_data(charter, preamble="Mine")  # the page loaded at version 1
    proposal = services.propose(charter, Wording("Kindness", "Be kind."), reason="Why", by=member)
    services.accept(proposal, by=organiser)  # version 2 meanwhile
    client = client_for(organiser)
    response = client.post(url("edit", charter), data)
    assert response.status_code == 200 and response.context["meanwhile"] is not None
    assert charter.principles.filter(title="Kindness").exists()
    formset = response.context["formset"]
    assert "Kindness" in [form["title"].value() for form in formset]
    again = client.post(url("edit", charter), {**formset.data.dict(), "base": "2"})
    assert again.status_code == 302, again.context and again.context["formset"].errors
    charter.refresh_from_db()
    assert charter.preamble == "Mine" and charter.principles.filter(title="Kindness").exists()


def test_sixty_principles_can_still_be_edited(charter, organiser):
    many = [Wording(f"Principle {i}", "") for i in range(services.PRINCIPLES_MAX)]
    services.save_draft(
        charter,
        title=charter.title,
        preamble="",
        principles=many,
        removed=list(charter.principles.values_list("pk", flat=True)),
        what_changed="",
    )
    client = client_for(organiser)
    assert client.get(url("edit", charter)).status_code == 200
    data = edit_data(charter, **{"p-0-title": "Renamed", "p-TOTAL_FORMS": "60"})
    response = client.post(url("edit", charter), data)
    assert response.status_code == 302, response.context and response.context["formset"].errors
    assert charter.principles.filter(title="Renamed").exists()


def test_the_remove_box_is_labelled_remove(charter, organiser):
    body = client_for(organiser).get(url("edit", charter)).content.decode()
    assert 'for="id_p-0-DELETE">Remove' in body and "Delete" not in body


def test_comparing_with_one_version_or_bounds_reversed(charter, organiser, member):
    client = client_for(member)
    body = client.get(url("compare", charter)).content.decode()
    assert "There is only one version so far." in body and "No differences" not in body
    principle = charter.principles.first()
    for words in ("Assets", "Assets and more"):
        proposal = services.propose(
            charter, Wording(words, principle.meaning), reason="R", by=member, principle=principle
        )
        services.accept(proposal, by=organiser)
    response = client.get(url("compare", charter) + "?from=3&to=1")
    assert (response.context["start"], response.context["end"]) == (1, 3)
    assert "from version 1 to version 3" in response.content.decode()


def test_word_counts_say_one_word(charter, organiser, member):
    principle = charter.principles.first()
    proposal = services.propose(
        charter,
        Wording(principle.title, principle.meaning + " Always."),
        reason="R",
        by=member,
        principle=principle,
    )
    services.accept(proposal, by=organiser)
    body = client_for(member).get(url("compare", charter)).content.decode()
    assert "+1 word," in body and "+1 words" not in body


def test_an_invisible_title_or_an_unchanged_proposal_is_refused_on_the_title(charter, member):
    client = client_for(member)
    response = client.post(
        url("propose_new", charter), {"title": "\u200b\u2060", "meaning": "m", "reason": "r"}
    )
    assert response.status_code == 200 and "title" in response.context["form"].errors
    principle = charter.principles.first()
    same = {"title": principle.title, "meaning": principle.meaning, "asks": principle.asks}
    response = client.post(url("propose", charter, principle.pk), {**same, "reason": "r"})
    assert response.status_code == 200 and "title" in response.context["form"].errors
    assert not Proposal.objects.exists()
