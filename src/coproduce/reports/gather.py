"""Everything the report says about a workshop, read from the database into plain data.

The capabilities a workshop may have used (a World Café, an opinion map) are optional: each
part is None when it did not happen, and the report then says so rather than failing.
"""

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Max, Q

from coproduce.cafe.models import Cafe, Note, Seat
from coproduce.conversations.models import Conversation, Statement, Voter
from coproduce.conversations.presenting import map_view
from coproduce.conversations.selectors import figures
from coproduce.workshops.models import Registration, Workshop
from coproduce.workshops.selectors import sector_counts

from .examples import Example, fingerprint_part, gather_examples
from .models import WorkshopReport
from .photos import downscaled


@dataclass
class CafeNote:
    id: int
    text: str
    question_id: int | None
    table: str
    round: int


@dataclass
class CafePhoto:
    image: bytes  # JPEG, downscaled for print
    table: str
    round: int
    text: str  # what the table also typed with it, if anything


@dataclass
class CafeData:
    title: str
    rounds: int
    tables: int
    notes: list[CafeNote]
    photos: int
    new_people_met: list[int]  # per participant: different people met at the tables
    pictures: list[CafePhoto] = field(default_factory=list)


@dataclass
class ConversationData:
    question: str
    figures: dict
    map: dict | None


@dataclass
class ReportData:
    workshop: Workshop
    organisers: list[str]
    speakers_and_facilitators: list[str]
    registered: int
    attended: int
    sectors: list  # SectorCount rows
    desired_outcomes: list[str]
    agenda: list[tuple[str, str, int, str]]  # title, kind label, minutes, speaker
    questions: list[tuple[int, str, str]]  # id, label, text
    conclusions: list[str]
    cafe: CafeData | None = None
    conversation: ConversationData | None = None
    funnel: dict[str, int] = field(default_factory=dict)
    examples: list[Example] = field(default_factory=list)  # library entries linked to it


def gather(workshop: Workshop) -> ReportData:
    workshop = (
        Workshop.objects.select_related("coalition")
        .prefetch_related(
            "contributors", "desired_outcomes", "agenda_items__questions", "conclusions"
        )
        .get(pk=workshop.pk)
    )
    counts = sector_counts(workshop)
    items = list(workshop.agenda_items.all())
    data = ReportData(
        workshop=workshop,
        organisers=[c.name for c in workshop.organisers()],
        speakers_and_facilitators=[c.name for c in workshop.speakers_and_facilitators()],
        registered=sum(c.registered for c in counts),
        attended=sum(c.attended for c in counts),
        sectors=counts,
        desired_outcomes=[o.text for o in workshop.desired_outcomes.all()],
        agenda=[(i.title, str(i.get_kind_display()), i.minutes, i.speaker) for i in items],
        questions=[
            (q.pk, q.label, q.text)
            for i in items
            if i.kind == "world_cafe"
            for q in i.questions.all()
        ],
        conclusions=[c.text for c in workshop.conclusions.all()],
    )
    data.cafe = _cafe(workshop)
    data.conversation = _conversation(workshop)
    data.funnel = _funnel(workshop, data)
    data.examples = gather_examples(workshop)
    return data


def _cafe(workshop: Workshop) -> CafeData | None:
    cafe = Cafe.objects.filter(agenda_item__workshop=workshop).select_related("agenda_item").first()
    if cafe is None:
        return None
    notes = (
        Note.objects.filter(cafe=cafe)
        .select_related("table")
        .order_by("round_number", "table__order", "pk")
    )
    return CafeData(
        title=cafe.agenda_item.title,
        rounds=cafe.rounds,
        tables=cafe.tables.count(),
        notes=[
            CafeNote(n.pk, n.text, n.question_id, n.table.name, n.round_number)
            for n in notes
            if n.text.strip()
        ],
        photos=notes.exclude(photo="").count(),
        new_people_met=new_people_met(cafe),
        pictures=[
            CafePhoto(image, n.table.name, n.round_number, n.text.strip())
            for n in notes.exclude(photo="")
            if (image := downscaled(n.photo)) is not None
        ],
    )


def new_people_met(cafe: Cafe) -> list[int]:
    """For each participant who sat at a table: how many different people they met there."""
    tables: dict[tuple[int, int], list[int]] = defaultdict(list)
    for round_number, table_id, participant_id in Seat.objects.filter(cafe=cafe).values_list(
        "round_number", "table_id", "participant_id"
    ):
        tables[(round_number, table_id)].append(participant_id)
    met: dict[int, set[int]] = defaultdict(set)
    for seated in tables.values():
        for person in seated:
            met[person].update(other for other in seated if other != person)
    return sorted(len(others) for others in met.values())


def _conversation(workshop: Workshop) -> ConversationData | None:
    conversations = Conversation.objects.filter(workshop=workshop).defer("map_state")
    conversation = conversations.order_by("created_at").first()
    if conversation is None:
        return None
    # The figures the worker counted with the map, so the report's numbers and its map agree
    # (and `fingerprint` follows both through the map's time); counted now before any map.
    counted = conversation.map_figures or figures(conversation)
    return ConversationData(conversation.question, counted, map_view(conversation))


def _funnel(workshop: Workshop, data: ReportData) -> dict[str, int]:
    """Registered, attended, voted, wrote: how far people went in taking part."""
    registrations = Registration.objects.filter(
        workshop=workshop, status=Registration.Status.REGISTERED
    )
    voters = Voter.objects.filter(conversation__workshop=workshop, votes__isnull=False)
    authors = Statement.objects.filter(conversation__workshop=workshop, author__isnull=False)
    note_writers = Note.objects.filter(cafe__agenda_item__workshop=workshop).values(
        "author__registration"
    )
    voted = registrations.filter(
        Q(person__in=voters.values("person")) | Q(guest__in=voters.values("guest"))
    )
    wrote = registrations.filter(
        Q(pk__in=note_writers)
        | Q(person__in=authors.values("author__person"))
        | Q(guest__in=authors.values("author__guest"))
    )
    return {
        "registered": data.registered,
        "attended": data.attended,
        "voted": voted.count(),
        "wrote": wrote.count(),
    }


def fingerprint(workshop: Workshop) -> str:
    """Changes whenever anything the report shows changes; keys the rendered files.

    The café by its revision (counted up by every change to its tables, people or seats, so a
    re-plan changes who met whom), its notes, the opinion map by the time it was made (its
    figures are counted with it), and the report's themes by when they last changed."""
    parts = [
        workshop.updated_at.isoformat(),
        Registration.objects.filter(workshop=workshop).aggregate(
            n=Count("pk"), c=Count("checked_in_at"), s=Count("pk", filter=Q(status="cancelled"))
        ),
        list(
            Cafe.objects.filter(agenda_item__workshop=workshop)
            .order_by("pk")
            .values_list("pk", "revision")
        ),
        Note.objects.filter(cafe__agenda_item__workshop=workshop).aggregate(
            n=Count("pk"), t=Max("updated_at")
        ),
        list(
            Conversation.objects.filter(workshop=workshop)
            .order_by("pk")
            .values_list("pk", "question", "map_computed_at")
        ),
        list(WorkshopReport.objects.filter(workshop=workshop).values_list("themes_changed_at")),
        fingerprint_part(workshop),  # the examples mentioned: links and the entries' changes
        [(o.pk, o.text) for o in workshop.desired_outcomes.all()],
        [(c.pk, c.text) for c in workshop.conclusions.all()],
        [(c.pk, c.name, c.is_organiser) for c in workshop.contributors.all()],
        [
            (i.pk, i.title, i.minutes, [q.text for q in i.questions.all()])
            for i in workshop.agenda_items.all()
        ],
    ]
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:16]
