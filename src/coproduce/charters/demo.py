"""The demo coalition's draft charter: started from Jam & Justice's seven practices (credited),
discussed, one change accepted (version 2), one declined with a reply, one still open.

Publishing and signing come in a later demo step (publishing, h2), which publishes the latest
version of `demo_charter`'s charter. Loading twice changes nothing: the charter is found by its
title before it is created.
"""

from django.db import transaction

from coproduce.people.models import Person
from coproduce.workshops.demo import FACILITATOR_EMAIL, ORGANISER_EMAIL

from . import frameworks, services
from .models import Charter
from .services import Wording

TITLE = "Coproducing Greater Manchester: our shared principles"
PREAMBLE = (
    "At the 2018 IOPD workshop in Barcelona we asked whether we need statements of values or "
    "basic standards that set down the principles coproduction should meet. This charter is "
    "our answer in progress: the principles the partners of this coalition hold themselves "
    "to when they say they coproduce the city.\n\n"
    "It starts from the seven practices Jam & Justice learned in Greater Manchester, and "
    "changes as members comment and propose better words."
)
ACCEPTED = (
    "connecting_to_formal_decisions",
    Wording(
        "Connecting with formal decisions",
        "The work is tied to real policy and to the places where decisions are made, and "
        "those who decide say in public what they did with it.",
        "Name the decision your work feeds, and within three months report back what "
        "happened to it and why.",
    ),
    "People told us they stop coming when they never hear what became of their ideas. "
    "A deadline for reporting back makes the promise checkable.",
    "Agreed: this is the heart of the “you said, we did” loop.",
)
DECLINED = (
    "humanising_experiences",
    Wording(
        "Being friendly",
        "Everyone is friendly and welcoming at meetings.",
        "Smile and say hello.",
    ),
    "Shorter and easier to understand.",
    "Thank you. We keep the longer wording: it is about making time for relationships and "
    "care, which is more than being friendly at a meeting.",
)
OPEN = (
    Wording(
        "Recognising people's time",
        "Residents who give their time and experience are paid or otherwise recognised, as "
        "the professionals in the room are.",
        "Budget for paying participants from the start.",
    ),
    "Only the professionals in the room were paid to be there.",
)
COMMENTS = [
    ("designing_for_openness", ORGANISER_EMAIL, "How open can we be when the budget is fixed?"),
    (
        "designing_for_openness",
        FACILITATOR_EMAIL,
        "Open about what can still change, and honest about what cannot.",
    ),
    ("blending_expertise", FACILITATOR_EMAIL, "This is what the Barcelona café kept coming to."),
]


@transaction.atomic
def demo_charter(workshop) -> Charter:
    coalition = workshop.coalition
    found = Charter.objects.filter(coalition=coalition, title=TITLE).first()
    if found is not None:
        return found
    organiser = Person.objects.get(email=ORGANISER_EMAIL)
    facilitator = Person.objects.get(email=FACILITATOR_EMAIL)
    charter = services.start_charter(
        coalition, title=TITLE, preamble=PREAMBLE, framework="jam_and_justice", by=organiser
    )
    # The framework's items became the principles in order: find them by the item's key.
    keys = [item.key for item in frameworks.framework("jam_and_justice").items]
    principles = dict(zip(keys, charter.principles.order_by("position"), strict=True))
    people = {ORGANISER_EMAIL: organiser, FACILITATOR_EMAIL: facilitator}
    for key, email, text in COMMENTS:
        services.add_comment(principles[key], text=text, by=people[email])
    key, wording, reason, reply = ACCEPTED
    proposal = services.propose(
        charter, wording, reason=reason, by=facilitator, principle=principles[key]
    )
    services.accept(proposal, by=organiser, reply=reply)
    key, wording, reason, reply = DECLINED
    proposal = services.propose(
        charter, wording, reason=reason, by=facilitator, principle=principles[key]
    )
    services.decline(proposal, by=organiser, reply=reply)
    wording, reason = OPEN
    services.propose(charter, wording, reason=reason, by=facilitator)
    return charter
