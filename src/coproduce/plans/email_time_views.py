"""The organisers' page that sets when the coalition's plan emails go out (reminders to the
people who look after actions, and the monthly digest to organisers)."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from coproduce.coalitions.permissions import Action as Do
from coproduce.core.doors import door

from . import reminders
from .forms import EmailTimeForm
from .views import find_coalition


@door(get=Do.EDIT_PLAN, post=Do.EDIT_PLAN, find=find_coalition)
def email_time(request, coalition):
    current = reminders.send_time(coalition)
    data = request.POST if request.method == "POST" else None  # an empty POST is refused too
    form = EmailTimeForm(data, initial={"send_at": current})
    if form.is_valid():
        at = reminders.set_send_time(coalition, form.cleaned_data["send_at"])
        messages.success(
            request,
            _("Saved: plan emails now go out at %(time)s.") % {"time": at.strftime("%H:%M")},
        )
        return redirect(reverse("plans:email_time", args=[coalition.slug]))
    zone = reminders.zone_of(coalition)
    context = {
        "coalition": coalition,
        "plan": None,
        "form": form,
        "current": current,
        "zone_name": coalition.time_zone.replace("_", " "),
        "local_now": timezone.now().astimezone(zone),
    }
    return render(request, "plans/email_time.html", context)
