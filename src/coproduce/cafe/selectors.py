"""Reads the café pages share; each runs a fixed number of queries, however big the café."""

from collections import defaultdict
from typing import NamedTuple

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

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


class Seated(NamedTuple):
    """A person at a table, as the live page and the room screen show them: a name."""

    pk: int
    name: str


def _rounds_seating(cafe: Cafe, numbers: set[int]) -> dict[int, dict[int, list[Seated]]]:
    """round -> table id -> people, for the given rounds only, read as plain values: these
    pages are asked every few seconds by every facilitator, and a café of 300 people has
    1,200 seats over four rounds, which as model objects cost tens of milliseconds a time."""
    by_round: dict[int, dict[int, list[Seated]]] = defaultdict(lambda: defaultdict(list))
    rows = (
        Seat.objects.filter(cafe=cafe, round_number__in=numbers)
        .order_by("round_number", "participant__registration__display_name", "participant_id")
        .values_list(
            "round_number", "table_id", "participant_id", "participant__registration__display_name"
        )
    )
    for number, table_id, person_id, name in rows:
        by_round[number][table_id].append(Seated(person_id, name))
    return by_round


def live_state(cafe: Cafe) -> dict:
    """What the facilitator and the room need now: the tables of the round shown
    (`cafe.shown_round`), and who moves where for the next one (`cafe.next_round`)."""
    shown, following = cafe.shown_round, cafe.next_round
    tables, questions = _tables(cafe), _round_questions(cafe)
    seating = _rounds_seating(cafe, {shown, following})
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
        "has_plan": _has_plan(cafe, seating),
    }


def _has_plan(cafe: Cafe, seating: dict) -> bool:
    return bool(seating) or Seat.objects.filter(cafe=cafe).exists()


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


# What stops a plan ---------------------------------------------------------------------------


def plan_obstacle(cafe: Cafe, error) -> str:
    """The seating engine's objection to the café (a `seating.ProblemError`), said in the
    reader's language with people and tables by name. Objections a café made on the site
    cannot meet (ids, files) have no code and get one general sentence."""
    names = {
        "people": dict(cafe.participants.values_list("pk", "registration__display_name")),
        "tables": dict(cafe.tables.values_list("pk", "name")),
    }
    say = _OBSTACLES.get(getattr(error, "code", ""))
    if say is None:
        return _("The café cannot be seated as it stands. Check its tables, hosts and rules.")
    return say({**error.values}, names)


def _too_few_seats(obstacle, names) -> str:
    values = {"count": obstacle["count"], "seats": obstacle["seats"]}
    if obstacle.get("online"):
        return (
            ngettext(
                "%(count)s person takes part online but the online tables have only %(seats)s "
                "seats. Add online tables or seats.",
                "%(count)s people take part online but the online tables have only %(seats)s "
                "seats. Add online tables or seats.",
                obstacle["count"],
            )
            % values
        )
    return (
        ngettext(
            "%(count)s person is here but the tables in the room have only %(seats)s seats. Add "
            "tables or seats.",
            "%(count)s people are here but the tables in the room have only %(seats)s seats. Add "
            "tables or seats.",
            obstacle["count"],
        )
        % values
    )


_OBSTACLES = {
    "no_tables": lambda obstacle, names: _("Add at least one table."),
    "no_people": lambda obstacle, names: _("There is nobody to seat yet."),
    "too_big": lambda obstacle, names: _(
        "This café is larger than the seating plan can handle: fewer people or rounds are needed."
    ),
    "too_few_seats": _too_few_seats,
    "host_elsewhere": lambda obstacle, names: (
        _("%(person)s hosts %(table)s, but one of them is online and the other in the room.")
        % _values(obstacle, names)
    ),
    "together_and_apart": lambda obstacle, names: (
        _("%(people)s must both sit together and sit apart. Delete one of the two rules.")
        % _values(obstacle, names)
    ),
    "together_hosts": lambda obstacle, names: (
        _("%(people)s must sit together but host different tables.") % _values(obstacle, names)
    ),
    "together_online_and_room": lambda obstacle, names: (
        _("%(people)s must sit together, but some take part online and some in the room.")
        % _values(obstacle, names)
    ),
    "together_too_many_for_host": lambda obstacle, names: (
        _("%(people)s must sit together at %(table)s, which has only %(seats)s seats.")
        % _values(obstacle, names)
    ),
    "together_too_many": lambda obstacle, names: (
        _("%(people)s must sit together, but no table has that many seats free.")
        % _values(obstacle, names)
    ),
}


# Why no plan can do better -------------------------------------------------------------------


def plan_reasons(cafe: Cafe) -> list[str]:
    """The seating engine's reasons, said in the reader's language with people and tables by
    their names. Plans stored before reasons had codes kept only English sentences written
    for developers: those are not shown, and the page asks for a new plan instead."""
    stored = (cafe.plan_metrics or {}).get("reasons")
    if stored is None:
        return []
    people = dict(cafe.participants.values_list("pk", "registration__display_name"))
    tables = dict(cafe.tables.values_list("pk", "name"))
    names = {"people": people, "tables": tables}
    has_online = any(reason.get("online") for reason in stored)
    said = (_said(reason, names, has_online) for reason in stored)
    return [sentence for sentence in said if sentence]


def plan_reasons_outdated(cafe: Cafe) -> bool:
    metrics = cafe.plan_metrics or {}
    return bool(metrics.get("explanations")) and "reasons" not in metrics


def _said(reason: dict, names: dict, has_online: bool) -> str:
    say = _REASONS.get(reason.get("code"))
    if say is None:
        return ""
    sentence = say(reason, names)
    if sentence and has_online and "online" in reason:
        where = _("Online tables") if reason["online"] else _("Tables in the room")
        sentence = _("%(where)s: %(reason)s") % {"where": where, "reason": sentence}
    return sentence


def _names(ids, known: dict) -> str:
    return ", ".join(str(known.get(i, "?")) for i in ids)


def _values(reason: dict, names: dict) -> dict:
    """The reason's numbers, with its people and table by name."""
    return {
        **reason,
        "people": _names(reason.get("people", []), names["people"]),
        "person": names["people"].get(reason.get("person"), "?"),
        "table": names["tables"].get(reason.get("table"), "?"),
    }


# Each sentence says what the room will live with, never how the bound was computed; the
# methods are in docs/seating.md.


def _counting(reason, names) -> str:
    return ngettext(
        "The tables bring people together %(meetings)s times, but only %(fresh)s pairs have "
        "not met yet: at least %(repeats)s pair meets again, whatever the plan.",
        "The tables bring people together %(meetings)s times, but only %(fresh)s pairs have "
        "not met yet: at least %(repeats)s times two people meet again, whatever the plan.",
        reason["repeats"],
    ) % _values(reason, names)


def _transition(reason, names) -> str:
    return ngettext(
        "There are too few tables for the people at one table to split up every round: at "
        "least %(repeats)s pair meets again, whatever the plan.",
        "There are too few tables for the people at one table to split up every round: at "
        "least %(repeats)s times two people meet again, whatever the plan.",
        reason["repeats"],
    ) % _values(reason, names)


def _design(reason, names) -> str:
    return ngettext(
        "With these tables, no more than %(rounds)s rounds can go by without two people "
        "meeting again: at least %(repeats)s pair meets again, whatever the plan.",
        "With these tables, no more than %(rounds)s rounds can go by without two people "
        "meeting again: at least %(repeats)s times two people meet again, whatever the plan.",
        reason["repeats"],
    ) % _values(reason, names)


def _pinned_table(reason, names) -> str:
    return ngettext(
        "%(people)s stay at %(table)s every round, so they meet again: %(repeats)s repeated "
        "meeting.",
        "%(people)s stay at %(table)s every round, so they meet again: %(repeats)s repeated "
        "meetings.",
        reason["repeats"],
    ) % _values(reason, names)


def _together(reason, names) -> str:
    return ngettext(
        "%(people)s must sit together, so they meet again: %(repeats)s repeated meeting.",
        "%(people)s must sit together, so they meet again: %(repeats)s repeated meetings.",
        reason["repeats"],
    ) % _values(reason, names)


def _held_repeats(reason, names) -> str:
    return ngettext(
        "The rounds already held had %(repeats)s repeated meeting.",
        "The rounds already held had %(repeats)s repeated meetings.",
        reason["repeats"],
    ) % _values(reason, names)


def _searched_repeats(reason, names) -> str:
    return ngettext(
        "A full search showed that at least %(repeats)s pair must meet again.",
        "A full search showed that at least %(repeats)s times two people must meet again.",
        reason["repeats"],
    ) % _values(reason, names)


def _held_sector_gap(reason, names) -> str:
    return ngettext(
        "The rounds already held left %(deviation)s person beyond a table's fair share of a "
        "sector.",
        "The rounds already held left %(deviation)s people beyond a table's fair share of a "
        "sector.",
        reason["deviation"],
    ) % _values(reason, names)


def _pinned_sectors(reason, names) -> str:
    return ngettext(
        "The people who stay at one table leave at least %(deviation)s person beyond a "
        "table's fair share of a sector.",
        "The people who stay at one table leave at least %(deviation)s people beyond a "
        "table's fair share of a sector.",
        reason["deviation"],
    ) % _values(reason, names)


def _uneven_tables(reason, names) -> str:
    return _(
        "Some tables have more people than others, to keep apart people who must not sit "
        "together; the best possible is counted for these tables."
    )


def _searched_spread(reason, names) -> str:
    return _("A full search showed that the meetings cannot be spread more evenly.")


def _rule_broken(reason, names) -> str:
    return _("One of the rules could not be kept in this plan.")


_REASONS = {
    "counting": _counting,
    "transition": _transition,
    "design": _design,
    "pinned_table": _pinned_table,
    "together": _together,
    "held_repeats": _held_repeats,
    "searched_repeats": _searched_repeats,
    "held_sector_gap": _held_sector_gap,
    "pinned_sectors": _pinned_sectors,
    "uneven_tables": _uneven_tables,
    "searched_spread": _searched_spread,
    "rule_broken": _rule_broken,
}
