from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebhooksConfig(AppConfig):
    name = "coproduce.webhooks"
    label = "webhooks"
    verbose_name = _("Webhooks")

    def ready(self) -> None:
        from coproduce.coalitions.panels import register_panel

        from .panels import coalition_panel

        # Last on the coalition page: a tool for organisers, not the coalition's work.
        register_panel("webhooks", "webhooks/panel_coalition.html", coalition_panel, 200)
