"""What each capability shows on the coalition page.

A capability (workshops now; conversations, charter and plan later) registers a section in its
AppConfig.ready(); the coalition page renders every registered section in order. The coalition
app never imports the capabilities, so they can be added or removed on their own.
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Section:
    key: str
    template: str
    order: int
    context: Callable  # (request, coalition, role) -> dict for the template


_sections: dict[str, Section] = {}


def register_section(key: str, template: str, context: Callable, order: int = 100) -> None:
    _sections[key] = Section(key, template, order, context)


def sections() -> list[Section]:
    return sorted(_sections.values(), key=lambda section: section.order)
