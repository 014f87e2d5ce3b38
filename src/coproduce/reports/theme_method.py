"""How the themes were found, in plain words for the report and the themes page.

`themes.find_themes` says what it did as data (a `Grouping` per question: how many notes,
how many themes, how sure the grouping is); this module words it for people. It says what the
suggestion means for the room, never how it was computed: the method is in ``docs/themes.md``
(the themes page has a short plain version under "How suggestions are made"). The text is
saved with the themes when they are found (`services.find_themes`), in the language of
whoever started it; reports word it again from the saved themes (`describe_stored`), in their
own language, and say what the facilitators have sorted since.
"""

import dataclasses
from collections.abc import Sequence

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .themes import CLEAR, LOOSE, NONE, Grouping, Theming


def method_of(theming: Theming) -> str:
    """The account of how ``theming``'s themes were found."""
    return describe_method(theming.groups, n_ignored=len(theming.ignored_ids))


def describe_method(groups: Sequence[Grouping], *, n_ignored: int = 0, **_ignored) -> str:
    """Plain account of how sure the suggested themes are, for the report."""
    n_notes = sum(g.n_notes for g in groups)
    parts = []
    if n_notes == 0:
        parts.append(_("There were no notes to group into themes."))
    else:
        parts.append(
            ngettext(
                "The platform suggested themes from %(n)s note, putting together notes "
                "that use the same words.",
                "The platform suggested themes from %(n)s notes, putting together notes "
                "that use the same words.",
                n_notes,
            )
            % {"n": number_format(n_notes, force_grouping=True)}
        )
        parts.extend(_how_sure(groups))
    if n_ignored:
        parts.append(
            ngettext(
                "%(n)s blank note (empty or punctuation only) was left out.",
                "%(n)s blank notes (empty or punctuation only) were left out.",
                n_ignored,
            )
            % {"n": number_format(n_ignored, force_grouping=True)}
        )
    return " ".join(parts)


SORTED = "sorted"  # every theme of the question was made or changed by the facilitators


def _how_sure(groups: Sequence[Grouping]) -> list[str]:
    given = [g for g in groups if g.chosen_by == "given"]
    if given:
        return [_("The number of themes was set by the facilitator.")]
    levels = (CLEAR, LOOSE, NONE, SORTED)
    count = {level: sum(g.confidence == level for g in groups) for level in levels}
    sentences = []
    if count[CLEAR]:
        sentences.append(_("Where the groups were clear, they are kept as suggested."))
    if count[LOOSE]:
        sentences.append(_("Some groups were loose: notes in them may belong elsewhere."))
    if count[NONE]:
        sentences.append(
            _(
                "Where the notes did not fall into clear groups, they were left together, "
                "one theme per question, for the facilitators to sort."
            )
        )
    if count[SORTED]:
        sentences.append(_("The facilitators sorted the notes into themes themselves."))
    return sentences


def describe_stored(themes: dict) -> str:
    """The same account from the themes as saved (``WorkshopReport.themes``), in the language
    active now: a report is worded in its own language, whoever found the themes.

    A question counts by its themes as they stand: a theme still "no clear grouping" leaves
    its notes unsorted; one made or renamed by the facilitators has no confidence (None), and
    a question whose themes all have none was sorted by them."""
    groups = [_stored_grouping(found) for found in themes.get("questions", {}).values()]
    if themes.get("given"):
        groups = [dataclasses.replace(g, chosen_by="given") for g in groups]
    return describe_method(groups, n_ignored=themes.get("blank_notes", 0))


def _stored_grouping(found: list[dict]) -> Grouping:
    levels = {t.get("confidence") for t in found}
    if NONE in levels:
        level = NONE
    elif LOOSE in levels:
        level = LOOSE
    elif CLEAR in levels:
        level = CLEAR
    else:
        level = SORTED
    n_notes = sum(len(t.get("note_ids", ())) for t in found)
    return Grouping(None, n_notes, n_notes, len(found), "stored", confidence=level)


def confidence_label(level: str | None) -> str:
    """The confidence as the board shows it beside "Suggested"."""
    return {
        CLEAR: _("clear"),
        LOOSE: _("loose"),
        NONE: _("no clear grouping"),
    }.get(level or "", "")
