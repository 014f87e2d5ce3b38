"""Assessments through their pages and services: answering, results, thresholds, rounds,
bad input, permissions, downloads, the export part and the report section."""

import json

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from factories import CoalitionFactory, GuestFactory, MembershipFactory, PersonFactory

from coproduce.assessments import exports, results, sections, services
from coproduce.assessments.models import Response
from coproduce.charters.models import Charter, Version
from coproduce.coalitions.models import Role, Visibility
from coproduce.coalitions.permissions import Visitor
from coproduce.people.guests import SESSION_KEY

pytestmark = pytest.mark.django_db


@pytest.fixture
def coalition():
    return CoalitionFactory(visibility=Visibility.PRIVATE)


@pytest.fixture
def organiser(coalition):
    return MembershipFactory(coalition=coalition, role=Role.ORGANISER).person


@pytest.fixture
def member(coalition):
    return MembershipFactory(coalition=coalition, role=Role.MEMBER).person


@pytest.fixture
def assessment(coalition):
    return services.create_assessment(coalition, title="How we work", framework="scie")


def _answer(assessment, sector, scores, **kwargs):
    round_ = services.latest_round(assessment)
    guest = GuestFactory(sector=sector)
    return services.save_response(
        round_,
        guest=guest,
        sector=sector,
        scores=dict(zip(round_.item_ids, scores, strict=False)),
        **kwargs,
    )


def _crowd(assessment, sector, count, scores):
    for _ in range(count):
        _answer(assessment, sector, scores)


def test_items_are_frozen_from_the_framework(assessment):
    round_ = services.latest_round(assessment)
    assert round_.item_ids == ["equality", "diversity", "accessibility", "reciprocity"]
    assert round_.items[0]["title"] == "Equality"
    assert "SCIE" in assessment.credit


def test_one_response_per_guest_per_round_and_it_can_change(assessment):
    round_ = services.latest_round(assessment)
    guest = GuestFactory()
    services.save_response(round_, guest=guest, sector="residents", scores={"equality": 1})
    services.save_response(round_, guest=guest, sector="residents", scores={"equality": 3})
    assert Response.objects.count() == 1
    assert Response.objects.get().scores["equality"] == 3
    assert Response.objects.get().scores["diversity"] is None


@pytest.mark.parametrize("bad", [5, -1, "2.5", "x", 40])
def test_scores_outside_0_to_4_are_refused(assessment, bad):
    round_ = services.latest_round(assessment)
    with pytest.raises(ValidationError):
        services.save_response(
            round_, guest=GuestFactory(), sector="residents", scores={"equality": bad}
        )
    assert Response.objects.count() == 0


def test_unknown_items_and_long_notes_are_refused(assessment):
    round_ = services.latest_round(assessment)
    with pytest.raises(ValidationError):
        services.save_response(round_, guest=GuestFactory(), sector="residents", scores={"x": 1})
    with pytest.raises(ValidationError):
        services.save_response(
            round_,
            guest=GuestFactory(),
            sector="residents",
            scores={},
            notes={"equality": {"note": "x" * 10_000}},
        )
    assert Response.objects.count() == 0


def test_public_results_withhold_groups_below_five(assessment):
    _crowd(assessment, "residents", 5, [1, 1, 1, 1])
    _crowd(assessment, "local_government", 4, [4, 4, 4, 4])
    round_ = services.latest_round(assessment)
    public = results.round_results(assessment, round_, full=False)
    assert public.shown.groups == ("residents",)
    assert public.withheld == ("local_government",)
    full = results.round_results(assessment, round_, full=True)
    assert full.shown.groups == ("local_government", "residents")
    assert full.differences[0].gap == 3.0


def test_rounds_with_a_removed_item_show_it_as_removed(coalition, organiser):
    charter = Charter.objects.create(coalition=coalition, title="Our charter")
    principles = [
        {"principle": 1, "title": "Share power", "meaning": "m", "asks": ""},
        {"principle": 2, "title": "Pay people", "meaning": "m", "asks": ""},
    ]
    Version.objects.create(
        charter=charter,
        number=1,
        title="v1",
        principles=principles,
        published_at="2026-01-01T00:00Z",
    )
    assessment = services.create_assessment(coalition, title="Charter check", charter=charter)
    _crowd(assessment, "residents", 5, [1, 2])
    Version.objects.create(
        charter=charter,
        number=2,
        title="v2",
        principles=[principles[0], {"principle": 3, "title": "Report back", "meaning": "m"}],
        published_at="2026-02-01T00:00Z",
    )
    second = services.new_round(assessment)
    assert second.item_ids == ["p1", "p3"]
    _crowd(assessment, "residents", 5, [3, 3])
    before = results.round_results(assessment, assessment.rounds.get(number=1), full=False)
    after = results.round_results(assessment, second, full=False)
    rows = {r.title: r for r in results.change_rows(assessment, before, after)}
    assert rows["Share power"].difference == 2.0
    assert rows["Pay people"].status == "removed"
    assert rows["Report back"].status == "new"
    client = _client(organiser)
    page = client.get(reverse("assessments:results", args=[assessment.pk]))
    assert page.status_code == 200
    assert "removed in this round" in page.content.decode()


def _client(user=None):
    from django.test import Client

    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def test_member_answers_and_organiser_sees_individual_answers(assessment, member, organiser):
    client = _client(member)
    url = reverse("assessments:answer", args=[assessment.pk])
    data = {
        "sector": "research",
        "score-equality": "3",
        "note-equality": "<script>alert(1)</script>",
    }
    assert client.post(url, data).status_code == 302
    response = Response.objects.get(person=member)
    assert response.scores["equality"] == 3
    answers = reverse("assessments:answers", args=[assessment.pk])
    assert client.get(answers).status_code == 403
    page = _client(organiser).get(answers).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>alert(1)" not in page


def test_a_bad_score_posted_is_named_and_nothing_saved(assessment, member):
    url = reverse("assessments:answer", args=[assessment.pk])
    page = _client(member).post(url, {"sector": "research", "score-equality": "9"})
    assert page.status_code == 400
    assert Response.objects.count() == 0


def test_no_account_answer_through_the_link(assessment):
    client = _client()
    url = reverse("assessments:answer_by_link", args=[assessment.link_code])
    assert client.get(url).status_code == 200
    data = {
        "display_name": "Sam",
        "sector": "residents",
        "organisation": "Tenants' <i>union</i>",
        "score-diversity": "0",
    }
    assert client.post(url, data).status_code == 302
    assert client.post(url, {**data, "score-diversity": "2"}).status_code == 302
    response = Response.objects.get()
    assert response.guest.display_name == "Sam" and response.scores["diversity"] == 2
    assert response.organisation == "Tenants' <i>union</i>"  # kept as typed, shown escaped
    assert client.get(reverse("assessments:answer_by_link", args=["wrong"])).status_code == 404


def test_closed_round_takes_no_answers(assessment):
    services.close_round(assessment)
    with pytest.raises(services.AssessmentError):
        _answer(assessment, "residents", [1, 1, 1, 1])


def test_outsiders_see_nothing_of_a_private_coalition(assessment):
    outsider = PersonFactory()
    for name in ("detail", "results"):
        url = reverse(f"assessments:{name}", args=[assessment.pk])
        assert _client(outsider).get(url).status_code == 404
        assert _client().get(url).status_code in (302, 404)
    csv_url = reverse("assessments:download", args=[assessment.pk, "csv"])
    assert _client(outsider).get(csv_url).status_code == 404


def test_downloads_show_only_what_the_reader_may_see(assessment, member, organiser):
    _crowd(assessment, "residents", 5, [1, 2, 3, 4])
    _crowd(assessment, "business", 2, [0, 0, 0, 0])
    url = reverse("assessments:download", args=[assessment.pk, "json"])
    rows = json.loads(_client(member).get(url).content)
    assert {row["group"] for row in rows} == {"residents"}
    rows = json.loads(_client(organiser).get(url).content)
    assert {row["group"] for row in rows} == {"residents", "business"}
    csv_text = _client(member).get(reverse("assessments:download", args=[assessment.pk, "csv"]))
    assert csv_text.content.decode().startswith("round,group")
    responses = reverse("assessments:responses", args=[assessment.pk, "csv"])
    assert _client(member).get(responses).status_code == 403
    assert _client(organiser).get(responses).status_code == 200
    assert (
        _client(organiser)
        .get(reverse("assessments:download", args=[assessment.pk, "xls"]))
        .status_code
        == 404
    )


def test_export_part_gives_responses_to_organisers_only(assessment, member, organiser):
    _answer(assessment, "residents", [1, None, 3, 4])
    part = exports.collect(assessment.coalition, Visitor(organiser))
    assert part[0]["framework"] == "scie"
    assert [i["id"] for i in part[0]["items"]][:2] == ["equality", "diversity"]
    assert part[0]["responses"][0]["sector"] == "residents"
    assert part[0]["responses"][0]["scores"]["diversity"] is None
    assert exports.collect(assessment.coalition, Visitor(member))[0]["responses"] == []


def test_report_section_shows_only_groups_of_five(assessment):
    _crowd(assessment, "residents", 5, [1, 2, 3, 4])
    _crowd(assessment, "business", 3, [0, 0, 0, 0])
    section = sections.for_coalition(assessment.coalition)
    figure = next(b for b in section.blocks if b.__class__.__name__ == "Figure")
    assert [name for name, _values in figure.chart.series] == ["Residents and community groups"]


def test_promise_and_experienced(assessment, organiser):
    services.set_promise(assessment, "ladder", "co_design")
    for level in ["consultation"] * 4 + ["co_production"]:
        _answer(assessment, "residents", [2, 2, 2, 2], experienced=level)
    found = results.round_results(assessment, services.latest_round(assessment), full=False)
    assert (found.experienced[0].below, found.experienced[0].met) == (4, 1)
    page = _client(organiser).get(reverse("assessments:results", args=[assessment.pk]))
    assert "Promised and experienced" in page.content.decode()
    with pytest.raises(ValidationError):
        _answer(assessment, "residents", [1, 1, 1, 1], experienced="nonsense")


def test_organiser_creates_from_the_page(coalition, organiser):
    client = _client(organiser)
    url = reverse("assessments:create", args=[coalition.slug])
    assert client.get(url).status_code == 200
    made = client.post(url, {"title": "Ours", "source": "framework:nef"})
    assert made.status_code == 302
    assert coalition.assessments.get().framework == "nef"
    assert client.post(url, {"title": "Bad", "source": "charter:999"}).status_code == 200


def test_guest_from_a_workshop_session_is_reused(assessment):
    guest = GuestFactory()
    client = _client()
    session = client.session
    session[SESSION_KEY] = guest.key
    session.save()
    url = reverse("assessments:answer_by_link", args=[assessment.link_code])
    assert client.post(url, {"sector": "residents", "score-equality": "4"}).status_code == 302
    assert Response.objects.get().guest == guest


def test_html_in_titles_and_names_is_shown_as_text(coalition, organiser):
    assessment = services.create_assessment(
        coalition, title="<script>alert('t')</script>", framework="scie"
    )
    guest = GuestFactory(display_name="<b>bold</b>")
    services.save_response(
        services.latest_round(assessment), guest=guest, sector="residents", scores={}
    )
    client = _client(organiser)
    for name in ("detail", "results", "answers"):
        page = client.get(reverse(f"assessments:{name}", args=[assessment.pk])).content.decode()
        assert "<script>alert('t')" not in page
        assert "<b>bold</b>" not in page


def test_results_read_old_responses_without_packed_scores(assessment):
    _crowd(assessment, "residents", 5, [1, 2, 3, None])
    Response.objects.update(packed="")
    found = results.round_results(assessment, services.latest_round(assessment), full=False)
    assert found.shown.mean("residents", "equality") == 1.0
    assert found.shown.answered[0, 3] == 0


def test_public_results_page_says_groups_are_withheld(coalition, member, assessment):
    _crowd(assessment, "residents", 5, [1, 1, 1, 1])
    _crowd(assessment, "business", 2, [4, 4, 4, 4])
    page = _client(member).get(reverse("assessments:results", args=[assessment.pk]))
    text = page.content.decode()
    assert "Only groups of 5 people or more are shown" in text
    assert "Not shown, too few people so far: Business" in text
    # residents, and "everyone" built from the groups shown only (Business stays hidden)
    assert text.count('class="chart radar"') == 2
    assert "Everyone in the groups shown" in text and "everyone together" not in text.lower()


@pytest.mark.parametrize("crowd", [5, 40])
def test_results_page_queries_do_not_grow_with_respondents(
    assessment, organiser, crowd, django_assert_max_num_queries
):
    _crowd(assessment, "residents", crowd, [1, 2, 3, 4])
    services.new_round(assessment)
    _crowd(assessment, "residents", crowd, [2, 2, 2, 2])
    client = _client(organiser)
    url = reverse("assessments:results", args=[assessment.pk])
    client.get(url)
    with django_assert_max_num_queries(15):
        assert client.get(url).status_code == 200


def test_a_ten_thousand_character_note_is_refused_on_the_page(assessment, member):
    url = reverse("assessments:answer", args=[assessment.pk])
    data = {"sector": "research", "score-equality": "2", "note-equality": "n" * 10_000}
    page = _client(member).post(url, data)
    assert page.status_code == 400
    assert "at most 2000 characters" in page.content.decode().replace(",", "")
    assert Response.objects.count() == 0
    data["evidence-equality"] = "javascript:alert(1)"
    data["note-equality"] = "fine"
    assert _client(member).post(url, data).status_code == 400
    assert Response.objects.count() == 0
