"""The pages emailed links open, without logging in: cancel a place, stop emails.

The signed token in the link is the credential (the door is ENTER; the finder checks the
token). Opening a link only shows a page; the change is a POST from that page, so a mail
scanner or a link preview that fetches the link cancels nothing. The one exception is the
one-click unsubscribe that mail programs send (RFC 8058): a POST without our form, so it is
exempt from the CSRF check; it can only stop emails, never start them.
"""

from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from coproduce.core.doors import ENTER, door

from . import emails, services
from .models import Registration


def _bad_link(request, error: emails.BadLink):
    context = {"title": _("This link does not work"), "message": str(error)}
    return render(request, "core/message.html", context, status=404)


def find_by_cancel_token(request, token: str):
    try:
        return emails.registration_for_cancel(token)
    except emails.BadLink as error:
        return _bad_link(request, error)


def find_by_unsubscribe_token(request, token: str):
    try:
        return emails.registration_for_unsubscribe(token)
    except emails.BadLink as error:
        return _bad_link(request, error)


@door(get=ENTER, post=ENTER, find=find_by_cancel_token)
def cancel_by_link(request, registration):
    """ "Can't come?" from the confirmation email: a page asking, then the cancellation."""
    was_active = registration.status == Registration.Status.REGISTERED
    if request.method == "POST" and was_active:
        services.cancel_registration(registration)
    context = {
        "registration": registration,
        "workshop": registration.workshop,
        "cancelled": request.method == "POST" and was_active,
        "already_cancelled": not was_active,
    }
    return render(request, "workshops/cancel_link.html", context)


@csrf_exempt
@door(get=ENTER, post=ENTER, find=find_by_unsubscribe_token)
def unsubscribe(request, registration):
    """Stop this workshop's emails, or all of them; the same answer however often it is asked."""
    done = ""
    if request.method == "POST":
        done = "all" if request.POST.get("scope") == "all" else "workshop"
        emails.stop_emails(registration, everything=done == "all")
    context = {
        "registration": registration,
        "workshop": registration.workshop,
        "done": done,
        "stopped_workshop": registration.emails_stopped,
        "stopped_all": emails.has_stopped_everything(registration),
    }
    return render(request, "workshops/unsubscribe.html", context)
