"""Guests: people taking part through a join code, remembered by their browser session."""

from .models import Guest

SESSION_KEY = "coproduce_guest_key"
_UNSET = object()


def current_guest(request) -> Guest | None:
    """The guest this browser joined as, looked up once per request."""
    guest = getattr(request, "_coproduce_guest", _UNSET)
    if guest is _UNSET:
        key = request.session.get(SESSION_KEY)
        guest = Guest.objects.filter(key=key).first() if key else None
        request._coproduce_guest = guest
    return guest


def remember_guest(request, guest: Guest) -> None:
    request.session[SESSION_KEY] = guest.key
    request._coproduce_guest = guest


def forget_guest(request) -> None:
    request.session.pop(SESSION_KEY, None)
    request._coproduce_guest = None
