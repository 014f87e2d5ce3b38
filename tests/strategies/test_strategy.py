"""A strategy written in sections: versions, amendments proposed and decided (accepted,
merged, declined with a reason), amendments over words that changed since, and the export."""

import json

import pytest
from django.core.management import call_command
from factories import CoalitionFactory, MembershipFactory, PersonFactory

from coproduce.coalitions.models import Role
from coproduce.strategies import services
from coproduce.strategies.models import Amendment, Strategy
from coproduce.strategies.services import StaleAmendment, StrategyError
from coproduce.workshops import demo

pytestmark = pytest.mark.django_db


@pytest.fixture
def strategy():
    coalition = CoalitionFactory()
    organiser = MembershipFactory(coalition=coalition, role=Role.ORGANISER).person
    return services.start_strategy(
        coalition,
        title="Our strategy",
        sections=[("Why", "Because decisions are better."), ("Who", "The council.")],
        by=organiser,
    )


def _sections(strategy):
    return {s.title: s for s in strategy.sections.all()}


def test_every_change_of_words_is_a_version(strategy):
    assert [v.number for v in strategy.versions.all()] == [1]
    why = _sections(strategy)["Why"]
    assert services.save_section(why, title="Why", text="Because decisions are better.") is None
    version = services.save_section(why, title="Why", text="Because people live with them.")
    assert version.number == 2
    assert version.sections[0] == {
        "section": why.pk,
        "title": "Why",
        "text": "Because people live with them.",
    }
    assert strategy.versions.get(number=1).sections[0]["text"] == "Because decisions are better."


def test_an_accepted_amendment_changes_the_section_and_makes_a_version(strategy):
    who = _sections(strategy)["Who"]
    member = PersonFactory()
    amendment = services.propose(
        strategy, section=who, title="Who", text="The partners, together.", why="Shared", by=member
    )
    version = services.accept(amendment, by=None, reason="Agreed")
    who.refresh_from_db()
    amendment.refresh_from_db()
    assert who.text == "The partners, together." and who.revision == 2
    assert (amendment.status, amendment.made_version) == (Amendment.Status.ACCEPTED, version)
    with pytest.raises(StrategyError, match="already decided"):
        services.decline(amendment, by=None, reason="Too late")


def test_a_new_section_can_be_proposed(strategy):
    amendment = services.propose(
        strategy,
        section=None,
        title="How we learn",
        text="From other cities.",
        why="Missing",
        by=None,
    )
    services.accept(amendment, by=None)
    assert list(strategy.sections.values_list("title", flat=True)) == ["Why", "Who", "How we learn"]


def test_an_amendment_over_words_that_changed_since_waits_for_a_second_look(strategy):
    who = _sections(strategy)["Who"]
    amendment = services.propose(
        strategy, section=who, title="Who", text="Residents lead.", why="Ownership", by=None
    )
    services.save_section(who, title="Who", text="The council and the partners.")
    with pytest.raises(StaleAmendment):
        services.accept(amendment, by=None)
    who.refresh_from_db()
    assert who.text == "The council and the partners."  # nothing lost
    assert Amendment.objects.get(pk=amendment.pk).status == Amendment.Status.OPEN
    services.accept(amendment, by=None, seen_changes=True)
    who.refresh_from_db()
    assert who.text == "Residents lead."


def test_merging_and_declining_need_a_reason_everyone_reads(strategy):
    sections = _sections(strategy)
    first, second, elsewhere = (
        services.propose(strategy, section=sections[s], title=s, text=t, why="w", by=None)
        for s, t in (("Who", "A"), ("Who", "B"), ("Why", "C"))
    )
    with pytest.raises(StrategyError) as refused:
        services.decline(first, by=None, reason="  ")
    assert refused.value.field == "reason"
    with pytest.raises(StrategyError, match="same section"):
        services.merge(first, into=elsewhere, by=None, reason="Same idea")
    with pytest.raises(StrategyError):
        services.merge(first, into=first, by=None, reason="Same idea")
    with pytest.raises(StrategyError) as refused:
        services.merge(first, into=second, by=None, reason="")
    assert refused.value.field == "reason"
    merged = services.merge(first, into=second, by=None, reason="Says the same as B")
    assert (merged.status, merged.merged_into) == (Amendment.Status.MERGED, second)
    declined = services.decline(elsewhere, by=None, reason="We keep the longer words")
    assert declined.reason == "We keep the longer words"


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"title": " "}, "title"),
        ({"text": ""}, "text"),
        ({"why": ""}, "why"),
        ({"text": "x" * 20001}, "text"),
    ],
)
def test_bad_amendments_are_refused_by_field(strategy, fields, field):
    data = {"section": None, "title": "New", "text": "Words", "why": "Because", "by": None}
    with pytest.raises(StrategyError) as refused:
        services.propose(strategy, **{**data, **fields})
    assert refused.value.field == field
    assert not Amendment.objects.exists()


def test_words_are_stored_clean_and_as_written(strategy):
    # HTML stays the person's text (pages escape it); what only serves spoofing goes.
    amendment = services.propose(
        strategy,
        section=None,
        title="<b>Bold</b>\u202e title",
        text="<script>alert(1)</script>\x1b[31m words",
        why="Why\u200b not",
        by=None,
    )
    amendment.refresh_from_db()
    assert amendment.title == "<b>Bold</b> title"
    assert amendment.text == "<script>alert(1)</script> words"
    assert amendment.why == "Why not"


def test_the_demo_strategy_in_the_export(tmp_path):
    demo.load_demo()
    demo.load_demo()  # twice: nothing is added again
    assert Strategy.objects.count() == 1
    target = tmp_path / "coalition.json"
    call_command("export", demo.COALITION_SLUG, "-o", str(target))
    exported = json.loads(target.read_text())
    (strategy,) = exported["strategies"]
    assert [v["number"] for v in strategy["versions"]] == [1, 2]
    assert all(section["title"] for v in strategy["versions"] for section in v["sections"])
    statuses = {a["status"]: a for a in exported["amendments"]}
    assert set(statuses) == {"accepted", "declined"}
    assert statuses["declined"]["reason"]
    # A draft is for the coalition's members: someone else gets none of it.
    outsider = PersonFactory(email="outsider@example.org")
    call_command("export", demo.COALITION_SLUG, "-o", str(target), "--as", outsider.email)
    exported = json.loads(target.read_text())
    assert exported["strategies"] == [] and exported["amendments"] == []
