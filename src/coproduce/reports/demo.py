"""The demo workshop's report: themes found in its table notes, ready to read."""

from . import services


def demo_report(workshop) -> None:
    services.ensure_themes(services.report_for(workshop))
