"""Tests for coproduce.reports.themes (finding and editing) and the words for how themes were
found (coproduce.reports.theme_method): plain pytest, no database, no Django."""

from __future__ import annotations

import os
import random
import subprocess
import sys
from collections import Counter

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sklearn.metrics import adjusted_rand_score

from coproduce.reports import themes as th
from coproduce.reports.theme_method import describe_method, method_of
from coproduce.reports.themes import Note, Theme, ThemeError

VOCABS = {
    "mobility": "bus tram bike lanes traffic cycling metro pedestrians parking commute "
    "streets buses trains sidewalks",
    "housing": "rent housing tenants landlords eviction affordable apartments homes "
    "cooperative mortgage vacancy flats",
    "green": "trees parks gardens biodiversity shade climate heat greenery allotments "
    "compost rivers wetlands",
    "policy": "strategy action plan council policy budget legislation municipal roadmap "
    "governance framework ordinance",
}
FILLER_TEXT = "we the city people need more should our and to of in neighbours together"
FILLER = FILLER_TEXT.split()


def planted(n: int, n_topics: int = 4, seed: int = 1) -> tuple[list[Note], list[int]]:
    """Notes each drawn from one of n_topics vocabularies plus shared filler words."""
    rng = random.Random(seed)
    vocabs = [v.split() for v in list(VOCABS.values())[:n_topics]]
    notes, truth = [], []
    for i in range(n):
        topic = i % n_topics
        words = rng.sample(vocabs[topic], rng.randint(3, 6)) + rng.sample(FILLER, 4)
        rng.shuffle(words)
        notes.append(Note(f"n{i}", " ".join(words).capitalize() + "."))
        truth.append(topic)
    return notes, truth


def assignment(themes: list[Theme]) -> dict[object, int]:
    return {note_id: k for k, theme in enumerate(themes) for note_id in theme.note_ids}


def all_note_ids(themes: list[Theme]) -> list[object]:
    return [note_id for theme in themes for note_id in theme.note_ids]


# --- finding themes ----------------------------------------------------------------------------


@pytest.mark.parametrize(("n", "topics"), [(24, 3), (120, 4), (400, 4)])
def test_planted_themes_are_recovered(n, topics):
    notes, truth = planted(n, topics)
    result = th.find_themes(notes)
    where = assignment(result.themes)
    assert adjusted_rand_score(truth, [where[note.id] for note in notes]) >= 0.9
    assert len(result.themes) == topics


def test_labels_contain_the_distinctive_terms_of_their_topic():
    notes, truth = planted(120, 4)
    topic_of = {note.id: t for note, t in zip(notes, truth, strict=True)}
    vocabs = [set(v.split()) for v in VOCABS.values()]
    for theme in th.find_themes(notes).themes:
        topic = Counter(topic_of[n] for n in theme.note_ids).most_common(1)[0][0]
        assert theme.terms, theme
        assert set(theme.terms) <= vocabs[topic], theme.terms
        central = next(n.text for n in notes if n.id == theme.note_ids[0])
        assert theme.label.rstrip("…") in " ".join(central.split())  # a phrase of its note
        assert not set(theme.terms) & set(FILLER)


def test_example_is_the_most_central_note_of_its_theme():
    notes, _ = planted(60, 3)
    for theme in th.find_themes(notes).themes:
        assert theme.example_id == theme.note_ids[0]
        assert theme.size == len(theme.note_ids)


def test_example_is_the_note_nearest_the_centre():
    notes = [
        Note(1, "safe bike lanes and bike parking"),
        Note(2, "bike lanes and bike parking everywhere"),
        Note(3, "more bike parking and safe bike lanes"),
        Note(4, "rent caps, and bike lanes"),
    ]
    (theme,) = th.find_themes(notes, n_themes=1).themes
    assert theme.example_id in (1, 3)
    assert theme.note_ids[-1] == 4  # the note that is half about something else comes last


def test_same_input_and_seed_give_the_same_themes():
    notes, _ = planted(150, 4)
    first, second = th.find_themes(notes, seed=3), th.find_themes(notes, seed=3)
    assert first == second


def test_same_themes_in_another_process():
    # string hashing is randomised per process; nothing may depend on set or dict order
    code = (
        "import importlib.util as u, json, sys; "
        f"s = u.spec_from_file_location('t', {__file__!r}); m = u.module_from_spec(s); "
        "s.loader.exec_module(m); "
        "r = m.th.find_themes(m.planted(90, 3)[0]); "
        "print(json.dumps([t.as_dict() for t in r.themes]))"
    )
    outputs = {
        subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "PYTHONHASHSEED": str(hash_seed)},
        ).stdout
        for hash_seed in (1, 2)
    }
    assert len(outputs) == 1
    assert outputs.pop().startswith('[{"id": 1')


def test_input_order_does_not_matter():
    notes, _ = planted(150, 4)
    shuffled = notes[:]
    random.Random(7).shuffle(shuffled)
    assert th.find_themes(shuffled, seed=5) == th.find_themes(notes, seed=5)


def test_largest_theme_comes_first_and_ids_follow_the_order():
    notes, _ = planted(90, 3)
    # a few extra notes of a fourth, smaller topic
    notes += [Note(f"x{n.id}", n.text) for n in planted(40, 4)[0][3::4]]
    result = th.find_themes(notes)
    sizes = [t.size for t in result.themes]
    assert sizes == sorted(sizes, reverse=True)
    assert [t.id for t in result.themes] == list(range(1, len(result.themes) + 1))


def test_no_notes_give_no_themes():
    result = th.find_themes([])
    assert result.themes == [] and result.ignored_ids == []
    assert "no notes" in method_of(result)


@pytest.mark.parametrize("n", [1, 2, 3])
def test_one_to_three_notes_form_one_theme(n):
    notes = [Note(i, text) for i, text in enumerate(["bike lanes", "rent caps", "more trees"][:n])]
    result = th.find_themes(notes)
    assert len(result.themes) == 1
    assert sorted(result.themes[0].note_ids) == list(range(n))
    assert "one theme" in method_of(result)


def test_identical_notes_form_one_theme():
    notes = [Note(i, "We need more trees in the city.") for i in range(12)]
    result = th.find_themes(notes)
    assert len(result.themes) == 1 and result.themes[0].size == 12
    assert result.themes[0].note_ids == tuple(range(12))  # ties broken by id


def test_mostly_identical_notes_do_not_break_kmeans():
    notes = [Note(i, "More trees.") for i in range(20)] + [Note(99, "Cheaper bus tickets.")]
    result = th.find_themes(notes)
    assert sorted(all_note_ids(result.themes)) == [*range(20), 99]


def test_blank_notes_are_ignored_and_reported():
    notes, _ = planted(30, 3)
    notes += [Note("b1", ""), Note("b2", "   \n\t"), Note("b3", "?!…"), Note(0, "--")]
    result = th.find_themes(notes)
    assert result.ignored_ids == [0, "b1", "b2", "b3"]
    assert "b1" not in all_note_ids(result.themes)
    assert "4 blank notes" in method_of(result)


def test_only_blank_notes():
    result = th.find_themes([Note(1, " "), Note(2, "")])
    assert result.themes == [] and result.ignored_ids == [1, 2]


def test_notes_with_only_stop_words_still_get_a_theme():
    notes = [Note(1, "the and of"), Note(2, "we are the ones"), Note(3, "it is what it is")]
    (theme,) = th.find_themes(notes).themes
    assert sorted(theme.note_ids) == [1, 2, 3]
    assert theme.label  # falls back to "Theme 1" when no term is left


def test_number_of_themes_can_be_set():
    notes, _ = planted(80, 4)
    result = th.find_themes(notes, n_themes=2)
    assert len(result.themes) == 2
    assert "set by the facilitator" in method_of(result)


def test_number_of_themes_is_capped_by_distinct_notes():
    notes = [Note(i, "trees" if i % 2 else "buses") for i in range(10)]
    assert len(th.find_themes(notes, n_themes=5).themes) == 2


def test_themes_by_question():
    policy, _ = planted(40, 2)
    tools, _ = planted(40, 2, seed=2)
    notes = [Note(n.id, n.text, "policy") for n in policy]
    notes += [Note(f"t{n.id}", n.text, "tools") for n in tools]
    result = th.find_themes(notes, by_question=True)
    assert {t.question_id for t in result.themes} == {"policy", "tools"}
    assert [g.question_id for g in result.groups] == ["policy", "tools"]
    for theme in result.themes:
        questions = {("tools" if str(n).startswith("t") else "policy") for n in theme.note_ids}
        assert questions == {theme.question_id}
    assert len({t.id for t in result.themes}) == len(result.themes)
    assert "one theme per question" not in method_of(result)  # both questions grouped clearly


def test_method_says_how_the_themes_were_found_in_plain_words():
    notes, _ = planted(120, 4)
    result = th.find_themes(notes, seed=11)
    text = method_of(result)
    assert "120 notes" in text and "clear" in text
    for jargon in ("k-means", "TF-IDF", "silhouette", "seed", "dimensions"):
        assert jargon not in text
    (group,) = result.groups
    assert group.chosen_by == "silhouette" and group.k == 4 and group.k_range == (2, 8)
    assert group.confidence == "clear"


def test_notes_can_be_tuples_or_dicts():
    result = th.find_themes([(1, "bike lanes"), {"id": 2, "text": "bike parking"}])
    assert sorted(result.themes[0].note_ids) == [1, 2]


# --- non-Latin and mixed-language notes -------------------------------------------------------

CHINESE = {
    "transport": [
        "公共交通需要更多公交车",
        "地铁和公交车的票价太贵",
        "自行车道和公共交通",
        "公交车站离家太远",
    ],
    "green": [
        "城市需要更多绿地和公园",
        "公园里应该种更多树木",
        "绿地和树木让城市凉爽",
        "社区公园和花园",
    ],
}


def test_chinese_notes_are_grouped_and_labelled():
    notes, truth = [], []
    for topic, (_, texts) in enumerate(CHINESE.items()):
        for i, text in enumerate(texts * 2):
            notes.append(Note(f"{topic}-{i}", text + ("。" if i >= len(texts) else "")))
            truth.append(topic)
    result = th.find_themes(notes)
    where = assignment(result.themes)
    assert adjusted_rand_score(truth, [where[n.id] for n in notes]) >= 0.9
    labels = " ".join(t.label for t in result.themes)
    assert "公交" in labels and ("公园" in labels or "绿地" in labels)


def test_greek_spanish_and_catalan_notes():
    notes = [
        Note(1, "Η πόλη χρειάζεται περισσότερα πάρκα και δέντρα"),
        Note(2, "Πάρκα και δέντρα σε κάθε γειτονιά"),
        Note(3, "Más carriles bici y transporte público"),
        Note(4, "Transporte público más barato y carriles bici"),
        Note(5, "Més carrils bici i transport públic"),
        Note(6, "Δέντρα και πάρκα για τα παιδιά"),
    ]
    result = th.find_themes(notes)
    where = assignment(result.themes)
    assert where[1] == where[2] == where[6]
    assert where[3] == where[4]
    greek = result.themes[where[1]]
    assert {"πάρκα", "δέντρα"} & set(greek.terms)


def test_words_tokeniser():
    assert th.words("Co-production of the city’s action plans") == [
        "coproduction",
        "city",
        "action",
        "plans",
    ]
    assert th.words("l'ajuntament de Barcelona") == ["ajuntament", "barcelona"]
    assert th.words("城市共同") == ["城市", "市共", "共同"]
    assert "action plans" in th.label_terms("Other cities have action plans")
    # Connectives say nothing about a theme; the demo harvest once had one as a label.
    assert th.words("Pay people first; otherwise, however, only professionals") == [
        "pay",
        "people",
        "professionals",
    ]


# --- properties --------------------------------------------------------------------------------

WORDS = ["bus", "tram", "rent", "homes", "trees", "parks", "the", "and", "公园", "πάρκα", "¿qué?"]
texts = st.one_of(
    st.lists(st.sampled_from(WORDS), max_size=6).map(" ".join),
    st.sampled_from(["", " ", "...", "\n"]),
    st.text(max_size=20),
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(texts, max_size=25), st.integers(0, 3))
def test_every_note_is_in_exactly_one_theme_or_ignored(note_texts, seed):
    notes = [Note(i, text) for i, text in enumerate(note_texts)]
    result = th.find_themes(notes, seed=seed)
    placed = all_note_ids(result.themes)
    assert len(placed) == len(set(placed))
    assert sorted(placed + result.ignored_ids) == list(range(len(notes)))
    assert set(result.ignored_ids) == {n.id for n in notes if th.is_blank(n.text)}
    th.validate(result.themes)
    assert len(result.themes) <= th.MAX_THEMES
    for theme in result.themes:
        assert theme.example_id in theme.note_ids


EDITS = st.lists(
    st.tuples(
        st.sampled_from(["rename", "merge", "split", "reorder", "move", "relabel"]),
        st.integers(0, 10**6),
    ),
    max_size=12,
)


def apply_edit(themes: list[Theme], op: str, r: int, notes: list[Note]) -> list[Theme]:
    rng = random.Random(r)
    ids = [t.id for t in themes]
    pick = rng.choice(ids)
    if op == "rename":
        return th.rename(themes, pick, f"Theme {r}")
    if op == "merge" and len(ids) > 1:
        return th.merge(themes, pick, rng.choice([i for i in ids if i != pick]))
    if op == "split":
        theme = themes[ids.index(pick)]
        if theme.size > 1:
            moving = rng.sample(theme.note_ids, rng.randint(1, theme.size - 1))
            return th.split(themes, pick, moving)
    if op == "reorder":
        rng.shuffle(ids)
        return th.reorder(themes, ids)
    if op == "move":
        note_id = rng.choice(all_note_ids(themes))
        return th.move_note(themes, note_id, pick)
    if op == "relabel":
        return th.relabel(themes, rng.choice([pick, None]), notes)
    return themes


@settings(max_examples=40, deadline=None)
@given(EDITS)
def test_edits_keep_every_note_in_exactly_one_theme(edits):
    notes, _ = planted(24, 3)
    themes = th.find_themes(notes).themes
    for op, r in edits:
        themes = apply_edit(themes, op, r, notes)
        th.validate(themes)
        assert sorted(all_note_ids(themes)) == sorted(n.id for n in notes)


# --- editing -----------------------------------------------------------------------------------


@pytest.fixture
def themes() -> list[Theme]:
    return [
        Theme(1, "bus, tram", ("a", "b", "c"), "a", ("bus", "tram")),
        Theme(2, "rent", ("d", "e"), "d", ("rent",)),
        Theme(3, "trees", ("f",), "f", ("trees",)),
    ]


def test_rename(themes):
    out = th.rename(themes, 2, "  Housing   and rent ")
    assert out[1].label == "Housing and rent" and out[1].terms == ("rent",)
    assert themes[1].label == "rent"  # the input is not changed


def test_merge_keeps_the_first_theme_in_place(themes):
    out = th.merge(themes, 2, 1)
    assert [t.id for t in out] == [2, 3]
    assert out[0].note_ids == ("d", "e", "a", "b", "c") and out[0].example_id == "d"
    assert out[0].label == "rent"


def test_merge_across_questions_drops_the_question(themes):
    themes[0] = Theme(1, "x", ("a", "b", "c"), "a", question_id="q1")
    assert th.merge(themes, 1, 3)[0].question_id is None


def test_split_puts_the_new_theme_after_the_old(themes):
    out = th.split(themes, 1, ["a", "c"], label="Trams")
    assert [t.id for t in out] == [1, 4, 2, 3]
    assert out[0].note_ids == ("b",) and out[0].example_id == "b"
    assert out[1].note_ids == ("a", "c") and out[1].example_id == "a"
    assert out[1].label == "Trams"
    assert th.split(themes, 1, ["b"])[1].label == "bus, tram (split)"


def test_reorder(themes):
    assert [t.id for t in th.reorder(themes, [3, 1, 2])] == [3, 1, 2]
    assert th.ordinal(th.reorder(themes, [3, 1, 2]), 2) == 3


def test_move_note(themes):
    out = th.move_note(themes, "a", 2)
    assert out[0].note_ids == ("b", "c") and out[0].example_id == "b"
    assert out[1].note_ids == ("d", "e", "a")
    assert th.move_note(themes, "a", 1) == themes


def test_moving_the_last_note_drops_the_theme(themes):
    out = th.move_note(themes, "f", 1)
    assert [t.id for t in out] == [1, 2]
    with pytest.raises(ThemeError, match="last note of theme 3"):
        th.move_note(themes, "f", 1, drop_empty=False)


def test_relabel_recomputes_terms_order_and_example():
    notes, _ = planted(60, 3)
    themes = th.find_themes(notes).themes
    assert th.relabel(themes, None, notes) == themes  # same notes -> same answer
    merged = th.merge(themes, themes[0].id, themes[1].id)
    renamed = th.rename(merged, themes[0].id, "Streets and homes")
    out = th.relabel(renamed, themes[0].id, notes)
    assert set(out[0].terms) != set(themes[0].terms)
    central = next(n.text for n in notes if n.id == out[0].note_ids[0])
    assert out[0].label.rstrip("…") in " ".join(central.split())
    assert out[0].example_id == out[0].note_ids[0]
    assert sorted(out[0].note_ids) == sorted(merged[0].note_ids)
    kept = th.relabel(renamed, themes[0].id, notes, keep_label=True)
    assert kept[0].label == "Streets and homes" and kept[0].terms == out[0].terms


def test_relabel_works_per_question():
    notes = [Note(n.id, n.text, "q1") for n in planted(30, 3)[0]]
    notes += [Note(f"b{n.id}", n.text, "q2") for n in planted(30, 3, seed=4)[0]]
    themes = th.find_themes(notes, by_question=True).themes
    assert th.relabel(themes, None, notes) == themes


def test_method_when_no_split_says_the_notes_stay_together():
    group = th.Grouping(None, 7, 7, 1, "no split", k_range=(2, 2))
    text = describe_method([group], seed=0)
    assert "one theme per question" in text


def test_theme_round_trips_through_a_dict(themes):
    for theme in themes:
        assert Theme.from_dict(theme.as_dict()) == theme


# --- bad input ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("notes", "message"),
    [
        ([Note(1, "a"), Note(1, "b")], "note id 1 appears more than once"),
        ([Note(1, None)], "text must be a string"),
        ([Note(None, "a")], "note id must be an int or a str"),
        ([Note(True, "a")], "note id must be an int or a str"),
        ([Note(1, "a", 2.5)], "question id must be an int or a str"),
        (["just text"], "a note must be"),
        ([(1,)], "a note must be"),
    ],
)
def test_bad_notes_are_rejected(notes, message):
    with pytest.raises(ThemeError, match=message):
        th.find_themes(notes)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"n_themes": 0}, "n_themes must be a positive integer"),
        ({"n_themes": True}, "n_themes must be a positive integer"),
        ({"n_themes": 2.0}, "n_themes must be a positive integer"),
        ({"seed": -1}, "seed must be an integer"),
        ({"seed": 2**32}, "seed must be an integer"),
        ({"seed": "0"}, "seed must be an integer"),
        ({"n_terms": 0}, "n_terms must be a positive integer"),
    ],
)
def test_bad_options_are_rejected(kwargs, message):
    with pytest.raises(ThemeError, match=message):
        th.find_themes([Note(1, "a")], **kwargs)


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda t: th.rename(t, 9, "x"), "no theme with id 9"),
        (lambda t: th.rename(t, 1, "  "), "label must be non-empty text"),
        (lambda t: th.rename(t, 1, None), "label must be non-empty text"),
        (lambda t: th.split(t, 1, ["a"], label=""), "label must be non-empty text"),
        (lambda t: th.merge(t, 1, 1), "cannot merge theme 1 with itself"),
        (lambda t: th.merge(t, 1, 9), "no theme with id 9"),
        (lambda t: th.split(t, 1, ["d"]), r"notes not in theme 1: \['d'\]"),
        (lambda t: th.split(t, 1, []), "notes on both sides"),
        (lambda t: th.split(t, 1, ["a", "b", "c"]), "notes on both sides"),
        (lambda t: th.split(t, 9, ["a"]), "no theme with id 9"),
        (lambda t: th.reorder(t, [1, 2]), r"leaves out theme\(s\) \[3\]"),
        (lambda t: th.reorder(t, [1, 2, 3, 3]), "more than once"),
        (lambda t: th.reorder(t, [1, 2, 9]), "no theme with id 9"),
        (lambda t: th.move_note(t, "zz", 1), "note 'zz' is not in any theme"),
        (lambda t: th.move_note(t, "a", 9), "no theme with id 9"),
        (lambda t: th.relabel(t, 1, [Note("a", "bus")]), "no text given for note"),
        (lambda t: th.relabel(t, 9, []), "no theme with id 9"),
    ],
)
def test_bad_edits_are_rejected(themes, edit, message):
    with pytest.raises(ThemeError, match=message):
        edit(themes)


@pytest.mark.parametrize(
    ("broken", "message"),
    [
        ([Theme(1, "x", ("a",), "a"), Theme(1, "y", ("b",), "b")], "theme id 1 appears"),
        ([Theme(1, "x", ("a",), "a"), Theme(2, "y", ("a",), "a")], "note 'a' is in both"),
        ([Theme(1, "x", (), "a")], "has no notes"),
        ([Theme(1, "x", ("a",), "b")], "example note 'b' is not in it"),
    ],
)
def test_edits_refuse_inconsistent_themes(broken, message):
    with pytest.raises(ThemeError, match=message):
        th.rename(broken, 1, "z")


# --- packaging ---------------------------------------------------------------------------------


def test_import_is_light_and_django_free():
    code = (
        "import sys; import coproduce.reports.themes; "
        "heavy = [m for m in ('sklearn', 'scipy', 'numpy', 'django') if m in sys.modules]; "
        "print(','.join(heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
