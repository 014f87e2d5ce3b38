"""The demo coalition's action plan: three goals, nine actions owned by partners of three
sectors, traced to the demo café's themes and the opinion map's common ground, with updates
over the last months: one action overdue, one dropped with its reason, one theme answered
with why nothing was done.

Dates are counted from the day the demo is loaded, so the plan is always current. Loading
twice changes nothing: the plan is found by its title before it is made.
"""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from coproduce.conversations.models import Conversation
from coproduce.people.models import Organisation, Person
from coproduce.reports.models import WorkshopReport
from coproduce.workshops.demo import FACILITATOR_EMAIL, ORGANISATIONS, ORGANISER_EMAIL

from . import services
from .models import Kind, Plan, Status
from .services import ActionDraft

TITLE = "Coproducing Greater Manchester: our action plan"
SUMMARY = (
    "The founding workshop asked whether Greater Manchester should develop a coproduction "
    "strategy or an action plan, and who should own it. This is the plan the partners agreed: "
    "each action has owners who report on it here, and each one says which part of the "
    "conversation it came from."
)
RESEARCH, COUNCIL, VOLUNTARY = (name for name, _sector in ORGANISATIONS)

# (goal, [(title, owners, lead, start and due in days from today, status, progress, reason,
#   updates as (days ago, text, status, progress))])
GOALS = [
    (
        "Make coproduction part of how decisions are made",
        [
            (
                "Publish what happened to each idea from the workshop",
                [COUNCIL],
                ORGANISER_EMAIL,
                (-150, 30),
                Status.IN_PROGRESS,
                60,
                "",
                [
                    (120, "First “you said, we did” page drafted with the partners.", 30),
                    (45, "Page reviewed by residents who took part; two answers rewritten.", 60),
                ],
            ),
            (
                "Name the decision each coproduction project feeds",
                [COUNCIL, RESEARCH],
                FACILITATOR_EMAIL,
                (-180, -20),
                Status.IN_PROGRESS,
                40,
                "",
                [(90, "Template agreed; four projects have filled it in.", 40)],
            ),
            (
                "Agree a coproduction strategy for the city region",
                [COUNCIL],
                ORGANISER_EMAIL,
                (-60, 240),
                Status.NOT_STARTED,
                0,
                "",
                [],
            ),
        ],
    ),
    (
        "Build the capacity to coproduce",
        [
            (
                "Train facilitators from the voluntary sector and the councils together",
                [VOLUNTARY, COUNCIL],
                FACILITATOR_EMAIL,
                (-200, -10),
                Status.DONE,
                100,
                "",
                [
                    (160, "First cohort of twelve started.", 30),
                    (70, "Second cohort, half of them residents.", 70),
                    (15, "Both cohorts finished; materials shared openly.", 100),
                ],
            ),
            (
                "Pay residents for the time they give",
                [VOLUNTARY],
                ORGANISER_EMAIL,
                (-120, 60),
                Status.IN_PROGRESS,
                50,
                "",
                [(30, "Payment policy agreed by two of the partners.", 50)],
            ),
            (
                "Set up a shared room booking scheme for community groups",
                [VOLUNTARY],
                None,
                (-150, 90),
                Status.DROPPED,
                10,
                "The city's community hubs now offer free rooms to every group, which does "
                "what this action set out to do.",
                [(100, "Scheme drafted with two venues.", 10)],
            ),
        ],
    ),
    (
        "Learn from what other cities tried",
        [
            (
                "Compare our practice with Bologna's and Barcelona's",
                [RESEARCH],
                ORGANISER_EMAIL,
                (-90, 120),
                Status.IN_PROGRESS,
                30,
                "",
                [(20, "Library entries written for both cities; interviews booked.", 30)],
            ),
            (
                "Evaluate the workshops with the residents who came",
                [RESEARCH, VOLUNTARY],
                FACILITATOR_EMAIL,
                (-100, 150),
                Status.STALLED,
                20,
                "",
                [(60, "Waiting for the ethics review to be renewed.", 20)],
            ),
            (
                "Share a yearly report of the coalition's work",
                [RESEARCH],
                ORGANISER_EMAIL,
                (-30, 330),
                Status.NOT_STARTED,
                0,
                "",
                [],
            ),
        ],
    ),
]
NO_ACTION_REASON = (
    "The partners agreed this is already covered by the city's neighbourhood plans; we will "
    "ask for it to be part of their next review rather than start a parallel action."
)


@transaction.atomic
def demo_plan(workshop) -> Plan:
    coalition = workshop.coalition
    found = Plan.objects.filter(coalition=coalition, title=TITLE).first()
    if found is not None:
        return found
    organiser = Person.objects.get(email=ORGANISER_EMAIL)
    people = {ORGANISER_EMAIL: organiser, FACILITATOR_EMAIL: _facilitator()}
    organisations = {o.name: o for o in Organisation.objects.filter(coalitions=coalition)}
    plan = services.start_plan(coalition, title=TITLE, summary=SUMMARY, by=organiser)
    today = timezone.localdate()
    now = timezone.now()
    actions = []
    for goal_title, rows in GOALS:
        goal = services.add_goal(plan, title=goal_title)
        for title, owners, lead, (start, due), status, progress, reason, updates in rows:
            action = services.add_action(
                goal,
                ActionDraft(
                    title=title,
                    owners=[organisations[name] for name in owners],
                    lead=people.get(lead),
                    starts_on=today + timedelta(days=start),
                    due_on=today + timedelta(days=due),
                ),
                by=organiser,
                since=now + timedelta(days=start),
            )
            last = (action.status, action.progress)
            for days_ago, text, percent in updates:
                last = (Status.DONE if percent == 100 else Status.IN_PROGRESS, percent)
                services.post_update(
                    action,
                    by=people.get(lead) or organiser,
                    text=text,
                    status=last[0],
                    progress=last[1],
                    at=now - timedelta(days=days_ago),
                )
            if last != (status, progress):
                services.post_update(
                    action,
                    by=organiser,
                    text=reason or "Status reviewed at the partners' meeting.",
                    status=status,
                    progress=progress,
                    reason=reason,
                    at=now - timedelta(days=5),
                )
            actions.append(action)
    _sources(workshop, actions, organiser)
    return plan


def _facilitator():
    return Person.objects.get(email=FACILITATOR_EMAIL)


def _sources(workshop, actions, organiser) -> None:
    """Trace actions to the café's themes and the map's common ground, in turn; the last
    theme is answered with a reason instead."""
    report = WorkshopReport.objects.filter(workshop=workshop).first()
    themes = sorted(services.theme_numbers(report)) if report else []
    for action, number in zip(actions, themes[:-1], strict=False):
        services.link_source(action, Kind.THEME, report, theme=number)
    if len(themes) > 1:
        services.record_no_action(
            workshop.coalition, Kind.THEME, report, NO_ACTION_REASON, by=organiser, theme=themes[-1]
        )
    conversation = Conversation.objects.filter(workshop=workshop).first()
    ground = ((conversation.map_data or {}).get("common_ground") or {}) if conversation else {}
    statements = [item["statement"] for items in ground.values() for item in items]
    found = (
        {s.pk: s for s in conversation.statements.filter(pk__in=statements)} if statements else {}
    )
    for action, pk in zip(reversed(actions), statements, strict=False):
        services.link_source(action, Kind.STATEMENT, found[pk])
