"""The import's fast paths through search/text.py give what the general paths give: ASCII
words split by translation, stems from the cache, positions of the tsvector literal."""

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from coproduce.library.search import text

ASCII = st.text(alphabet=st.characters(max_codepoint=127), max_size=300)
ANY = st.text(max_size=200)


def general_words(value: str) -> list[str]:
    """words() without its ASCII shortcut: every word found, folded and cut one by one."""
    found = []
    for raw in text.WORD.findall(value):
        found.extend(part[: text.WORD_MAX] for part in text.WORD.findall(text.fold(raw)))
    return found


@settings(max_examples=300)
@given(ASCII)
def test_ascii_words_are_the_words_the_general_path_finds(value):
    assert text.words(value) == general_words(value)


def test_ascii_words_are_cut_like_any_other():
    assert text.words("A" * 70 + " b") == ["a" * text.WORD_MAX, "b"]


@settings(max_examples=200)
@given(st.lists(ANY, max_size=4), st.sampled_from(["en", "es"]))
def test_cached_stems_are_the_stemmer_s_own(values, language):
    found = [word for value in values for word in text.words(value)]
    stemmer = text._stemming(language)[0]
    assert text.stem(found, language) == stemmer.stemWords(found)
    assert text.stem(iter(found), language) == stemmer.stemWords(found)  # any iterable


def test_the_stem_cache_stays_bounded(monkeypatch):
    monkeypatch.setattr(text, "STEM_CACHE_MAX", 10)
    words = [f"walking{n}" for n in range(25)]
    assert text.stem(words, "en") == [f"walking{n}" for n in range(25)]
    assert text.stem(["walking", "runs"], "en") == ["walk", "run"]
    assert len(text._stemming("en")[1]) <= 25


@settings(max_examples=200)
@given(ANY)
def test_index_words_never_hold_a_quote_or_a_backslash(value):
    """tsvector_literals quotes words without escaping them: they are letters and digits."""
    for word in text.words(value):
        assert "'" not in word and "\\" not in word and word


def positions_of(literal: str) -> dict[str, list[str]]:
    """The literal's words and positions as PostgreSQL's tsvector input keeps them: a word's
    positions gathered, in order, the first 256."""
    found: dict[str, list[str]] = {}
    for item in literal.split():
        token, _, spot = item.partition(":")
        spots = found.setdefault(token.strip("'"), [])
        if spot:
            spots.extend(spot.split(","))
    return {
        token: sorted(spots, key=lambda spot: int(spot[:-1]))[: text.POSITIONS_PER_WORD]
        for token, spots in found.items()
    }


def test_tsvector_positions_number_every_word_and_skip_one_between_fields():
    literal = text.tsvector_literals(["a b a", "c", "a"], "en").document
    assert positions_of(literal) == {"a": ["1A", "3A", "7C"], "b": ["2A"], "c": ["5B"]}


def test_a_word_only_past_the_last_position_is_kept_without_positions():
    many = " ".join(["x"] * text.POSITION_MAX)
    literal = text.tsvector_literals([many, "late late", "again"], "en").document
    positions = positions_of(literal)
    assert len(positions["x"]) == text.POSITIONS_PER_WORD
    assert positions["late"] == positions["again"] == []
    assert literal.count("'late'") == 1  # once in its field, however often it comes back
    assert re.fullmatch(r"('x':[0-9]+A )+'late' 'again'", literal)


@settings(max_examples=200)
@given(st.lists(st.text(max_size=60), min_size=1, max_size=3))
def test_every_word_is_placed_where_it_stands(fields):
    """The literal's positions are the words' places, fields apart by one, as
    `text.index_text` reads the same fields."""
    positions = positions_of(text.tsvector_literals(fields, "en").document)
    expected: dict[str, list[str]] = {}
    place = 0
    for weight, field in zip("ABC", fields, strict=False):
        for token in text.index_text(field, "en").split():
            place += 1
            expected.setdefault(token, []).append(f"{place}{weight}")
        place += 1
    assert positions == expected


def longest_body() -> tuple[list[str], list[str]]:
    """A body too long for PostgreSQL to read word by word: every position taken by 100 words
    of 60 letters, then 1,200 more such words, each once."""
    often = [f"w{number:059d}" for number in range(100)]
    once = [f"u{number:059d}" for number in range(1200)]
    return often, [often[at % 100] for at in range(text.POSITION_MAX)] + once


def test_a_text_too_long_to_write_word_by_word_writes_each_word_once():
    often, body = longest_body()
    literal = text.tsvector_literals(["The longest", "", " ".join(body)], "en").document
    # Word by word, its words alone would be over PostgreSQL's 1 MB.
    assert sum(len(word) for word in body[: text.POSITION_MAX - 4]) + 1200 * 60 > (1 << 20)
    assert len(literal) <= text.LITERAL_MAX
    assert literal.count(f"'{often[0]}'") == 1
    positions = positions_of(literal)
    assert positions["the"] == ["1A"]
    assert positions[often[0]] == [f"{at}C" for at in range(5, text.POSITION_MAX + 1, 100)]
    assert positions[body[-1]] == []  # past the last position: kept, unplaced
    assert len(positions) == 2 + 100 + 1200
