from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "coproduce.reports"
    label = "reports"
    verbose_name = _("Reports")

    def ready(self) -> None:
        from coproduce.workshops.demo import register_demo_step

        from .demo import demo_report

        register_demo_step(demo_report)
        from coproduce.coalitions.sections import register_section
        from coproduce.jobs.registry import register
        from coproduce.workshops.sections import register_workshop_section

        from . import jobs, rules, sections  # noqa: F401  (rules: who may read a version)

        register("reports.themes", jobs.themes_job)
        register("reports.render", jobs.render_job)
        register_workshop_section(
            "report", "reports/workshop_section.html", sections.workshop_section, 40
        )
        register_section(
            "reports", "reports/coalition_section.html", sections.coalition_section, 30
        )
