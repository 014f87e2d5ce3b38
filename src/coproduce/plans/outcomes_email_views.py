"""The page on which an organiser emails a workshop's participants what came of it.

GET asks first and says how many people the email would reach; the POST queues it
(`outcomes_email.queue`). Both need the right to write the coalition's plan.
"""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from coproduce.coalitions.permissions import Action as Do
from coproduce.core.doors import door
from coproduce.workshops.models import Workshop

from . import outcomes_email


def find_workshop(request, coalition_slug: str, workshop_slug: str) -> Workshop:
    return get_object_or_404(
        Workshop.objects.select_related("coalition"),
        slug=workshop_slug,
        coalition__slug=coalition_slug,
    )


@door(get=Do.EDIT_PLAN, post=Do.EDIT_PLAN, find=find_workshop)
def tell_outcomes(request, workshop):
    if request.method == "POST":
        before = outcomes_email.what_to_tell(workshop)
        queued = outcomes_email.queue(workshop)
        if queued:
            messages.success(
                request,
                ngettext(
                    "The email is on its way to %(count)s person.",
                    "The email is on its way to %(count)s people.",
                    queued,
                )
                % {"count": queued},
            )
        elif not before.came:
            messages.info(request, _("No action has come of this workshop yet: nothing was sent."))
        elif before.told_today:
            messages.info(
                request,
                _("Everyone who can get it was already emailed today: nothing new was sent."),
            )
        else:
            messages.info(
                request, _("Nobody can be emailed about this workshop: nothing was sent.")
            )
        return redirect(
            reverse("plans:tell_outcomes", args=[workshop.coalition.slug, workshop.slug])
        )
    context = {
        "coalition": workshop.coalition,
        "plan": None,
        "tell": outcomes_email.what_to_tell(workshop),
    }
    return render(request, "plans/tell_outcomes.html", context)
