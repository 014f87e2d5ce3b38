from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkshopsConfig(AppConfig):
    name = "coproduce.workshops"
    label = "workshops"
    verbose_name = _("Workshops")

    def ready(self) -> None:
        from coproduce.coalitions.panels import register_panel

        from . import rules  # noqa: F401  (registers who a workshop admits)
        from .panels import coalition_panel

        register_panel("workshops", "workshops/coalition_panel.html", coalition_panel, 10)
        from coproduce.core.codes import register_code_source

        register_code_source("workshops", _live_join_codes)
        from coproduce.coalitions.exporting import register_export

        from .exports import coalition_workshops

        register_export("workshops", coalition_workshops, order=10)


def _live_join_codes(candidates) -> set[str]:
    """Which of these codes let someone join a workshop now (until it ends)."""
    from django.utils import timezone

    from .models import Workshop

    live = Workshop.objects.filter(join_code__in=list(candidates), ends_at__gt=timezone.now())
    return set(live.values_list("join_code", flat=True))
