"""Notes as words: the tokeniser, the stop words it leaves out, and label candidates.

Words are lower-cased runs of letters and digits, with inner hyphens dropped ("co-production"
is "coproduction") and apostrophes splitting ("l'ajuntament" gives "ajuntament"). Chinese and
Japanese have no spaces, so their runs are cut into overlapping character pairs.

Stop words are small hand-written lists, one file per language in ``stopwords/`` (plus
``cafe.txt``, words every World Café table writes), read once when this module is imported:
the notes are short, so dropping function words matters, but a big stop-word list would also
drop words a facilitator cares about ("public", "work").
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from importlib.resources import files

STOP_WORD_LISTS = ("en", "es", "ca", "el", "cafe")


def _read_stop_words() -> frozenset[str]:
    # importlib.resources, not a path beside __file__: it also reads them from a zipped install
    folder = files(__package__).joinpath("stopwords")
    found: set[str] = set()
    for name in STOP_WORD_LISTS:
        for line in folder.joinpath(f"{name}.txt").read_text(encoding="utf-8").splitlines():
            if not line.startswith("#"):
                found.update(line.split())
    return frozenset(found)


STOP_WORDS = _read_stop_words()

_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
# A run of CJK characters, or a word that may contain inner hyphens/apostrophes
# ("co-produce", "city's"); CJK is cut into character bigrams later since it has no spaces.
_TOKEN = re.compile(rf"(?P<cjk>[{_CJK}]+)|[^\W_{_CJK}]+(?:['’\-‐][^\W_{_CJK}]+)*")
HAS_CJK = re.compile(rf"[{_CJK}]")
_CJK_CHAR = HAS_CJK
_CJK_STOP = re.compile("[的了和是在也都就与及或很太更把被这那我你他她它们个之为而吗呢吧啊]")


def tokens(text: str) -> list[str | None]:
    """Lower-cased tokens; stop words become None so bigrams never jump over them."""
    out: list[str | None] = []
    for match in _TOKEN.finditer(text.lower().replace("’", "'")):
        tok = match.group()
        if match.lastgroup == "cjk":
            out.extend(tok[i : i + 2] for i in range(max(1, len(tok) - 1)))
            continue
        if "-" in tok or "‐" in tok:  # "co-production" and "coproduction" are one word
            tok = tok.replace("-", "").replace("‐", "")
        if "'" in tok and tok not in STOP_WORDS:  # "city's", "l'ajuntament", "d'acció"
            out.extend(_keep(part) for part in tok.split("'"))
        else:
            out.append(_keep(tok))
    return out


def _keep(tok: str) -> str | None:
    return None if tok in STOP_WORDS or len(tok) < 2 or tok.isdigit() else tok


def words(text: str) -> list[str]:
    """Content words of a note (CJK as character bigrams): what clustering compares."""
    return [t for t in tokens(text) if t is not None]


def label_terms(text: str) -> list[str]:
    """Words plus adjacent word pairs ("action plans"): candidates for a theme's label."""
    return with_pairs(tokens(text))


def with_pairs(toks: list[str | None]) -> list[str]:
    """Kept tokens and pairs of neighbours, as `label_terms` gives them."""
    # CJK bigrams already overlap; pairing them would only make odd trigrams
    pairs = [
        f"{a} {b}"
        for a, b in zip(toks, toks[1:], strict=False)
        if a and b and not HAS_CJK.match(a) and not HAS_CJK.match(b)
    ]
    # a CJK bigram with a particle in it ("地和": "land and") is never a good label
    return [t for t in toks if t is not None and not _CJK_STOP.search(t)] + pairs


@dataclass(frozen=True, slots=True)
class Corpus:
    """Texts in canonical order, tokenised once for both clustering and labels."""

    texts: list[str]
    words: list[list[str]]
    terms: list[list[str]]

    @classmethod
    def of(cls, texts: Sequence[str]) -> Corpus:
        toks = [tokens(t) for t in texts]
        # Single Chinese/Japanese characters carry meaning too (园 garden, 车 vehicle): they
        # help clustering, though as labels the bigrams read better.
        words = [
            [t for t in tk if t is not None] + _CJK_CHAR.findall(text)
            for tk, text in zip(toks, texts, strict=True)
        ]
        return cls(list(texts), words, [with_pairs(tk) for tk in toks])
