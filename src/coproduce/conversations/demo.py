"""An opinion map for the founding workshop, as demo data.

The report noted "quite different understandings of coproduction in the room"; this fictional
conversation (sample data) shows how the map makes that visible: the 18 sample participants
vote on statements about coproduction, split between a consultative and a transformative view.
"""

from coproduce.people.models import Guest

from . import services
from .models import Conversation

QUESTION = "What does coproducing the city mean to you?"
# (statement, how the "transformative" camp votes, how the "consultative" camp votes)
STATEMENTS = [
    ("Coproduction means residents share power over decisions, not only give views.", 1, -1),
    ("Coproduction is a good name for better consultation.", -1, 1),
    ("Residents should be paid for the time they give to coproduction.", 1, 0),
    ("The council must keep the final say on public money.", -1, 1),
    ("A coproduction strategy needs an owner outside the council.", 1, -1),
    ("Civil servants, researchers and civil society learn more together than apart.", 1, 1),
    ("We need shared principles before any action plan.", 1, 1),
    ("Coproduction takes too long for most decisions.", -1, 1),
    ("Communities should set the agenda, not only respond to it.", 1, 0),
    ("Evaluation should be done with residents, not on them.", 1, 1),
]
TRANSFORMATIVE = {"research", "civil_society", "residents"}


def demo_conversation(workshop) -> None:
    if Conversation.objects.filter(workshop=workshop).exists():
        return
    conversation = services.open_conversation(
        coalition=workshop.coalition,
        workshop=workshop,
        question=QUESTION,
        seed_statements=[text for text, _a, _b in STATEMENTS],
        allow_statements=True,
        is_sample=True,
    )
    statements = list(conversation.statements.order_by("pk"))
    guests = Guest.objects.filter(registrations__workshop=workshop, is_sample=True).order_by("pk")
    for index, guest in enumerate(guests):
        voter = services.voter_for(conversation, guest=guest)
        transformative = (
            guest.sector in TRANSFORMATIVE if index % 5 else guest.sector not in TRANSFORMATIVE
        )
        for number, ((_text, t_vote, c_vote), statement) in enumerate(
            zip(STATEMENTS, statements, strict=True)
        ):
            if (index + number) % 7 == 6:
                continue  # not everyone votes on everything
            services.cast_vote(voter, statement.pk, t_vote if transformative else c_vote)
    from .maps import compute_map  # the maths (NumPy, SciPy): loaded when the demo is built

    compute_map(conversation)
