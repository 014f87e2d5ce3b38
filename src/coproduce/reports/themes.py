"""Find themes in a World Café harvest, and let the facilitator edit them.

Pure module: no Django, no database, no network. ``find_themes`` groups short notes
into themes; the editing functions (``rename``, ``merge``, ``split``, ``reorder``,
``move_note``, ``relabel``) take a list of themes and return a new list, so the
platform can persist whatever they return.

How themes are found (``Theming.method`` says the same in plain English for the report):
notes are turned into TF-IDF weights over content words (Chinese/Japanese as character
bigrams, since they have no spaces) and over 3-4 character sequences of those words (which
lets very short notes and spelling variants be compared), reduced with truncated SVD (latent
semantic analysis) and grouped with k-means, the number of themes chosen by silhouette among
splits that leave every theme at least 3 notes. Labels are the most distinctive terms of each
theme (class-based TF-IDF); the example note is the note nearest the theme's centre.

Same notes + same seed -> same themes, whatever order the notes come in: notes are put in a
canonical order (by text, then id) before anything random happens.

numpy and scikit-learn are imported inside the functions that need them, so importing this
module (e.g. from Django models or views) costs next to nothing.
"""

from __future__ import annotations

import dataclasses
import functools
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np
    from scipy.sparse import csr_matrix

NoteId = int | str
QuestionId = int | str
ThemeId = int

MIN_THEMES = 2
MAX_THEMES = 8
LABEL_TERMS = 3
# LSA dimensions: about 2*sqrt(n), at most 50. On generated harvests this beat a fixed 50
# (fewer dimensions drop more of the noise of one-off words) and 50 is plenty to tell apart at
# most 8 themes while keeping k-means and silhouette cheap at 20,000 notes. Up to NO_SVD notes
# the TF-IDF vectors are used as they are: reducing so few only lost detail.
SVD_DIMS = 50
NO_SVD = 50
# k-means restarts: small harvests are cheap and the most prone to a poor local optimum
KMEANS_INITS_SMALL, KMEANS_INITS_LARGE, SMALL = 10, 3, 500
# When choosing k, splits that leave a theme with fewer notes than this are not considered:
# silhouette rewards peeling off pairs of near-identical notes, which is no theme for a report.
MIN_THEME_SIZE = 3
# Silhouette needs all pairwise distances; beyond this many notes it is scored on a
# seeded sample, which keeps 20,000 notes in seconds rather than minutes.
SILHOUETTE_SAMPLE = 2000
CHAR_NGRAMS = (3, 4)
# Words carry the topic; character n-grams of words mostly catch variants ("bike"/"bikes",
# "participación"/"participacion"), so they get a smaller say in the combined vector.
WORD_WEIGHT = 1.0
CHAR_WEIGHT = 0.6

# Small hand-written lists: the notes are short, so dropping function words matters, but a
# big stop-word list would also drop words a facilitator cares about ("public", "work").
_STOP_EN = """
a about above after again against all also am an and any are aren't as at be because been
before being below between both but by can can't could couldn't did didn't do does doesn't
doing don't down during each etc few for from further get got had has have having he her here
hers herself him himself his how i i'm if in into is isn't it it's its itself just let me more
most much must my myself need no nor not now of off on once only or other others our ours
ourselves out over own per same shall she should so some such than that that's the their theirs
them themselves then there these they this those through to too under until up upon us very
via was we we're were what when where which while who whom why will with within without would
you your yours yourself yourselves e.g i.e ok yes otherwise however therefore thus else first
second
"""
_STOP_ES = """
a al algo algunas algunos ante antes como con contra cual cuando de del desde donde durante e
el ella ellas ellos en entre era eran es esa esas ese eso esos esta estaba estas este esto estos
está están fue fueron ha han hay hasta la las le les lo los más me mi mis muy nada ni no nos
nosotros o os otra otras otro otros para pero poco por porque qué que quien quienes se sea ser
si sin sobre son su sus también tan te tiene tienen todo todos tu tus un una unas uno unos y ya
yo él
"""
# A few Catalan and Greek function words, since harvests can mix languages.
_STOP_CA = """
als amb aquest aquesta aquests aquestes com d de dels els en entre és i l la les li més o per
però perquè què que s sense són també un una uns unes ha han hi ho
"""
_STOP_EL = """
ο η το οι τα του της των τον την τη και να σε με για από που είναι στο στη στην στα στις στους
στον θα δεν ως ή αλλά ένα μια μία όπως πιο
"""
# Words every World Café table writes whatever the question; they would crowd labels.
_STOP_CAFE = "think really important maybe lot lots like make also things thing way ways"
STOP_WORDS = frozenset((_STOP_EN + _STOP_ES + _STOP_CA + _STOP_EL + _STOP_CAFE).split())

_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
# A run of CJK characters, or a word that may contain inner hyphens/apostrophes
# ("co-produce", "city's"); CJK is cut into character bigrams later since it has no spaces.
_TOKEN = re.compile(rf"(?P<cjk>[{_CJK}]+)|[^\W_{_CJK}]+(?:['’\-‐][^\W_{_CJK}]+)*")
_HAS_CJK = re.compile(rf"[{_CJK}]")
_CJK_CHAR = _HAS_CJK
_CJK_STOP = re.compile("[的了和是在也都就与及或很太更把被这那我你他她它们个之为而吗呢吧啊]")
_WORDY = re.compile(r"\w")


class ThemeError(ValueError):
    """Bad input to ``find_themes`` or to an edit; the message says what and which id."""


@dataclass(frozen=True, slots=True)
class Note:
    id: NoteId
    text: str
    question_id: QuestionId | None = None


NoteLike = Note | tuple[Any, ...] | Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class Theme:
    """A theme: its position in the list is its ordinal in the report.

    ``id`` stays the same through edits (so the platform can persist it); ``note_ids`` are
    ordered most central first, and ``example_id`` is the note to quote. ``terms`` are the
    automatic top terms, kept even after the facilitator renames the theme.
    """

    id: ThemeId
    label: str
    note_ids: tuple[NoteId, ...]
    example_id: NoteId
    terms: tuple[str, ...] = ()
    question_id: QuestionId | None = None

    @property
    def size(self) -> int:
        return len(self.note_ids)

    def as_dict(self) -> dict[str, Any]:
        """JSON-friendly form for persisting."""
        return {
            "id": self.id,
            "label": self.label,
            "note_ids": list(self.note_ids),
            "example_id": self.example_id,
            "terms": list(self.terms),
            "question_id": self.question_id,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Theme:
        return cls(
            id=data["id"],
            label=data["label"],
            note_ids=tuple(data["note_ids"]),
            example_id=data["example_id"],
            terms=tuple(data.get("terms", ())),
            question_id=data.get("question_id"),
        )


@dataclass(frozen=True, slots=True)
class Grouping:
    """How one set of notes (all notes, or one question's) was split into themes."""

    question_id: QuestionId | None
    n_notes: int
    n_distinct: int
    k: int
    chosen_by: str  # "silhouette", "given", "too few" or "no split"
    silhouette: float | None = None
    dims: int | None = None
    k_range: tuple[int, int] | None = None


@dataclass(frozen=True, slots=True)
class Theming:
    """What ``find_themes`` returns: the themes in report order, and how they were found."""

    themes: list[Theme]
    method: str
    ignored_ids: list[NoteId]
    seed: int
    groups: tuple[Grouping, ...]


# ---------------------------------------------------------------------------------------------
# Input


def _as_note(raw: NoteLike) -> Note:
    if isinstance(raw, Note):
        note = raw
    elif isinstance(raw, Mapping):
        note = Note(raw.get("id"), raw.get("text"), raw.get("question_id"))
    elif isinstance(raw, tuple) and len(raw) in (2, 3):
        note = Note(*raw)
    else:
        raise ThemeError(f"a note must be a Note, (id, text[, question_id]) or dict: {raw!r}")
    _check_id(note.id, "note")
    if note.question_id is not None:
        _check_id(note.question_id, f"note {note.id!r}: question")
    if not isinstance(note.text, str):
        raise ThemeError(f"note {note.id!r}: text must be a string, not {type(note.text).__name__}")
    return note


def _check_id(value: object, what: str) -> None:
    # bool is an int subclass but True == 1 would silently collide with note 1.
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise ThemeError(f"{what} id must be an int or a str, not {value!r}")


def _id_key(note_id: NoteId) -> tuple[str, NoteId]:
    # Total order over mixed int/str ids (ints numerically), used to break ties.
    return (type(note_id).__name__, note_id)


def _read_notes(notes: Iterable[NoteLike]) -> list[Note]:
    out = [_as_note(n) for n in notes]
    seen: set[NoteId] = set()
    for note in out:
        if note.id in seen:
            raise ThemeError(f"note id {note.id!r} appears more than once")
        seen.add(note.id)
    return out


def is_blank(text: str) -> bool:
    """Empty, whitespace or punctuation only: nothing to group by."""
    return _WORDY.search(text) is None


def _canonical(notes: Iterable[Note]) -> list[Note]:
    return sorted(notes, key=lambda n: (n.text.strip(), _id_key(n.id)))


# ---------------------------------------------------------------------------------------------
# Text


def _tokens(text: str) -> list[str | None]:
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
    return [t for t in _tokens(text) if t is not None]


def label_terms(text: str) -> list[str]:
    """Words plus adjacent word pairs ("action plans"): candidates for a theme's label."""
    return _with_pairs(_tokens(text))


def _with_pairs(toks: list[str | None]) -> list[str]:
    # CJK bigrams already overlap; pairing them would only make odd trigrams
    pairs = [
        f"{a} {b}"
        for a, b in zip(toks, toks[1:], strict=False)
        if a and b and not _HAS_CJK.match(a) and not _HAS_CJK.match(b)
    ]
    # a CJK bigram with a particle in it ("地和": "land and") is never a good label
    return [t for t in toks if t is not None and not _CJK_STOP.search(t)] + pairs


@dataclass(frozen=True, slots=True)
class _Corpus:
    """Texts in canonical order, tokenised once for both clustering and labels."""

    texts: list[str]
    words: list[list[str]]
    terms: list[list[str]]

    @classmethod
    def of(cls, texts: Sequence[str]) -> _Corpus:
        toks = [_tokens(t) for t in texts]
        # Single Chinese/Japanese characters carry meaning too (园 garden, 车 vehicle): they
        # help clustering, though as labels the bigrams read better.
        words = [
            [t for t in tk if t is not None] + _CJK_CHAR.findall(text)
            for tk, text in zip(toks, texts, strict=True)
        ]
        return cls(list(texts), words, [_with_pairs(tk) for tk in toks])


@functools.lru_cache(maxsize=65536)
def _word_grams(word: str) -> tuple[str, ...]:
    """Like scikit-learn's char_wb: n-grams of the word padded with spaces."""
    padded = f" {word} "
    lo, hi = CHAR_NGRAMS
    return tuple(
        padded[i : i + n] for n in range(lo, hi + 1) for i in range(max(1, len(padded) - n + 1))
    )


# ---------------------------------------------------------------------------------------------
# Vectors


def _same(tokens: list[str]) -> list[str]:
    return tokens  # analyzer for already tokenised documents


def _features(corpus: _Corpus) -> csr_matrix:
    """Unit-length rows combining word and character n-gram TF-IDF.

    Character n-grams are taken from content words only: the n-grams of stop words
    (" the", "of ") would make notes that share only grammar look alike. As they never cross
    a word boundary, a note's n-gram counts are its word counts times a word-to-n-gram matrix,
    which is far faster than scikit-learn's char_wb analyser (pure Python, per note).
    """
    import numpy as np
    from scipy.sparse import csr_matrix, hstack
    from sklearn.feature_extraction.text import CountVectorizer
    from sklearn.preprocessing import normalize

    try:
        vec = CountVectorizer(analyzer=_same, dtype=np.float32)
        counts = vec.fit_transform(corpus.words)
    except ValueError:  # no note has a single content word
        return csr_matrix((len(corpus.texts), 1), dtype=np.float32)
    blocks = [_tfidf(counts) * WORD_WEIGHT]
    grams = _gram_matrix(vec.get_feature_names_out())
    if grams.nnz:
        blocks.append(_tfidf(counts @ grams) * CHAR_WEIGHT)
    return normalize(hstack(blocks, format="csr"))


def _tfidf(counts: csr_matrix) -> csr_matrix:
    from sklearn.feature_extraction.text import TfidfTransformer

    return TfidfTransformer(sublinear_tf=True).fit_transform(counts)


def _gram_matrix(vocabulary: Sequence[str]) -> csr_matrix:
    """Word x n-gram counts; CJK bigrams get none (they are character n-grams already)."""
    import numpy as np
    from scipy.sparse import csr_matrix

    index: dict[str, int] = {}
    rows, cols = [], []
    for row, word in enumerate(vocabulary):
        if _HAS_CJK.match(word):
            continue
        for gram in _word_grams(word):
            rows.append(row)
            cols.append(index.setdefault(gram, len(index)))
    data = np.ones(len(rows), dtype=np.float32)  # duplicates are summed into counts
    return csr_matrix((data, (rows, cols)), shape=(len(vocabulary), len(index)))


def _reduce(x: csr_matrix, seed: int) -> np.ndarray:
    """LSA: dense low-dimensional rows, which k-means handles far faster than sparse ones."""
    import numpy as np
    from sklearn.decomposition import TruncatedSVD
    from sklearn.preprocessing import normalize

    dims = min(SVD_DIMS, int(2 * math.sqrt(x.shape[0])))
    if x.shape[0] <= NO_SVD or x.shape[1] <= dims:
        return x.toarray()
    svd = TruncatedSVD(n_components=dims, algorithm="randomized", n_iter=3, random_state=seed)
    with np.errstate(divide="ignore", invalid="ignore"):  # identical notes: zero variance
        reduced = svd.fit_transform(x)
    return normalize(reduced).astype(np.float32)


def _n_distinct(points: np.ndarray) -> int:
    import numpy as np

    # Unit vectors closer than 1e-4 are the same note as far as k-means can tell.
    return len(np.unique(np.round(points, 4), axis=0))


# ---------------------------------------------------------------------------------------------
# Clustering


def _kmeans(points: np.ndarray, k: int, seed: int) -> np.ndarray:
    import warnings

    from sklearn.cluster import KMeans
    from sklearn.exceptions import ConvergenceWarning

    inits = KMEANS_INITS_SMALL if len(points) <= SMALL else KMEANS_INITS_LARGE
    with warnings.catch_warnings():
        # near-duplicate notes can leave fewer clusters than asked; callers count the labels
        warnings.simplefilter("ignore", ConvergenceWarning)
        return KMeans(n_clusters=k, n_init=inits, random_state=seed).fit_predict(points)


def _silhouette_rows(n: int, seed: int) -> np.ndarray:
    import numpy as np

    if n <= SILHOUETTE_SAMPLE:
        return np.arange(n)
    return np.sort(np.random.default_rng(seed).choice(n, SILHOUETTE_SAMPLE, replace=False))


def _distances(points: np.ndarray) -> np.ndarray:
    """Euclidean distances between unit rows, via one matrix product."""
    import numpy as np

    gram = points @ points.T
    np.fill_diagonal(gram, 1.0)  # rounding would leave tiny non-zero self-distances
    # in place: at 2,000 notes each temporary copy is 16 MB of memory traffic
    np.multiply(gram, -2.0, out=gram)
    np.add(gram, 2.0, out=gram)
    np.maximum(gram, 0.0, out=gram)
    return np.sqrt(gram, out=gram)


def _silhouette(dist: np.ndarray, labels: np.ndarray) -> float:
    """Mean silhouette from precomputed distances.

    Same formula as sklearn's silhouette_score, but per-cluster distance sums come from one
    matrix product, which is several times faster for the 7 candidate k.
    """
    import numpy as np

    _, labels = np.unique(labels, return_inverse=True)
    n, k = len(labels), labels.max() + 1
    onehot = np.zeros((n, k), dtype=dist.dtype)
    onehot[np.arange(n), labels] = 1.0
    sums = dist @ onehot
    counts = onehot.sum(axis=0)
    own = counts[labels]
    a = sums[np.arange(n), labels] / np.maximum(own - 1, 1)
    others = sums / counts
    others[np.arange(n), labels] = np.inf
    b = others.min(axis=1)
    denom = np.maximum(a, b)
    s = np.where((own > 1) & (denom > 0), (b - a) / np.where(denom > 0, denom, 1), 0.0)
    return float(s.mean())


def _best_k(points: np.ndarray, ks: range, seed: int) -> tuple[np.ndarray, float] | None:
    """Labels with the best silhouette over ks (smaller k wins ties), or None if every k
    leaves a theme smaller than MIN_THEME_SIZE."""
    import numpy as np

    rows = _silhouette_rows(len(points), seed)
    dist = _distances(points[rows])  # once for all k
    best: tuple[float, np.ndarray] | None = None
    for k in ks:
        labels = _kmeans(points, k, seed)
        if np.bincount(labels).min() < MIN_THEME_SIZE or len(set(labels[rows].tolist())) < 2:
            continue
        # rounded so that last-bit float noise (e.g. another BLAS) cannot flip a near-tie
        score = round(_silhouette(dist, labels[rows]), 4)
        if best is None or score > best[0]:
            best = (score, labels)
    return None if best is None else (best[1], best[0])


def _cluster(
    x: csr_matrix, seed: int, n_themes: int | None, question_id: QuestionId | None
) -> tuple[list[int], Grouping]:
    """Cluster labels in canonical row order, and what was done to get them."""
    n = x.shape[0]
    points = _reduce(x, seed)
    distinct = _n_distinct(points)
    dims = points.shape[1] if points.shape[1] < x.shape[1] else None  # None: no SVD
    base = {"question_id": question_id, "n_notes": n, "n_distinct": distinct, "dims": dims}
    if n_themes is not None:
        k = min(n_themes, distinct)
        labels = list(_kmeans(points, k, seed)) if k > 1 else [0] * n
        return labels, Grouping(k=len(set(labels)), chosen_by="given", **base)
    k_max = min(MAX_THEMES, distinct // MIN_THEME_SIZE)
    if k_max < MIN_THEMES:
        return [0] * n, Grouping(k=1, chosen_by="too few", **base)
    k_range = (MIN_THEMES, k_max)
    best = _best_k(points, range(MIN_THEMES, k_max + 1), seed)
    if best is None:
        return [0] * n, Grouping(k=1, chosen_by="no split", k_range=k_range, **base)
    labels, score = best
    k = len(set(labels.tolist()))
    grouping = Grouping(k=k, chosen_by="silhouette", silhouette=score, k_range=k_range, **base)
    return list(labels), grouping


# ---------------------------------------------------------------------------------------------
# Centrality and labels


def _centrality_order(x: csr_matrix, rows: Sequence[int]) -> list[int]:
    """Rows sorted most central first: cosine to the mean of the theme's rows."""
    import numpy as np

    sub = x[list(rows)]
    centre = np.asarray(sub.mean(axis=0)).ravel()
    sims = sub @ centre
    # rows are canonical indices, so ties (identical notes) break the same way every time
    return [r for _, r in sorted(zip((-sims).tolist(), rows, strict=True))]


def _top_terms(corpus: _Corpus, classes: Sequence[int], n_terms: int) -> dict[int, list[str]]:
    """Class-based TF-IDF: terms frequent in a theme and rare in the others."""
    import numpy as np
    from scipy.sparse import csr_matrix
    from sklearn.feature_extraction.text import CountVectorizer

    try:
        vec = CountVectorizer(analyzer=_same, binary=True)  # binary: notes mentioning it
        counts = vec.fit_transform(corpus.terms)
    except ValueError:
        return {c: [] for c in set(classes)}
    names = vec.get_feature_names_out()
    ids = sorted(set(classes))
    pos = {c: i for i, c in enumerate(ids)}
    member = csr_matrix(
        (np.ones(len(classes)), ([pos[c] for c in classes], np.arange(len(classes)))),
        shape=(len(ids), len(classes)),
    )
    per_class = np.asarray((member @ counts).todense(), dtype=float)
    tf = per_class / np.maximum(per_class.sum(axis=1, keepdims=True), 1.0)
    avg = per_class.sum() / len(ids)
    idf = np.log1p(avg / np.maximum(per_class.sum(axis=0), 1.0))
    scores = tf * idf
    return {c: _pick_terms(scores[pos[c]], names, n_terms) for c in ids}


def _pick_terms(scores: np.ndarray, names: Sequence[str], n_terms: int) -> list[str]:
    """Best-scoring terms, skipping ones that repeat a word already picked."""
    import numpy as np

    # argsort on (-score, name) so equal scores come out alphabetically, not by chance
    order = np.lexsort((np.asarray(names), -scores))
    picked: list[tuple[str, float]] = []
    used: set[str] = set()
    for i in order:
        name, score = str(names[i]), float(scores[i])
        if score <= 0 or len(picked) == n_terms:
            break
        # a CJK term is made of characters, not space-separated words
        parts = set(name) if _HAS_CJK.match(name) else set(name.split())
        if parts & used:
            _chain_cjk(picked, name, score)
            continue
        picked.append((name, score))
        used |= parts
    return [name for name, _ in picked]


def _chain_cjk(picked: list[tuple[str, float]], name: str, score: float) -> None:
    """Join overlapping CJK bigrams that always occur together: 公交 + 交车 -> 公交车."""
    for j, (term, term_score) in enumerate(picked):
        if not _HAS_CJK.match(term) or abs(term_score - score) > 1e-9 * max(score, 1e-12):
            continue
        if term[-1] == name[0]:
            picked[j] = (term + name[1:], term_score)
        elif name[-1] == term[0]:
            picked[j] = (name[:-1] + term, term_score)
        else:
            continue
        return


def _label(terms: Sequence[str], theme_id: ThemeId) -> str:
    return ", ".join(terms) if terms else f"Theme {theme_id}"


# ---------------------------------------------------------------------------------------------
# Finding themes


def find_themes(
    notes: Iterable[NoteLike],
    *,
    seed: int = 0,
    n_themes: int | None = None,
    by_question: bool = False,
    n_terms: int = LABEL_TERMS,
) -> Theming:
    """Group notes into themes, largest first.

    ``n_themes`` fixes the number of themes (per question) instead of choosing it by
    silhouette; ``by_question`` themes each question's notes separately. Blank notes are
    left out and listed in ``ignored_ids``. Raises ThemeError on malformed notes or
    duplicate ids.
    """
    if n_themes is not None and not _positive_int(n_themes):
        raise ThemeError(f"n_themes must be a positive integer, not {n_themes!r}")
    if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed < 2**32:
        raise ThemeError(f"seed must be an integer from 0 to 2**32 - 1, not {seed!r}")
    _check_n_terms(n_terms)
    all_notes = _read_notes(notes)
    with _one_thread():
        return _find_themes(all_notes, seed, n_themes, by_question, n_terms)


def _positive_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 1


def _check_n_terms(n_terms: object) -> None:
    if not _positive_int(n_terms):
        raise ThemeError(f"n_terms must be a positive integer, not {n_terms!r}")


def _one_thread() -> Any:
    """Single-threaded BLAS/OpenMP while we compute.

    For matrices this small, threads mostly wait on each other (several times slower on a
    busy 2-core server), and one thread makes the float sums, hence the themes, the same on
    machines with different core counts.
    """
    from threadpoolctl import threadpool_limits

    return threadpool_limits(limits=1)


def _find_themes(
    all_notes: list[Note], seed: int, n_themes: int | None, by_question: bool, n_terms: int
) -> Theming:
    ignored = sorted((n.id for n in all_notes if is_blank(n.text)), key=_id_key)
    kept = _canonical(n for n in all_notes if not is_blank(n.text))
    themes: list[Theme] = []
    groups: list[Grouping] = []
    for question_id, group in _question_groups(kept, by_question):
        new, grouping = _theme_group(group, seed, n_themes, n_terms, question_id, len(themes))
        themes.extend(new)
        groups.append(grouping)
    method = describe_method(groups, seed=seed, n_ignored=len(ignored), by_question=by_question)
    return Theming(themes, method, ignored, seed, tuple(groups))


def _question_groups(
    notes: list[Note], by_question: bool
) -> list[tuple[QuestionId | None, list[Note]]]:
    if not by_question:
        return [(None, notes)] if notes else []
    groups: dict[QuestionId | None, list[Note]] = {}
    for note in notes:
        groups.setdefault(note.question_id, []).append(note)
    # None (no question) last; the rest in a fixed order whatever order notes came in
    return sorted(groups.items(), key=lambda kv: _question_key(kv[0]))


def _question_key(question_id: QuestionId | None) -> tuple[bool, tuple[str, QuestionId]]:
    return (question_id is None, ("", "") if question_id is None else _id_key(question_id))


def _theme_group(
    notes: list[Note],
    seed: int,
    n_themes: int | None,
    n_terms: int,
    question_id: QuestionId | None,
    first_id: int,
) -> tuple[list[Theme], Grouping]:
    corpus = _Corpus.of([n.text for n in notes])
    x = _features(corpus)
    labels, grouping = _cluster(x, seed, n_themes, question_id)
    members: dict[int, list[int]] = {}
    for row, label in enumerate(labels):
        members.setdefault(int(label), []).append(row)
    # Largest theme first; equal sizes by their first canonical note, so order is stable.
    clusters = sorted(members.values(), key=lambda rows: (-len(rows), rows[0]))
    classes = [0] * len(notes)
    for index, rows in enumerate(clusters):
        for row in rows:
            classes[row] = index
    terms = _top_terms(corpus, classes, n_terms)
    themes = []
    for index, rows in enumerate(clusters):
        ordered = [notes[r].id for r in _centrality_order(x, rows)]
        theme_id = first_id + index + 1
        themes.append(
            Theme(
                id=theme_id,
                label=_label(terms[index], theme_id),
                note_ids=tuple(ordered),
                example_id=ordered[0],
                terms=tuple(terms[index]),
                question_id=question_id,
            )
        )
    return themes, grouping


# ---------------------------------------------------------------------------------------------
# The sentence(s) the report prints


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}" if n == 1 else f"{n:,} {word}s"


def describe_method(
    groups: Sequence[Grouping], *, seed: int, n_ignored: int = 0, by_question: bool = False
) -> str:
    """Plain-English account of how the themes were found, for the report."""
    n_notes = sum(g.n_notes for g in groups)
    left_out = (
        f" {_plural(n_ignored, 'blank note')} (empty or punctuation only) "
        f"{'was' if n_ignored == 1 else 'were'} left out."
        if n_ignored
        else ""
    )
    if n_notes == 0:
        return "There were no notes to group into themes." + left_out
    parts = [
        f"Themes were found automatically from {_plural(n_notes, 'note')}.{left_out}",
        "Each note was described by the words it uses, leaving out common words such as "
        "'the' or 'de', and by the short character sequences in those words (TF-IDF over "
        f"words and {CHAR_NGRAMS[0]}-{CHAR_NGRAMS[1]} character n-grams, so that plurals and "
        "spelling variants match; Chinese and Japanese by single characters and character "
        "pairs), and notes were grouped with k-means clustering" + _reduction(groups),
    ]
    if by_question:
        parts.append("Each question's notes were grouped separately: " + _group_list(groups) + ".")
    else:
        parts.append(_how_k(groups[0]))
    parts.append(
        "Each theme is labelled with its most distinctive words (class-based TF-IDF) and "
        "illustrated by its most central note, the one closest to the theme as a whole. "
        f"The same notes always give the same themes (random seed {seed})."
    )
    return " ".join(parts)


def _reduction(groups: Sequence[Grouping]) -> str:
    dims = sorted({g.dims for g in groups if g.dims})
    if not dims:
        return "."
    size = f"{dims[0]}" if len(dims) == 1 else f"{dims[0]} to {dims[-1]}"
    return f" after reducing them to {size} dimensions (latent semantic analysis)."


def _how_k(g: Grouping) -> str:
    if g.chosen_by == "given":
        return f"The number of themes, {g.k}, was set by the facilitator."
    if g.chosen_by == "too few":
        if g.n_notes == 1:
            return "The single note forms one theme."
        what = "note" if g.n_distinct == g.n_notes else "different note"
        return f"With only {_plural(g.n_distinct, what)}, all notes form one theme."
    lo, hi = g.k_range or (g.k, g.k)
    if g.chosen_by == "no split":
        return (
            f"No split into {lo} to {hi} themes left every theme with at least "
            f"{MIN_THEME_SIZE} notes, so all notes form one theme."
        )
    return (
        f"The number of themes, {g.k}, was the one between {lo} and {hi} that separated the "
        f"notes best (silhouette score {g.silhouette:.2f}, on a scale from -1 to 1) among "
        f"splits that left every theme at least {MIN_THEME_SIZE} notes."
    )


def _group_list(groups: Sequence[Grouping]) -> str:
    items = []
    for g in groups:
        name = "notes without a question" if g.question_id is None else f"question {g.question_id}"
        how = {
            "given": "number set by the facilitator",
            "too few": "too few notes to split",
            "no split": f"no split with themes of {MIN_THEME_SIZE} or more notes",
            "silhouette": f"chosen by silhouette, {g.silhouette or 0:.2f}",
        }[g.chosen_by]
        items.append(f"{name}, {_plural(g.n_notes, 'note')} in {_plural(g.k, 'theme')} ({how})")
    return "; ".join(items)


# ---------------------------------------------------------------------------------------------
# Editing: each function checks its input and returns a new list; none mutates its arguments.


def validate(themes: Sequence[Theme]) -> None:
    """Raise ThemeError unless ids are unique, no theme is empty and no note is in two themes."""
    theme_ids: set[ThemeId] = set()
    owner: dict[NoteId, ThemeId] = {}
    for theme in themes:
        if not isinstance(theme, Theme):
            raise ThemeError(f"not a Theme: {theme!r}")
        if theme.id in theme_ids:
            raise ThemeError(f"theme id {theme.id!r} appears more than once")
        theme_ids.add(theme.id)
        if not theme.note_ids:
            raise ThemeError(f"theme {theme.id!r} has no notes")
        for note_id in theme.note_ids:
            if note_id in owner:
                raise ThemeError(
                    f"note {note_id!r} is in both theme {owner[note_id]!r} and theme {theme.id!r}"
                )
            owner[note_id] = theme.id
        if theme.example_id not in theme.note_ids:
            raise ThemeError(f"theme {theme.id!r}: example note {theme.example_id!r} is not in it")


def _index(themes: Sequence[Theme], theme_id: ThemeId) -> int:
    for i, theme in enumerate(themes):
        if theme.id == theme_id:
            return i
    known = ", ".join(repr(t.id) for t in themes) or "none"
    raise ThemeError(f"no theme with id {theme_id!r} (known: {known})")


def _owner(themes: Sequence[Theme], note_id: NoteId) -> int:
    for i, theme in enumerate(themes):
        if note_id in theme.note_ids:
            return i
    raise ThemeError(f"note {note_id!r} is not in any theme")


def _with_notes(theme: Theme, note_ids: Sequence[NoteId]) -> Theme:
    """Same theme with these notes; keeps the example if it is still there."""
    example = theme.example_id if theme.example_id in note_ids else note_ids[0]
    return dataclasses.replace(theme, note_ids=tuple(note_ids), example_id=example)


def _clean_label(label: object) -> str:
    if not isinstance(label, str) or not label.strip():
        raise ThemeError(f"a theme's label must be non-empty text, not {label!r}")
    return " ".join(label.split())  # one line in the report, whatever was typed


def rename(themes: Sequence[Theme], theme_id: ThemeId, label: str) -> list[Theme]:
    validate(themes)
    i = _index(themes, theme_id)
    out = list(themes)
    out[i] = dataclasses.replace(themes[i], label=_clean_label(label))
    return out


def merge(themes: Sequence[Theme], into: ThemeId, other: ThemeId) -> list[Theme]:
    """Put ``other``'s notes after ``into``'s; ``into`` keeps its id, label, place and example."""
    validate(themes)
    if into == other:
        raise ThemeError(f"cannot merge theme {into!r} with itself")
    i, j = _index(themes, into), _index(themes, other)
    merged = _with_notes(themes[i], themes[i].note_ids + themes[j].note_ids)
    if themes[i].question_id != themes[j].question_id:
        merged = dataclasses.replace(merged, question_id=None)
    return [merged if k == i else t for k, t in enumerate(themes) if k != j]


def split(
    themes: Sequence[Theme],
    theme_id: ThemeId,
    note_ids: Iterable[NoteId],
    label: str | None = None,
) -> list[Theme]:
    """Move ``note_ids`` out of a theme into a new theme placed right after it.

    The new theme gets the next free id and keeps the notes' centrality order; both parts must
    keep at least one note.
    """
    validate(themes)
    i = _index(themes, theme_id)
    source = themes[i]
    moving = set(note_ids)
    stray = [n for n in moving if n not in source.note_ids]
    if stray:
        raise ThemeError(f"notes not in theme {theme_id!r}: {sorted(stray, key=_id_key)!r}")
    if not moving or len(moving) == source.size:
        raise ThemeError("a split must leave notes on both sides")
    new_label = f"{source.label} (split)" if label is None else _clean_label(label)
    stay = [n for n in source.note_ids if n not in moving]
    go = [n for n in source.note_ids if n in moving]
    new_id = max(t.id for t in themes) + 1
    new = Theme(
        id=new_id,
        label=new_label,
        note_ids=tuple(go),
        example_id=go[0],
        question_id=source.question_id,
    )
    return [*themes[:i], _with_notes(source, stay), new, *themes[i + 1 :]]


def reorder(themes: Sequence[Theme], theme_ids: Sequence[ThemeId]) -> list[Theme]:
    """Themes in the order given; ``theme_ids`` must list every theme exactly once."""
    validate(themes)
    ids = list(theme_ids)
    if len(set(ids)) != len(ids):
        raise ThemeError(
            f"theme ids listed more than once: {sorted({i for i in ids if ids.count(i) > 1})}"
        )
    unknown = [t for t in ids if t not in {th.id for th in themes}]
    if unknown:
        raise ThemeError(f"no theme with id {unknown[0]!r}")
    missing = [t.id for t in themes if t.id not in ids]
    if missing:
        raise ThemeError(f"the new order leaves out theme(s) {missing}")
    return [themes[_index(themes, t)] for t in ids]


def move_note(
    themes: Sequence[Theme], note_id: NoteId, to: ThemeId, *, drop_empty: bool = True
) -> list[Theme]:
    """Move a note to the end of theme ``to`` (least central until ``relabel``).

    A theme left without notes is dropped (an empty theme cannot go in the report) unless
    ``drop_empty`` is False, in which case moving its last note out is an error.
    """
    validate(themes)
    j = _index(themes, to)
    i = _owner(themes, note_id)
    if i == j:
        return list(themes)
    rest = [n for n in themes[i].note_ids if n != note_id]
    if not rest and not drop_empty:
        raise ThemeError(f"note {note_id!r} is the last note of theme {themes[i].id!r}")
    out = list(themes)
    out[j] = _with_notes(themes[j], themes[j].note_ids + (note_id,))
    if rest:
        out[i] = _with_notes(themes[i], rest)
        return out
    return [t for k, t in enumerate(out) if k != i]


def relabel(
    themes: Sequence[Theme],
    theme_id: ThemeId | None,
    notes: Iterable[NoteLike],
    *,
    keep_label: bool = False,
    n_terms: int = LABEL_TERMS,
) -> list[Theme]:
    """Recompute top terms, centrality order and example for one theme (None: all themes).

    ``notes`` must include the text of every note in ``themes``. Distinctiveness is measured
    against the other themes of the same question as they are now, so call it after merges,
    splits and moves; on untouched themes it gives back what ``find_themes`` gave. The label
    becomes the new terms unless ``keep_label`` (e.g. after the facilitator renamed it).
    """
    validate(themes)
    _check_n_terms(n_terms)
    targets = range(len(themes)) if theme_id is None else [_index(themes, theme_id)]
    texts = _texts_for(themes, notes)
    out = list(themes)
    with _one_thread():
        for question in dict.fromkeys(themes[k].question_id for k in targets):
            members = [k for k, t in enumerate(themes) if t.question_id == question]
            fresh = _refresh(themes, members, texts, n_terms)
            for k in set(targets) & set(members):
                ordered, terms = fresh[k]
                label = themes[k].label if keep_label else _label(terms, themes[k].id)
                out[k] = dataclasses.replace(
                    themes[k], label=label, note_ids=ordered, example_id=ordered[0], terms=terms
                )
    return out


def _texts_for(themes: Sequence[Theme], notes: Iterable[NoteLike]) -> dict[NoteId, str]:
    texts = {n.id: n.text for n in _read_notes(notes)}
    missing = [n for t in themes for n in t.note_ids if n not in texts]
    if missing:
        raise ThemeError(f"no text given for note(s) {sorted(missing, key=_id_key)[:5]!r}")
    return texts


def _refresh(
    themes: Sequence[Theme], members: list[int], texts: Mapping[NoteId, str], n_terms: int
) -> dict[int, tuple[tuple[NoteId, ...], tuple[str, ...]]]:
    """Centrality order and top terms of themes[k] for k in members, computed among them."""
    # canonical row order, as in find_themes, so the same notes give the same vectors
    rows = sorted(
        ((n, k) for k in members for n in themes[k].note_ids),
        key=lambda nk: (texts[nk[0]].strip(), _id_key(nk[0])),
    )
    corpus = _Corpus.of([texts[n] for n, _ in rows])
    terms = _top_terms(corpus, [k for _, k in rows], n_terms)
    x = _features(corpus)
    fresh = {}
    for k in members:
        own = [r for r, (_, kk) in enumerate(rows) if kk == k]
        ordered = tuple(rows[r][0] for r in _centrality_order(x, own))
        fresh[k] = (ordered, tuple(terms[k]))
    return fresh


def ordinal(themes: Sequence[Theme], theme_id: ThemeId) -> int:
    """1-based position of a theme in the report."""
    return _index(themes, theme_id) + 1


__all__ = [
    "Grouping",
    "Note",
    "NoteId",
    "Theme",
    "ThemeError",
    "Theming",
    "describe_method",
    "find_themes",
    "is_blank",
    "label_terms",
    "merge",
    "move_note",
    "ordinal",
    "relabel",
    "rename",
    "reorder",
    "split",
    "validate",
    "words",
]
