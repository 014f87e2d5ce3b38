from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpenDataConfig(AppConfig):
    name = "coproduce.opendata"
    label = "opendata"
    verbose_name = _("Open data")

    def ready(self) -> None:
        from coproduce.coalitions.panels import register_panel
        from coproduce.jobs.registry import register
        from coproduce.jobs.sweep import register_sweep_step

        from . import bundle, panels

        register("opendata.build", bundle.build_job)
        register_sweep_step(bundle.nightly)
        register_panel("opendata", "opendata/panel_coalition.html", panels.coalition_panel, 90)
