"""The plan in the reports: the coalition's report gains each plan (goals, actions, owners,
progress, and "you said, we did"); a workshop's report lists the actions that came from it.

A report is read by everyone who can see the coalition, as the plan is, so the sections hold
what the plan's public page shows.
"""

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from coproduce.conversations.models import Statement
from coproduce.core.glossary import figure
from coproduce.reports.document import Markdown, Section, Table
from coproduce.reports.models import WorkshopReport

from . import exports, outcomes, selectors, services
from .models import Action, Kind, Ownership, Status


def _percent(value: float | None) -> str:
    return "" if value is None else f"{round(value)}%"


def _due(action: Action) -> str:
    if not action.due_on:
        return ""
    due = date_format(action.due_on, "DATE_FORMAT")
    today = selectors.today_for(action.goal.plan.coalition)
    return _("%(date)s (overdue)") % {"date": due} if action.is_overdue(today) else due


def _status(action: Action) -> str:
    return str(Status(action.status).label)


def progress_sentence(value: float | None) -> str:
    """What the plan's figure means, in words (the glossary's explanation)."""
    if value is None:
        return _("No action of this plan has progress to count yet.")
    where = _("The plan is %(percent)s of the way.") % {"percent": _percent(value)}
    return f"{where} {figure('plan_progress').means}"


def for_coalition(coalition) -> Section | None:
    plans = list(coalition.plans.order_by("created_at", "pk"))
    if not plans:
        return None
    blocks = []
    for plan in plans:
        blocks += _plan_blocks(plan)
    blocks += _you_said_we_did(coalition)
    return Section(key="plan", heading=_("Action plan"), blocks=tuple(blocks))


def _plan_blocks(plan) -> list:
    found = services.progress(plan)
    goals = list(plan.goals.order_by("position", "pk"))
    actions = list(
        Action.objects.filter(goal__plan=plan)
        .select_related("goal__plan__coalition", "lead")
        .order_by("goal__position", "goal_id", "position", "pk")
    )
    owners = _owners(actions)
    return [
        Markdown(progress_sentence(found.plan)),
        Table(
            header=(_("Goal"), _("Progress")),
            rows=tuple((goal.title, _percent(found.goals.get(goal.pk))) for goal in goals),
            caption=_("%(plan)s: goals") % {"plan": plan.title},
            numeric_columns=(1,),
        ),
        Table(
            header=(_("Action"), _("Owners"), _("Lead"), _("Due"), _("Status"), _("Progress")),
            rows=tuple(
                (
                    action.title,
                    ", ".join(owners.get(action.pk, [])),
                    action.lead.full_name if action.lead else "",
                    _due(action),
                    _status(action),
                    f"{action.progress}%",
                )
                for action in actions
            ),
            caption=_("Actions and who owns them"),
            numeric_columns=(5,),
        ),
    ]


def _owners(actions) -> dict[int, list[str]]:
    names: dict[int, list[str]] = {}
    current = Ownership.objects.filter(action__in=actions, until__isnull=True)
    for action_id, name in current.values_list("action_id", "organisation__name"):
        names.setdefault(action_id, []).append(name)
    return {pk: sorted(found) for pk, found in names.items()}


def _you_said_we_did(coalition) -> list:
    items = exports.coalition_outcomes(coalition, None)
    if not items:
        return []
    titles = dict(Action.objects.filter(goal__plan__coalition=coalition).values_list("pk", "title"))
    said = _said(coalition)
    rows = []
    for item in items:
        if item.get("actions"):
            answer = "; ".join(titles.get(pk, "") for pk in item["actions"])
        elif item.get("reason"):
            answer = _("No action: %(reason)s") % {"reason": item["reason"]}
        else:
            answer = _("Not answered yet")
        rows.append((said.get((item["kind"], item["id"]), ""), answer))
    return [
        Markdown(
            _(
                "You said, we did: each theme the café harvested and each statement most "
                "people agreed on, with what became of it."
            )
        ),
        Table(header=(_("What people said"), _("What became of it")), rows=tuple(rows)),
    ]


def _said(coalition) -> dict:
    """The words of each theme (its label) and statement, by the key outcomes use."""
    said = {}
    reports = WorkshopReport.objects.filter(workshop__coalition=coalition).select_related(
        "workshop"
    )
    for report in reports:
        for themes in (report.themes or {}).get("questions", {}).values():
            for raw in themes:
                key = (Kind.THEME.value, exports.theme_key(report, int(raw["id"])))
                said[key] = _("Theme: %(label)s") % {"label": raw.get("label", "")}
    statements = Statement.objects.filter(conversation__coalition=coalition)
    for pk, text in statements.values_list("pk", "text"):
        said[(Kind.STATEMENT.value, pk)] = text
    return said


def for_workshop(workshop) -> Section | None:
    if not workshop.coalition.plans.exists():
        return None
    came = outcomes.from_workshops([workshop.pk]).get(workshop.pk, [])
    heading = _("What came of this workshop")
    if not came:
        return Section(
            key="plan", heading=heading, note=_("No action has been traced to this workshop yet.")
        )
    intro = ngettext(
        "%(count)s action of the coalition's plan came from this workshop's conversations.",
        "%(count)s actions of the coalition's plan came from this workshop's conversations.",
        len(came),
    ) % {"count": len(came)}
    rows = tuple(
        (
            c.action.title,
            ", ".join(outcomes.owner_names(c.action)),
            _due(c.action),
            _status(c.action),
            f"{c.action.progress}%",
        )
        for c in came
    )
    table = Table(
        header=(_("Action"), _("Owners"), _("Due"), _("Status"), _("Progress")),
        rows=rows,
        numeric_columns=(4,),
    )
    return Section(key="plan", heading=heading, blocks=(Markdown(intro), table))
