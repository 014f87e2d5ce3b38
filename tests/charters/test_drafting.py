"""Drafting a charter through its services: starting it, versions, proposals accepted and
declined, a proposal against words that changed since, comparing versions, and putting the
draft to a conversation. On SQLite and on PostgreSQL (DATABASE_URL)."""

import pytest
from factories import CoalitionFactory, MembershipFactory, PersonFactory, WorkshopFactory

from coproduce.cafe import services as cafe_services
from coproduce.charters import comparing, selectors, services
from coproduce.charters.models import Charter, Proposal
from coproduce.charters.services import CharterError, Wording
from coproduce.coalitions.models import Role
from coproduce.conversations.models import Conversation, Statement, Vote
from coproduce.conversations.services import voter_for
from coproduce.reports.services import report_for
from coproduce.workshops.models import AgendaItem, AgendaQuestion

pytestmark = pytest.mark.django_db


@pytest.fixture
def coalition():
    return CoalitionFactory(slug="gm")


@pytest.fixture
def organiser(coalition):
    person = PersonFactory(full_name="Olga Organiser")
    MembershipFactory(coalition=coalition, person=person, role=Role.ORGANISER)
    return person


@pytest.fixture
def member(coalition):
    person = PersonFactory(full_name="Mo Member")
    MembershipFactory(coalition=coalition, person=person, role=Role.MEMBER)
    return person


@pytest.fixture
def charter(coalition, organiser):
    return services.start_charter(coalition, title="Our charter", framework="scie", by=organiser)


def wordings(charter: Charter) -> list[Wording]:
    return [
        Wording(p.title, p.meaning, p.asks, p.pk) for p in charter.principles.order_by("position")
    ]


def test_a_framework_start_is_credited_and_makes_version_one(charter):
    assert charter.framework == "scie"
    assert "Social Care Institute for Excellence" in charter.credit
    titles = list(charter.principles.order_by("position").values_list("title", flat=True))
    assert titles == ["Equality", "Diversity", "Accessibility", "Reciprocity"]
    version = charter.versions.get()
    assert version.number == 1
    assert [p["title"] for p in version.principles] == titles
    assert "SCIE" in version.what_changed


def test_a_blank_start_and_bad_starts(coalition, organiser):
    blank = services.start_charter(coalition, title="  Blank  ", by=organiser)
    assert blank.title == "Blank" and blank.principles.count() == 0
    assert blank.versions.count() == 1
    with pytest.raises(CharterError) as error:
        services.start_charter(coalition, title="   ", by=organiser)
    assert error.value.field == "title"
    with pytest.raises(CharterError) as error:
        services.start_charter(coalition, title="X", framework="made-up")
    assert error.value.field == "framework"


def test_a_start_from_a_workshops_themes(coalition, organiser):
    workshop = WorkshopFactory(coalition=coalition)
    item = AgendaItem.objects.create(workshop=workshop, title="Café", kind="world_cafe", minutes=30)
    question = AgendaQuestion.objects.create(agenda_item=item, label="Q", text="What?")
    cafe = cafe_services.cafe_for(item)
    cafe_services.add_tables(cafe, 1, capacity=6)
    table = cafe.tables.first()
    note = cafe_services.save_note(cafe, table=table, round_number=1, text="Pay people")
    report = report_for(workshop)
    theme = {"id": 1, "label": "Paying residents", "note_ids": [note.pk], "example_id": note.pk}
    report.themes = {"questions": {str(question.pk): [theme, {**theme, "id": 2}]}}
    report.save()
    charter = services.start_charter(coalition, title="From the café", workshop=workshop)
    principles = list(charter.principles.all())
    assert [(p.title, p.meaning) for p in principles] == [("Paying residents", "Pay people")]
    assert charter.from_workshop == workshop


def test_an_edit_adds_reorders_removes_and_makes_a_version(charter, organiser):
    first, second, *rest = wordings(charter)
    second.meaning = "Everyone, including those rarely asked."
    new = Wording("Transparency", "Say what you decided and why.")
    version = services.save_draft(
        charter,
        title="Our charter",
        preamble="Why we do this.",
        principles=[second, first, new],  # two of four removed, one added, two swapped
        removed=[w.pk for w in rest],
        what_changed="Tidied",
        by=organiser,
    )
    assert version.number == 2 and version.what_changed == "Tidied"
    titles = [p["title"] for p in version.principles]
    assert titles == ["Diversity", "Equality", "Transparency"]
    comparison = comparing.compare(charter.versions.get(number=1), version)
    states = {change.title: change.state for change in comparison.principles}
    assert states == {
        "Diversity": "changed",
        "Equality": "moved",
        "Transparency": "added",
        "Accessibility": "removed",
        "Reciprocity": "removed",
    }
    assert [change.label for change in comparison.header] == ["Preamble"]
    diversity = next(c for c in comparison.principles if c.title == "Diversity")
    assert diversity.old_position == 2 and diversity.new_position == 1
    added = [p.text for p in diversity.changes[0].parts if p.op == "added"]
    assert "rarely" in " ".join(added)


def test_saving_without_a_change_makes_no_version(charter, organiser):
    same = services.save_draft(
        charter,
        title="Our charter",
        preamble="",
        principles=wordings(charter),
        what_changed="",
        by=organiser,
    )
    assert same is None
    assert charter.versions.count() == 1


def test_an_accepted_proposal_applies_its_words_in_a_new_version(charter, organiser, member):
    principle = charter.principles.get(title="Equality")
    proposal = services.propose(
        charter,
        Wording("Equality of power", "Power moves to those who lacked it.", "Share decisions."),
        reason="Equality without power is a slogan.",
        by=member,
        principle=principle,
    )
    assert proposal.based_on.number == 1
    version = services.accept(proposal, by=organiser, reply="Yes, thank you.")
    proposal.refresh_from_db()
    principle.refresh_from_db()
    assert (proposal.status, proposal.reply, proposal.made_version) == (
        Proposal.Status.ACCEPTED,
        "Yes, thank you.",
        version,
    )
    assert principle.title == "Equality of power" and version.number == 2
    assert "Mo Member" in version.what_changed
    with pytest.raises(CharterError):
        services.decline(proposal, by=organiser, reply="Too late")


def test_a_new_principle_proposal_goes_last(charter, organiser, member):
    proposal = services.propose(
        charter, Wording("Pay for time", "Residents are paid."), reason="Fair.", by=member
    )
    services.accept(proposal, by=organiser)
    last = charter.principles.order_by("-position").first()
    assert last.title == "Pay for time"
    proposal.refresh_from_db()
    assert proposal.principle == last


def test_a_decline_needs_a_reply_and_keeps_the_words(charter, organiser, member):
    principle = charter.principles.get(title="Diversity")
    proposal = services.propose(
        charter, Wording("Variety", "Mixed."), reason="Shorter.", by=member, principle=principle
    )
    with pytest.raises(CharterError) as error:
        services.decline(proposal, by=organiser, reply="   ")
    assert error.value.field == "reply"
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.OPEN
    services.decline(proposal, by=organiser, reply="We keep the fuller word.")
    proposal.refresh_from_db()
    principle.refresh_from_db()
    assert proposal.status == Proposal.Status.DECLINED
    assert principle.title == "Diversity" and charter.versions.count() == 1


def test_a_proposal_against_words_that_changed_since_shows_the_change(charter, organiser, member):
    principle = charter.principles.get(title="Reciprocity")
    proposal = services.propose(
        charter,
        Wording("Give back", "People get something back."),
        reason="Plainer.",
        by=member,
        principle=principle,
    )
    assert comparing.changed_since(proposal, selectors.wording_of(principle)) == []
    changed = wordings(charter)
    changed[3].meaning = "People are paid for their time."
    services.save_draft(
        charter, title=charter.title, preamble="", principles=changed, what_changed="", by=organiser
    )
    principle.refresh_from_db()
    since = comparing.changed_since(proposal, selectors.wording_of(principle))
    assert [change.name for change in since] == ["meaning"]
    assert "paid" in " ".join(p.text for p in since[0].parts if p.op == "added")
    # Still open, still there: nothing of the proposal was lost.
    proposal.refresh_from_db()
    assert (
        proposal.status == Proposal.Status.OPEN and proposal.meaning == "People get something back."
    )


def test_removing_a_principle_answers_its_open_proposals(charter, organiser, member):
    principle = charter.principles.get(title="Accessibility")
    proposal = services.propose(
        charter, Wording("Access", "For all."), reason="Short.", by=member, principle=principle
    )
    kept = [w for w in wordings(charter) if w.title != "Accessibility"]
    services.save_draft(
        charter,
        title=charter.title,
        preamble="",
        principles=kept,
        removed=[principle.pk],
        what_changed="",
        by=organiser,
    )
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.DECLINED and proposal.reply


def test_hostile_and_oversized_text_is_refused_by_field(charter, member):
    principle = charter.principles.first()
    with pytest.raises(CharterError) as error:
        services.propose(charter, Wording("x" * 10_000, "m"), reason="r", by=member)
    assert error.value.field == "title"
    with pytest.raises(CharterError) as error:
        services.propose(charter, Wording("T", "m" * 10_000), reason="r", by=member)
    assert error.value.field == "meaning"
    with pytest.raises(CharterError) as error:
        services.add_comment(principle, text="c" * 10_000, by=member)
    assert error.value.field == "text"
    comment = services.add_comment(principle, text="Fine\x1b[2J\u202e", by=member)
    assert comment.text == "Fine"


def test_the_draft_put_to_a_conversation_shows_where_people_agree(charter, organiser, member):
    conversation = services.put_to_conversation(charter, by=organiser)
    charter.refresh_from_db()
    assert charter.conversation == conversation
    statements = list(conversation.statements.order_by("pk"))
    assert len(statements) == 4 and statements[0].text.startswith("Equality: ")
    voter = voter_for(conversation, person=member)
    Vote.objects.create(conversation=conversation, voter=voter, statement=statements[0], value=1)
    principles = selectors.principles_of(charter)
    agreement = selectors.agreement(charter, principles)
    assert agreement == {principles[0].pk: agreement[principles[0].pk]}
    assert agreement[principles[0].pk]["agree"] == 100


def test_an_empty_draft_cannot_be_put_to_a_conversation(coalition, organiser):
    blank = services.start_charter(coalition, title="Blank", by=organiser)
    with pytest.raises(CharterError):
        services.put_to_conversation(blank)


# Review fixes ---------------------------------------------------------------------------------


def test_an_edit_from_an_older_version_is_refused_and_writes_nothing(charter, organiser, member):
    loaded = wordings(charter)
    proposal = services.propose(charter, Wording("Kindness", "Be kind."), reason="Why", by=member)
    services.accept(proposal, by=organiser)  # version 2, while the edit was open on version 1
    with pytest.raises(services.StaleDraft) as stale:
        services.save_draft(
            charter,
            title="Mine",
            preamble="",
            principles=loaded[:1],
            removed=[w.pk for w in loaded[1:]],
            what_changed="",
            base=1,
            by=organiser,
        )
    assert (stale.value.base, stale.value.latest.number) == (1, 2)
    charter.refresh_from_db()
    assert charter.title == "Our charter" and charter.principles.count() == 5


def test_a_principle_the_edit_did_not_list_stays(charter, organiser, member):
    loaded = wordings(charter)
    proposal = services.propose(charter, Wording("Kindness", "Be kind."), reason="Why", by=member)
    services.accept(proposal, by=organiser)
    services.save_draft(
        charter, title="Ours", preamble="", principles=loaded, what_changed="", by=organiser
    )
    titles = list(charter.principles.order_by("position").values_list("title", flat=True))
    assert titles == ["Equality", "Diversity", "Accessibility", "Reciprocity", "Kindness"]


def test_a_version_freezes_the_saved_words_not_a_stale_copy(charter, organiser, member):
    stale = Charter.objects.get(pk=charter.pk)
    proposal = services.propose(charter, Wording("Kindness", "Be kind."), reason="Why", by=member)
    services.save_draft(
        charter,
        title="New title",
        preamble="New preamble",
        principles=wordings(charter),
        what_changed="",
        by=organiser,
    )
    assert services.make_version(stale, by=organiser).title == "New title"
    proposal.charter = stale  # loaded before the save, as a page would have it
    version = services.accept(proposal, by=organiser)
    assert (version.title, version.preamble) == ("New title", "New preamble")


def test_a_charter_holds_at_most_the_maximum_of_principles(charter, organiser, member):
    many = [Wording(f"Principle {i}", "") for i in range(services.PRINCIPLES_MAX)]
    services.save_draft(
        charter,
        title=charter.title,
        preamble="",
        principles=many,
        removed=[w.pk for w in wordings(charter)],
        what_changed="",
        by=organiser,
    )
    assert charter.principles.count() == services.PRINCIPLES_MAX
    proposal = services.propose(charter, Wording("One more", "m"), reason="Why", by=member)
    with pytest.raises(CharterError, match="at most 60 principles"):
        services.accept(proposal, by=organiser)
    with pytest.raises(CharterError, match="at most 60 principles"):
        services.save_draft(
            charter,
            title=charter.title,
            preamble="",
            principles=[*wordings(charter), Wording("One more", "")],
            what_changed="",
            by=organiser,
        )
    assert charter.principles.count() == services.PRINCIPLES_MAX


def test_a_start_from_many_themes_takes_the_maximum_and_says_so(coalition, organiser, monkeypatch):
    themes = [Wording(f"Theme {i}", "") for i in range(services.PRINCIPLES_MAX + 10)]
    monkeypatch.setattr(services, "workshop_themes", lambda workshop: themes)
    workshop = WorkshopFactory(coalition=coalition, title="Big café")
    charter = services.start_charter(coalition, title="Many", workshop=workshop, by=organiser)
    assert charter.principles.count() == services.PRINCIPLES_MAX
    assert "first 60 of the 70 themes" in charter.versions.get().what_changed


def test_the_draft_goes_to_one_conversation_only(charter, organiser):
    services.put_to_conversation(charter, by=organiser)
    with pytest.raises(CharterError, match="already in a conversation"):
        services.put_to_conversation(charter, by=organiser)
    assert Conversation.objects.count() == 1


def test_a_proposal_of_the_current_wording_is_refused_on_the_title(charter, member):
    principle = charter.principles.first()
    same = Wording(principle.title, principle.meaning, principle.asks)
    with pytest.raises(CharterError) as refused:
        services.propose(charter, same, reason="Why", by=member, principle=principle)
    assert refused.value.field == "title"
    assert not Proposal.objects.exists()


def test_the_draft_changed_since_only_when_that_principles_words_did(charter, organiser, member):
    first, second, *rest = charter.principles.order_by("position")
    for principle in (first, second):
        services.propose(
            charter, Wording("Other", "W"), reason="Why", by=member, principle=principle
        )
    changed = wordings(charter)
    changed[1].meaning = "Reworded since."
    services.save_draft(
        charter, title=charter.title, preamble="", principles=changed, what_changed="", by=organiser
    )
    shown = {
        p.title: p.open_proposals[0].words_changed for p in selectors.principles_of(charter)[:2]
    }
    assert shown == {"Equality": False, "Diversity": True}


def test_agreement_leaves_out_excluded_voters_and_rejected_statements(charter, organiser, member):
    conversation = services.put_to_conversation(charter, by=organiser)
    first, second, *rest = conversation.statements.order_by("pk")
    voter = voter_for(conversation, person=member)
    Vote.objects.create(conversation=conversation, voter=voter, statement=first, value=1)
    Vote.objects.create(conversation=conversation, voter=voter, statement=second, value=1)
    excluded = voter_for(conversation, person=organiser)
    excluded.excluded = True
    excluded.save()
    Vote.objects.create(conversation=conversation, voter=excluded, statement=first, value=-1)
    second.status = Statement.Status.REJECTED
    second.save()
    principles = selectors.principles_of(charter)
    agreement = selectors.agreement(charter, principles)
    assert set(agreement) == {principles[0].pk}
    assert (agreement[principles[0].pk]["agree"], agreement[principles[0].pk]["n"]) == (100, 1)
