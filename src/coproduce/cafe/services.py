"""The café's rules of play: setting it up, seating (through the pure engine), rounds, notes.

The seating engine (`seating/`) knows nothing of Django; this module turns the café's rows
into an engine `Problem` and the engine's `Plan` back into seats. The engine (OR-Tools, NumPy)
is imported by the functions that plan, not here: pages that only read a café never load it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from coproduce.core.uploads import ImageRefused, clean_image
from coproduce.people.sectors import GIVEN_SECTORS, seating_sector
from coproduce.workshops.models import AgendaItem, Registration

from . import polled, rounds
from .errors import CafeError  # raised here, and caught by the views as services.CafeError
from .models import Cafe, CafeRound, Note, NoteRevision, Participant, Rule, Seat, Table
from .selectors import plan_obstacle, question_of

if TYPE_CHECKING:
    from . import seating

DEFAULT_TABLE_SIZE = 5


# Setting up ---------------------------------------------------------------------------------


@transaction.atomic
def cafe_for(item: AgendaItem) -> Cafe:
    """The café of a World Café agenda item, created with sensible defaults the first time."""
    if item.kind != AgendaItem.Kind.WORLD_CAFE:
        raise CafeError(_("Only a World Café agenda item can have tables and rounds."))
    cafe, created = Cafe.objects.get_or_create(agenda_item=item)
    if created:
        questions = list(item.questions.all())
        cafe.rounds = max(len(questions), 3) if questions else 3
        cafe.minutes_per_round = max(item.minutes // cafe.rounds, 5)
        cafe.save()
        set_round_questions(cafe)
        sync_participants(cafe)
        add_tables(cafe, math.ceil(max(cafe.participants.count(), 1) / DEFAULT_TABLE_SIZE))
    return cafe


def set_round_questions(cafe: Cafe) -> None:
    """Give every round a question, taking the agenda item's questions in turn."""
    questions = list(cafe.agenda_item.questions.all())
    existing = {r.number: r for r in cafe.round_questions.all()}
    for number in cafe.round_numbers:
        if number not in existing:
            question = questions[(number - 1) % len(questions)] if questions else None
            CafeRound.objects.create(cafe=cafe, number=number, question=question)
    cafe.round_questions.filter(number__gt=cafe.rounds).delete()


def add_tables(cafe: Cafe, count: int, capacity: int = DEFAULT_TABLE_SIZE) -> None:
    start = cafe.tables.count()
    Table.objects.bulk_create(
        Table(
            cafe=cafe,
            name=_("Table %(n)s") % {"n": start + i + 1},
            order=start + i + 1,
            capacity=capacity,
        )
        for i in range(count)
    )
    mark_changed(cafe)


def sync_participants(cafe: Cafe) -> int:
    """Add everyone registered for the workshop who is not in the café yet (late arrivals
    included); returns how many were added."""
    known = set(cafe.participants.values_list("registration_id", flat=True))
    newcomers = (
        Registration.objects.filter(workshop=cafe.workshop, status=Registration.Status.REGISTERED)
        .exclude(pk__in=known)
        .order_by("pk")
    )
    added = Participant.objects.bulk_create(
        Participant(cafe=cafe, registration=r, joined_round=cafe.current_round) for r in newcomers
    )
    if added:
        mark_changed(cafe)
    return len(added)


def mark_changed(cafe: Cafe) -> None:
    """The layout changed (tables, people, rules or seats): something printed may now be out
    of date, so the café's revision goes up."""
    Cafe.objects.filter(pk=cafe.pk).update(revision=F("revision") + 1, updated_at=timezone.now())
    cafe.refresh_from_db(fields=["revision", "updated_at"])
    polled.forget(instance=cafe)


def add_rule(cafe: Cafe, kind: str, first: Participant, second: Participant) -> Rule:
    if first.pk == second.pk:
        raise CafeError(_("Choose two different people."))
    pair = {first.pk, second.pk}
    for rule in cafe.rules.all():
        if {rule.first_id, rule.second_id} == pair:
            raise CafeError(
                _("%(a)s and %(b)s already have a rule: %(rule)s.")
                % {"a": first, "b": second, "rule": rule.get_kind_display()}
            )
    rule = Rule.objects.create(cafe=cafe, kind=kind, first=first, second=second)
    mark_changed(cafe)
    return rule


@transaction.atomic
def save_setup(form, tables, questions) -> Cafe:
    """Save the café's set-up page as edited (validated forms): its rounds, tables and the
    question of each round."""
    cafe = form.save()
    tables.save()
    questions.save()
    set_round_questions(cafe)
    mark_changed(cafe)
    return cafe


@transaction.atomic
def save_people(formset) -> None:
    """Save who is here, online or staying at one table (a validated formset of participants)."""
    formset.save()
    if formset.forms:
        mark_changed(formset.forms[0].instance.cafe)


def remove_rule(rule: Rule) -> None:
    cafe = rule.cafe
    rule.delete()
    mark_changed(cafe)


# Seating ------------------------------------------------------------------------------------


def seats_by_round(cafe: Cafe) -> list[dict[int, tuple[int, ...]]]:
    """The stored plan as the engine's rounds: [{table id: (participant ids...)}, ...]."""
    rounds: list[dict[int, list[int]]] = [{} for _ in range(cafe.rounds)]
    for round_number, table_id, participant_id in cafe.seats.values_list(
        "round_number", "table_id", "participant_id"
    ).order_by("round_number", "table_id", "participant_id"):
        if round_number <= cafe.rounds:
            rounds[round_number - 1].setdefault(table_id, []).append(participant_id)
    return [{t: tuple(p) for t, p in r.items()} for r in rounds]


def engine_people(cafe: Cafe, present: list[Participant]) -> list[seating.Person]:
    """The people here as the seating engine sees them (the plan and moves by hand alike)."""
    from . import seating

    hosts = {}
    if cafe.host_mode == Cafe.HostMode.FIXED:
        hosts = {t.host_id: t.pk for t in cafe.tables.all() if t.host_id}
    return [
        seating.Person(
            id=p.pk,
            name=p.name,
            sector=seating_sector(p.registration.sector),
            host_of=hosts.get(p.pk),
            immobile=p.immobile,
            online=p.online,
        )
        for p in present
    ]


def engine_tables(cafe: Cafe) -> list[seating.Table]:
    from . import seating

    return [seating.Table(id=t.pk, capacity=t.capacity, online=t.online) for t in cafe.tables.all()]


def rule_pairs(cafe: Cafe, present: list[Participant]) -> dict[str, list[tuple[int, int]]]:
    """The café's together and apart rules between people who are here."""
    here = {p.pk for p in present}
    pairs = {Rule.Kind.TOGETHER: [], Rule.Kind.APART: []}
    for rule in cafe.rules.all():
        if rule.first_id in here and rule.second_id in here:
            pairs[rule.kind].append((rule.first_id, rule.second_id))
    return pairs


def build_problem(cafe: Cafe, *, keep_history: bool) -> seating.Problem:
    """The café as a seating problem. Raises seating.ProblemError naming who or what is wrong."""
    from . import seating

    present = list(cafe.participants.filter(present=True).select_related("registration"))
    pairs = rule_pairs(cafe, present)
    history = seats_by_round(cafe)[: cafe.held_rounds] if keep_history else []
    return seating.Problem(
        rounds=cafe.rounds,
        tables=engine_tables(cafe),
        people=engine_people(cafe, present),
        together=pairs[Rule.Kind.TOGETHER],
        apart=pairs[Rule.Kind.APART],
        history=history,
        allowed_sectors=GIVEN_SECTORS,
    )


def why_not_plannable(cafe: Cafe) -> str | None:
    """What stops the café being seated as it stands (the obstacle, in words), or None.
    Cheap: no solving."""
    from . import seating

    if not cafe.tables.exists():
        return _("Add at least one table.")
    try:
        build_problem(cafe, keep_history=cafe.has_started)
    except seating.ProblemError as error:
        return plan_obstacle(cafe, error)
    return None


def make_plan(
    cafe: Cafe, *, seed: int = 0, progress=None, seconds: float | None = None
) -> seating.Plan:
    """Seat every round not yet held. Before the café starts that is all of them; on the day,
    the remaining rounds are re-planned around no-shows and late arrivals, keeping as many
    printed seats as possible."""
    from . import seating

    replanning = cafe.has_started or cafe.seats.exists()
    problem = build_problem(cafe, keep_history=cafe.has_started)
    if progress:
        progress(
            0.1,
            # Two numbers, two plurals: each phrase agrees with its own number.
            _("Seating %(people)s at %(tables)s")
            % {
                "people": ngettext("%(n)s person", "%(n)s people", len(problem.people))
                % {"n": len(problem.people)},
                "tables": ngettext("%(n)s table", "%(n)s tables", len(problem.tables))
                % {"n": len(problem.tables)},
            },
        )
    previous = seats_by_round(cafe) if replanning and cafe.seats.exists() else None
    if seconds is None:
        seconds = settings.CAFE_SOLVER_SECONDS
    plan = seating.solve(problem, seed=seed, time_limit=seconds, previous=previous)
    if progress:
        progress(0.9, _("Saving the plan"))
    save_plan(cafe, plan)
    return plan


@transaction.atomic
def save_plan(cafe: Cafe, plan: seating.Plan) -> None:
    held = cafe.held_rounds
    cafe.seats.filter(round_number__gt=held).delete()
    Seat.objects.bulk_create(
        Seat(cafe=cafe, round_number=number, table_id=table_id, participant_id=participant_id)
        for number, seating_round in enumerate(plan.rounds, start=1)
        if number > held
        for table_id, seated in seating_round.items()
        for participant_id in seated
    )
    cafe.plan_metrics = plan.metrics_json()
    cafe.planned_at = timezone.now()
    cafe.save(update_fields=["plan_metrics", "planned_at"])
    mark_changed(cafe)


# Running the rounds ---------------------------------------------------------------------------


def advance_round(cafe: Cafe) -> Cafe:
    """Start the next round (or finish after the last): see `rounds`, which also pauses,
    changes the clock and undoes."""
    return rounds.advance_round(cafe)


def close_cafe(cafe: Cafe) -> Cafe:
    return rounds.close_cafe(cafe)


def reopen_cafe(cafe: Cafe) -> Cafe:
    return rounds.reopen_cafe(cafe)


# Notes ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Writer:
    """Who saves a note: the participant (from their card or registration), their account, or
    both; the history shows their name."""

    participant: Participant | None = None
    user: object | None = None

    @property
    def name(self) -> str:
        if self.participant is not None:
            return self.participant.name
        if self.user is not None and self.user.is_authenticated:
            return str(self.user)
        return ""


def save_note(
    cafe: Cafe,
    *,
    table: Table,
    round_number: int,
    text: str,
    photo=None,
    author=None,
    note=None,
    by: Writer | None = None,
    sending_key: str = "",
) -> Note:
    """Write a new note or change one; every save is kept as a revision.

    A new note sent with a `sending_key` already used in this café is the same note sent
    again (a retry from a phone that lost its connection, a double tap): the stored note is
    returned and nothing new is written."""
    by = by or Writer(participant=author)
    if note is None and sending_key:
        already = cafe.notes.filter(sending_key=sending_key).first()
        if already is not None:
            return already
    _check_note(cafe, round_number, text, photo, note)
    if photo is not None:
        # Only the pixels are kept, as a new JPEG under a random name: no EXIF (GPS, phone),
        # no sender-chosen name or type. The request's size is capped before this runs.
        try:
            photo = clean_image(photo)
        except ImageRefused as error:
            raise CafeError(str(error)) from None
    note = note or Note(cafe=cafe, table=table, round_number=round_number, sending_key=sending_key)
    note.table, note.round_number, note.text = table, round_number, text.strip()
    note.question = question_of(cafe, table, round_number)
    if author is not None and note.author_id is None:
        note.author, note.author_name = author, author.name
    if photo is not None:
        note.photo = photo
    try:
        with transaction.atomic():
            _keep_first_version(note)
            note.save()
            _record(note, by)
    except IntegrityError:
        # Two sendings of one note arrived at once: the other one stored it.
        if note.pk is None and sending_key:
            return cafe.notes.get(sending_key=sending_key)
        raise
    return note


def _check_note(cafe: Cafe, round_number: int, text: str, photo, note: Note | None) -> None:
    if cafe.is_closed:
        raise CafeError(_("The café is closed; notes can no longer be changed."))
    if not 1 <= round_number <= cafe.rounds:
        raise CafeError(_("There is no round %(n)s.") % {"n": round_number})
    if not text.strip() and not photo and not (note and note.photo):
        raise CafeError(_("Write a note or add a photo."))


def _keep_first_version(note: Note) -> None:
    """A note written before notes kept their history gets its stored version recorded first,
    under its writer's name, so the first change does not lose it."""
    if note.pk is None or note.revisions.exists():
        return
    stored = Note.objects.get(pk=note.pk)
    NoteRevision.objects.create(
        note=stored,
        round_number=stored.round_number,
        text=stored.text,
        photo=stored.photo.name or "",
        saved_by_participant_id=stored.author_id,
        saved_by_name=stored.author_name,
        saved_at=stored.updated_at,
    )


def _record(note: Note, by: Writer, restored_from: NoteRevision | None = None) -> NoteRevision:
    user = by.user if by.user is not None and by.user.is_authenticated else None
    return NoteRevision.objects.create(
        note=note,
        round_number=note.round_number,
        text=note.text,
        photo=note.photo.name or "",
        saved_by=user,
        saved_by_participant=by.participant,
        saved_by_name=by.name,
        restored_from=restored_from,
    )


@transaction.atomic
def restore_note(note: Note, revision: NoteRevision, *, by: Writer) -> Note:
    """Bring back an earlier version of a note; the note's history keeps what it replaces."""
    if revision.note_id != note.pk:
        raise CafeError(_("That version belongs to another note."))
    cafe = note.cafe
    _check_note(cafe, revision.round_number, revision.text, revision.photo, note=None)
    _keep_first_version(note)
    note.round_number, note.text = revision.round_number, revision.text
    note.question = question_of(cafe, note.table, revision.round_number)
    note.photo = revision.photo
    note.save()
    _record(note, by, restored_from=revision)
    return note
