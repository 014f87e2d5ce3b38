"""The founding workshop's World Café as demo data: four tables, three rounds, table notes.

The report gives the two questions but not what the tables wrote; these notes are fictional
sample data, written to show what a harvest looks like.
"""

from django.utils import timezone

from . import services
from .models import Cafe, Note, Table
from .selectors import question_of

HOSTS = ["Aisha Rahman", "Lucía Fernández", "Rachel Adeyemi", "Marc Tremblay"]

# (round, table number, note). Rounds 1 and 3 discuss POLICY, round 2 TOOLS/VALUES.
NOTES = [
    (
        1,
        1,
        "Few cities have a coproduction strategy; most have a participation policy or a charter of rights.",
    ),
    (1, 1, "A strategy without resources stays on paper. Who pays for coproduction?"),
    (1, 2, "Barcelona and Madrid have participation regulations, not coproduction action plans."),
    (
        1,
        2,
        "Action plans need an owner outside the council too, or they become consultation again.",
    ),
    (1, 3, "The voluntary sector already coproduces services but is rarely in the strategy room."),
    (1, 3, "A coalition could own the plan, with the council as one partner among others."),
    (1, 4, "Montréal's right of initiative lets residents put issues on the agenda."),
    (
        1,
        4,
        "Cities copy each other's strategies; what travels is the principles, not the documents.",
    ),
    (2, 1, "World Cafés and citizens' juries mix people who never meet otherwise."),
    (2, 1, "Shared values first: a statement of principles that everyone signs up to."),
    (2, 2, "Action research with residents as co-researchers, not subjects."),
    (2, 2, "Basic standards for coproduction: who is in the room, who decides, who is paid."),
    (2, 3, "Pay people for their time; otherwise only professionals can take part."),
    (2, 3, "Participatory budgeting gives residents real decisions over money."),
    (2, 4, "Open data and shared evaluation so partners can see what changed."),
    (2, 4, "Small experiments first, then scale what works."),
    (3, 1, "Greater Manchester should write an action plan with named owners and dates."),
    (3, 1, "A public account each year: you said, we did."),
    (3, 2, "The strategy should be owned by a coalition for change, not one organisation."),
    (3, 2, "Start from a call to action that organisations sign, then build the plan together."),
    (3, 3, "Low engagement is a risk: many still see coproduction as consultation."),
    (3, 3, "Different understandings of coproduction need naming before any strategy."),
    (3, 4, "Learn from other cities through a shared library of cases and methods."),
    (3, 4, "A transformative commitment means sharing power, not only information."),
]


def demo_cafe(workshop) -> None:
    item = workshop.agenda_items.filter(kind="world_cafe").first()
    if item is None or Cafe.objects.filter(agenda_item=item).exists():
        return
    cafe = services.cafe_for(item)
    cafe.rounds, cafe.minutes_per_round = 3, 15
    cafe.save()
    services.set_round_questions(cafe)
    questions = list(item.questions.all())
    for cafe_round in cafe.round_questions.all():  # POLICY, TOOLS/VALUES, POLICY
        cafe_round.question = questions[0] if cafe_round.number != 2 else questions[-1]
        cafe_round.save()
    tables = list(cafe.tables.all())
    by_name = {p.name: p for p in cafe.participants.select_related("registration")}
    for table, host in zip(tables, HOSTS, strict=False):
        table.host = by_name.get(host)
        table.save()
    services.make_plan(cafe, seed=2018, seconds=2.0)
    cafe.current_round = cafe.rounds + 1  # the café was held: every round is over
    cafe.save(update_fields=["current_round"])
    _notes(cafe, tables)
    cafe.closed_at = timezone.now()
    cafe.save(update_fields=["closed_at"])


def _notes(cafe: Cafe, tables: list[Table]) -> None:
    for round_number, table_number, text in NOTES:
        table = tables[table_number - 1]
        Note.objects.create(
            cafe=cafe,
            table=table,
            round_number=round_number,
            text=text,
            question=question_of(cafe, table, round_number),
            author=table.host,
            author_name=table.host.name if table.host else "",
        )
