"""What the API answers with. Times are ISO 8601 with their zone (UTC, as stored)."""

from datetime import datetime

from ninja import Schema
from pydantic import ConfigDict


class Body(Schema):
    """What a write operation takes: a field it does not know is refused (422 naming it),
    never silently dropped."""

    model_config = ConfigDict(extra="forbid")


class Coalition(Schema):
    slug: str
    name: str
    purpose: str
    city: str | None
    visibility: str
    time_zone: str
    created_at: datetime
    updated_at: datetime
    url: str  # the coalition's page
    workshops: str  # the API list of its workshops


class CoalitionList(Schema):
    items: list[Coalition]
    next: str | None


class WorkshopSummary(Schema):
    slug: str
    title: str
    coalition: str  # the coalition's slug
    starts_at: datetime
    ends_at: datetime
    time_zone: str
    venue: str
    updated_at: datetime
    url: str


class WorkshopList(Schema):
    items: list[WorkshopSummary]
    next: str | None


class AgendaQuestion(Schema):
    label: str
    text: str


class AgendaItem(Schema):
    title: str
    kind: str
    minutes: int
    speaker: str
    description: str
    questions: list[AgendaQuestion]


class SectorFigures(Schema):
    sector: str
    label: str
    registered: int
    attended: int


class Participation(Schema):
    registered: int
    attended: int
    capacity: int | None
    by_sector: list[SectorFigures]


class Workshop(WorkshopSummary):
    online_url: str
    summary: str
    methodology: str
    desired_outcomes: list[str]
    agenda: list[AgendaItem]
    conclusions: list[str]
    participation: Participation
