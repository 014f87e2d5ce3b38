"""The readable difference between two versions of an entry (pure: no database)."""

from coproduce.library.diffs import ADDED, REMOVED, SAME, diff, text_parts

LABELS = {"title": "Title", "body": "Text", "issues": "Issues", "start_year": "From"}


def test_words_added_and_removed():
    parts = text_parts("The quick brown fox.", "The quick red fox.")
    assert [(p.op, p.text) for p in parts] == [
        (SAME, "The quick "),
        (REMOVED, "brown"),
        (ADDED, "red"),
        (SAME, " fox."),
    ]


def test_only_changed_fields_in_the_given_order_with_counts():
    old = {"title": "A plan", "body": "one two three", "issues": ["a", "b"], "start_year": 2010}
    new = {"title": "A plan", "body": "one four three five", "issues": ["b", "c"]}
    changes = diff(old, new, LABELS)
    assert [c.name for c in changes] == ["body", "issues", "start_year"]
    body, issues, year = changes
    assert (body.words_added, body.words_removed) == (2, 1)
    assert issues.is_list and [(p.op, p.text) for p in issues.parts] == [
        (REMOVED, "a"),
        (ADDED, "c"),
        (SAME, "b"),
    ]
    assert [(p.op, p.text) for p in year.parts] == [(REMOVED, "2010")]


def test_empty_values_are_the_same_and_links_read_as_text():
    assert diff({"title": ""}, {"title": None}, LABELS) == []
    old = {"links": [{"url": "https://a.org", "label": "A"}]}
    new = {"links": [{"url": "https://b.org", "label": ""}]}
    (change,) = diff(old, new, {"links": "Sources"})
    assert [(p.op, p.text) for p in change.parts] == [
        (REMOVED, "A (https://a.org)"),
        (ADDED, "https://b.org"),
    ]


def test_long_unchanged_text_is_shortened_around_the_change():
    words = " ".join(f"w{n}" for n in range(200))
    parts = text_parts(f"{words} end. {words}", f"{words} finish. {words}")
    same = [p.text for p in parts if p.op == SAME]
    assert same[0].startswith("…") and same[-1].endswith("…")
    assert all(len(text.split()) < 30 for text in same)


def test_a_huge_body_is_compared_quickly_by_paragraphs():
    paragraph = "Residents met at tables and wrote notes about their streets. " * 40
    old = "\n".join(f"{n} {paragraph}" for n in range(400))
    new = old.replace("199 Residents", "199 Neighbours")
    parts = text_parts(old, new)
    assert [p.text for p in parts if p.op == REMOVED] == ["Residents"]
    assert [p.text for p in parts if p.op == ADDED] == ["Neighbours"]
