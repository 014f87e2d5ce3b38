"""What became of each harvest theme and each common-ground statement, on the pages where
people see them: the café's harvest page and the opinion map ("you said, we did").

The café and conversations sit below the plan, so the plan registers providers with them
(`cafe.outcomes`, `conversations.outcomes`, from PlansConfig.ready). For the themes or
statements asked about: the actions that took each up, those the person looking may see (a
private coalition's plan only for its members), or else the reason an organiser recorded for
taking it no further; for those who write the plan, a link to answer what has no answer yet.
Two queries for the sources and the reasons, one for the report (themes), and at most one for
the person's role, whatever the number of themes or statements.
"""

from dataclasses import dataclass, field

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from coproduce.coalitions.permissions import Action as Do
from coproduce.coalitions.permissions import can
from coproduce.reports.models import WorkshopReport

from .models import Kind, Source, Status, Unactioned

_ACTION_ORDER = (
    "action__goal__plan_id",
    "action__goal__position",
    "action__goal_id",
    "action__position",
    "action_id",
)


@dataclass(frozen=True)
class TakenUp:
    """An action that took it up, as the line under it names it."""

    title: str
    url: str
    status: str  # in the reader's words ("in progress")
    progress: int
    code: str = ""  # the status as stored ("in_progress"), for programs

    @property
    def state(self) -> str:
        """ "in progress, 40%": how far it has gone."""
        return _("%(status)s, %(progress)s%%") % {"status": self.status, "progress": self.progress}


@dataclass
class BecameOf:
    actions: list[TakenUp] = field(default_factory=list)
    hidden: int = 0  # actions of a plan the person may not see: counted, never named
    reason: str = ""
    answer_url: str = ""

    @property
    def hidden_text(self) -> str:
        return ngettext(
            "%(count)s action of the coalition's plan, which only its members can see",
            "%(count)s actions of the coalition's plan, which only its members can see",
            self.hidden,
        ) % {"count": self.hidden}

    def __bool__(self) -> bool:
        return bool(self.actions or self.hidden or self.reason or self.answer_url)


@dataclass(frozen=True)
class HarvestTheme:
    label: str
    became: BecameOf | None


def _answers(sources, reasons: dict, user) -> dict:
    """{key: BecameOf} from the sources (each with its action) and the reasons, by key."""
    found: dict = {}
    seen: set = set()
    for key, action in sources:
        if (key, action.pk) in seen:
            continue
        seen.add((key, action.pk))
        became = found.setdefault(key, BecameOf())
        if can(user, Do.VIEW, action):
            slug = action.goal.plan.coalition.slug
            became.actions.append(
                TakenUp(
                    title=action.title,
                    url=reverse("plans:action", args=[slug, action.pk]),
                    status=str(Status(action.status).label).lower(),
                    progress=action.progress,
                    code=action.status,
                )
            )
        else:
            became.hidden += 1
    for key, reason in reasons.items():
        if key not in found:
            found[key] = BecameOf(reason=reason)
    return found


def _answer_url(user, coalition) -> str:
    if coalition is None or not can(user, Do.EDIT_PLAN, coalition):
        return ""
    return reverse("plans:answers", args=[coalition.slug])


def _sources(**where):
    rows = Source.objects.filter(**where).select_related("action__goal__plan__coalition")
    return rows.order_by(*_ACTION_ORDER)


# -- the café's harvest themes ---------------------------------------------------------------


def _question_order(key: str) -> tuple:
    # Themes are stored by question id ("none" for notes without one); the database may not
    # keep the keys' order, so the questions come in the order they were made.
    return (1, 0) if not key.isdigit() else (0, int(key))


def harvest_themes(cafe, user) -> list[HarvestTheme]:
    """The themes of the café's workshop report, each with what became of it. Those who run
    the workshop or write the plan see every theme; others see the themes that have an answer
    (the others may still be a draft)."""
    workshop = cafe.agenda_item.workshop
    report = WorkshopReport.objects.filter(workshop_id=workshop.pk).first()
    questions = (report.themes or {}).get("questions", {}) if report else {}
    themes = [
        (int(raw["id"]), raw.get("label", ""))
        for key in sorted(questions, key=_question_order)
        for raw in questions[key]
    ]
    if not themes:
        return []
    sources = _sources(kind=Kind.THEME, report=report)
    reasons = dict(
        Unactioned.objects.filter(kind=Kind.THEME, report=report).values_list("theme", "reason")
    )
    coalition = workshop.coalition
    found = _answers(((s.theme, s.action) for s in sources), reasons, user)
    answer_url = _answer_url(user, coalition)
    sees_all = bool(answer_url) or can(user, Do.RUN_WORKSHOP, cafe)
    out = []
    for number, label in themes:
        became = found.get(number)
        if became is None and answer_url:
            became = BecameOf(answer_url=f"{answer_url}#theme-{report.pk}-{number}")
        if became or sees_all:
            out.append(HarvestTheme(label=label, became=became))
    return out


# -- the opinion map's common ground --------------------------------------------------------


def statement_outcomes(conversation, statement_ids: list[int], user) -> dict[int, BecameOf]:
    """{statement id: what became of it} for the statements given; for those who write the
    plan, also a link to answer each that has no answer yet."""
    ids = list(statement_ids)
    if not ids:
        return {}
    sources = _sources(kind=Kind.STATEMENT, statement_id__in=ids)
    reasons = dict(
        Unactioned.objects.filter(kind=Kind.STATEMENT, statement_id__in=ids).values_list(
            "statement_id", "reason"
        )
    )
    coalition = conversation.coalition
    found = _answers(((s.statement_id, s.action) for s in sources), reasons, user)
    answer_url = _answer_url(user, coalition)
    if answer_url:
        for pk in ids:
            found.setdefault(pk, BecameOf(answer_url=f"{answer_url}#statement-{pk}"))
    return found
