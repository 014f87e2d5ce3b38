"""World Cafés: a workshop's cafés, one café (its rounds, tables and where the rounds are),
who sits where (for those who run it, as the plan page), and the harvest: the tables' notes
and the themes found in them, as the harvest page shows them to the same person.

What only the café's facilitators and organisers see on the pages (the plan's figures, the
seats with people's names, which notes each theme holds) only they read here: the operation
asks the same `can` the page asks before it adds them."""

from datetime import datetime

from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext_noop
from ninja import Query, Router, Schema
from pydantic import AwareDatetime

from coproduce.cafe import selectors
from coproduce.cafe.models import Cafe, Note
from coproduce.cafe.outcomes import themes_with_outcomes
from coproduce.coalitions.permissions import Action, can
from coproduce.reports.models import WorkshopReport
from coproduce.workshops.models import AgendaQuestion, Workshop

from .doors import api_door
from .paging import DEFAULT_LIMIT, MAX_LIMIT, changed_since, paginate
from .responses import answers, listed
from .workshops import find_workshop

router = Router(tags=[gettext_noop("Cafés")])


class CafeSummary(Schema):
    id: int
    title: str
    rounds: int
    minutes_per_round: int
    updated_at: datetime  # when the café itself last changed: setup, a round, state or plan
    url: str  # the café's harvest page, which everyone who sees the workshop may open
    api_url: str


class CafeList(Schema):
    items: list[CafeSummary]
    next: str | None


class Question(Schema):
    label: str
    text: str


class Round(Schema):
    number: int
    question: Question | None  # None when each table has a topic of its own
    minutes: int  # as planned; the facilitator may add or take away minutes on the day


class TableOut(Schema):
    id: int
    number: int
    name: str
    topic: Question | None  # when each table has a topic of its own


class State(Schema):
    phase: str  # not_started, running or finished
    round: int | None  # the round under way, while one is
    notes_open: bool  # whether notes may still be written and changed


class Measure(Schema):
    key: str
    label: str  # what the figure counts, in the reader's language
    this_plan: int
    best_possible: int
    reached: bool


class PlanQuality(Schema):
    made_at: datetime | None
    proved_best: bool  # every measure reaches the best any plan could do
    measures: list[Measure]
    seats_changed: int | None  # by the last re-plan, of seats already printed
    why_not_better: list[str]  # said only when some repeats or uneven mix are unavoidable


class CafeOut(Schema):
    id: int
    title: str
    workshop: str  # the workshop's slug
    question_mode: str  # per_round: one question for all tables; per_table: a topic each
    rounds: list[Round]
    tables: list[TableOut]
    state: State
    plan: PlanQuality | None  # only for those who run the café, as the plan page
    url: str  # the harvest page
    harvest: str  # the API's harvest
    seats: str | None  # the API's seats, for those who run the café


class Person(Schema):
    id: int
    name: str  # as the plan page names them
    hosts: bool  # hosts this table


class SeatedTable(Schema):
    id: int
    number: int
    name: str
    online: bool
    seats: int  # how many people the table takes
    people: list[Person]


class SeatedRound(Schema):
    number: int
    held: bool  # under way or over: its seats no longer change
    tables: list[SeatedTable]


class Seats(Schema):
    rounds: list[SeatedRound]


class NoteOut(Schema):
    id: int
    round: int
    table: str
    table_number: int
    question: Question | None
    text: str
    photo_url: str | None  # the photo of the tablecloth, when the note is one
    written_at: datetime
    updated_at: datetime


class TakenUp(Schema):
    title: str
    url: str
    status: str  # not_started, in_progress, stalled, done or dropped
    progress: int  # 0-100


class BecameOf(Schema):
    taken_up_by: list[TakenUp]
    hidden_actions: int  # actions of a plan this person may not see: counted, never named
    not_taken_up_because: str | None
    answer_url: str | None  # for those who write the plan, where to say what became of it


class ThemeOut(Schema):
    label: str
    became: BecameOf | None
    question: Question | None  # for those who run the café, as the themes page
    notes: list[int] | None  # the notes' ids, for those who run the café, as the themes page


class Harvest(Schema):
    themes: list[ThemeOut]  # the same on every page
    items: list[NoteOut]
    next: str | None


def find_cafe(request, cafe_id: int) -> Cafe:
    return get_object_or_404(
        Cafe.objects.select_related("agenda_item__workshop__coalition"), pk=cafe_id
    )


def _runs(request, cafe: Cafe) -> bool:
    """Whether this person runs the café: what the harvest page asks to show its own tabs."""
    return can(request.user, Action.RUN_WORKSHOP, cafe)


def _question(question: AgendaQuestion | None) -> dict | None:
    return {"label": question.label, "text": question.text} if question else None


def _link(request, name: str, *args) -> str:
    return request.build_absolute_uri(reverse(name, args=args))


@router.get(
    "/workshops/{slug}/cafes/",
    response=answers(CafeList),
    summary=gettext_noop("A workshop's World Cafés"),
    description=gettext_noop(
        "The cafés on the workshop's agenda, each with its rounds and their length, the least "
        "recently changed first. updated_since keeps those whose setup, round, state or plan "
        "changed since."
    ),
)
@api_door(Action.VIEW, find=find_workshop)
def workshop_cafes(
    request,
    workshop: Workshop,
    cursor: str | None = None,
    limit: int = Query(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT),
    updated_since: AwareDatetime | None = None,
):
    found = Cafe.objects.filter(agenda_item__workshop=workshop).select_related("agenda_item")
    found = changed_since(found, updated_since)
    page = paginate(found, order="updated_at", cursor=cursor, limit=limit)
    items = [
        {
            "id": cafe.pk,
            "title": cafe.agenda_item.title,
            "rounds": cafe.rounds,
            "minutes_per_round": cafe.minutes_per_round,
            "updated_at": cafe.updated_at,
            "url": _link(request, "cafe:harvest", cafe.pk),
            "api_url": _link(request, "api:cafe", cafe.pk),
        }
        for cafe in page.items
    ]
    return listed(request, items, page)


@router.get(
    "/cafe/{cafe_id}/",
    response=answers(CafeOut),
    summary=gettext_noop("One World Café: its rounds, tables and where the rounds are"),
    description=gettext_noop(
        "The question of each round (or each table's topic), the tables, the round under way "
        "and whether notes may still change. For its facilitators and organisers, also how "
        "well the seating plan mixes people, as the plan page says it."
    ),
    url_name="cafe",
)
@api_door(Action.VIEW, find=find_cafe)
def cafe_detail(request, cafe: Cafe):
    round_questions = {
        r.number: r.question for r in cafe.round_questions.select_related("question")
    }
    per_table = cafe.question_mode == Cafe.QuestionMode.PER_TABLE
    runs = _runs(request, cafe)
    return {
        "id": cafe.pk,
        "title": cafe.agenda_item.title,
        "workshop": cafe.workshop.slug,
        "question_mode": cafe.question_mode,
        "rounds": [
            {
                "number": number,
                "question": None if per_table else _question(round_questions.get(number)),
                "minutes": cafe.minutes_per_round,
            }
            for number in cafe.round_numbers
        ],
        "tables": [
            {
                "id": table.pk,
                "number": table.order,
                "name": table.name,
                "topic": _question(table.topic) if per_table else None,
            }
            for table in cafe.tables.select_related("topic")
        ],
        "state": {
            "phase": str(cafe.phase),
            "round": cafe.current_round if cafe.is_running else None,
            "notes_open": not cafe.is_closed,
        },
        "plan": _plan_quality(cafe) if runs else None,
        "url": _link(request, "cafe:harvest", cafe.pk),
        "harvest": _link(request, "api:cafe_harvest", cafe.pk),
        "seats": _link(request, "api:cafe_seats", cafe.pk) if runs else None,
    }


def _plan_quality(cafe: Cafe) -> dict | None:
    """The plan page's "How good is this plan?": each measure beside the best any plan
    could do, and why no plan can do better when some repeats are unavoidable."""
    rows = selectors.metric_rows(cafe.plan_metrics)
    if not rows:
        return None
    metrics = cafe.plan_metrics
    explain = selectors.some_repeats_unavoidable(rows)
    return {
        "made_at": cafe.planned_at,
        "proved_best": bool(metrics.get("optimal")),
        "measures": [
            {
                "key": row["key"],
                "label": str(row["label"]),
                "this_plan": row["value"],
                "best_possible": row["bound"],
                "reached": row["met"],
            }
            for row in rows
        ],
        "seats_changed": metrics.get("seats_changed"),
        "why_not_better": selectors.plan_reasons(cafe) if explain else [],
    }


@router.get(
    "/cafe/{cafe_id}/seats/",
    response=answers(Seats),
    summary=gettext_noop("Who sits at which table in each round"),
    description=gettext_noop(
        "The seating plan as its page shows it: each planned round's tables and the people "
        "at them by name, and who hosts each table. For the café's facilitators and "
        "organisers. A café of a few hundred people comes in one answer."
    ),
    url_name="cafe_seats",
)
@api_door(Action.RUN_WORKSHOP, find=find_cafe)
def cafe_seats(request, cafe: Cafe):
    return {
        "rounds": [
            {
                "number": planned["number"],
                "held": planned["held"],
                "tables": [
                    {
                        "id": cell["table"].pk,
                        "number": cell["table"].order,
                        "name": cell["table"].name,
                        "online": cell["table"].online,
                        "seats": cell["table"].capacity,
                        "people": [
                            {
                                "id": person.pk,
                                "name": person.name,
                                "hosts": cell["table"].host_id == person.pk,
                            }
                            for person in cell["people"]
                        ],
                    }
                    for cell in planned["tables"]
                ],
            }
            for planned in selectors.plan_grid(cafe)
        ]
    }


@router.get(
    "/cafe/{cafe_id}/harvest/",
    response=answers(Harvest),
    summary=gettext_noop("A café's harvest: the tables' notes and the themes found in them"),
    description=gettext_noop(
        "The notes of every table and round as they stand now (the last saved version), the "
        "least recently changed first, without who wrote them; and the themes the harvest "
        "page shows this person, with what became of each. Those who run the café also read "
        "each theme's question and notes."
    ),
    url_name="cafe_harvest",
)
@api_door(Action.VIEW, find=find_cafe)
def cafe_harvest(
    request,
    cafe: Cafe,
    cursor: str | None = None,
    limit: int = Query(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT),
    updated_since: AwareDatetime | None = None,
):
    found = Note.objects.filter(cafe=cafe).select_related("table", "question")
    found = changed_since(found, updated_since)
    page = paginate(found, order="updated_at", cursor=cursor, limit=limit)
    items = [
        {
            "id": note.pk,
            "round": note.round_number,
            "table": note.table.name,
            "table_number": note.table.order,
            "question": _question(note.question),
            "text": note.text,
            "photo_url": _link(request, "cafe:note_photo", note.pk) if note.photo else None,
            "written_at": note.created_at,
            "updated_at": note.updated_at,
        }
        for note in page.items
    ]
    body = listed(request, items, page)
    return {"themes": _themes(request, cafe), **body}


def _themes(request, cafe: Cafe) -> list[dict]:
    shown = themes_with_outcomes(cafe, request.user)  # what the harvest page shows this person
    found = _found_themes(cafe, len(shown)) if shown and _runs(request, cafe) else None
    out = []
    for index, theme in enumerate(shown):
        question, notes = None, None
        if found is not None and found[index][0] == theme.label:
            _label, question, notes = found[index]
        out.append(
            {
                "label": theme.label,
                "became": _became(request, theme.became),
                "question": question,
                "notes": notes,
            }
        )
    return out


def _found_themes(cafe: Cafe, count: int) -> list[tuple] | None:
    """(label, question, note ids) of each of the workshop report's themes, in the order the
    harvest page lists them (questions in the order they were made, "none" last). Those who
    run the café see every theme there, so the two lists match one for one; when they do not
    (the report changed in between), nothing is added."""
    workshop = cafe.agenda_item.workshop
    report = WorkshopReport.objects.filter(workshop_id=workshop.pk).first()
    by_question = (report.themes or {}).get("questions", {}) if report else {}
    questions = {
        q.pk: _question(q) for q in AgendaQuestion.objects.filter(agenda_item__workshop=workshop)
    }
    found = [
        (
            raw.get("label", ""),
            questions.get(int(key)) if key.isdigit() else None,
            [int(n) for n in raw.get("note_ids", [])],
        )
        for key in sorted(by_question, key=lambda k: (1, 0) if not k.isdigit() else (0, int(k)))
        for raw in by_question[key]
    ]
    return found if len(found) == count else None


def _became(request, became) -> dict | None:
    if not became:
        return None
    return {
        "taken_up_by": [
            {
                "title": action.title,
                "url": request.build_absolute_uri(action.url),
                "status": action.code,  # as the plans' own answers give it
                "progress": action.progress,
            }
            for action in became.actions
        ],
        "hidden_actions": became.hidden,
        "not_taken_up_because": became.reason or None,
        "answer_url": request.build_absolute_uri(became.answer_url) if became.answer_url else None,
    }
