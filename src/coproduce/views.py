"""Pages that belong to the whole site rather than one capability."""

from django.shortcuts import render

from coproduce.coalitions.permissions import visible_coalitions
from coproduce.workshops.forms import JoinCodeForm
from coproduce.workshops.selectors import recent_workshops, upcoming_workshops


def home(request):
    context = {
        "join_form": JoinCodeForm(),
        "coalitions": visible_coalitions(request.user).select_related("city").order_by("name")[:12],
        "upcoming": upcoming_workshops(request.user),
        "recent": recent_workshops(request.user),
    }
    return render(request, "home.html", context)
