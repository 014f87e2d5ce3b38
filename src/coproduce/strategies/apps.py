from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StrategiesConfig(AppConfig):
    name = "coproduce.strategies"
    label = "strategies"
    verbose_name = _("Strategies")

    def ready(self) -> None:
        from . import rules  # noqa: F401  (who may see and change a strategy)

        _register_with_the_work()


def _register_with_the_work() -> None:
    """The strategy's part of the coalition export, its panel on the coalition page and the
    demo's draft strategy (those apps never import this one)."""
    from coproduce.coalitions.exporting import register_export
    from coproduce.coalitions.panels import register_panel
    from coproduce.workshops.demo import register_demo_step

    from . import exports, panels
    from .demo import demo_strategy

    register_export("strategies", exports.coalition_strategies, order=55)
    register_export("amendments", exports.coalition_amendments, order=56)
    register_demo_step(demo_strategy)
    register_panel("strategies", "strategies/panel_coalition.html", panels.coalition_panel, 48)
