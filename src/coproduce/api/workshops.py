"""Workshops: agenda and participation figures by sector, as the workshop page shows them.
Registrations are counted, never named."""

from django.utils.translation import gettext_noop
from ninja import Router

from coproduce.coalitions.permissions import Action
from coproduce.workshops import selectors
from coproduce.workshops.models import Workshop
from coproduce.workshops.selectors import find_workshop

from . import schemas
from .coalitions import workshop_summary
from .doors import api_door
from .responses import answers

router = Router(tags=[gettext_noop("Workshops")])


@router.get(
    "/workshops/{slug}/",
    response=answers(schemas.Workshop),
    summary=gettext_noop("One workshop, its agenda and who takes part by sector"),
)
@api_door(Action.VIEW, find=find_workshop)
def workshop(request, workshop: Workshop):
    full = selectors.workshop_page_data(workshop)
    counts = selectors.sector_counts(workshop)
    totals = selectors.totals(counts)
    return {
        **workshop_summary(request, full),
        "online_url": full.online_url,
        "summary": full.summary,
        "methodology": full.methodology,
        "desired_outcomes": [o.text for o in full.desired_outcomes.all()],
        "agenda": [
            {
                "title": item.title,
                "kind": item.kind,
                "minutes": item.minutes,
                "speaker": item.speaker,
                "description": item.description,
                "questions": [{"label": q.label, "text": q.text} for q in item.questions.all()],
            }
            for item in full.agenda_items.all()
        ],
        "conclusions": [c.text for c in full.conclusions.all()],
        "participation": {
            **totals,
            "capacity": full.capacity,
            "by_sector": [
                {
                    "sector": c.sector,
                    "label": c.label,
                    "registered": c.registered,
                    "attended": c.attended,
                }
                for c in counts
            ],
        },
    }
