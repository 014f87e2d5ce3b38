from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentsConfig(AppConfig):
    name = "coproduce.assessments"
    label = "assessments"
    verbose_name = _("Self-assessments")

    def ready(self) -> None:
        from . import rules  # noqa: F401  (who may see one response)

        _register_with_the_work()


def _register_with_the_work() -> None:
    """The coalition page's panel, the export part, the report sections and the demo step
    (those apps never import this one)."""
    from coproduce.coalitions.exporting import register_export
    from coproduce.coalitions.panels import register_panel
    from coproduce.reports.sections import register_coalition_section, register_workshop_section
    from coproduce.workshops.demo import register_demo_step

    from . import exports, panels, sections
    from .demo import demo_assessment

    register_panel("assessments", "assessments/panel_coalition.html", panels.coalition_panel, 50)
    register_export("assessments", exports.collect, order=50)
    register_coalition_section("assessment", sections.for_coalition, 50)
    register_workshop_section("assessment", sections.for_workshop, 50)
    register_demo_step(demo_assessment)
