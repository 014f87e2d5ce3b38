from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChartersConfig(AppConfig):
    name = "coproduce.charters"
    label = "charters"
    verbose_name = _("Charters and calls to action")

    def ready(self) -> None:
        # Who may see and change a draft (rules), and see, sign and publish versions.
        from . import publishing_rules, rules  # noqa: F401

        _register_drafting()
        _register_call_to_action()


def _register_drafting() -> None:
    """The coalition page's charter panel and the demo's draft charter (the coalition app and
    the demo never import charters)."""
    from coproduce.coalitions.panels import register_panel
    from coproduce.workshops.demo import register_demo_step

    from . import panels
    from .demo import demo_charter

    register_panel("charters", "charters/panel_coalition.html", panels.coalition_panel, 45)
    register_demo_step(demo_charter)  # after the report's themes; publishing comes after it


def _register_call_to_action() -> None:
    """The call to action's part of the coalition export, its report sections and the demo's
    signatories (after the draft's demo step, which makes the charter it publishes)."""
    from coproduce.coalitions.exporting import register_export
    from coproduce.reports.sections import register_coalition_section, register_workshop_section
    from coproduce.workshops.demo import register_demo_step

    from . import exports, report
    from .signing_demo import demo_call_to_action

    register_export("charters", exports.coalition_charters, order=40)
    register_coalition_section("charter", report.coalition_section, order=40)
    register_workshop_section("charter", report.workshop_section, order=40)
    register_demo_step(demo_call_to_action)
