"""The open data's line on the coalition page: shown when the bundle is published, and to the
organisers of a public coalition, who may publish it."""

from coproduce.coalitions.models import Visibility
from coproduce.coalitions.permissions import Action, Visitor, can

from .models import Publication


def coalition_panel(request, coalition, role) -> dict | None:
    if coalition.visibility != Visibility.PUBLIC:
        return None
    publication = Publication.objects.filter(coalition=coalition).first()
    published = publication is not None and publication.published
    may_manage = can(Visitor.of(request), Action.MANAGE, coalition)
    if not published and not may_manage:
        return None
    return {"publication": publication, "published": published, "may_manage": may_manage}
