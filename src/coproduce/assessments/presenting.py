"""What the assessment pages show, in plain words: items, bands, the radar of each group, the
widest differences, promised against experienced, and change between rounds."""

import math

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from coproduce.core.charts import PALETTE
from coproduce.people.sectors import sector_label

from . import profile as core
from . import results
from .radar import radar

BAND_NAMES = {
    core.NOT_THERE: gettext_lazy("Not there yet"),
    core.STARTING_OUT: gettext_lazy("Starting out"),
    core.ON_THE_WAY: gettext_lazy("On the way"),
    core.GOING_STRONG: gettext_lazy("Going strong"),
}
SCORE_NAMES = [
    gettext_lazy("Not in place"),
    gettext_lazy("Starting"),
    gettext_lazy("Developing"),
    gettext_lazy("Established"),
    gettext_lazy("Embedded"),
]
# Differences smaller than this are not "different understandings": a point on a 0-4 scale.
WIDE_GAP = 1.0


def band_name(key: str | None) -> str:
    return str(BAND_NAMES[key]) if key else _("No answers")


def number(value: float) -> str | None:
    return None if value is None or not math.isfinite(value) else f"{value:.1f}"


def band_of(value: float) -> str:
    """The band of the number as shown (one decimal), so "3.0" never reads "going strong"."""
    shown = number(value)
    return band_name(core.band(float(shown)) if shown is not None else None)


def answered_text(count: int, full: bool) -> str:
    """How many answered, except that public readers never see an exact count below five."""
    if full or count >= core.MIN_PUBLIC:
        return str(count)
    return _("fewer than %(minimum)s answered") % {"minimum": core.MIN_PUBLIC}


def items_of(assessment, round_) -> list[dict]:
    return [
        {
            "number": n,
            "title": results.item_title(assessment, item),
            "meaning": results.item_meaning(assessment, item),
        }
        for n, item in enumerate(round_.items, start=1)
    ]


def promised_label(assessment) -> str:
    if not assessment.scale or not assessment.promised:
        return ""
    levels = results.LEVELS.get(assessment.scale, {})
    return str(levels.get(assessment.promised, ""))


def _group_card(
    found: results.RoundResults, row: int, profile: core.Profile, label: str, key: str
) -> dict:
    means = profile.means[row]
    answered = profile.answered[row]
    title = _("%(group)s: average score on each item") % {"group": label}
    description = _(
        "Average score on each of the %(count)s items, from 0 (not in place) at the centre to "
        "4 (embedded) at the rim. The table below gives the same numbers."
    ) % {"count": len(found.items)}
    spokes = [str(item["number"]) for item in found.items]
    svg = radar(
        title=title,
        description=description,
        spokes=spokes,
        series=[(label, [None if math.isnan(m) else float(m) for m in means])],
        chart_id=f"radar-{key}",
    )
    return {
        "label": label,
        "title": title,
        "respondents": int(profile.respondents[row]),
        "band": band_of(profile.group_means[row]),
        "overall": number(profile.group_means[row]),
        "svg": svg,
        "rows": [
            {
                "number": item["number"],
                "title": item["title"],
                "mean": number(means[column]),
                "answered": answered_text(int(answered[column]), found.full),
                "band": band_of(means[column]),
            }
            for column, item in enumerate(found.items)
        ],
    }


def _differences(found: results.RoundResults) -> list[dict]:
    titles = {item["id"]: (item["number"], item["title"]) for item in found.items}
    return [
        {
            "number": titles[d.item][0],
            "title": titles[d.item][1],
            "low_group": sector_label(d.low_group),
            "low": number(d.low),
            "high_group": sector_label(d.high_group),
            "high": number(d.high),
            "gap": number(d.gap),
        }
        for d in found.differences
        if d.gap >= WIDE_GAP
    ]


def _experienced(assessment, found: results.RoundResults) -> dict | None:
    if not assessment.scale:
        return None
    names = results.level_names(assessment)
    rows = []
    for e in found.experienced:
        few = not found.full and sum(e.counts) < core.MIN_PUBLIC
        rows.append(
            {
                "group": sector_label(e.group),
                # Fewer than five answered: their counts would show what each one chose.
                "few": answered_text(sum(e.counts), False) if few else "",
                "counts": [] if few else list(e.counts),
                "answered": sum(e.counts),
                "below": e.below,
                "met": e.met,
                "typical": names[round(e.mean)] if math.isfinite(e.mean) and not few else "",
            }
        )
    promised = promised_label(assessment)
    # "columns": the cells after the levels, so a withheld row spans the whole table.
    return {"levels": names, "promised": promised, "columns": 1 if promised else 0, "rows": rows}


def _changes(assessment, found: results.RoundResults, full: bool) -> dict | None:
    earlier = results.previous_round(found.round)
    if earlier is None:
        return None
    before = results.round_results(assessment, earlier, full=full)
    rows = results.change_rows(assessment, before, found)
    return {
        "before": earlier.number,
        "after": found.round.number,
        "rows": [
            {
                "title": r.title,
                "group": r.group,
                "before": number(r.before),
                "after": number(r.after),
                "difference": number(r.difference),
                "status": r.status,
            }
            for r in rows
        ],
    }


def _together(found: results.RoundResults, labels: list[str]) -> dict | None:
    """Every group's outline on one radar, so where they part is seen at a glance; the table
    gives each group's average per item."""
    shown = found.shown
    if len(shown.groups) < 2:
        return None
    svg = radar(
        title=_("All groups on one chart"),
        description=_(
            "Each group's average score on each item, one outline per group, from 0 at the "
            "centre to 4 at the rim. Where the outlines are far apart, the groups see that "
            "item differently. The table below gives the same numbers."
        ),
        spokes=[str(item["number"]) for item in found.items],
        series=[
            (label, [None if math.isnan(m) else float(m) for m in shown.means[row]])
            for row, label in enumerate(labels)
        ],
        chart_id="radar-together",
    )
    return {
        "svg": svg,
        "legend": [
            {"label": label, "colour": PALETTE[row % len(PALETTE)]}
            for row, label in enumerate(labels)
        ],
        "labels": labels,
        "rows": [
            {
                "number": item["number"],
                "title": item["title"],
                "means": [number(shown.means[row, column]) for row in range(len(labels))],
            }
            for column, item in enumerate(found.items)
        ],
    }


def results_context(assessment, round_, *, full: bool) -> dict:
    found = results.round_results(assessment, round_, full=full)
    shown = found.shown
    groups = [
        _group_card(found, row, shown, sector_label(group), group)
        for row, group in enumerate(shown.groups)
    ]
    everyone = None
    if found.everyone is not None:
        label = _("everyone in the groups shown") if found.everyone_partial else None
        label = label or _("everyone together")
        everyone = _group_card(found, 0, found.everyone, label, "all")
    return {
        "assessment": assessment,
        "coalition": assessment.coalition,
        "round": round_,
        "full": full,
        "total": found.total,
        "items": found.items,
        "groups": groups,
        "together": _together(found, [sector_label(g) for g in shown.groups]),
        "everyone": everyone,
        "withheld": [sector_label(g) for g in found.withheld],
        "minimum": core.MIN_PUBLIC,
        "differences": _differences(found),
        "experienced": _experienced(assessment, found),
        "changes": _changes(assessment, found, full),
    }


def response_row(assessment, round_, response) -> dict:
    who = response.person.full_name if response.person_id else response.guest.display_name
    cells = []
    for item in round_.items:
        score = response.scores.get(item["id"])
        given = response.notes.get(item["id"], {})
        cells.append(
            {
                "score": score,
                "note": given.get("note", ""),
                "evidence": given.get("evidence", ""),
            }
        )
    return {
        "who": who,
        "by_link": response.guest_id is not None,
        "sector": sector_label(response.sector),
        "organisation": response.organisation,
        "experienced": str(results.LEVELS.get(assessment.scale, {}).get(response.experienced, "")),
        "cells": cells,
        "updated_at": response.updated_at,
    }
