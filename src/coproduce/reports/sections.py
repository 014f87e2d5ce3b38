"""Sections that later capabilities add to the reports: the charter and its signatories, an
assessment's results, the plan.

The reports app never imports them (they build on it): each registers a function in its
AppConfig.ready() that returns a `document.Section`, or None when it has nothing to say for
this workshop or coalition. What a section holds is public once the report is published, so a
section shows only what anyone may see: a published charter, public signatures, aggregates
above their threshold.
"""

import hashlib
from collections.abc import Callable
from dataclasses import dataclass

from .document import Document, Section, to_markdown


@dataclass(frozen=True)
class Contribution:
    key: str
    build: Callable  # (workshop or coalition) -> Section | None
    order: int


_for_workshops: dict[str, Contribution] = {}
_for_coalitions: dict[str, Contribution] = {}


def register_workshop_section(key: str, build: Callable, order: int = 100) -> None:
    """`build(workshop)`: placed after the workshop report's own sections, before its
    conclusions."""
    _for_workshops[key] = Contribution(key, build, order)


def register_coalition_section(key: str, build: Callable, order: int = 100) -> None:
    """`build(coalition)`: a section of the coalition's report."""
    _for_coalitions[key] = Contribution(key, build, order)


def _built(contributions: dict[str, Contribution], subject) -> list[Section]:
    ordered = sorted(contributions.values(), key=lambda contribution: contribution.order)
    return [s for s in (c.build(subject) for c in ordered) if s is not None]


def workshop_sections(workshop) -> list[Section]:
    return _built(_for_workshops, workshop)


def coalition_sections(coalition) -> list[Section]:
    return _built(_for_coalitions, coalition)


def workshop_fingerprint(workshop) -> str:
    """What the contributed sections say now, so a workshop report's file made earlier is made
    again once a charter gains a signatory or an assessment an answer."""
    said = to_markdown(Document(title="", sections=tuple(workshop_sections(workshop))))
    return hashlib.sha256(said.encode()).hexdigest()[:16]
