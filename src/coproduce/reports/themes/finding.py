"""Finding themes in a World Café harvest: the maths, from notes to labelled groups.

How themes are found (the platform words the same for the report from `Theming.groups`):
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
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from . import confidence, phrases
from .confidence import NONE
from .model import (
    Grouping,
    Note,
    NoteLike,
    QuestionId,
    Theme,
    ThemeError,
    ThemeId,
    Theming,
    id_key,
    is_blank,
    read_notes,
)
from .tokens import HAS_CJK, Corpus

if TYPE_CHECKING:
    import numpy as np
    from scipy.sparse import csr_matrix


# The name of the column for notes without a question, when the caller gives none.
NO_QUESTION = "Notes without a question"
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


# ---------------------------------------------------------------------------------------------
# Finding themes


def find_themes(
    notes: Iterable[NoteLike],
    *,
    seed: int = 0,
    n_themes: int | None = None,
    by_question: bool = False,
    n_terms: int = LABEL_TERMS,
    question_names: Mapping[QuestionId | None, str] | None = None,
) -> Theming:
    """Group notes into themes, largest first.

    ``n_themes`` fixes the number of themes (per question) instead of choosing it by
    silhouette; ``by_question`` themes each question's notes separately. Blank notes are
    left out and listed in ``ignored_ids``. Raises ThemeError on malformed notes or
    duplicate ids.

    When the number of themes is chosen here and the notes show no clear grouping (see
    `confidence`), the notes are not forced into themes: they come back as one theme per
    question, named from ``question_names`` (else the question's id), so the facilitator
    starts from the questions rather than from groups that mean nothing.
    """
    if n_themes is not None and not _positive_int(n_themes):
        raise ThemeError(f"n_themes must be a positive integer, not {n_themes!r}")
    if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed < 2**32:
        raise ThemeError(f"seed must be an integer from 0 to 2**32 - 1, not {seed!r}")
    check_n_terms(n_terms)
    all_notes = read_notes(notes)
    with one_thread():
        return _find_themes(all_notes, seed, n_themes, by_question, n_terms, question_names or {})


def _positive_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 1


def check_n_terms(n_terms: object) -> None:
    if not _positive_int(n_terms):
        raise ThemeError(f"n_terms must be a positive integer, not {n_terms!r}")


def one_thread() -> Any:
    """Single-threaded BLAS/OpenMP while we compute.

    For matrices this small, threads mostly wait on each other (several times slower on a
    busy 2-core server), and one thread makes the float sums, hence the themes, the same on
    machines with different core counts.
    """
    from threadpoolctl import threadpool_limits

    return threadpool_limits(limits=1)


def _find_themes(
    all_notes: list[Note],
    seed: int,
    n_themes: int | None,
    by_question: bool,
    n_terms: int,
    names: Mapping[QuestionId | None, str],
) -> Theming:
    ignored = sorted((n.id for n in all_notes if is_blank(n.text)), key=id_key)
    kept = _canonical(n for n in all_notes if not is_blank(n.text))
    themes: list[Theme] = []
    groups: list[Grouping] = []
    for question_id, group in _question_groups(kept, by_question):
        new, grouping = _theme_group(group, seed, n_themes, n_terms, question_id, len(themes))
        if n_themes is None and grouping.confidence == NONE and len(new) > 1:
            new = _by_question(group, len(themes), names)
        elif n_themes is None and grouping.confidence == NONE:
            new = [_as_question(t, names) for t in new]
        themes.extend(new)
        groups.append(grouping)
    return Theming(themes, ignored, seed, tuple(groups), by_question=by_question)


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
    return (question_id is None, ("", "") if question_id is None else id_key(question_id))


def _theme_group(
    notes: list[Note],
    seed: int,
    n_themes: int | None,
    n_terms: int,
    question_id: QuestionId | None,
    first_id: int,
) -> tuple[list[Theme], Grouping]:
    corpus = Corpus.of([n.text for n in notes])
    x = features(corpus)
    labels, grouping = _cluster(corpus, x, seed, n_themes, question_id)
    members: dict[int, list[int]] = {}
    for row, label in enumerate(labels):
        members.setdefault(int(label), []).append(row)
    # Largest theme first; equal sizes by their first canonical note, so order is stable.
    clusters = sorted(members.values(), key=lambda rows: (-len(rows), rows[0]))
    classes = [0] * len(notes)
    for index, rows in enumerate(clusters):
        for row in rows:
            classes[row] = index
    terms = top_terms(corpus, classes, n_terms)
    themes = []
    for index, rows in enumerate(clusters):
        central = centrality_order(x, rows)
        ordered = [notes[r].id for r in central]
        theme_id = first_id + index + 1
        themes.append(
            Theme(
                id=theme_id,
                label=label_for(notes[central[0]].text, theme_id),
                note_ids=tuple(ordered),
                example_id=ordered[0],
                terms=tuple(terms[index]),
                question_id=question_id,
                confidence=grouping.confidence,
            )
        )
    return themes, grouping


def _by_question(notes: list[Note], first_id: int, names: Mapping) -> list[Theme]:
    """One theme per question, in question order, notes in their canonical order."""
    themes = []
    for index, (question_id, group) in enumerate(_question_groups(notes, by_question=True)):
        ids = tuple(n.id for n in group)
        themes.append(
            _as_question(
                Theme(id=first_id + index + 1, label="", note_ids=ids, example_id=ids[0]),
                names,
                question_id,
            )
        )
    return themes


def _as_question(theme: Theme, names: Mapping, question_id: Any = ...) -> Theme:
    """The theme as a column for its question's notes, named by the question."""
    qid = theme.question_id if question_id is ... else question_id
    name = names.get(qid) or (NO_QUESTION if qid is None else str(qid))
    return dataclasses.replace(theme, label=name, question_id=qid, confidence=NONE)


def _canonical(notes: Iterable[Note]) -> list[Note]:
    # by text, then id: whatever order the notes came in, k-means sees the same rows
    return sorted(notes, key=lambda n: (n.text.strip(), id_key(n.id)))


# ---------------------------------------------------------------------------------------------
# Vectors


@functools.lru_cache(maxsize=65536)
def _word_grams(word: str) -> tuple[str, ...]:
    """Like scikit-learn's char_wb: n-grams of the word padded with spaces."""
    padded = f" {word} "
    lo, hi = CHAR_NGRAMS
    return tuple(
        padded[i : i + n] for n in range(lo, hi + 1) for i in range(max(1, len(padded) - n + 1))
    )


def _same(tokens: list[str]) -> list[str]:
    return tokens  # analyzer for already tokenised documents


def features(corpus: Corpus) -> csr_matrix:
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
        if HAS_CJK.match(word):
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
    corpus: Corpus, x: csr_matrix, seed: int, n_themes: int | None, question_id: QuestionId | None
) -> tuple[list[int], Grouping]:
    """Cluster labels in canonical row order, and what was done to get them."""
    points = _reduce(x, seed)
    labels, grouping = _split(x, points, seed, n_themes, question_id)
    if grouping.k < 2:
        return labels, grouping
    found = contrast(corpus, points, labels, grouping.k, seed)
    sure = dataclasses.replace(grouping, contrast=found, confidence=confidence.level(found))
    return labels, sure


def _split(
    x: csr_matrix,
    points: np.ndarray,
    seed: int,
    n_themes: int | None,
    question_id: QuestionId | None,
) -> tuple[list[int], Grouping]:
    n = x.shape[0]
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


def centrality_order(x: csr_matrix, rows: Sequence[int]) -> list[int]:
    """Rows sorted most central first: cosine to the mean of the theme's rows."""
    import numpy as np

    sub = x[list(rows)]
    centre = np.asarray(sub.mean(axis=0)).ravel()
    sims = sub @ centre
    # rows are canonical indices, so ties (identical notes) break the same way every time
    return [r for _, r in sorted(zip((-sims).tolist(), rows, strict=True))]


def top_terms(corpus: Corpus, classes: Sequence[int], n_terms: int) -> dict[int, list[str]]:
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
        parts = set(name) if HAS_CJK.match(name) else set(name.split())
        if parts & used:
            _chain_cjk(picked, name, score)
            continue
        picked.append((name, score))
        used |= parts
    return [name for name, _ in picked]


def _chain_cjk(picked: list[tuple[str, float]], name: str, score: float) -> None:
    """Join overlapping CJK bigrams that always occur together: 公交 + 交车 -> 公交车."""
    for j, (term, term_score) in enumerate(picked):
        if not HAS_CJK.match(term) or abs(term_score - score) > 1e-9 * max(score, 1e-12):
            continue
        if term[-1] == name[0]:
            picked[j] = (term + name[1:], term_score)
        elif name[-1] == term[0]:
            picked[j] = (name[:-1] + term, term_score)
        else:
            continue
        return


def label_for(central_text: str, theme_id: ThemeId) -> str:
    """The automatic label: a phrase from the theme's most central note, or "Theme n" for a
    note with nothing to say. It is stored with the theme and the facilitator may rename it."""
    return phrases.phrase(central_text) if not is_blank(central_text) else f"Theme {theme_id}"


# ---------------------------------------------------------------------------------------------
# Confidence: the grouping against the same notes with their words shuffled


def contrast(
    corpus: Corpus, points: np.ndarray, labels: Sequence[int], k: int, seed: int
) -> float | None:
    """Silhouette of ``labels`` over the mean silhouette of k groups of shuffled notes."""
    import numpy as np

    rows = confidence.sample(len(corpus.words), seed)
    chosen = np.asarray(labels)[rows]
    if k < 2 or len(set(chosen.tolist())) < 2:
        return None
    real = _silhouette(_distances(points[rows]), chosen)
    words = [corpus.words[r] for r in rows]
    nulls = [
        _shuffled_silhouette(confidence.shuffled(words, seed + run), k, seed)
        for run in range(confidence.NULL_RUNS)
    ]
    return confidence.ratio(real, nulls)


def _shuffled_silhouette(words: list[list[str]], k: int, seed: int) -> float:
    points = _reduce(features(Corpus([" ".join(w) for w in words], words, [])), seed)
    k = min(k, _n_distinct(points))
    labels = _kmeans(points, k, seed) if k > 1 else None
    if labels is None or len(set(labels.tolist())) < 2:
        return 0.0
    return _silhouette(_distances(points), labels)
