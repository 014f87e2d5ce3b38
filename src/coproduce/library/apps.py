from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LibraryConfig(AppConfig):
    name = "coproduce.library"
    label = "library"
    verbose_name = _("Library of cases and methods")

    def ready(self) -> None:
        from . import rules  # noqa: F401  (who may see and change entries)

        _register_links_to_the_work()
        _register_sweep()


def _register_sweep() -> None:
    """The worker files the index's newest rows where searches look first (search/index.py),
    chooses the library's common words again after it grew (search/common.py), then builds
    the common prefixes' bitmaps again after a change (search/snapshot.py)."""
    from coproduce.jobs.sweep import register_sweep_step

    from .search import common, index, snapshot

    register_sweep_step(index.file_pending)
    register_sweep_step(common.refresh_when_due)
    register_sweep_step(snapshot.rebuild_when_due)


def _register_links_to_the_work() -> None:
    """The demo's starter library and the "From the library" panels of the workshop and
    coalition pages (those apps never import the library)."""
    from coproduce.coalitions.panels import register_panel
    from coproduce.workshops.demo import register_demo_step
    from coproduce.workshops.panels import register_workshop_panel

    from . import panels
    from .demo import demo_library

    register_demo_step(demo_library)  # after the café and the map, before the report
    register_workshop_panel("library", "library/panel_workshop.html", panels.workshop_panel, 35)
    register_panel("library", "library/panel_coalition.html", panels.coalition_panel, 40)
