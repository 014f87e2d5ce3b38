from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Shared pieces with no domain of their own: rate limits, charts, base templates."""

    name = "coproduce.core"
    label = "core"

    def ready(self):
        from . import checks, converters, routes  # noqa: F401  (deployment and door checks)

        converters.register()  # before any URL module loads
