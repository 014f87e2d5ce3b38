"""What came of a workshop: the actions traced to its café notes, its harvest themes and its
opinion map's statements, for the workshop's report and for the people who took part.

Three queries over the sources (one per kind that belongs to a workshop), one for the actions
with their owners (and, for a person, two to find the themes that gathered their notes),
whatever the number of workshops asked about.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Prefetch

from coproduce.cafe.models import Note
from coproduce.reports.models import WorkshopReport

from .models import Action, Kind, Ownership, Source

# For each kind of source that belongs to a workshop: the path from the source to the
# workshop's id, and to the person who wrote it (a café note's author), if any.
_WORKSHOP_OF = {
    Kind.NOTE: ("note__cafe__agenda_item__workshop_id", "note__author__registration__person_id"),
    Kind.THEME: ("report__workshop_id", None),
    Kind.STATEMENT: ("statement__conversation__workshop_id", None),
}


@dataclass
class Came:
    """An action that came from a workshop; `from_me`: from a note this person wrote."""

    action: Action
    kinds: set = field(default_factory=set)
    from_me: bool = False


def from_workshops(workshop_ids, person=None) -> dict[int, list[Came]]:
    """{workshop id: the actions that came from it}, in the plan's order. With a person, each
    is marked `from_me` when it came from a café note they wrote, or from a theme that
    gathered one of their notes."""
    ids = list(workshop_ids)
    if not ids:
        return {}
    found: dict[int, dict[int, Came]] = defaultdict(dict)
    themes = []  # (workshop id, action id, report id, theme number): checked for my notes
    for kind, (workshop_path, author_path) in _WORKSHOP_OF.items():
        columns = ["action_id", workshop_path, *([author_path] if author_path else [])]
        if kind == Kind.THEME:
            columns += ["report_id", "theme"]
        rows = Source.objects.filter(kind=kind, **{f"{workshop_path}__in": ids})
        for row in rows.values_list(*columns):
            action_id, workshop_id = row[0], row[1]
            came = found[workshop_id].setdefault(action_id, Came(action=None))
            came.kinds.add(kind)
            if person is not None and author_path and row[2] == person.pk:
                came.from_me = True
            if kind == Kind.THEME:
                themes.append((workshop_id, action_id, row[2], row[3]))
    if person is not None and themes:
        for workshop_id, action_id in _themes_with_my_notes(themes, person):
            found[workshop_id][action_id].from_me = True
    actions = _actions({pk for by_action in found.values() for pk in by_action})
    out = {}
    for workshop_id, by_action in found.items():
        for pk, came in by_action.items():
            came.action = actions[pk]
        out[workshop_id] = sorted(by_action.values(), key=lambda c: _order(c.action))
    return out


def _themes_with_my_notes(themes: list[tuple], person) -> list[tuple[int, int]]:
    """The (workshop, action) pairs whose theme gathered a note this person wrote. Themes live
    in their report's data: one query for the reports, one for the person's notes."""
    reports = WorkshopReport.objects.filter(pk__in={report for _w, _a, report, _n in themes})
    notes_of: dict[tuple[int, int], set] = {}
    for report_id, data in reports.values_list("pk", "themes"):
        for raw_themes in (data or {}).get("questions", {}).values():
            for raw in raw_themes:
                notes_of[(report_id, int(raw["id"]))] = set(raw.get("note_ids", []))
    every_note = set().union(*notes_of.values()) if notes_of else set()
    mine = set(
        Note.objects.filter(pk__in=every_note, author__registration__person=person).values_list(
            "pk", flat=True
        )
    )
    return [
        (workshop_id, action_id)
        for workshop_id, action_id, report_id, number in themes
        if notes_of.get((report_id, number), set()) & mine
    ]


def _actions(ids) -> dict[int, Action]:
    current = Ownership.objects.filter(until__isnull=True).select_related("organisation")
    actions = (
        Action.objects.filter(pk__in=ids)
        .select_related("goal__plan__coalition", "lead")
        .prefetch_related(Prefetch("ownerships", queryset=current, to_attr="current_owners"))
    )
    return {action.pk: action for action in actions}


def _order(action: Action) -> tuple:
    return (action.goal.plan_id, action.goal.position, action.goal_id, action.position, action.pk)


def owner_names(action: Action) -> list[str]:
    """The owners now (read from `_actions`' prefetch)."""
    return sorted(o.organisation.name for o in action.current_owners)
