from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoalitionsConfig(AppConfig):
    name = "coproduce.coalitions"
    label = "coalitions"
    verbose_name = _("Coalitions")

    def ready(self) -> None:
        from coproduce.core.doors import set_authority

        from .permissions import authorize

        set_authority(authorize)  # the doors ask the permission module
