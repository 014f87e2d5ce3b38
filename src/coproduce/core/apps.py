from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Shared pieces with no domain of their own: rate limits, charts, base templates."""

    name = "coproduce.core"
    label = "core"

    def ready(self):
        from . import checks, routes  # noqa: F401  (register the deployment and door checks)
