"""How the themes were found, in words for the report.

`themes.find_themes` says what it did as data (a `Grouping` per question: how many notes, how
many themes, how that number was chosen); this module words it. The text is saved with the
themes when they are found (`services.find_themes`) and printed under them in the report.

It is English only, word for word as the report has always printed it: translating it means
whole sentences in the catalogue rather than these pieces, and a Spanish text for each.
"""

from collections.abc import Sequence

from .themes import Grouping, Theming
from .themes.finding import CHAR_NGRAMS, MIN_THEME_SIZE


def method_of(theming: Theming) -> str:
    """The account of how ``theming``'s themes were found."""
    return describe_method(
        theming.groups,
        seed=theming.seed,
        n_ignored=len(theming.ignored_ids),
        by_question=theming.by_question,
    )


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


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}" if n == 1 else f"{n:,} {word}s"


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
