"""The affinity board: honest suggestions (confidence, names, falling back to the questions)
and the board's changes (move, new theme, rename, merge, reorder) through the page."""

import csv
from pathlib import Path

import pytest
from django.urls import reverse

from coproduce.reports import services
from coproduce.reports import themes as th
from coproduce.reports.models import WorkshopReport
from coproduce.reports.themes import Note, confidence
from coproduce.reports.themes.phrases import PHRASE_CHARS, phrase
from coproduce.workshops import demo
from coproduce.workshops.models import Workshop

from .test_themes import planted

HARVESTS = Path(__file__).parents[2] / "bench" / "themes" / "harvests"
JARGON = ("silhouette", "TF-IDF", "k-means", "seed", "cluster", "n-gram")


def harvest(name: str) -> list[Note]:
    with (HARVESTS / f"{name}.csv").open(encoding="utf-8") as f:
        return [Note(r["id"], r["text"], r["question"]) for r in csv.DictReader(f)]


# --- suggestions, in the pure core ------------------------------------------------------------


@pytest.mark.parametrize(
    ("contrast", "level"),
    [
        (None, "none"),
        (0.9, "none"),
        (1.49, "none"),
        (1.5, "loose"),
        (1.99, "loose"),
        (2.0, "clear"),
    ],
)
def test_confidence_levels(contrast, level):
    assert confidence.level(contrast) == level


def test_notes_that_share_their_words_are_a_clear_suggestion_named_by_a_note():
    notes, _ = planted(120, 4)
    texts = {n.id: " ".join(n.text.split()) for n in notes}
    result = th.find_themes(notes)
    assert [g.confidence for g in result.groups] == ["clear"]
    for theme in result.themes:
        assert theme.confidence == "clear"
        assert len(theme.label) <= PHRASE_CHARS + 1
        assert texts[theme.note_ids[0]].startswith(theme.label.rstrip("…"))


def test_a_realistic_harvest_is_not_forced_into_themes():
    """Synonyms, no shared keywords: the notes start in one column per question, by name."""
    notes = harvest("neighbourhood-food-health")
    questions = sorted({n.question_id for n in notes})
    result = th.find_themes(
        notes, by_question=True, question_names={q: q.upper() for q in questions}
    )
    assert [t.label for t in result.themes] == [q.upper() for q in questions]
    assert {t.confidence for t in result.themes} == {"none"}
    assert sorted(n for t in result.themes for n in t.note_ids) == sorted(n.id for n in notes)
    # not split by question: the same fallback, one column per question
    whole = th.find_themes(notes, question_names={})
    assert sorted(t.label for t in whole.themes) == questions


def test_a_fixed_number_of_themes_is_kept_whatever_the_confidence():
    notes = harvest("young-people-transport")
    result = th.find_themes(notes, n_themes=5)
    assert len(result.themes) == 5


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Bus fares are too high.", "Bus fares are too high"),
        ("  lots\n of   space ", "lots of space"),
        (
            "Decisions are already made by the time we are in the room and nobody tells us why",
            "Decisions are already made by the time we are in the room…",
        ),
        ("x" * 80, "x" * PHRASE_CHARS + "…"),
    ],
)
def test_phrase_is_cut_at_a_word_boundary(text, expected):
    assert phrase(text) == expected


def test_a_theme_with_nothing_to_say_is_named_by_its_number():
    assert th.finding.label_for("!!", 3) == "Theme 3"


@pytest.fixture
def themes():
    return [
        th.Theme(1, "Money", (1, 2, 3), 1, confidence="clear"),
        th.Theme(2, "Time", (4, 5), 4, confidence="loose"),
        th.Theme(3, "Alone", (6,), 6),
    ]


def test_new_theme_takes_the_note_out_and_goes_last(themes):
    out = th.new_theme(themes, 2, "Pay")
    assert [t.label for t in out] == ["Money", "Time", "Alone", "Pay"]
    assert out[0].note_ids == (1, 3) and out[-1].note_ids == (2,) and out[-1].confidence is None


def test_new_theme_from_a_lone_note_renames_its_theme(themes):
    out = th.new_theme(themes, 6, "Company")
    assert [(t.id, t.label, t.note_ids) for t in out][-1] == (3, "Company", (6,))
    assert len(out) == 3


def test_renaming_makes_a_suggestion_the_facilitators_own(themes):
    out = th.rename(themes, 1, "Paying people")
    assert out[0].confidence is None and out[1].confidence == "loose"
    assert th.Theme.from_dict(out[1].as_dict()) == out[1]


def test_moving_and_merging_keep_the_suggestion(themes):
    out = th.merge(th.move_note(themes, 4, 1), 1, 2)
    assert out[0].confidence == "clear" and out[0].note_ids == (1, 2, 3, 4, 5)


# --- the board page ---------------------------------------------------------------------------


@pytest.fixture
def board(client, settings, db):
    """The demo workshop with suggested themes, and the organiser signed in."""
    settings.CAFE_SOLVER_SECONDS = 1.0
    demo.load_demo()
    workshop = Workshop.objects.get(slug=demo.WORKSHOP_SLUG)
    report = services.report_for(workshop)
    services.find_themes(report)
    client.login(email=demo.ORGANISER_EMAIL, password=demo.ORGANISER_PASSWORD)
    return workshop, reverse("reports:themes", args=[workshop.slug])


def _state(workshop):
    report = WorkshopReport.objects.get(workshop=workshop)
    from coproduce.reports.theme_views import revision_of

    return report, revision_of(report)


def _post(client, url, workshop, **data):
    report, revision = _state(workshop)
    key = data.pop("question", None) or next(iter(report.themes["questions"]))
    return client.post(url, {"question": key, "revision": revision, **data}, follow=True)


def test_the_board_speaks_plainly(client, board):
    workshop, url = board
    page = client.get(url).content.decode()
    assert "How suggestions are made" in page and 'class="note-card"' in page
    for word in JARGON:
        assert word not in page, word
    report, _ = _state(workshop)
    questions = {
        str(q.pk): q.text for item in workshop.agenda_items.all() for q in item.questions.all()
    }
    for key, found in report.themes["questions"].items():
        if found[0]["confidence"] == "none":  # no clear grouping: the question names the column
            assert found[0]["label"] == questions[key] and len(found) == 1
            assert "did not fall into clear groups" in page
        else:
            assert "Suggested:" in page


def test_a_card_moves_to_a_new_theme_and_back(client, board):
    workshop, url = board
    report, _ = _state(workshop)
    key, found = next(iter(report.themes["questions"].items()))
    note = found[0]["note_ids"][-1]
    answer = _post(client, url, workshop, question=key, edit="move_card", note=note, to="new")
    assert "Made a new theme with the note" in answer.content.decode()
    report, _ = _state(workshop)
    made = report.themes["questions"][key][-1]
    assert made["note_ids"] == [note] and made["confidence"] is None
    _post(client, url, workshop, question=key, edit="rename", theme=made["id"], label="Pay")
    first = report.themes["questions"][key][0]["id"]
    answer = _post(client, url, workshop, question=key, edit="move_card", note=note, to=first)
    assert "Moved to" in answer.content.decode()
    report, _ = _state(workshop)
    assert note in report.themes["questions"][key][0]["note_ids"]
    assert report.themes["edited"]


def test_themes_are_renamed_merged_and_reordered(client, board):
    workshop, url = board
    report, _ = _state(workshop)
    key, found = next(iter(report.themes["questions"].items()))
    notes = found[0]["note_ids"]
    _post(client, url, workshop, question=key, edit="move_card", note=notes[0], to="new")
    _post(client, url, workshop, question=key, edit="move_card", note=notes[1], to="new")
    report, _ = _state(workshop)
    ids = [t["id"] for t in report.themes["questions"][key]]
    _post(client, url, workshop, question=key, edit="rename", theme=ids[-1], label="Who decides")
    _post(client, url, workshop, question=key, edit="move_up", theme=ids[-1])
    report, _ = _state(workshop)
    now = report.themes["questions"][key]
    assert [t["id"] for t in now] == [*ids[:-2], ids[-1], ids[-2]]
    assert now[-2]["label"] == "Who decides"
    total = sum(len(t["note_ids"]) for t in now)
    _post(client, url, workshop, question=key, edit="merge", theme=ids[-2], into=ids[-1])
    report, _ = _state(workshop)
    after = report.themes["questions"][key]
    assert ids[-2] not in [t["id"] for t in after]
    assert sum(len(t["note_ids"]) for t in after) == total


def test_a_change_on_a_board_someone_else_changed_is_refused(client, board):
    workshop, url = board
    report, stale = _state(workshop)
    key, found = next(iter(report.themes["questions"].items()))
    note = found[0]["note_ids"][0]
    _post(client, url, workshop, question=key, edit="move_card", note=note, to="new")
    before, _ = _state(workshop)
    answer = client.post(
        url,
        {
            "question": key,
            "revision": stale,
            "edit": "rename",
            "theme": found[0]["id"],
            "label": "X",
        },
        follow=True,
    )
    assert "Someone else changed these themes a moment ago" in answer.content.decode()
    after, _ = _state(workshop)
    assert after.themes == before.themes


def test_an_impossible_change_is_answered_without_ids(client, board):
    workshop, url = board
    answer = _post(client, url, workshop, edit="move_card", note=987654, to="new")
    page = answer.content.decode()
    assert "That change could not be made" in page and "987654" not in page


def test_the_saved_themes_are_worded_again_in_the_language_of_the_moment():
    from django.utils import translation

    from coproduce.reports.theme_method import describe_stored

    saved = {
        "questions": {
            "1": [{"note_ids": [1, 2, 3], "confidence": "none"}],
            "2": [{"note_ids": [4, 5], "confidence": "clear"}, {"note_ids": [6]}],
        }
    }
    with translation.override("en"):
        text = describe_stored(saved)
    assert "from 6 notes" in text
    assert "one theme per question" in text and "kept as suggested" in text


@pytest.mark.parametrize(
    ("real", "shuffled", "level"),
    [
        (0.02, [0.0, 0.0, 0.0], "none"),  # shuffled notes do not split: a weak score stays weak
        (0.02, [-0.01, 0.0, 0.005], "none"),
        (0.4, [0.0, 0.0, 0.0], "clear"),  # plainly good on its own
        (0.06, [0.02, 0.03, 0.025], "clear"),
        (0.03, [0.02, 0.03, 0.025], "none"),
    ],
)
def test_a_grouping_is_clear_only_against_what_shuffled_notes_give(real, shuffled, level):
    assert confidence.level(confidence.ratio(real, shuffled)) == level


def test_a_question_the_facilitators_sorted_is_said_to_be_sorted_by_them():
    from django.utils import translation

    from coproduce.reports.theme_method import describe_stored

    sorted_by_hand = {
        "questions": {"1": [{"note_ids": [1, 2], "confidence": None}, {"note_ids": [3]}]},
        "blank_notes": 1000,
    }
    with translation.override("en"):
        text = describe_stored(sorted_by_hand)
    assert "sorted the notes into themes themselves" in text
    assert "kept as suggested" not in text and "left together" not in text
    assert "1,000 blank notes" in text
    with translation.override("es"):
        spanish = describe_stored(sorted_by_hand)
    assert "1,000" not in spanish and "1\xa0000" in spanish  # Spanish groups thousands its way
