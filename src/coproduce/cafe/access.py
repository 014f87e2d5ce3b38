"""Who a browser is in a café: a participant found by their personal card link, their account
or their guest session.

Knowing a participant's key (printed as a QR code on their card) is being that participant,
as with the workshop's join code; the browser takes that identity only when the person says
"Continue as Ana" (a POST), never by opening the link. A cancelled registration closes the
card: its key is replaced (see `rotate_keys`) and a browser that had taken the identity loses
it at its next request.
"""

from coproduce.coalitions.permissions import Visitor
from coproduce.workshops.models import Registration
from coproduce.workshops.selectors import registration_of

from .models import Cafe, Participant, new_participant_key

SESSION_PARTICIPANTS = "cafe_participants"


def remember(request, participant: Participant) -> None:
    remembered = request.session.get(SESSION_PARTICIPANTS, {})
    remembered[str(participant.cafe_id)] = participant.pk
    request.session[SESSION_PARTICIPANTS] = remembered


def _active(participants):
    return participants.filter(registration__status=Registration.Status.REGISTERED)


def participant_by_key(key: str) -> Participant | None:
    """The card's participant, while their registration stands."""
    return (
        _active(Participant.objects.filter(key=key))
        .select_related("cafe__agenda_item__workshop__coalition", "registration")
        .first()
    )


def carded_participant(visitor: Visitor, cafe: Cafe) -> Participant | None:
    """The participant this browser continued as from a card link, if still registered."""
    if visitor.request is None:
        return None
    remembered = visitor.request.session.get(SESSION_PARTICIPANTS, {}).get(str(cafe.pk))
    if not remembered:
        return None
    return _active(cafe.participants.filter(pk=remembered)).select_related("registration").first()


def participant_of(visitor: Visitor, cafe: Cafe) -> Participant | None:
    """This visitor's place in the café: from their card, their account or their guest.

    The door, the note rules and the page all ask; within a request it is looked up once."""
    key = ("cafe participant", cafe.pk)
    if key not in visitor.found:
        visitor.found[key] = _look_up_participant(visitor, cafe)
    return visitor.found[key]


def _look_up_participant(visitor: Visitor, cafe: Cafe) -> Participant | None:
    found = carded_participant(visitor, cafe)
    if found is not None:
        return found
    registration = registration_of(cafe.workshop, visitor.user, visitor.guest)
    if registration is None:
        return None
    return (
        cafe.participants.filter(registration=registration).select_related("registration").first()
    )


def participant_for(request, cafe: Cafe) -> Participant | None:
    return participant_of(Visitor.of(request), cafe)


def rotate_keys(sender, registration: Registration, **kwargs) -> None:
    """A cancelled registration's cards stop working: each gets a new, unprinted key."""
    for participant in Participant.objects.filter(registration=registration):
        participant.key = new_participant_key()
        participant.save(update_fields=["key"])
