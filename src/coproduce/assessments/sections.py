"""An assessment's results as a report section: for the coalition report (its latest
assessment) and for a workshop's report when an assessment is about that workshop.

A report is public once published, so the section holds public results only: groups of five
respondents or more, and nobody's own answers.
"""

import math

import numpy as np
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from coproduce.people.sectors import sector_label
from coproduce.reports.document import BarChartSpec, BulletList, Figure, Markdown, Section

from . import presenting, results
from .models import Assessment


def _mean(value: float) -> str:
    return "" if not math.isfinite(value) else f"{value:.1f}"


def assessment_section(assessment: Assessment, key: str) -> Section | None:
    round_ = assessment.rounds.order_by("-number").first()
    if round_ is None:
        return None
    found = results.round_results(assessment, round_, full=False)
    heading = _("Self-assessment: %(title)s") % {"title": assessment.title}
    shown = found.shown
    intro = ngettext(
        "%(count)s person answered. Each item was scored from 0 (not in place) to 4 "
        "(embedded); groups with fewer than %(minimum)s people are not shown, so nobody can "
        "be recognised.",
        "%(count)s people answered. Each item was scored from 0 (not in place) to 4 "
        "(embedded); groups with fewer than %(minimum)s people are not shown, so nobody can "
        "be recognised.",
        found.total,
    ) % {"count": found.total, "minimum": presenting.core.MIN_PUBLIC}
    if not shown.groups:
        return Section(key=key, heading=heading, note=intro)
    labels = [sector_label(g) for g in shown.groups]
    # An item with no average to show in some group (nobody, or fewer than five, answered
    # it) is left out of the chart rather than drawn as a 0 nobody gave; a line names it.
    drawn = [i for i in range(len(found.items)) if np.isfinite(shown.means[:, i]).all()]
    left_out = [found.items[i]["title"] for i in range(len(found.items)) if i not in drawn]
    blocks = [Markdown(intro)]
    if drawn:
        chart = BarChartSpec(
            title=_("Average score per item and sector"),
            description=_("Average score from 0 to 4 on each item, one bar per sector."),
            categories=tuple(
                f"{found.items[i]['number']}. {found.items[i]['title']}" for i in drawn
            ),
            series=tuple(
                (label, tuple(float(shown.means[g, i]) for i in drawn))
                for g, label in enumerate(labels)
            ),
        )
        # The renderers put the chart's numbers in a table beside it.
        blocks.append(Figure(chart, caption=chart.title, alt=chart.description))
    if left_out:
        blocks.append(
            Markdown(
                _(
                    "Not in the chart, as nobody or fewer than %(minimum)s people in a group "
                    "answered them:"
                )
                % {"minimum": presenting.core.MIN_PUBLIC}
            )
        )
        blocks.append(BulletList(tuple(left_out)))  # titles as plain text, not Markdown
    bands = [
        _("%(group)s: %(band)s") % {"group": label, "band": presenting.band_of(mean)}
        for label, mean in zip(labels, shown.group_means, strict=True)
    ]
    blocks.append(BulletList(tuple(bands)))
    wide = [d for d in found.differences if d.gap >= presenting.WIDE_GAP]
    if wide:
        names = {item["id"]: item["title"] for item in found.items}
        blocks.append(Markdown(_("Where understandings differ most:")))
        blocks.append(
            BulletList(
                tuple(
                    _("%(item)s: %(low_group)s %(low)s, %(high_group)s %(high)s")
                    % {
                        "item": names[d.item],
                        "low_group": sector_label(d.low_group),
                        "low": _mean(d.low),
                        "high_group": sector_label(d.high_group),
                        "high": _mean(d.high),
                    }
                    for d in wide
                )
            )
        )
    return Section(key=key, heading=heading, blocks=tuple(blocks))


def for_coalition(coalition) -> Section | None:
    latest = coalition.assessments.order_by("-created_at", "-pk").first()
    return assessment_section(latest, "assessment") if latest else None


def for_workshop(workshop) -> Section | None:
    latest = Assessment.objects.filter(workshop=workshop).order_by("-created_at", "-pk").first()
    return assessment_section(latest, "assessment") if latest else None
