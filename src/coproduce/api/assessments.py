"""Self-assessments: a coalition's assessments, and one round's results as the results page
shows them. Only figures about groups: never one person's answers, notes or evidence (those are
for the organisers, on the site). As on the page, whoever does not run the assessment sees
only groups of five people or more, no figure fewer than five gave, and "everyone" made of the
groups shown (so a hidden group cannot be worked out by subtraction)."""

import math
from datetime import datetime

from django.db.models import Max, Prefetch
from django.db.models.functions import Coalesce, Greatest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from ninja import Query, Router, Schema
from pydantic import AwareDatetime, Field

from coproduce.assessments import presenting, results
from coproduce.assessments.models import Assessment, Round
from coproduce.assessments.profile import MIN_PUBLIC, Profile, band
from coproduce.coalitions.models import Coalition
from coproduce.coalitions.permissions import Action, Visitor, can
from coproduce.people.sectors import sector_label

from .coalitions import find_coalition
from .doors import api_door
from .paging import DEFAULT_LIMIT, MAX_LIMIT, changed_since, paginate
from .problems import invalid
from .responses import answers, listed

router = Router(tags=[gettext_noop("Self-assessments")])

BAND = (
    "Where it stands: not_there (below 1), starting_out (up to 2), on_the_way (up to 3), "
    "going_strong (above 3); None when no figure can be shown"
)


class AssessmentRound(Schema):
    number: int
    open: bool = Field(description="Whether answers may still be given or changed")


class AssessmentSummary(Schema):
    id: int
    title: str
    started_at: datetime
    updated_at: datetime = Field(description="When it started, or a round last opened or closed")
    rounds: list[AssessmentRound]
    url: str
    results: str = Field(description="The API results of its latest round")


class AssessmentList(Schema):
    items: list[AssessmentSummary]
    next: str | None


class AssessmentItem(Schema):
    number: int
    title: str
    meaning: str


class AssessmentItemFigures(Schema):
    number: int = Field(description="The item's number")
    average: float | None = Field(description="Average score, 0 (not in place) to 4 (embedded)")
    answered: int | None = Field(description="How many answered it; None when fewer than five")
    band: str | None = Field(description=BAND)


class AssessmentGroup(Schema):
    sector: str | None = Field(description="The sector the group answered for; None: everyone")
    label: str
    people: int = Field(description="People in the group who answered at least one item")
    average: float | None = Field(description="The average of the group's item averages")
    band: str | None = Field(description=BAND)
    items: list[AssessmentItemFigures]


class AssessmentDifference(Schema):
    number: int = Field(description="The item's number")
    title: str
    lowest_sector: str
    lowest_average: float
    highest_sector: str
    highest_average: float
    gap: float


class AssessmentExperiencedGroup(Schema):
    sector: str
    label: str
    counts: list[int] | None = Field(
        description="How many experienced each level, lowest first; None when fewer than five"
    )
    answered: int | None
    below_promise: int | None = Field(description="How many experienced less than promised")


class AssessmentExperienced(Schema):
    levels: list[str] = Field(description="The scale's levels, lowest first")
    promised: str | None = Field(description="The level the organisers promised")
    groups: list[AssessmentExperiencedGroup]


class AssessmentChange(Schema):
    title: str
    group: str
    before: float | None
    after: float | None
    change: float | None
    status: str = Field(description="kept, new (only in the later round) or removed")


class AssessmentChanges(Schema):
    from_round: int
    to_round: int
    rows: list[AssessmentChange]


class AssessmentResults(Schema):
    assessment: int
    title: str
    round: AssessmentRound
    rounds: list[int]
    people: int = Field(description="People who answered at least one item in the round")
    every_group_shown: bool = Field(
        description="True for its organisers; others see only groups of five people or more"
    )
    smallest_group_shown: int
    withheld: list[str] = Field(description="Groups not shown: too few people so far")
    items: list[AssessmentItem]
    groups: list[AssessmentGroup]
    everyone: AssessmentGroup | None = Field(
        description="Everyone in the groups shown, as one group"
    )
    differences: list[AssessmentDifference] = Field(
        description="Items on which groups are a whole point or more apart, widest first"
    )
    experienced: AssessmentExperienced | None
    changes: AssessmentChanges | None = Field(
        description="From the round before, when there is one"
    )


def find_assessment(request, assessment_id: int) -> Assessment:
    return get_object_or_404(Assessment.objects.select_related("coalition"), pk=assessment_id)


@router.get(
    "/coalitions/{slug}/assessments/",
    response=answers(AssessmentList),
    summary=gettext_noop("A coalition's self-assessments"),
    description=gettext_noop(
        "The coalition's self-assessments, the first started first, with their rounds. "
        "updated_since keeps those started, or with a round opened or closed, since."
    ),
)
@api_door(Action.VIEW, find=find_coalition)
def assessments(
    request,
    coalition: Coalition,
    cursor: str | None = None,
    limit: int = Query(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT),
    updated_since: AwareDatetime | None = None,
):
    rounds = Round.objects.only("pk", "assessment_id", "number", "closed_at").order_by("number")
    found = Assessment.objects.filter(coalition=coalition).annotate(
        updated_at=Greatest(
            "created_at",
            Coalesce(Max("rounds__opened_at"), "created_at"),
            Coalesce(Max("rounds__closed_at"), "created_at"),
        )
    )
    found = changed_since(found, updated_since)
    found = found.prefetch_related(Prefetch("rounds", queryset=rounds, to_attr="all_rounds"))
    page = paginate(found, order="created_at", cursor=cursor, limit=limit)
    items = [
        {
            "id": assessment.pk,
            "title": assessment.title,
            "started_at": assessment.created_at,
            "updated_at": assessment.updated_at,
            "rounds": [{"number": r.number, "open": r.is_open} for r in assessment.all_rounds],
            "url": request.build_absolute_uri(assessment.get_absolute_url()),
            "results": request.build_absolute_uri(
                reverse("api:assessment_results", args=[assessment.pk])
            ),
        }
        for assessment in page.items
    ]
    return listed(request, items, page)


def _figure(value) -> float | None:
    return None if value is None or not math.isfinite(value) else round(float(value), 3)


def _band(value) -> str | None:
    if value is None or not math.isfinite(value):
        return None
    return band(float(f"{value:.1f}"))  # of the figure as the page shows it


def _group(found, row: int, profile: Profile, sector: str | None, label: str) -> dict:
    means, answered = profile.means[row], profile.answered[row]
    return {
        "sector": sector,
        "label": label,
        "people": int(profile.respondents[row]),
        "average": _figure(profile.group_means[row]),
        "band": _band(profile.group_means[row]),
        "items": [
            {
                "number": item["number"],
                "average": _figure(means[column]),
                # Public readers never see an exact count below five (as the page).
                "answered": int(answered[column])
                if found.full or answered[column] >= MIN_PUBLIC
                else None,
                "band": _band(means[column]),
            }
            for column, item in enumerate(found.items)
        ],
    }


def _experienced(assessment: Assessment, found) -> dict | None:
    if not assessment.scale:
        return None
    rows = []
    for e in found.experienced:
        few = not found.full and sum(e.counts) < MIN_PUBLIC
        rows.append(
            {
                "sector": e.group,
                "label": sector_label(e.group),
                "counts": None if few else list(e.counts),
                "answered": None if few else sum(e.counts),
                "below_promise": None if few or not assessment.promised else e.below,
            }
        )
    promised = presenting.promised_label(assessment)
    return {"levels": results.level_names(assessment), "promised": promised or None, "groups": rows}


def _changes(assessment: Assessment, found) -> dict | None:
    earlier = results.previous_round(found.round)
    if earlier is None:
        return None
    before = results.round_results(assessment, earlier, full=found.full)
    return {
        "from_round": earlier.number,
        "to_round": found.round.number,
        "rows": [
            {
                "title": row.title,
                "group": row.group,
                "before": _figure(row.before),
                "after": _figure(row.after),
                "change": _figure(row.difference),
                "status": row.status,
            }
            for row in results.change_rows(assessment, before, found)
        ],
    }


@router.get(
    "/assessments/{assessment_id}/results/",
    response=answers(AssessmentResults),
    summary=gettext_noop("A self-assessment's results, group by group"),
    description=gettext_noop(
        "One round's results (the latest unless round names another): how each sector's group "
        "sees each item, where groups differ, and the change from the round before. Profiles "
        "to talk about, not scores to rank. Only its organisers see groups of fewer than five "
        "people; nobody sees one person's answers here."
    ),
    url_name="assessment_results",
)
@api_door(Action.VIEW, find=find_assessment)
def assessment_results(
    request, assessment: Assessment, round: int | None = Query(None, ge=1, le=999_999)
):
    full = can(Visitor.of(request), Action.RUN_ASSESSMENT, assessment)  # as the results page
    rounds = list(assessment.rounds.order_by("number"))
    chosen = rounds[-1] if round is None else next((r for r in rounds if r.number == round), None)
    if chosen is None:
        raise invalid("round", "query", _("this assessment has no such round"))
    found = results.round_results(assessment, chosen, full=full)
    shown = found.shown
    everyone = None
    if found.everyone is not None:
        label = _("everyone in the groups shown") if found.everyone_partial else None
        everyone = _group(found, 0, found.everyone, None, label or _("everyone together"))
    titles = {item["id"]: (item["number"], item["title"]) for item in found.items}
    return {
        "assessment": assessment.pk,
        "title": assessment.title,
        "round": {"number": chosen.number, "open": chosen.is_open},
        "rounds": [r.number for r in rounds],
        "people": found.total,
        "every_group_shown": full,
        "smallest_group_shown": 1 if full else MIN_PUBLIC,
        "withheld": list(found.withheld),
        "items": [
            {"number": i["number"], "title": i["title"], "meaning": i["meaning"]}
            for i in found.items
        ],
        "groups": [
            _group(found, row, shown, group, sector_label(group))
            for row, group in enumerate(shown.groups)
        ],
        "everyone": everyone,
        "differences": [
            {
                "number": titles[d.item][0],
                "title": titles[d.item][1],
                "lowest_sector": d.low_group,
                "lowest_average": _figure(d.low),
                "highest_sector": d.high_group,
                "highest_average": _figure(d.high),
                "gap": _figure(d.gap),
            }
            for d in found.differences
            if d.gap >= presenting.WIDE_GAP
        ],
        "experienced": _experienced(assessment, found),
        "changes": _changes(assessment, found),
    }
