"""The strategy's part of the whole-coalition export (`coproduce export`): `strategies`, each
with its sections now and every version's sections, and `amendments` with their status, the
proposer's words and reason, and the organisers' reason for their decision.

A strategy is the coalition's draft work: its members see it, and the export gives it to those
who may see the coalition's members-only work, like the pages (coalitions' MEMBERS_VIEW).
"""

from coproduce.coalitions.permissions import Action, can

from .models import Amendment


def _shown(coalition, visitor) -> bool:
    return visitor is None or can(visitor, Action.MEMBERS_VIEW, coalition)


def coalition_strategies(coalition, visitor) -> list[dict]:
    if not _shown(coalition, visitor):
        return []
    out = []
    for strategy in coalition.strategies.order_by("created_at", "pk"):
        out.append(
            {
                "id": strategy.pk,
                "title": strategy.title,
                "sections": [
                    {"id": s.pk, "title": s.title, "text": s.text}
                    for s in strategy.sections.order_by("position", "pk")
                ],
                "versions": [
                    {
                        "number": version.number,
                        "made_at": version.made_at.isoformat(),
                        "what_changed": version.what_changed,
                        "sections": [
                            {"title": s["title"], "text": s["text"]} for s in version.sections
                        ],
                    }
                    for version in strategy.versions.order_by("number")
                ],
            }
        )
    return out


def coalition_amendments(coalition, visitor) -> list[dict]:
    if not _shown(coalition, visitor):
        return []
    amendments = Amendment.objects.filter(strategy__coalition=coalition).select_related("section")
    return [
        {
            "id": a.pk,
            "strategy": a.strategy_id,
            "section": a.section.title if a.section else None,
            "title": a.title,
            "text": a.text,
            "why": a.why,
            "status": a.status,
            "reason": a.reason or None,
            "merged_into": a.merged_into_id,
            "version": a.made_version.number if a.made_version_id else None,
        }
        for a in amendments.select_related("made_version").order_by("created_at", "pk")
    ]
