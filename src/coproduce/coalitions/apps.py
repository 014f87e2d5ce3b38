from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoalitionsConfig(AppConfig):
    name = "coproduce.coalitions"
    label = "coalitions"
    verbose_name = _("Coalitions")
