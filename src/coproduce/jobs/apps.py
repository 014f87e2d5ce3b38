from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JobsConfig(AppConfig):
    """Long work (plans, maps, documents) run by the background worker, with visible progress."""

    name = "coproduce.jobs"
    label = "jobs"
    verbose_name = _("Background jobs")

    def ready(self) -> None:
        from . import rules  # noqa: F401  (registers who may follow a job)
