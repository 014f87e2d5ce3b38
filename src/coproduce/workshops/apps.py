from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkshopsConfig(AppConfig):
    name = "coproduce.workshops"
    label = "workshops"
    verbose_name = _("Workshops")

    def ready(self) -> None:
        from coproduce.coalitions.sections import register_section

        from .sections import coalition_section

        register_section("workshops", "workshops/coalition_section.html", coalition_section, 10)
