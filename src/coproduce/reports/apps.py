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
        from coproduce.coalitions.panels import register_panel
        from coproduce.jobs.registry import register
        from coproduce.workshops.panels import register_workshop_panel

        from . import jobs, panels, rules  # noqa: F401  (rules: who may read a version)

        register("reports.themes", jobs.themes_job)
        from coproduce.cafe.exports import register_theme_source

        from .services import note_themes

        register_theme_source(note_themes)
        register("reports.render", jobs.render_job)
        register("reports.render_coalition", jobs.render_coalition_job)
        register_workshop_panel("report", "reports/workshop_panel.html", panels.workshop_panel, 40)
        register_panel("reports", "reports/coalition_panel.html", panels.coalition_panel, 30)
