"""The words of the library's search (pure: no database): folding, stemming in English and
Spanish, the query parser, what it renders for FTS5 and PostgreSQL, and snippets."""

import re
import sqlite3

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from coproduce.library.search import text

# -- folding and words ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "folded"),
    [
        ("Café", "cafe"),
        ("Cafe\u0301", "cafe"),  # decomposed accent
        ("PARTICIPACIÓN", "participacion"),
        ("Straße", "strasse"),
        ("Ñuñoa", "nunoa"),
        ("Łódź", "łodz"),  # a stroke is a letter of its own, not an accent
    ],
)
def test_fold_removes_case_and_accents(raw, folded):
    assert text.fold(raw) == folded


def test_words_keep_numbers_and_split_on_punctuation():
    assert text.words("The World-Café, 2019: Covid_19 & ½ cafés!") == [
        "the",
        "world",
        "cafe",
        "2019",
        "covid",
        "19",
        "1",
        "2",
        "cafes",
    ]


def test_words_drop_emoji_and_controls():
    assert text.words("👍🏽 hello\x00world \u202eevil") == ["hello", "world", "evil"]


def test_very_long_words_are_cut():
    assert text.words("x" * 500) == ["x" * text.WORD_MAX]


def test_english_and_spanish_stems():
    assert text.index_text("Participating in participation", "en") == "particip in particip"
    assert text.index_text("Presupuestos participativos", "es") == "presupuest particip"
    # Other languages fall back to English; "es-MX" is Spanish.
    assert text.index_text("communities", "fr") == "communiti"
    assert text.index_text("Ciudades", "es-MX") == "ciudad"


# -- the parser -----------------------------------------------------------------------------


def term(*words, prefix=False, exclude=False):
    return text.Term(tuple(words), prefix=prefix, exclude=exclude)


def test_parser_reads_words_phrases_prefixes_and_exclusions():
    query = text.parse('world  "Café Bologna" particip* -jury -"town hall"')
    assert query.terms == (
        term("world"),
        term("cafe", "bologna"),
        term("particip", prefix=True),
        term("jury", exclude=True),
        term("town", "hall", exclude=True),
    )


def test_parser_reads_anything_else_as_words():
    assert text.parse('"unclosed phrase').terms == (term("unclosed", "phrase"),)
    assert text.parse("a AND b NEAR(c)").terms == (
        term("a"),
        term("and"),
        term("b"),
        term("near", "c"),
    )
    assert text.parse("covid-19").terms == (term("covid", "19"),)
    assert text.parse('* - "" \' ; -- 👍').terms == ()
    assert text.parse("x'; DROP TABLE library_entry; --").terms == (
        term("x"),
        term("drop"),
        term("table"),
        term("library", "entry"),
    )


def test_parser_caps_the_number_of_terms_and_repeats_count_once():
    query = text.parse(" ".join(f"word{n}" for n in range(100)) + " word0")
    assert len(query.terms) == text.TERMS_MAX
    assert text.parse("cafe cafe Café").terms == (term("cafe"),)


def test_only_exclusions_can_find_nothing():
    assert not text.parse("-jury")
    assert text.to_fts5("-jury") is None
    assert text.to_tsquery("-jury") is None


# -- rendering ------------------------------------------------------------------------------


def test_fts5_rendering_quotes_every_token_and_offers_both_stems():
    rendered = text.to_fts5('presupuestos "world café" particip* -jury')
    assert rendered == (
        '(("presupuesto" OR "presupuest") AND ("world cafe" OR "world caf") AND ("particip"*))'
        ' NOT ("juri" OR "jury")'
    )


def test_tsquery_rendering_quotes_every_lexeme_and_offers_both_stems():
    rendered = text.to_tsquery('presupuestos "world café" particip* -jury')
    assert rendered == (
        "(('presupuesto') | ('presupuest')) & (('world' <-> 'cafe') | ('world' <-> 'caf'))"
        " & (('particip':*)) & !(('juri') | ('jury'))"
    )


def test_a_prefix_also_matches_its_stems_as_whole_words():
    assert text.to_fts5("participation*") == '("participation"* OR "particip")'
    assert text.to_tsquery("running*") == "(('running':*) | ('run'))"
    # A stem the prefix already covers is not asked twice.
    assert text.to_fts5("particip*") == '("particip"*)'


def fts5_accepts(expression: str) -> bool:
    with sqlite3.connect(":memory:") as db:
        db.execute("CREATE VIRTUAL TABLE t USING fts5(a, b, c)")
        db.execute("INSERT INTO t VALUES ('world cafe', 'particip', 'x')")
        db.execute("SELECT rowid FROM t WHERE t MATCH ?", [expression]).fetchall()
    return True


_TS_TOKEN = re.compile(r"\s*(?:'(?:[^'\\]|''|\\.)*'(?::\*)?|<->|[()&|!])")


def tsquery_parses(expression: str) -> bool:
    """A small parser of the tsquery grammar the renderer uses (PostgreSQL itself checks it in
    test_search.py): operands are quoted lexemes, operators ! & | <->, and brackets."""
    tokens = _TS_TOKEN.findall(expression)
    assert "".join(tokens).replace(" ", "") == expression.replace(" ", "")
    tokens = [token.strip() for token in tokens]
    position = 0

    def operand():
        nonlocal position
        token = tokens[position]
        if token == "!":
            position += 1
            return operand()
        if token == "(":
            position += 1
            expression_()
            assert tokens[position] == ")"
            position += 1
            return None
        assert token.startswith("'")
        position += 1
        return None

    def expression_():
        nonlocal position
        operand()
        while position < len(tokens) and tokens[position] in ("&", "|", "<->"):
            position += 1
            operand()

    expression_()
    assert position == len(tokens)
    return True


HOSTILE = [
    '"',
    '""',
    '"a',
    "a\"b'c",
    "*",
    "**a",
    "a*b*",
    "-",
    "--",
    "-*",
    "NEAR",
    "NEAR(a b, 2)",
    "a AND OR NOT b",
    "title:cafe",
    "{title}: x",
    "^start",
    "a + b",
    "'); DROP TABLE library_search; --",
    "1' OR '1'='1",
    "\\'\\\\",
    "a:* & !b | <-> c",
    "x" * 10_000,
    "word " * 3000,
    "👩\u200d💻 🏴\U000e0067\U000e0062\U000e0065\U000e006e\U000e0067\U000e007f",
    "\x00\x07\x1b[2J",
    "\u202eevil",
    "½ ² ℌ ﬁ",
    "汉字 العربية",
]


@pytest.mark.parametrize("query", HOSTILE)
def test_hostile_input_renders_valid_queries(query):
    fts5, tsquery = text.to_fts5(query), text.to_tsquery(query)
    assert (fts5 is None) == (tsquery is None)
    if fts5 is not None:
        assert fts5_accepts(fts5)
        assert tsquery_parses(tsquery)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200))
def test_any_string_never_raises_and_renders_valid_queries(query):
    fts5, tsquery = text.to_fts5(query), text.to_tsquery(query)
    assert (fts5 is None) == (tsquery is None)
    if fts5 is not None:
        assert fts5_accepts(fts5)
        assert tsquery_parses(tsquery)
    text.snippet(query, query)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(['"', "*", "-", " ", "a", "é", "NOT", "(", "'", ":"])))
def test_operator_soup_never_raises(pieces):
    query = "".join(pieces)
    fts5 = text.to_fts5(query)
    if fts5 is not None:
        assert fts5_accepts(fts5)
        assert tsquery_parses(text.to_tsquery(query))


# -- the tsvector the PostgreSQL index stores -----------------------------------------------


def test_tsvector_literal_weighs_fields_and_keeps_them_apart():
    literal = text.tsvector_literals(["World Café", "a world", "cafés"], "en").document
    # Title words weigh A, description B, body C; a gap of one position between fields. Each
    # word is written at each of its positions; PostgreSQL gathers them (test_search.py).
    assert literal == "'world':1A 'cafe':2A 'a':4B 'world':5B 'cafe':7C"


def test_the_title_literal_and_the_lexemes_come_from_the_same_reading():
    literals = text.tsvector_literals(["World Café", "a world", "cafés"], "en")
    assert literals.title == "'world':1A 'cafe':2A"
    assert literals.lexemes == {"world", "cafe", "a"}
    assert text.tsvector_literals(["", "body"], "en").title == ""


def test_tsvector_literal_places_words_up_to_the_last_position():
    literal = text.tsvector_literals(["", "", "word " * 20_000], "en").document
    # Positions 3 to 16383; PostgreSQL keeps the first 256 of them.
    assert literal.count("'word':") == text.POSITION_MAX - 2
    assert literal.endswith(f"'word':{text.POSITION_MAX}C 'word'")


# -- snippets -------------------------------------------------------------------------------


def marked(parts):
    return [part for part, matched in parts if matched]


def test_snippet_marks_words_by_folded_stem():
    parts = text.snippet("Three cafés opened; the CAFE culture grew.", "café")
    assert marked(parts) == ["cafés", "CAFE"]
    assert "".join(part for part, _ in parts) == "Three cafés opened; the CAFE culture grew."


def test_snippet_picks_the_window_with_the_most_terms():
    filler = " ".join(f"filler{n}" for n in range(100))
    source = f"jury alone. {filler} budget and jury together. {filler}"
    parts = text.snippet(source, "budget jury", length=10)
    assert marked(parts) == ["budget", "jury"]
    assert parts[0][0].startswith("… ") and parts[-1][0].endswith(" …")


def test_snippet_marks_prefixes_and_phrase_words_but_not_excluded_words():
    parts = text.snippet("Participatory budgets, participation and a jury.", "particip* -jury")
    assert marked(parts) == ["Participatory", "participation"]
    parts = text.snippet("The world café method.", '"world cafe"')
    assert marked(parts) == ["world", "café"]


def test_snippet_without_a_match_shows_the_beginning():
    source = " ".join(f"w{n}" for n in range(100))
    parts = text.snippet(source, "nothing", length=5)
    assert parts == [("w0 w1 w2 w3 w4 …", False)]


def test_snippet_of_a_long_text_reads_from_near_its_first_match():
    before = " ".join(f"lead{n}" for n in range(2000))  # about 14,000 characters
    after = " ".join(f"tail{n}" for n in range(2000))
    source = f"{before} the citizens' jury met. {after}"
    parts = text.snippet(source, "jury", length=8)
    shown = "".join(part for part, _ in parts)
    assert marked(parts) == ["jury"]
    assert shown == "… the citizens' jury met. tail0 tail1 tail2 tail3 …"
    # A match far past what is read (a pasted book) gives the beginning, never an error.
    parts = text.snippet("w " * 20_000 + "jury", "jury", length=3)
    assert parts == [("w w w …", False)]


def test_snippet_passes_over_words_that_only_begin_like_the_query():
    opening = "Community groups could come together. " + "Other words follow here. " * 160
    parts = text.snippet(opening + "They formed a cooperative in the end.", "cooperative")
    assert marked(parts) == ["cooperative"]


# Letters that fold, combining accents, underscores, digits, separators that folding uncovers.
SNIPPET_PIECES = [
    "ca",
    "Café",
    "CAFE",
    "e\u0301",
    "\u0301",
    "_",
    "½",
    "jury",
    "ju",
    "Éco",
    "ÉCOS",
    "Ñu",
    "nu",
    "ées",
    "9",
    " ",
    "-",
    "—",
    "\n",
    "participa",
    "co",
]


@settings(max_examples=500, deadline=None)
@given(
    st.lists(st.sampled_from(SNIPPET_PIECES), max_size=30),
    st.sampled_from(["café", "caf*", "jury", '"world cafe"', "participation co*", "eco", "ñu"]),
)
@example([" ", "Éco", " "], "eco")  # only the accent says it may match
@example([" ", "\u0301", "CAFE"], "café")  # a word after an accent of no word
@example(["_", "jury"], "jury")
def test_only_words_that_may_match_are_looked_at_and_none_is_missed(pieces, query):
    # The snippet keys only the words its regular expression points at; keying every word
    # must give the same.
    source = "".join(pieces)
    matcher = text._Matcher(text.parse(query))
    spans = [found.span() for found in text.WORD.finditer(source)]
    every = matcher.keys([source[start:end] for start, end in spans])
    assert matcher.keys_in(source, spans) == every


# Inflected English and Spanish words whose stems change or add a last letter.
INFLECTED = [
    *("happy", "happiness", "happily", "hoping", "hope", "hopped", "hop", "agreed", "agree"),
    *("communities", "community", "participation", "participating", "participants", "cry"),
    *("cries", "running", "runs", "ciudades", "ciudad", "cooperativas", "cooperativa", "Café"),
    *("políticas", "política", "niños", "niñas", "estaciones", "skies", "sky", "news"),
]


@pytest.mark.parametrize("asked", INFLECTED)
def test_a_word_that_matches_by_its_stem_is_never_passed_over(asked):
    # A word is skipped unless it begins as a query token may (`_start`); stemming it and
    # comparing, with nothing skipped, must find the same words. The word asked for, and
    # each of its beginnings as a prefix.
    for query in [asked, *(text.fold(asked)[:cut] + "*" for cut in range(1, len(asked)))]:
        matcher = text._Matcher(text.parse(query))

        def unfiltered(raw, matcher=matcher):
            parts = list(text._folded_parts(raw))
            return matcher._key([*parts, *text.stem(parts, "en"), *text.stem(parts, "es")])

        expected = [unfiltered(raw) for raw in INFLECTED]
        assert matcher.keys(INFLECTED) == expected, query


def test_snippet_of_a_cut_text_never_shows_half_a_word():
    source = "jury " + "abcdefghij " * 1000
    parts = text.snippet(source, "jury", length=600)
    shown = "".join(part for part, _ in parts)
    assert shown.endswith("abcdefghij …")


def test_plain_drops_markdown_marks_and_link_targets():
    shown = text.plain("**Bold** [the site](https://example.org) `code` <b>x</b>")
    assert shown.split() == ["Bold", "the", "site", "code", "x"]


def test_distinctive_words_skip_common_words_and_prefer_the_title():
    found = text.distinctive(["The World Café of Bologna", "planning_development and the city"])
    assert found[:3] == ["bologna", "world", "cafe"]
    assert "the" not in found and "city" not in found and "planning" in found
