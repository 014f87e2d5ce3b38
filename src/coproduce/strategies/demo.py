"""The demo coalition's draft coproduction strategy: written in four sections, amended once by
the facilitator (accepted: version 2), and a second amendment declined with its reason.

Loading twice changes nothing: the strategy is found by its title before it is made.
"""

from django.db import transaction

from coproduce.people.models import Person
from coproduce.workshops.demo import FACILITATOR_EMAIL, ORGANISER_EMAIL

from . import services
from .models import Strategy

TITLE = "A coproduction strategy for Greater Manchester (draft)"
SECTIONS = [
    (
        "Why coproduce",
        "Decisions about the city are better, and better trusted, when the people who live "
        "with them shape them. The founding workshop asked what tools, tactics and practices "
        "can help Greater Manchester coproduce the city; this strategy is the partners' answer.",
    ),
    (
        "What we commit to",
        "The partners hold themselves to the principles of the coalition's charter, and report "
        "in public on what they did with what people said.",
    ),
    (
        "Who owns the plan",
        "The Combined Authority convenes the partners; each action of the plan has owners "
        "from the partners who report on it.",
    ),
    (
        "How we learn",
        "We learn from other cities' experiments (Bologna, Barcelona, Ghent) and share our "
        "own in the coalition's library.",
    ),
]
ACCEPTED = (
    "Who owns the plan",
    "The partners own the plan together: each action has owners from the councils, the "
    "voluntary sector, researchers and residents' groups, who report on it in public. The "
    "Combined Authority convenes them and answers for the whole.",
    "Ownership by one body was what the workshop warned against: the plan should be owned by "
    "the partners together.",
    "Agreed: this is what the workshop asked for.",
)
DECLINED = (
    "Why coproduce",
    "Coproduction is good.",
    "Shorter is easier to read.",
    "Thank you. We keep the longer wording: it says what coproduction is for and where the "
    "question came from.",
)


@transaction.atomic
def demo_strategy(workshop) -> Strategy:
    coalition = workshop.coalition
    found = Strategy.objects.filter(coalition=coalition, title=TITLE).first()
    if found is not None:
        return found
    organiser = Person.objects.get(email=ORGANISER_EMAIL)
    facilitator = Person.objects.get(email=FACILITATOR_EMAIL)
    strategy = services.start_strategy(coalition, title=TITLE, sections=SECTIONS, by=organiser)
    sections = {s.title: s for s in strategy.sections.all()}
    for (section, text, why, reason), decide in (
        (ACCEPTED, services.accept),
        (DECLINED, services.decline),
    ):
        amendment = services.propose(
            strategy, section=sections[section], title=section, text=text, why=why, by=facilitator
        )
        decide(amendment, by=organiser, reason=reason)
    return strategy
