"""One definition per figure people read: its name and what it means for the room.

Pages and report builders take a figure's label and explanation from here, so that
"Voters" on the map page, in the workshop page and in every report format is the same
count with the same words. Keys are stable; labels and explanations are translated.
Add a figure here before showing it anywhere.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Figure:
    key: str
    label: Promise
    means: Promise  # one short sentence: what the number says about the room


_FIGURES = (
    Figure("registered", _("Registered"), _("People who signed up for the workshop.")),
    Figure("attended", _("Attended"), _("People checked in on the day.")),
    Figure(
        "participants",
        _("Participants"),
        _("People who opened the conversation, whether or not they voted."),
    ),
    Figure("voters", _("Voters"), _("People who answered at least one statement.")),
    Figure("votes", _("Votes cast"), _("Answers given: agree, disagree or pass.")),
    Figure(
        "statements",
        _("Statements"),
        _("Statements people can vote on (those waiting for moderation are not counted)."),
    ),
    Figure(
        "in_group",
        _("In the group"),
        _("Of the group's members who voted on the statement, the share who took this view."),
    ),
    Figure(
        "everyone_else",
        _("Everyone else"),
        _("Of everyone outside the group who voted on it, the share who took this view."),
    ),
    Figure(
        "net_agreement",
        _("Net agreement"),
        _("Per cent agreeing minus per cent disagreeing: +100 all agree, -100 all disagree."),
    ),
)

# The workshop report's figures (reports/builder.py) and the map page's participation.
_FIGURES += (
    Figure(
        "registered_voted",
        _("Registered and voted"),
        _(
            "People registered for the workshop who answered at least one statement on the "
            "opinion map. Voters also counts people who joined the map without registering."
        ),
    ),
    Figure(
        "registered_wrote",
        _("Registered and wrote"),
        _("People registered for the workshop who wrote a table note or a statement."),
    ),
    Figure("table_notes", _("Table notes written"), _("Notes the tables wrote in the café.")),
    Figure(
        "photos",
        _("Photos of tablecloths"),
        _("Pictures of the tables' paper tablecloths, sent from phones."),
    ),
    Figure(
        "people_met",
        _("Different people met at the tables"),
        _("Across the rounds, half the people at the tables sat with at least this many others."),
    ),
    Figure(
        "votes_per_voter",
        _("Votes per voter"),
        _("On average, how many statements each voter answered."),
    ),
    Figure(
        "statements_voted_on",
        _("Statements voted on"),
        _("Statements that at least one person answered."),
    ),
    Figure(
        "voters_who_wrote",
        _("Voters who wrote a statement"),
        _("Of the voters, the share who also wrote a statement."),
    ),
    Figure(
        "voters_in_groups",
        _("Voters in opinion groups"),
        _("Of the voters, the share who voted enough to be placed in an opinion group."),
    ),
    Figure(
        "vote_shares",
        _("How people voted"),
        _(
            "Of the people who voted on a statement, the share who agreed, disagreed and "
            "passed; each bar shows everyone, then each opinion group."
        ),
    ),
    Figure(
        "plan_progress",
        _("Progress"),
        _(
            "How far the actions have come on average: each action counts by its weight, and "
            "actions that were dropped are left out."
        ),
    ),
)

FIGURES: dict[str, Figure] = {f.key: f for f in _FIGURES}


def figure(key: str) -> Figure:
    """The figure called `key`; a KeyError names a figure nobody has defined yet."""
    return FIGURES[key]
