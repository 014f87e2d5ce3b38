"""Seats by hand on the day: moving one person to another table, and seating a late arrival.

The choice of table and the rule check are the seating engine's (`seating/moves.py`, pure);
this module reads the café's seats into it and writes the answer. Every change happens with
the café's row locked, after checking that the person's seats are still the ones the
facilitator was looking at: of two facilitators moving the same person at once, the later is
told, and nothing is half-saved.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from coproduce.workshops.models import Registration

from .models import Cafe, Participant, Seat, Table
from .services import (
    CafeError,
    engine_people,
    engine_tables,
    mark_changed,
    rule_pairs,
    seats_by_round,
)

if TYPE_CHECKING:
    from .seating import moves as engine_types


def _engine():
    """The seating engine's moves module. Importing the engine loads the solver's libraries,
    so it is imported by the functions that need it, not here: the live page and the desk,
    which list late arrivals, never load it."""
    from .seating import moves

    return moves


class MoveRefused(CafeError):
    """The move cannot be made; the message says why."""


class MovedMeanwhile(MoveRefused):
    """Someone else changed this person's seats since the page was drawn."""


@dataclass
class Outcome:
    saved: bool
    rounds: list[int]
    table: Table
    breaks: list[str] = field(default_factory=list)  # the rules broken, in plain words
    digest: str = ""  # names exactly these breaks, so confirming confirms them


# Reading the café --------------------------------------------------------------------------


def _here(cafe: Cafe):
    return cafe.participants.filter(
        present=True, registration__status=Registration.Status.REGISTERED
    ).select_related("registration")


def room_of(cafe: Cafe) -> engine_types.Room:
    """The café as the engine sees it: tables, the people here, rules and every round's seats."""
    engine = _engine()
    people = list(_here(cafe))
    rules = rule_pairs(cafe, people)
    return engine.Room(
        tables=tuple(engine_tables(cafe)),
        # As the plan was made (same people, sectors and hosts), so its figures compare.
        people={person.id: person for person in engine_people(cafe, people)},
        together=tuple(rules["together"]),
        apart=tuple(rules["apart"]),
        rounds={n: seating for n, seating in enumerate(seats_by_round(cafe), start=1) if seating},
    )


def open_rounds(cafe: Cafe) -> list[int]:
    """Rounds whose seats may still change: the one under way and those after it (all of
    them before the start, none once every round is done)."""
    if cafe.is_finished:
        return []
    return list(range(max(cafe.current_round, 1), cafe.rounds + 1))


def route_of(room: engine_types.Room, cafe: Cafe, participant_id: int) -> str:
    """The person's table in every round, as a short text a form carries back unchanged."""
    return "-".join(str(t or 0) for t in _engine().route(room, participant_id, cafe.round_numbers))


# Moving a person ---------------------------------------------------------------------------


@transaction.atomic
def move(
    cafe: Cafe,
    participant: Participant,
    table: Table,
    *,
    first_round: int,
    rest: bool,
    seen: str,
    confirmed: str = "",
) -> Outcome:
    """Seat `participant` at `table` in `first_round` (and, with `rest`, every round after).

    `seen` is the person's route as the page showed it. When the move breaks a rule or
    overfills the table, nothing is saved unless `confirmed` names exactly those breaks."""
    engine = _engine()
    cafe = Cafe.objects.select_for_update().get(pk=cafe.pk)
    participant = _still_here(cafe, participant)
    if table.cafe_id != cafe.pk:
        raise MoveRefused(_("That table is not in this café."))
    numbers = _rounds_to_move(cafe, first_round, rest)
    room = room_of(cafe)
    if route_of(room, cafe, participant.pk) != seen:
        raise MovedMeanwhile(
            _("%(name)s was just moved by someone else; here is the plan now.")
            % {"name": participant.name}
        )
    if all(engine.table_of(room.seats(n), participant.pk) == table.pk for n in numbers):
        raise MoveRefused(
            _("%(name)s already sits at %(table)s then.")
            % {"name": participant.name, "table": table.name}
        )
    words = describe(cafe, participant, engine.breaks(room, participant.pk, table.pk, numbers))
    outcome = Outcome(saved=False, rounds=numbers, table=table, breaks=words, digest=digest(words))
    if words and confirmed != outcome.digest:
        return outcome
    _write(cafe, participant, {n: table.pk for n in numbers})
    outcome.saved = True
    return outcome


def _still_here(cafe: Cafe, participant: Participant) -> Participant:
    found = _here(cafe).filter(pk=participant.pk).first()
    if found is None:
        raise MoveRefused(
            _("%(name)s has left the café, so their seats can no longer change.")
            % {"name": participant.name}
        )
    return found


def _rounds_to_move(cafe: Cafe, first_round: int, rest: bool) -> list[int]:
    if not 1 <= first_round <= cafe.rounds:
        raise MoveRefused(_("There is no round %(n)s.") % {"n": first_round})
    if first_round not in open_rounds(cafe):
        raise MoveRefused(
            _("Round %(n)s has ended: its seats stay as they were.") % {"n": first_round}
        )
    return list(range(first_round, cafe.rounds + 1)) if rest else [first_round]


def digest(words: list[str]) -> str:
    return hashlib.sha256("\n".join(words).encode()).hexdigest()[:16] if words else ""


def _write(cafe: Cafe, participant: Participant, tables: dict[int, int]) -> None:
    """Seat the person at these tables (round -> table), then recount the plan's figures and
    count up the café's revision, so phones and printables follow."""
    Seat.objects.filter(cafe=cafe, participant=participant, round_number__in=tables).delete()
    Seat.objects.bulk_create(
        Seat(cafe=cafe, participant=participant, round_number=n, table_id=t)
        for n, t in tables.items()
    )
    refresh_figures(cafe)
    mark_changed(cafe)


def refresh_figures(cafe: Cafe) -> None:
    """Recount the plan's quality figures for the seats as they now are (the best possible
    values do not depend on the seats, so they stay)."""
    if not cafe.plan_metrics:
        return
    room = room_of(cafe)
    figures = _engine().recount(room.people.values(), seats_by_round(cafe))
    metrics = dict(cafe.plan_metrics)
    reached = True
    for key, better in (
        ("repeat_pairs", min),
        ("pair_cost", min),
        ("sector_deviation", min),
        ("min_distinct_met", max),
    ):
        value = getattr(figures, key)
        metrics[key] = {**metrics[key], "value": value}
        reached = reached and better(value, metrics[key]["bound"]) == value
    metrics["optimal"] = reached
    cafe.plan_metrics = metrics
    cafe.save(update_fields=["plan_metrics"])


# Plain words -------------------------------------------------------------------------------


def describe(cafe: Cafe, participant: Participant, breaks: list[engine_types.Break]) -> list[str]:
    """Each broken rule as a sentence for the facilitator, with the rounds it is broken in."""
    names = dict(
        cafe.participants.values_list("pk", "registration__display_name")
    )  # one read for every name a rule may mention
    tables = dict(cafe.tables.values_list("pk", "name"))
    out = []
    for found in breaks:
        words = {
            "name": participant.name,
            "other": names.get(found.other, ""),
            "table": tables.get(found.table, ""),
        }
        rounds = ", ".join(str(n) for n in found.rounds)
        out.append(
            ngettext("Round %(rounds)s: %(rule)s", "Rounds %(rounds)s: %(rule)s", len(found.rounds))
            % {"rounds": rounds, "rule": _sentence(found.rule, words)}
        )
    return out


def _sentence(rule: engine_types.Broken, words: dict) -> str:
    engine = _engine()
    sentences = {
        engine.Broken.APART: _("%(name)s and %(other)s should not sit together."),
        engine.Broken.TOGETHER: _("%(name)s and %(other)s should sit together."),
        engine.Broken.FULL: _("%(table)s would have more people than seats."),
        engine.Broken.KIND: _(
            "%(name)s would sit at a table of the other kind (online or in the room)."
        ),
        engine.Broken.HOST: _("%(name)s hosts %(table)s and would leave it."),
        engine.Broken.STAYS: _("%(name)s stays at one table, but would sit at more than one."),
    }
    return sentences[rule] % words


# Late arrivals -----------------------------------------------------------------------------


def late_arrivals(cafe: Cafe) -> list[dict]:
    """Who has arrived but has no seat in the round under way: people in the café without
    one, and people registered or checked in who are not in the café yet (joined on the day,
    or added at the desk). Each as {"name", "registration"}; empty unless a round is on."""
    if not cafe.is_running:
        return []
    seated = set(
        cafe.seats.filter(round_number=cafe.current_round).values_list("participant_id", flat=True)
    )
    waiting = [
        {"name": p.name, "registration": p.registration} for p in _here(cafe) if p.pk not in seated
    ]
    known = cafe.participants.values_list("registration_id", flat=True)
    # Registered with no place in the café: those who checked in, or joined once the workshop
    # had begun (with its code, on their phone). Not those who registered earlier and have
    # not come.
    newcomers = (
        Registration.objects.filter(workshop=cafe.workshop, status=Registration.Status.REGISTERED)
        .exclude(pk__in=known)
        .filter(Q(checked_in_at__isnull=False) | Q(created_at__gte=cafe.workshop.starts_at))
    )
    waiting += [{"name": r.display_name, "registration": r} for r in newcomers]
    return sorted(waiting, key=lambda w: w["name"].casefold())


@transaction.atomic
def seat_late_arrival(cafe: Cafe, registration: Registration) -> dict[int, Table]:
    """Seat someone who arrived late in the round under way and every round after, each at
    the table that best keeps the mix. Returns round -> table."""
    cafe = Cafe.objects.select_for_update().get(pk=cafe.pk)
    if not cafe.is_running:
        raise MoveRefused(_("Late arrivals are seated while a round is under way."))
    if registration.workshop_id != cafe.agenda_item.workshop_id or (
        registration.status != Registration.Status.REGISTERED
    ):
        raise MoveRefused(_("This person is not registered for the workshop."))
    participant, created = Participant.objects.get_or_create(
        cafe=cafe, registration=registration, defaults={"joined_round": cafe.current_round}
    )
    if not participant.present:
        participant.present = True
        participant.save(update_fields=["present"])
    numbers = open_rounds(cafe)
    if cafe.seats.filter(participant=participant, round_number=numbers[0]).exists():
        raise MoveRefused(
            _("%(name)s already has a seat in this round.") % {"name": participant.name}
        )
    if not cafe.tables.exists():
        raise MoveRefused(_("Add at least one table."))
    choice = _engine().seat_newcomer(room_of(cafe), participant.pk, numbers)
    _write(cafe, participant, choice)
    tables = {t.pk: t for t in cafe.tables.all()}
    return {n: tables[t] for n, t in choice.items()}
