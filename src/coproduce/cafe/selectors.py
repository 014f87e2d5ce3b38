"""Reads the café pages share; each runs a fixed number of queries, however big the café."""

from collections import defaultdict

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import Cafe, Note, Participant, Seat, Table


def _tables(cafe: Cafe) -> list[Table]:
    return list(cafe.tables.select_related("host__registration", "topic"))


def _seating(cafe: Cafe) -> dict[int, dict[int, list[Participant]]]:
    """round -> table id -> participants, in two queries."""
    by_round: dict[int, dict[int, list[Participant]]] = defaultdict(lambda: defaultdict(list))
    seats = Seat.objects.filter(cafe=cafe).select_related("participant__registration")
    for seat in seats.order_by("round_number", "participant__registration__display_name"):
        by_round[seat.round_number][seat.table_id].append(seat.participant)
    return by_round


def plan_grid(cafe: Cafe) -> list[dict]:
    """Each planned round's tables and people. `open`: its seats may still be moved by hand;
    each person carries `route`, their tables as the page saw them (a move sends it back)."""
    tables, seating = _tables(cafe), _seating(cafe)
    _mark_routes(cafe, seating)
    return [
        {
            "number": number,
            "held": number <= cafe.held_rounds,
            "open": not cafe.is_finished and number >= cafe.current_round,
            "tables": [{"table": t, "people": seating[number].get(t.pk, [])} for t in tables],
        }
        for number in cafe.round_numbers
        if number in seating
    ]


def _mark_routes(cafe: Cafe, seating: dict[int, dict[int, list[Participant]]]) -> None:
    tables: dict[int, dict[int, int]] = defaultdict(dict)
    for number, by_table in seating.items():
        for table_id, people in by_table.items():
            for person in people:
                tables[person.pk][number] = table_id
    for by_table in seating.values():
        for people in by_table.values():
            for person in people:
                person.route = "-".join(
                    str(tables[person.pk].get(n, 0)) for n in cafe.round_numbers
                )


METRICS = [
    ("repeat_pairs", gettext_lazy("Repeated meetings: times two people meet again"), "min"),
    (
        "pair_cost",
        gettext_lazy(
            "Repeated meetings, weighted: two people meeting a third time count more than a second"
        ),
        "min",
    ),
    (
        "sector_deviation",
        gettext_lazy("Sector mix: people beyond each table's fair share of a sector"),
        "min",
    ),
    ("min_distinct_met", gettext_lazy("Fewest different people anyone meets"), "max"),
]


def some_repeats_unavoidable(rows: list[dict]) -> bool:
    """Whether no plan could do without some repeats or some uneven mix: only then is there
    anything for the page to explain."""
    minimised = {key for key, _label, direction in METRICS if direction == "min"}
    return any(row["bound"] > 0 for row in rows if row["key"] in minimised)


def metric_rows(metrics: dict | None) -> list[dict]:
    """Each measure beside the best any plan could do, and whether this plan reaches it."""
    if not metrics:
        return []
    rows = []
    for key, label, direction in METRICS:
        value, bound = metrics[key]["value"], metrics[key]["bound"]
        met = value <= bound if direction == "min" else value >= bound
        rows.append({"key": key, "label": label, "value": value, "bound": bound, "met": met})
    return rows


def live_state(cafe: Cafe) -> dict:
    """What the facilitator and the room need now: the tables of the round shown
    (`cafe.shown_round`), and who moves where for the next one (`cafe.next_round`)."""
    shown, following = cafe.shown_round, cafe.next_round
    tables, seating, questions = _tables(cafe), _seating(cafe), _round_questions(cafe)
    moves = []
    if following <= cafe.rounds and following in seating:
        before = (
            {p.pk: t for t in tables for p in seating[shown].get(t.pk, [])}
            if cafe.has_started
            else {}
        )
        for table in tables:
            for person in seating[following].get(table.pk, []):
                if before.get(person.pk) != table:
                    moves.append({"person": person, "from": before.get(person.pk), "to": table})
    return {
        "round_tables": [
            {
                "table": t,
                "people": seating[shown].get(t.pk, []),
                "question": question_of(cafe, t, shown, questions),
            }
            for t in tables
        ],
        "moves": sorted(moves, key=lambda m: m["person"].name),
        "has_plan": bool(seating),
    }


def _round_questions(cafe: Cafe) -> dict[int, object]:
    return {r.number: r.question for r in cafe.round_questions.select_related("question")}


def question_of(cafe: Cafe, table: Table, number: int, round_questions: dict | None = None):
    """The question a table discusses in a round (pass `round_questions` when asking often)."""
    if cafe.question_mode == Cafe.QuestionMode.PER_TABLE:
        return table.topic
    if round_questions is None:
        round_questions = _round_questions(cafe)
    return round_questions.get(number)


def route_label(seats: list[Seat]) -> str:
    """A person's tables round by round, as printed on a badge: 3-7-1."""
    return "-".join(str(seat.table.order) for seat in seats)


def my_state(cafe: Cafe, participant: Participant, *, route: bool = True) -> dict:
    """Where the participant sits now and what the table discusses; with `route`, their table
    in every round too. Without it (the page's refresh every few seconds), one seat is read."""
    shown = cafe.shown_round
    seats = participant.seats.select_related("table__host__registration", "table__topic")
    if route:
        seats = list(seats.order_by("round_number"))
        seat = next((s for s in seats if s.round_number == shown), None)
    else:
        seat = seats.filter(round_number=shown).first()
    state = {
        "participant": participant,
        "seat": seat,
        "question": question_of(cafe, seat.table, shown) if seat else None,
        "is_host": seat is not None and seat.table.host_id == participant.pk,
    }
    if route:
        state.update(seats=seats, route=route_label(seats))
    return state


def harvest_groups(cafe: Cafe, by: str) -> list[dict]:
    notes = (
        Note.objects.filter(cafe=cafe)
        .select_related("table", "question")
        .order_by("round_number", "table__order", "created_at")
    )
    groups: dict[object, dict] = {}
    for note in notes:
        if by == "table":
            key, title = note.table_id, note.table.name
        else:
            key = note.question_id
            title = str(note.question) if note.question else _("No question")
        groups.setdefault(key, {"title": title, "notes": []})["notes"].append(note)
    return list(groups.values())


def printable_title(kind: str, cafe: Cafe) -> str:
    titles = {
        "roster": _("Table rosters, round by round"),
        "cards": _("A card for each person"),
        "badges": _("Name badges with routes"),
    }
    return f"{titles[kind]}: {cafe.agenda_item.title}"


def breakout_rows(cafe: Cafe, round_number: int) -> list[tuple[str, str]]:
    seats = (
        Seat.objects.filter(cafe=cafe, round_number=round_number, table__online=True)
        .select_related("table", "participant__registration__person")
        .order_by("table__order", "participant__registration__display_name")
    )
    rows = []
    for seat in seats:
        registration = seat.participant.registration
        who = registration.person.email if registration.person_id else registration.display_name
        rows.append((seat.table.name, who))  # the CSV writer makes formulas harmless
    return rows
