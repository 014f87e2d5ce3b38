from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    name = "coproduce.plans"
    label = "plans"
    verbose_name = _("Action plans")

    def ready(self) -> None:
        from . import rules  # noqa: F401  (who may update an action)

        _register_with_the_work()


def _register_with_the_work() -> None:
    """The plan's part of the coalition export, its report sections and the demo's plan
    (those apps never import this one)."""
    from coproduce.coalitions.exporting import register_export
    from coproduce.coalitions.panels import register_panel
    from coproduce.reports.sections import register_coalition_section, register_workshop_section
    from coproduce.workshops.demo import register_demo_step

    from . import exports, panels, sections
    from .demo import demo_plan

    register_export("plans", exports.coalition_plans, order=60)
    register_export("outcomes", exports.coalition_outcomes, order=61)
    register_coalition_section("plan", sections.for_coalition, order=60)
    register_workshop_section("plan", sections.for_workshop, order=60)
    register_demo_step(demo_plan)
    register_panel("plans", "plans/panel_coalition.html", panels.coalition_panel, 55)

    from coproduce.jobs.sweep import register_sweep_step

    from . import reminders

    register_sweep_step(reminders.sweep)  # reminders and the monthly digest

    # "What became of it" under each harvest theme and each common-ground statement.
    from coproduce.cafe.outcomes import register_theme_outcomes
    from coproduce.conversations.outcomes import register_statement_outcomes

    from . import became_of

    register_theme_outcomes(became_of.harvest_themes)
    register_statement_outcomes(became_of.statement_outcomes)
