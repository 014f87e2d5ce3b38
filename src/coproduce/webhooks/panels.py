from coproduce.coalitions.permissions import Action, can

from .models import Webhook


def coalition_panel(request, coalition, role) -> dict | None:
    """Organisers only: how many webhooks, and the way to them."""
    if not can(request.user, Action.MANAGE, coalition):
        return None
    return {"count": Webhook.objects.filter(coalition=coalition).count()}
