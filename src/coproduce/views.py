"""Pages that belong to the whole site rather than one capability."""

from django.shortcuts import render
from django.views import i18n

from coproduce.coalitions.permissions import Action, visible_coalitions
from coproduce.core.doors import door
from coproduce.people.services import remember_language
from coproduce.workshops.forms import JoinCodeForm
from coproduce.workshops.selectors import recent_workshops, upcoming_workshops


@door(get=Action.PUBLIC)
def home(request):
    context = {
        "join_form": JoinCodeForm(),
        "coalitions": visible_coalitions(request.user).select_related("city").order_by("name")[:12],
        "upcoming": upcoming_workshops(request.user),
        "recent": recent_workshops(request.user),
    }
    return render(request, "home.html", context)


# The language switcher: Django's own view, through a door like every other. A signed-in
# person's choice is also kept on their account, so their emails come in it (POST only: the
# door refuses GET).
@door(post=Action.PUBLIC)
def set_language(request):
    response = i18n.set_language(request)
    if request.user.is_authenticated:
        remember_language(request.user, request.POST.get("language", ""))
    return response
