"""Assessments out as data: the results as CSV or JSON (what the reader may see), each
respondent's answers for the organisers, and the assessments' part of the whole-coalition
export (`coproduce export`).

Cells a spreadsheet could run as a formula get a leading quote (core.csvfiles).
"""

import csv
import io
import json
import math

from django.http import Http404, HttpResponse

from coproduce.coalitions.permissions import Action, Visitor, can
from coproduce.core import csvfiles
from coproduce.core.doors import door
from coproduce.people.sectors import sector_key

from . import results
from .models import Assessment
from .profile import MIN_PUBLIC
from .views import find_assessment, round_asked

FORMATS = ("csv", "json")
# The columns of the results file, also when no group can be shown yet.
RESULT_COLUMNS = ("round", "group", "respondents", "item", "title", "mean", "answered")


def _value(number: float):
    return None if number is None or not math.isfinite(number) else round(float(number), 3)


def results_rows(assessment: Assessment, round_, *, full: bool) -> list[dict]:
    """One row per group and item: the mean score, how many answered, the group's size. For
    public readers an item fewer than five in the group answered has mean and answered null."""
    found = results.round_results(assessment, round_, full=full)
    shown = found.shown
    rows = []
    for g, group in enumerate(shown.groups):
        for i, item in enumerate(found.items):
            answered = int(shown.answered[g, i])
            # Public readers: no mean (masked already) and no exact count below five.
            few = not full and answered < MIN_PUBLIC
            rows.append(
                {
                    "round": round_.number,
                    "group": group,
                    "respondents": int(shown.respondents[g]),
                    "item": item["id"],
                    "title": item["title"],
                    "mean": _value(shown.means[g, i]),
                    "answered": None if few else answered,
                }
            )
    return rows


def _rows_file(rows: list[dict], fmt: str, filename: str) -> HttpResponse:
    if fmt == "json":
        response = HttpResponse(
            json.dumps(rows, ensure_ascii=False, indent=1), content_type="application/json"
        )
    else:
        stream = io.StringIO()
        header = list(rows[0]) if rows else list(RESULT_COLUMNS)
        writer = csvfiles.writer(stream, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
        writer.writerow(header)
        writer.writerows([[row.get(key, "") for key in header] for row in rows])
        response = HttpResponse(stream.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return response


def _round(request, assessment):
    return round_asked(request, assessment)


def _check(fmt: str) -> None:
    if fmt not in FORMATS:
        raise Http404  # an unknown format is simply not found


@door(get=Action.VIEW, find=find_assessment)
def download(request, assessment, fmt: str):
    _check(fmt)
    full = can(Visitor.of(request), Action.RUN_ASSESSMENT, assessment)
    rows = results_rows(assessment, _round(request, assessment), full=full)
    return _rows_file(rows, fmt, f"assessment-{assessment.pk}-results")


@door(get=Action.RUN_ASSESSMENT, find=find_assessment)
def responses(request, assessment, fmt: str):
    """Each respondent's answers: organisers only. No names, only the sector answered for."""
    _check(fmt)
    round_ = _round(request, assessment)
    rows = []
    for number, response in enumerate(round_.responses.order_by("pk"), start=1):
        row = {"respondent": number, "sector": sector_key(response.sector)}
        row["organisation"] = response.organisation
        row["experienced"] = response.experienced
        for item_id in round_.item_ids:
            row[item_id] = response.scores.get(item_id)
            row[f"{item_id} note"] = response.notes.get(item_id, {}).get("note", "")
            row[f"{item_id} evidence"] = response.notes.get(item_id, {}).get("evidence", "")
        rows.append(row)
    return _rows_file(rows, fmt, f"assessment-{assessment.pk}-answers")


# --- the whole-coalition export --------------------------------------------------------------


def collect(coalition, visitor) -> list[dict]:
    """Every assessment with its items (across rounds) and, for its organisers (and the
    operator) only, every response; others get `responses: []` and the public aggregates."""
    out = []
    for assessment in coalition.assessments.order_by("created_at", "pk"):
        full = can(visitor, Action.RUN_ASSESSMENT, assessment)
        rounds = list(assessment.rounds.order_by("number"))
        items: dict[str, dict] = {}
        for round_ in rounds:
            for item in round_.items:
                items.setdefault(
                    item["id"], {"id": item["id"], "title": item["title"], "rounds": []}
                )
                items[item["id"]]["rounds"].append(round_.number)
        out.append(
            {
                "title": assessment.title,
                "framework": _source(assessment),
                "workshop": assessment.workshop.slug if assessment.workshop_id else None,
                "promised": {"scale": assessment.scale, "level": assessment.promised}
                if assessment.scale
                else None,
                "rounds": [{"number": r.number, "open": r.is_open} for r in rounds],
                "items": list(items.values()),
                "responses": _responses(rounds) if full else [],
                "results": [row for r in rounds for row in results_rows(assessment, r, full=full)],
            }
        )
    return out


def _source(assessment: Assessment) -> str | None:
    """The framework's key, or "charter:<id>"; None once the charter is gone."""
    if assessment.framework:
        return assessment.framework
    return f"charter:{assessment.charter_id}" if assessment.charter_id else None


def _responses(rounds) -> list[dict]:
    return [
        {
            "round": round_.number,
            "sector": sector_key(response.sector),
            "organisation": response.organisation or None,
            "scores": {key: response.scores.get(key) for key in round_.item_ids},
            "experienced": response.experienced or None,
        }
        for round_ in rounds
        for response in round_.responses.order_by("pk")
    ]
