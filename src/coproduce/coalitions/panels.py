"""What each capability shows on the coalition page.

A capability (workshops now; conversations, charter and plan later) registers a panel in its
AppConfig.ready(); the coalition page renders every registered panel in order ("panel", not
"section": sections are the parts of a report). The coalition app never imports the
capabilities, so they can be added or removed on their own.
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Panel:
    key: str
    template: str
    order: int
    context: Callable  # (request, coalition, role) -> dict for the template


_panels: dict[str, Panel] = {}


def register_panel(key: str, template: str, context: Callable, order: int = 100) -> None:
    _panels[key] = Panel(key, template, order, context)


def panels() -> list[Panel]:
    return sorted(_panels.values(), key=lambda panel: panel.order)
