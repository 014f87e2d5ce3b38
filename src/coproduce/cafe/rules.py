"""Who may see a café and write or change its notes (registered with the permission module).

Notes belong to their writers. A participant may write a note for a table only for a round
they sat at it; they may change a note of that table and round only if they wrote it or host
the table. The coalition's facilitators and organisers may write and change any note.
"""

from coproduce.coalitions.permissions import Action, Visitor, admits, can, rule
from coproduce.workshops.selectors import registration_of

from .access import participant_of
from .models import Cafe, Note, Participant, Table


def _runs(visitor: Visitor, cafe: Cafe) -> bool:
    return can(visitor, Action.RUN_WORKSHOP, cafe)


def rounds_at(participant: Participant | None, table: Table) -> set[int]:
    """The rounds this participant sat at this table."""
    if participant is None:
        return set()
    return set(participant.seats.filter(table=table).values_list("round_number", flat=True))


def writable_rounds(visitor: Visitor, table: Table) -> list[int]:
    """The rounds this visitor may write notes for at this table."""
    cafe = table.cafe
    if _runs(visitor, cafe):
        return list(cafe.round_numbers)
    return sorted(rounds_at(participant_of(visitor, cafe), table))


def editable_notes(visitor: Visitor, table: Table, notes) -> set[int]:
    """Which of these notes of one table the visitor may change, in two queries at most."""
    if _runs(visitor, table.cafe):
        return {note.pk for note in notes}
    participant = participant_of(visitor, table.cafe)
    rounds = rounds_at(participant, table)
    return {
        note.pk
        for note in notes
        if note.round_number in rounds and participant.pk in (note.author_id, table.host_id)
    }


@admits(Cafe)
def takes_part(visitor: Visitor, cafe: Cafe) -> bool:
    """Those registered for the workshop, and whoever continued as a participant from a card.

    The participant is asked first, through the lookup the page itself makes next (kept for
    the request): a phone's poll then finds its person once, not once here and once there."""
    if participant_of(visitor, cafe) is not None:
        return True
    return registration_of(cafe.workshop, visitor.user, visitor.guest) is not None


@admits(Table)
@admits(Note)
@admits(Participant)
def takes_part_in_its_cafe(visitor: Visitor, obj) -> bool:
    return takes_part(visitor, obj.cafe)


@rule(Table, Action.WRITE_NOTE)
def may_write_at(visitor: Visitor, table: Table) -> bool:
    return bool(writable_rounds(visitor, table))


@rule(Note, Action.EDIT_NOTE)
def may_change(visitor: Visitor, note: Note) -> bool:
    if _runs(visitor, note.cafe):
        return True
    participant = participant_of(visitor, note.cafe)
    if participant is None or note.round_number not in rounds_at(participant, note.table):
        return False
    return participant.pk in (note.author_id, note.table.host_id)
