"""The whole-coalition export: one JSON document of everything a coalition holds.

Each capability registers the part it owns (workshops, charters, assessments, and later the
plan) in its AppConfig.ready(), as Decidim's components declare their open data in their
manifest; this module never imports them. A part is collected for one visitor and shows what
that visitor may see: private signatures, for instance, only for the coalition's organisers.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .models import Coalition

Collect = Callable[[Coalition, Any], Any]  # (coalition, visitor) -> JSON-ready value


@dataclass(frozen=True)
class Part:
    key: str
    collect: Collect
    order: int


_parts: dict[str, Part] = {}


def register_export(key: str, collect: Collect, order: int = 100) -> None:
    _parts[key] = Part(key, collect, order)


def export(coalition: Coalition, visitor) -> dict[str, Any]:
    document: dict[str, Any] = {
        "coalition": {
            "slug": coalition.slug,
            "name": coalition.name,
            "visibility": coalition.visibility,
        }
    }
    for part in sorted(_parts.values(), key=lambda part: part.order):
        document[part.key] = part.collect(coalition, visitor)
    return document
