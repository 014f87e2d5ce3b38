from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LibraryConfig(AppConfig):
    name = "coproduce.library"
    label = "library"
    verbose_name = _("Library of cases and methods")

    def ready(self) -> None:
        from . import rules  # noqa: F401  (who may see and change entries)
