"""Taking part through a program, as the token's person: registering for a workshop, voting in
a conversation, writing a café table's note. Each asks what the page asks (the door), and then
the same service the page calls, so every rule (a full workshop, a closed conversation, a
round the person did not sit at) holds here too."""

from typing import Literal

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from ninja import Router, Schema
from pydantic import Field

from coproduce.cafe import services as cafe_services
from coproduce.cafe.access import participant_for
from coproduce.cafe.models import Table
from coproduce.cafe.rules import writable_rounds
from coproduce.coalitions.permissions import Action, Visitor
from coproduce.conversations import selectors as conversation_selectors
from coproduce.conversations import services as conversations
from coproduce.conversations.models import Conversation
from coproduce.core.ratelimit import hit
from coproduce.people.sectors import Sector
from coproduce.workshops import services as workshops
from coproduce.workshops.models import Workshop

from .doors import api_door
from .problems import invalid
from .responses import answers
from .schemas import Body
from .workshops import find_workshop

router = Router(tags=[gettext_noop("Taking part")])


class NewRegistration(Body):
    sector: Sector = Field(description="The sector the person comes for")
    wants_report: bool = False


class RegistrationOut(Schema):
    workshop: str
    status: str
    sector: str


class NewVote(Body):
    statement: int = Field(description="The statement's id")
    value: Literal[-1, 0, 1] = Field(description="1 agree, -1 disagree, 0 pass")


class VoteOut(Schema):
    statement: int
    value: int


class NewNote(Body):
    round_number: int = Field(ge=1, le=50)
    text: str = Field(min_length=1, max_length=5000)
    key: str = Field(
        "", max_length=64, description="Any text unique to this note: sent again, it saves once"
    )


class NoteWritten(Schema):
    id: int
    round_number: int
    text: str


def find_conversation(request, conversation_id: int) -> Conversation:
    conversations_ = conversation_selectors.without_map().select_related("coalition", "workshop")
    return get_object_or_404(conversations_, pk=conversation_id)


def find_table(request, cafe_id: int, table_id: int) -> Table:
    tables = Table.objects.select_related("cafe__agenda_item__workshop__coalition")
    return get_object_or_404(tables, pk=table_id, cafe__pk=cafe_id)


@router.post(
    "/workshops/{slug}/registrations/",
    response=answers(RegistrationOut),
    summary=gettext_noop("Register for a workshop"),
    description=gettext_noop(
        "Registers the token's person, as the workshop page does. A full or finished "
        "workshop, or a second registration, is refused naming the workshop."
    ),
)
@api_door(Action.VIEW, find=find_workshop)
def register(request, workshop: Workshop, registration: NewRegistration):
    hit("register", f"person:{request.user.pk}")  # as the page: per person
    try:
        made = workshops.register_person(
            workshop,
            request.user,
            sector=registration.sector,
            wants_report=registration.wants_report,
            language=getattr(request, "LANGUAGE_CODE", ""),
        )
    except workshops.RegistrationError as error:
        raise invalid("workshop", "path", str(error)) from None
    return {"workshop": workshop.slug, "status": made.status, "sector": made.sector}


@router.post(
    "/conversations/{conversation_id}/votes/",
    response=answers(VoteOut),
    summary=gettext_noop("Vote on a statement"),
    description=gettext_noop(
        "The token's person agrees (1), disagrees (-1) or passes (0); voting again changes "
        "the vote, and both are kept in the conversation's history."
    ),
)
@api_door(Action.TAKE_PART, find=find_conversation)
def vote(request, conversation: Conversation, vote: NewVote):
    voter = conversations.voter_for(conversation, person=request.user)
    try:
        conversations.ensure_open(conversation)
        conversations.cast_vote(voter, vote.statement, vote.value)
    except conversations.ConversationError as error:
        raise invalid("statement", "body", str(error)) from None
    return {"statement": vote.statement, "value": vote.value}


@router.post(
    "/cafe/{cafe_id}/tables/{table_id}/notes/",
    response=answers(NoteWritten),
    summary=gettext_noop("Write a note for a café table"),
    description=gettext_noop(
        "For a round the token's person sat at this table (facilitators and organisers: any "
        "round). Kept with its history, as notes written on the page are."
    ),
)
@api_door(Action.WRITE_NOTE, find=find_table)
def write_note(request, table: Table, note: NewNote):
    if note.round_number not in writable_rounds(Visitor.of(request), table):
        message = _("You did not sit at this table in round %(n)s.") % {"n": note.round_number}
        raise invalid("round_number", "body", message)
    cafe = table.cafe
    writer = cafe_services.Writer(participant=participant_for(request, cafe), user=request.user)
    try:
        saved = cafe_services.save_note(
            cafe,
            table=table,
            round_number=note.round_number,
            text=note.text,
            author=writer.participant,
            by=writer,
            sending_key=note.key,
        )
    except cafe_services.CafeError as error:
        raise invalid("text", "body", str(error)) from None
    return {"id": saved.pk, "round_number": saved.round_number, "text": saved.text}
