"""The demo's self-assessment: the founding coalition rates its work against Jam & Justice's
seven practices, answered by 18 fictional respondents (sample data) from three sectors.

The answers are written so the sectors visibly diverge where the founding report found
"quite different understandings of coproduction in the room": the council's people think the
work is well connected to formal decisions and well held, residents and community groups do
not; all agree on blending expertise. The organisers promised co-design on the ladder; most
residents experienced consultation.

Loading twice changes nothing: the assessment is found by its title before it is created.
"""

from coproduce.people.models import Guest
from coproduce.people.sectors import Sector

from . import services
from .models import Assessment, Scale

TITLE = "How we coproduce: Jam & Justice's seven practices"
FRAMEWORK = "jam_and_justice"
PROMISED = "co_design"

# Per sector: each practice's typical score (in the framework's order), then the ladder steps
# its six respondents experienced.
PATTERNS = {
    Sector.LOCAL_GOVERNMENT: ([3, 3, 3, 2, 3, 4, 4], ["co_design"] * 4 + ["engagement"] * 2),
    Sector.CIVIL_SOCIETY: ([2, 2, 3, 3, 2, 2, 3], ["engagement"] * 3 + ["co_design"] * 3),
    Sector.RESIDENTS: ([1, 1, 3, 3, 2, 0, 1], ["consultation"] * 4 + ["informing", "engagement"]),
}
# Small differences between people of one sector, so no group is uniform (-1, 0 or +1).
NUDGES = [0, 1, -1, 0, 1, -1]
NAMES = {
    Sector.LOCAL_GOVERNMENT: ["Aisha", "Brendan", "Carla", "Dev", "Elaine", "Farid"],
    Sector.CIVIL_SOCIETY: ["Grace", "Hamza", "Ines", "Jonah", "Kemi", "Liam"],
    Sector.RESIDENTS: ["Maya", "Niall", "Olu", "Priya", "Quinn", "Rosa"],
}


def demo_assessment(workshop) -> None:
    """A demo step: the assessment, its promise and 18 sample responses."""
    coalition = workshop.coalition
    if Assessment.objects.filter(coalition=coalition, title=TITLE).exists():
        return
    assessment = services.create_assessment(
        coalition, title=TITLE, framework=FRAMEWORK, workshop=workshop
    )
    services.set_promise(assessment, Scale.LADDER, PROMISED)
    round_ = services.latest_round(assessment)
    ids = round_.item_ids
    for sector, (typical, experienced) in PATTERNS.items():
        for person, name in enumerate(NAMES[sector]):
            guest = Guest.objects.create(display_name=name, sector=sector, is_sample=True)
            scores = {
                key: max(0, min(4, base + NUDGES[(person + column) % len(NUDGES)]))
                for column, (key, base) in enumerate(zip(ids, typical, strict=True))
            }
            services.save_response(
                round_,
                guest=guest,
                sector=sector,
                scores=scores,
                experienced=experienced[person],
                notes=_note(sector, person, ids),
                is_sample=True,
            )


def _note(sector: str, person: int, ids: list[str]) -> dict:
    if person != 0:
        return {}
    said = {
        Sector.LOCAL_GOVERNMENT: "Our cabinet papers now cite what the workshops said.",
        Sector.CIVIL_SOCIETY: "Good intentions, but the agenda was mostly set before we came.",
        Sector.RESIDENTS: "We never heard what happened to our ideas after the day.",
    }
    return {ids[5]: {"note": said[sector], "evidence": ""}}
