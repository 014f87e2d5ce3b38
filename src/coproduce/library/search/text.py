"""The words of the library's search, the same on SQLite and PostgreSQL (pure: no Django).

The index does not trust either database's word splitting: each entry's text is turned here
into a line of *processed* words (folded: lower case, accents removed; then stemmed in the
entry's language), and that is what SQLite's FTS5 table and PostgreSQL's tsvector hold. A query
is processed the same way, each word standing for its English OR its Spanish stem, so both
databases compare the same tokens and find the same entries.

Query syntax, for people rather than for databases:

    world cafe          every word must be there (in any field)
    "world cafe"        the words next to each other, in this order
    particip*           words starting with "particip"
    -jury               entries without "jury"

Anything else is read as words; quotes that do not close, operators, SQL, emoji and control
characters become plain words or nothing. The renderers quote every token, so neither FTS5's
nor PostgreSQL's query syntax ever sees a character that a person typed as an operator.
"""

from __future__ import annotations

import bisect
import functools
import html
import itertools
import re
import threading
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import Stemmer

# A word: letters and digits, with the combining accents that may follow them (a decomposed
# "Café" stays one word). Underscores, punctuation, symbols and emoji separate words.
_MARKS = "\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f"
WORD = re.compile(rf"[^\W_][^\W_{_MARKS}]*(?:[{_MARKS}]+[^\W_]*)*")
# Longer "words" are pasted links or noise; cutting them keeps PostgreSQL's lexeme limit far.
WORD_MAX = 60

# Enough for any question a person asks; more is a paste or an attack, cut rather than refused.
QUERY_CHARS_MAX = 1000
TERMS_MAX = 12
PHRASE_WORDS_MAX = 8

LANGUAGES = {"en": "english", "es": "spanish"}
DEFAULT_LANGUAGE = "en"

_local = threading.local()  # PyStemmer's stemmers are not safe to share between threads
# Stems already worked out, per language: an import stems millions of words from a vocabulary
# of tens of thousands, and a dictionary look-up costs a fifth of a call into the stemmer.
# Cleared when full, so a stream of new words (an attack, a huge corpus) cannot grow it.
STEM_CACHE_MAX = 200_000


def _stemming(language: str) -> tuple[Stemmer.Stemmer, dict[str, str]]:
    """The thread's stemmer of the language and its cache of stems."""
    stemmers = getattr(_local, "stemmers", None)
    if stemmers is None:
        stemmers = _local.stemmers = {}
    name = LANGUAGES.get(language, LANGUAGES[DEFAULT_LANGUAGE])
    if name not in stemmers:
        stemmers[name] = (Stemmer.Stemmer(name), {})
    return stemmers[name]


def index_language(language: str | None) -> str:
    """The stemmer an entry's text is indexed with: Spanish for Spanish entries, else English."""
    code = (language or "").strip().lower()[:2]
    return code if code in LANGUAGES else DEFAULT_LANGUAGE


# -- words ----------------------------------------------------------------------------------


def fold(text: str) -> str:
    """Lower case without accents: "Café" -> "cafe", "STRASSE" and "Straße" -> "strasse"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


# ASCII text's words are its runs of letters and digits (WORD finds just those in it): one
# translation of its bytes to lower case with every other character a space, then a split,
# finds them at a fifth of the regular expression's cost.
_ASCII_WORDS = bytes(
    ord(chr(code).lower()) if code < 128 and chr(code).isalnum() else ord(" ")
    for code in range(256)
)


def words(text: str) -> list[str]:
    """The folded words of a text, in order (numbers kept)."""
    if text.isascii():  # most text, and its folding is lower case (an import's hot path)
        found = text.encode("ascii").translate(_ASCII_WORDS).decode("ascii").split()
        if found and max(map(len, found)) > WORD_MAX:
            return [word[:WORD_MAX] for word in found]
        return found
    found = []
    for raw in WORD.findall(text):
        found.extend(_folded_parts(raw))
    return found


@functools.lru_cache(maxsize=100_000)  # words recur: fold each once, not at every use
def _folded_parts(raw: str) -> tuple[str, ...]:
    if raw.isascii():  # the common case, and its folding is lower case
        return (raw.lower()[:WORD_MAX],)
    # Folding can uncover separators ("½" -> "1⁄2"), so the folded word is split again.
    return tuple(part[:WORD_MAX] for part in WORD.findall(fold(raw)))


def stem(folded: Iterable[str], language: str) -> list[str]:
    stemmer, known = _stemming(index_language(language))
    folded = folded if isinstance(folded, list) else list(folded)
    try:
        return list(map(known.__getitem__, folded))
    except KeyError:  # some words not stemmed yet: stem those (PyStemmer loops in C)
        missing = set(folded).difference(known)
        if len(known) + len(missing) > STEM_CACHE_MAX:
            known.clear()
            missing = set(folded)
        missing = list(missing)
        known.update(zip(missing, stemmer.stemWords(missing), strict=True))
        return list(map(known.__getitem__, folded))


def index_text(text: str, language: str) -> str:
    """One field of an entry as the index holds it: its stemmed words joined by spaces."""
    return " ".join(stem(words(text), language))


# PostgreSQL keeps 256 positions per word (the first) and none past 16383.
POSITION_MAX = 16383
POSITIONS_PER_WORD = 256


@dataclass(frozen=True)
class Literals:
    document: str  # every field, weighted
    title: str  # the first field's part of it
    lexemes: frozenset[str]  # the entry's processed words


def tsvector_literals(fields: list[str], language: str) -> Literals:
    """The fields (title, description, body) as PostgreSQL tsvector literals: all of them,
    weighted A, B, C, D in that order, with a gap between fields so a phrase never spans two
    of them (as in FTS5, where a phrase matches within one column); the title's alone; and
    the words they hold, in one reading.

    Every word is written where it stands, once per position ("'a':1A 'b':2A 'a':3A"):
    PostgreSQL's tsvector input gathers a word's positions, sorts them and keeps the first
    256, as it would keep them from "'a':1A,3A 'b':2A". Writing them so is two list copies
    and a join in C, where grouping them in Python first cost an import a tenth of its time.
    Only a text too long to be written so (LITERAL_MAX) is grouped here."""
    chunks: list[str] = []
    read: list[tuple[str, list[str], int]] = []  # each field's weight, words and first place
    title = None
    lexemes: set[str] = set()
    last = 0  # the position of the last word so far
    for weight, text in zip("ABCD", fields, strict=False):
        tokens = stem(words(text), language)
        read.append((weight, tokens, last + 1))
        placed = tokens[: max(0, POSITION_MAX - last)]
        if placed:
            chunks.append(_placed(placed, weight, last + 1))
        if len(tokens) > len(placed):  # words only past POSITION_MAX: kept, unplaced
            chunks.append(" ".join(f"'{token}'" for token in set(tokens[len(placed) :])))
        lexemes.update(tokens)
        if title is None:
            title = " ".join(chunks)
        last += len(tokens) + 1
    document = " ".join(chunks)
    # Bytes, not characters, and encoded only when they may be too many (4 bytes at most each).
    if len(document) > LITERAL_MAX // 4 and len(document.encode()) > LITERAL_MAX:
        document = _grouped(read)
    return Literals(document, title or "", frozenset(lexemes))


# PostgreSQL refuses a tsvector literal whose words, counted each time they are written, add
# up to more than 1 MB (in UTF-8). A literal of fewer bytes is always taken; a longer one (a
# text of tens of thousands of words, longer than an entry's body may be) writes each word
# once.
LITERAL_MAX = (1 << 20) - 1


def _grouped(read: list[tuple[str, list[str], int]]) -> str:
    positions: dict[str, list[str]] = {}
    for weight, tokens, first in read:
        for position, token in enumerate(tokens, first):
            spots = positions.setdefault(token, [])
            if position <= POSITION_MAX and len(spots) < POSITIONS_PER_WORD:
                spots.append(f"{position}{weight}")
    return " ".join(
        f"'{token}':{','.join(spots)}" if spots else f"'{token}'"
        for token, spots in positions.items()
    )


def _placed(tokens: list[str], weight: str, first: int) -> str:
    # Words are letters and digits (WORD), never a quote or a backslash: quoted as they are.
    # Token and what follows it alternate: "'" + "a" + "':1A '" + "b" + "':2A '" ...
    parts: list[str | None] = [None] * (2 * len(tokens))
    parts[0::2] = tokens
    parts[1::2] = _after(weight)[first : first + len(tokens)]
    return "'" + "".join(parts)[:-2]  # the last "after" opens no next word


@functools.cache
def _after(weight: str) -> list[str]:
    """What follows the word at each position ("':12B '"), at its own index (0 has none)."""
    return ["", *(f"':{position}{weight} '" for position in range(1, POSITION_MAX + 1))]


# -- queries --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Term:
    """One thing a query asks for: a word, a phrase (several words) or a prefix."""

    words: tuple[str, ...]  # folded
    prefix: bool = False
    exclude: bool = False

    def alternatives(self) -> list[tuple[str, ...]]:
        """The token sequences that satisfy the term: English and Spanish stems; for a
        prefix, the prefix as typed, which any word beginning so satisfies (and the whole
        words of `stems_of_prefix`)."""
        if self.prefix:
            return [(self.words[0],)]
        return _unique([tuple(stem(self.words, "en")), tuple(stem(self.words, "es"))])

    def stems_of_prefix(self) -> list[str]:
        """A prefix's own English and Spanish stems, each matched as a whole word, where the
        prefix does not already cover it: "participation*" still finds "participation"
        (indexed as "particip"), and "petas*" the Spanish "petas" (indexed as "pet"). Whole
        words, not prefixes: "peta*" must not find every word beginning "pet" (words it
        does not begin, and more of them for the index to list)."""
        if not self.prefix:
            return []
        word = self.words[0]
        stems = _unique([*stem([word], "en"), *stem([word], "es")])
        return [token for token in stems if not token.startswith(word)]


@dataclass(frozen=True)
class Query:
    terms: tuple[Term, ...] = ()
    # Entries with any of the terms rather than all (for "similar entries"; not in the syntax).
    any_of: bool = False

    @property
    def positive(self) -> tuple[Term, ...]:
        return tuple(term for term in self.terms if not term.exclude)

    @property
    def excluded(self) -> tuple[Term, ...]:
        return tuple(term for term in self.terms if term.exclude)

    def __bool__(self) -> bool:
        """A query that can find something: at least one word that is not excluded."""
        return bool(self.positive)


# A quoted phrase (closed, or running to the end), or a run of anything but spaces and quotes.
_PIECE = re.compile(r'(-?)"([^"]*)"?|(\S+?)(?=\s|"|$)')


def parse(text: str) -> Query:
    """What a person typed, as terms; never raises (anything odd becomes words or nothing)."""
    text = _printable(str(text or "")[:QUERY_CHARS_MAX])
    terms: list[Term] = []
    for match in _PIECE.finditer(text):
        term = _term(match)
        if term is not None and term not in terms:
            terms.append(term)
        if len(terms) >= TERMS_MAX:
            break
    return Query(tuple(terms))


def _term(match: re.Match) -> Term | None:
    negate, quoted, bare = match.group(1), match.group(2), match.group(3)
    if quoted is not None:
        found = words(quoted)[:PHRASE_WORDS_MAX]
        return Term(tuple(found), exclude=bool(negate)) if found else None
    exclude = bare.startswith("-") and len(bare) > 1
    prefix = bare.endswith("*")
    found = words(bare)[:PHRASE_WORDS_MAX]
    if not found:
        return None
    if prefix and len(found) == 1:
        return Term(tuple(found), prefix=True, exclude=exclude)
    # "covid-19" or "world-café": one typed word that holds several is read as a phrase.
    return Term(tuple(found), exclude=exclude)


def _printable(text: str) -> str:
    return "".join(char if char.isprintable() else " " for char in text)


def _unique(items: list) -> list:
    return list(dict.fromkeys(items))


# -- rendering for the databases ------------------------------------------------------------


def to_fts5(query: Query | str) -> str | None:
    """An FTS5 MATCH expression, every token quoted; None when nothing can match."""
    query = parse(query) if isinstance(query, str) else query
    if not query:
        return None
    joiner = " OR " if query.any_of else " AND "
    found = joiner.join(_fts5_term(term) for term in query.positive)
    for term in query.excluded:
        found = f"({found}) NOT {_fts5_term(term)}"
    return found


def _fts5_term(term: Term) -> str:
    star = "*" if term.prefix else ""
    options = [fts5_quote(" ".join(tokens)) + star for tokens in term.alternatives()]
    options += [fts5_quote(token) for token in term.stems_of_prefix()]
    return f"({' OR '.join(options)})"


def fts5_quote(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def to_tsquery(query: Query | str) -> str | None:
    """A PostgreSQL tsquery, every lexeme quoted; None when nothing can match. It is meant for
    `CAST(%s AS tsquery)`, which takes the lexemes as they are (they were processed here), and
    is valid for `to_tsquery('simple', %s)` too."""
    query = parse(query) if isinstance(query, str) else query
    if not query:
        return None
    parts = [_ts_term(term) for term in query.positive]
    if query.any_of:
        parts = ["(" + " | ".join(parts) + ")"]
    parts += ["!" + _ts_term(term) for term in query.excluded]
    return " & ".join(parts)


def single_words(term: Term) -> list[str]:
    """The tokens that satisfy a term that is one word: its English and its Spanish stem (a
    prefix or a phrase: none)."""
    options = term.alternatives()
    if term.prefix or any(len(tokens) != 1 for tokens in options):
        return []
    return [tokens[0] for tokens in options]


def _ts_term(term: Term) -> str:
    star = ":*" if term.prefix else ""
    options = [
        "(" + " <-> ".join(ts_quote(token) + star for token in tokens) + ")"
        for tokens in term.alternatives()
    ]
    options += [f"({ts_quote(token)})" for token in term.stems_of_prefix()]
    return f"({' | '.join(options)})"


def ts_quote(token: str) -> str:
    return "'" + token.replace("\\", "\\\\").replace("'", "''") + "'"


# -- snippets -------------------------------------------------------------------------------

SNIPPET_WORDS = 30
# Enough text to find a match in any real entry, without stemming a whole book per result.
SNIPPET_CHARS_MAX = 20_000
# The lookahead names every character a mark can start with: the search skips the other
# characters at once, which halves the time of an import's bodies.
_MARKDOWN = re.compile(r"(?=[!\[*_`#>|~<])(?:!?\[([^\]]*)\]\([^)]*\)|[*_`#>|~]+|<[^>]{0,200}>)")


def plain(markdown: str) -> str:
    """Markdown as the words a reader sees (links by their text, no emphasis marks or tags)."""
    # Character references ("&lt;" from an imported HTML body) read as the character they name.
    return html.unescape(_MARKDOWN.sub(lambda match: match.group(1) or " ", markdown))


def snippet(text: str, query: Query | str, length: int = SNIPPET_WORDS) -> list[tuple[str, bool]]:
    """The best window of about `length` words of the text for the query, as parts; the
    matched words are flagged True. The text is shown as written; matching is by folded stem
    ("cafés" lights up for "café")."""
    query = parse(query) if isinstance(query, str) else query
    matcher = _matcher(query)
    text, cut_before, cut_after = _near_first_match(str(text or ""), matcher, length)
    spans = [match.span() for match in WORD.finditer(text)]
    if cut_after and spans:  # the last word may be cut in two
        spans.pop()
    if not spans:
        return [(" ".join(text.split()), False)] if text.strip() else []
    keys = matcher.keys_in(text, spans)
    first = _best_window(keys, max(1, length))
    last = min(len(spans), first + max(1, length)) - 1
    return _parts(text, spans, keys, first, last, cut_before, cut_after)


# Where a text is long (a body of thousands of words), only the part from a little before
# the first word that may match is read: a page of results then costs the same whatever the
# length of its entries, and the best window is almost always near the first match.
SNIPPET_LEAD_CHARS = 400
SNIPPET_SPAN_CHARS = 3000
_NOT_A_WORD = re.compile(rf"[\W_](?<![{_MARKS}])")


def _near_first_match(text: str, matcher: _Matcher, length: int) -> tuple[str, bool, bool]:
    """The part of the text a snippet is taken from, and whether it was cut before and
    after."""
    if not matcher.starts:  # nothing to find (browsing): the beginning, read no further
        return text[: max(1, length) * 40], False, len(text) > max(1, length) * 40
    if len(text) <= SNIPPET_SPAN_CHARS:  # short enough to read whole
        return text, False, False
    found = _first_match(text, matcher)
    start = 0 if found is None else max(0, found - SNIPPET_LEAD_CHARS)
    end = (found if found is not None else 0) + (
        SNIPPET_SPAN_CHARS if found is not None else max(1, length) * 40
    )
    piece = text[start:end]
    if start:  # begin at a whole word
        boundary = _NOT_A_WORD.search(piece)
        piece = piece[boundary.end() :] if boundary else piece
    return piece, start > 0, end < len(text)


def _first_match(text: str, matcher: _Matcher) -> int | None:
    """Where the first word the query matches begins (None: none in the part read). Words
    that only begin like a query word ("could" for "cooperative") are stemmed and passed
    over, a few dozen at a time."""
    candidates = (found.start() for found in matcher.may_start.finditer(text, 0, SNIPPET_CHARS_MAX))
    while batch := list(itertools.islice(candidates, 50)):
        words_at = [WORD.match(text, start) for start in batch]
        keys = matcher.keys([word.group() if word else "" for word in words_at])
        for start, key in zip(batch, keys, strict=True):
            if key is not None:
                return start
    return None


@functools.lru_cache(maxsize=64)  # a page of results takes its snippets for one query
def _matcher(query: Query) -> _Matcher:
    return _Matcher(query)


class _Matcher:
    """Which positive query term each word of a text satisfies (None: none), by folded word
    or by its English or Spanish stem. Each different word is stemmed once."""

    def __init__(self, query: Query):
        self.exact: dict[str, int] = {}
        self.prefixes: list[tuple[str, int]] = []
        for number, term in enumerate(query.positive):
            for tokens in term.alternatives():
                if term.prefix:
                    self.prefixes.append((tokens[0], number))
                else:
                    for token in tokens:
                        self.exact.setdefault(token, number)
            for token in term.stems_of_prefix():
                self.exact.setdefault(token, number)
        # A word can match only if it begins as a query token does (`_start`): the other
        # words of a text are skipped without stemming them.
        self.starts = {_start(token) for token in self.exact}
        self.starts |= {_start(prefix) for prefix, _number in self.prefixes}
        self.start_lengths = sorted({len(start) for start in self.starts})
        # In one regular expression (run in C for every word of a result's text): begins as
        # a query token does, or has a letter that folding may change ("Éco" -> "eco").
        starts = "|".join(sorted((re.escape(start) for start in self.starts), key=len))
        self.may_match = re.compile(rf"(?i:{starts})|.*?[^\x00-\x7f]" if starts else "(?!)")
        # Inside a text, every word `may_match` is true of: a word begins there (no letter
        # or digit before) as a query token does, or a letter that folding may change.
        self.maybe_in = re.compile(rf"(?<![^\W_])(?i:{starts})|[^\x00-\x7f]" if starts else "(?!)")
        # The same, searching a whole text for the first word it could be true of.
        word_start = rf"(?<![^\W_])(?<![{_MARKS}])"
        self.may_start = re.compile(
            rf"{word_start}(?:(?i:{starts})|[^\W_]*[^\x00-\x7f])" if starts else "(?!)"
        )

    def keys_in(self, text: str, spans: list[tuple[int, int]]) -> list[int | None]:
        """`keys` of the words of the text at these spans (WORD's matches, in order). Only
        the words the regular expression `maybe_in` points at are looked at: a result's
        hundreds of words cost one search in C rather than a step of Python each."""
        keys: list[int | None] = [None] * len(spans)
        if not self.starts:
            return keys
        word_starts = [start for start, _end in spans]
        # Each place found is in a word, or after one ("½" or "—" between words, which
        # `keys` then passes over).
        numbers = {
            bisect.bisect_right(word_starts, found.start()) - 1
            for found in self.maybe_in.finditer(text)
        }
        numbers = sorted(n for n in numbers if n >= 0)
        found = self.keys([text[spans[n][0] : spans[n][1]] for n in numbers])
        for number, key in zip(numbers, found, strict=True):
            keys[number] = key
        return keys

    def keys(self, raw_words: list[str]) -> list[int | None]:
        maybe = self.may_match.match
        folded = {raw: _folded_parts(raw) for raw in set(raw_words) if maybe(raw)}
        folded = {
            raw: parts
            for raw, parts in folded.items()
            if any(part[:n] in self.starts for part in parts for n in self.start_lengths)
        }
        every = list({part for parts in folded.values() for part in parts})
        # One call per language for all the different words (PyStemmer loops in C).
        english = dict(zip(every, stem(every, "en"), strict=True))
        spanish = dict(zip(every, stem(every, "es"), strict=True))
        found = {
            raw: self._key([*parts, *(english[p] for p in parts), *(spanish[p] for p in parts)])
            for raw, parts in folded.items()
        }
        return [found.get(raw) for raw in raw_words]

    def _key(self, candidates: list[str]) -> int | None:
        for candidate in candidates:
            if candidate in self.exact:
                return self.exact[candidate]
            for prefix, number in self.prefixes:
                if candidate.startswith(prefix):
                    return number
        return None


def _start(token: str) -> str:
    """What a word's folded form begins with if the word can match this query token, as
    itself, by one of its stems or (a prefix) by beginning so. Stemming cuts a word's ending
    and changes at most the last letter of what is left ("happy" -> "happi", "hoping" ->
    "hope"), so a stem's letters but its last begin the word; at least two letters are kept,
    as a one-letter start would let most words through. (A few English words are stemmed
    otherwise, "dying" -> "die": those are not marked, and are found all the same.)"""
    return token[: max(2, len(token) - 1)]


def _best_window(keys: list, length: int) -> int:
    """Where the window starts that holds the most different terms, then the most matches."""
    best, best_score = 0, (0, 0)
    for start in _starts(keys, length):
        window = [key for key in keys[start : start + length] if key is not None]
        score = (len(set(window)), len(window))
        if score > best_score:
            best, best_score = start, score
    # Start a little before the first match, so the reader sees what leads to it.
    if best_score[1]:
        first_match = next(i for i in range(best, len(keys)) if keys[i] is not None)
        best = max(0, min(best, first_match - length // 4))
    return best


def _starts(keys: list, length: int) -> Iterator[int]:
    # Windows worth trying start at a match; a text without matches shows its beginning.
    yield 0
    for number, key in enumerate(keys):
        if key is not None:
            yield max(0, number - length // 4)


def _parts(
    text: str, spans: list, keys: list, first: int, last: int, cut_before: bool, cut_after: bool
) -> list[tuple[str, bool]]:
    parts: list[tuple[str, bool]] = []
    if first > 0 or cut_before:
        parts.append(("… ", False))
    position = spans[first][0]
    for number in range(first, last + 1):
        start, end = spans[number]
        if keys[number] is None:
            continue
        _add(parts, text[position:start], False)
        _add(parts, text[start:end], True)
        position = end
    if last < len(spans) - 1 or cut_after:
        _add(parts, text[position : spans[last][1]] + " …", False)
    else:  # the text's own ending (a full stop) rather than a cut
        _add(parts, text[position:].rstrip(), False)
    return parts


def _add(parts: list[tuple[str, bool]], piece: str, matched: bool) -> None:
    piece = piece if matched else re.sub(r"\s+", " ", piece)
    if not piece:
        return
    if parts and parts[-1][1] == matched and not matched:
        parts[-1] = (parts[-1][0] + piece, False)
    else:
        parts.append((piece, matched))


# -- similar entries ------------------------------------------------------------------------

# Words too common to say what an entry is about (English and Spanish), for "similar entries".
_COMMON = """a about above after again all also an and any are as at be because been before being
    between both but by can could did do does doing down during each few for from further had
    has have having he her here hers him his how i if in into is it its itself just me more
    most my no nor not now of off on once only or other our ours out over own same she should
    so some such than that the their theirs them then there these they this those through to
    too under until up very was we were what when where which while who whom why will with
    would you your city project case method new
    al como con de del el en es esta este la las lo los mas o para pero por que se sin sobre
    su sus un una uno y ya ciudad proyecto caso metodo"""
STOPWORDS = frozenset(_COMMON.split())


def distinctive(texts: Iterable[str], limit: int = 10) -> list[str]:
    """The folded words that best say what these texts are about, most telling first: not
    common words, not single letters or numbers, earlier texts (the title) first."""
    seen: dict[str, int] = {}
    for rank, text in enumerate(texts):
        for word in words(text.replace("_", " ")):
            if word in STOPWORDS or len(word) < 3 or word.isdigit():
                continue
            seen.setdefault(word, rank)
    ordered = sorted(seen, key=lambda word: (seen[word], -len(word)))
    return ordered[:limit]
