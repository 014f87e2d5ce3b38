"""The page the "turn off" link in a plan email opens, without logging in.

The signed token in the link is the credential (the door is ENTER; the finder checks the
token): it names the person and the kinds of plan email. Opening the link only asks; the
change is a POST from that page, so a mail scanner or a link preview that fetches the link
turns nothing off. Mail programs' one-click unsubscribe (RFC 8058) is a POST without our
form, so it is exempt from the CSRF check; it can only turn emails off, never on.
"""

from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from coproduce.core.doors import ENTER, door

from . import reminders


def find_by_stop_token(request, token: str):
    try:
        return reminders.stop_for(token)
    except reminders.BadLink as error:
        context = {"title": _("This link does not work"), "message": str(error)}
        return render(request, "core/message.html", context, status=404)


@csrf_exempt
@door(get=ENTER, post=ENTER, find=find_by_stop_token)
def stop_emails(request, stop: reminders.Stop):
    """Ask, then turn these kinds of plan email off; the same answer however often asked."""
    done = request.method == "POST"
    if done:
        reminders.stop_emails(stop)
    context = {"stop": stop, "done": done or stop.already_off()}
    return render(request, "plans/stop_emails.html", context)
