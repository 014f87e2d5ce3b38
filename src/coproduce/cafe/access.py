"""Who a browser is in a café: a participant found by their personal link, their account or
their guest session. Knowing a participant's key (printed as a QR code on their card) is
being that participant, as with the workshop's join code."""

from coproduce.coalitions.permissions import Action, can
from coproduce.people.guests import current_guest
from coproduce.workshops.selectors import registration_of

from .models import Cafe, Participant, Table

SESSION_PARTICIPANTS = "cafe_participants"


def remember(request, participant: Participant) -> None:
    remembered = request.session.get(SESSION_PARTICIPANTS, {})
    remembered[str(participant.cafe_id)] = participant.pk
    request.session[SESSION_PARTICIPANTS] = remembered


def participant_for(request, cafe: Cafe) -> Participant | None:
    remembered = request.session.get(SESSION_PARTICIPANTS, {}).get(str(cafe.pk))
    if remembered:
        found = cafe.participants.filter(pk=remembered).select_related("registration").first()
        if found:
            return found
    registration = registration_of(cafe.workshop, request.user, current_guest(request))
    if registration is None:
        return None
    return (
        cafe.participants.filter(registration=registration).select_related("registration").first()
    )


def may_write_notes(request, cafe: Cafe, table: Table) -> bool:
    """Facilitators may write for any table; a participant for any table they sit at."""
    if can(request.user, Action.RUN_WORKSHOP, cafe):
        return True
    participant = participant_for(request, cafe)
    return participant is not None and participant.seats.filter(table=table).exists()
