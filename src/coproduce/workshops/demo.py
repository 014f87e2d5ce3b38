"""The founding workshop as demo data: IOPD 2018, Greater Manchester.

Content comes from `shared/seed/iopd-2018-gm-workshop-report.txt`. The named organisers and
speakers are as in the report; the 18 participants are fictional and marked as sample data
(the report gives only their number). Loading twice changes nothing: every row is found by a
stable key before it is created.
"""

from datetime import datetime
from zoneinfo import ZoneInfo

from django.db import transaction

from coproduce.coalitions.models import Coalition, Membership, Role, Visibility
from coproduce.people.models import City, Guest, Organisation, Person
from coproduce.people.sectors import Sector

from .models import (
    AgendaItem,
    AgendaQuestion,
    Conclusion,
    Contributor,
    DesiredOutcome,
    Registration,
    Workshop,
)

COALITION_SLUG = "gm-coproduction"
WORKSHOP_SLUG = "iopd-2018-gm"
ORGANISER_EMAIL = "organiser@demo.coproduce.test"
ORGANISER_PASSWORD = "coproduce-demo"  # noqa: S105 (demo data only; printed by `coproduce demo`)
FACILITATOR_EMAIL = "facilitator@demo.coproduce.test"

TITLE = "How to coproduce the city: lessons for and from Greater Manchester"
ORGANISERS = ["Bertie Russell", "Beth Perry"]
SPEAKERS_AND_FACILITATORS = [
    "Bertie Russell",
    "Beth Perry",
    "Katie Finney",
    "Alice Toomer",
    "Jacob Botham",
    "David Rogerson",
]
SUMMARY = (
    "This workshop is designed and delivered by a coalition of local government actors and "
    "action researchers who are interested in what tools, tactics and practices can help "
    "coproduce the city. Do we need statements of values or basic standards which set down the "
    "principles that coproduction should meet? What can we learn from social innovations or "
    "experiments in coproduction? Should Greater Manchester develop a coproduction strategy or "
    "an action plan? And if so, who should own it? We would like to discuss these questions in "
    'an "open workshop" with other municipalities that are interested in the same issues.'
)
METHODOLOGY = (
    "Organisation of session: 4 x 5min presentations, then a World Café style workshop on two "
    "topics."
)
DESIRED_OUTCOMES = [
    "Share information about what we / GM are doing around coproduction",
    "Position ourselves as leading/generating a debate and conversation around co-production "
    "as a form of meaningful participation",
    "Meet and network with other cities",
    "Identify ideas, examples and practices that can help GM develop its coproductive capacities",
    "Create a meaningful space for other cities to share ideas and exchange thoughts about "
    "tools, tactics and practices to coproduce the city?",
    "Identify content for the GM process of coalition building",
]
PRESENTATIONS = [
    "The context of GM",
    "A case study of coproduction",
    "Developing a 'call to action' on coproduction",
    "Introducing our coalition for change",
]
CAFE_TITLE = "World Café style workshop"
CAFE_QUESTIONS = [
    ("POLICY", "Have other cities developed coproduction strategies or action plans?"),
    ("TOOLS/VALUES", "What methods and approaches can support co-producing the city?"),
]
CONCLUSIONS = [
    "Based on attendees at the session, and on our participation in the wider conference, "
    "there appeared to be a relatively low level of engagement with the practice and ideas of "
    "coproduction.",
    "It seemed there were some quite different understandings of coproduction in the room – "
    "some were aligned with a more transformative commitment, and we'd encourage further "
    "development and understanding of these aspects.",
    "The workshop was particularly useful in creating a space that brought together civil "
    "servants, academic researchers, and civil society actors.",
]
# Where the demo differs from the report's text, and why: typing slips, corrected.
SPELLING_CORRECTIONS = [
    ("Katie Flnney", "Katie Finney"),
    ("there appeared to a relatively low level", "there appeared to be a relatively low level"),
    (
        "some were aligned were a more transformative",
        "some were aligned with a more transformative",
    ),
]

# Fictional participants (sample data): a plausible mix of sectors and cities at an IOPD
# conference workshop.
PARTICIPANTS = [
    ("Aisha Rahman", Sector.LOCAL_GOVERNMENT, "Greater Manchester"),
    ("Tom Whitfield", Sector.LOCAL_GOVERNMENT, "Greater Manchester"),
    ("Núria Puig", Sector.LOCAL_GOVERNMENT, "Barcelona"),
    ("Jordi Serra", Sector.LOCAL_GOVERNMENT, "Barcelona"),
    ("Inês Carvalho", Sector.LOCAL_GOVERNMENT, "Cascais"),
    ("Camila Restrepo", Sector.LOCAL_GOVERNMENT, "Bogotá"),
    ("Hélène Martin", Sector.PUBLIC_SERVICE, "Grenoble"),
    ("Lucía Fernández", Sector.RESEARCH, "Madrid"),
    ("Minji Park", Sector.RESEARCH, "Seoul"),
    ("Pedro Alves", Sector.RESEARCH, "Porto"),
    ("Sarah O'Connell", Sector.RESEARCH, "Greater Manchester"),
    ("Marc Tremblay", Sector.RESEARCH, "Montréal"),
    ("Fatou Diop", Sector.CIVIL_SOCIETY, "Dakar"),
    ("Diego Morales", Sector.CIVIL_SOCIETY, "Mexico City"),
    ("Rachel Adeyemi", Sector.CIVIL_SOCIETY, "Greater Manchester"),
    ("Marta Vidal", Sector.CIVIL_SOCIETY, "Barcelona"),
    ("Yuki Tanaka", Sector.CIVIL_SOCIETY, "Kobe"),
    ("Oriol Soler", Sector.RESIDENTS, "Barcelona"),
]

ORGANISATIONS = [
    ("Jam and Justice (Realising Just Cities)", Sector.RESEARCH),
    ("Greater Manchester Combined Authority", Sector.LOCAL_GOVERNMENT),
    ("Greater Manchester Centre for Voluntary Organisation", Sector.CIVIL_SOCIETY),
]


# Later capabilities add their part of the demo (the café's tables and notes, the opinion
# map) by registering a step here; each step gets the workshop and must be idempotent too.
_steps: list = []


def register_demo_step(step) -> None:
    if step not in _steps:
        _steps.append(step)


@transaction.atomic
def load_demo() -> Workshop:
    city, _ = City.objects.get_or_create(name="Greater Manchester", country="United Kingdom")
    organiser = _person(ORGANISER_EMAIL, "Demo Organiser", Sector.RESEARCH, city)
    facilitator = _person(FACILITATOR_EMAIL, "Demo Facilitator", Sector.LOCAL_GOVERNMENT, city)
    coalition = _coalition(city)
    for person, role in ((organiser, Role.ORGANISER), (facilitator, Role.FACILITATOR)):
        Membership.objects.get_or_create(
            coalition=coalition, person=person, defaults={"role": role}
        )
    workshop = _workshop(coalition)
    _programme(workshop)
    _participants(workshop)
    for step in _steps:
        step(workshop)
    return workshop


def _person(email: str, name: str, sector: str, city: City) -> Person:
    person = Person.objects.filter(email=email).first()
    if person is None:
        person = Person.objects.create_user(
            email, ORGANISER_PASSWORD, full_name=name, sector=sector, city=city, is_sample=True
        )
    return person


def _coalition(city: City) -> Coalition:
    coalition, _ = Coalition.objects.update_or_create(
        slug=COALITION_SLUG,
        defaults={
            "name": "Greater Manchester Coalition for Coproduction",
            "purpose": (
                "A coalition of local government actors and action researchers in Greater "
                "Manchester, interested in what tools, tactics and practices can help "
                "coproduce the city: statements of values or basic standards for coproduction, "
                "learning from social innovations and experiments, and whether Greater "
                "Manchester should develop a coproduction strategy or action plan, and who "
                "should own it."
            ),
            "city": city,
            "visibility": Visibility.PUBLIC,
            "is_sample": True,
        },
    )
    for name, sector in ORGANISATIONS:
        organisation, _ = Organisation.objects.get_or_create(
            name=name, defaults={"sector": sector, "city": city}
        )
        coalition.organisations.add(organisation)
    return coalition


def _workshop(coalition: Coalition) -> Workshop:
    barcelona = ZoneInfo("Europe/Madrid")
    workshop, created = Workshop.objects.update_or_create(
        slug=WORKSHOP_SLUG,
        defaults={
            "coalition": coalition,
            "title": TITLE,
            "starts_at": datetime(2018, 11, 26, 15, 0, tzinfo=barcelona),
            "ends_at": datetime(2018, 11, 26, 16, 30, tzinfo=barcelona),
            "time_zone": "Europe/Madrid",
            "venue": "18th IOPD Conference, Barcelona",
            "summary": SUMMARY,
            "methodology": METHODOLOGY,
            "capacity": 40,
            "is_sample": True,
        },
    )
    return workshop


def _programme(workshop: Workshop) -> None:
    for order, name in enumerate(SPEAKERS_AND_FACILITATORS):
        Contributor.objects.update_or_create(
            workshop=workshop,
            name=name,
            defaults={
                "order": order,
                "is_organiser": name in ORGANISERS,
                "is_speaker": True,
                "is_facilitator": True,
            },
        )
    for order, text in enumerate(DESIRED_OUTCOMES):
        DesiredOutcome.objects.update_or_create(
            workshop=workshop, order=order, defaults={"text": text}
        )
    for order, title in enumerate(PRESENTATIONS):
        AgendaItem.objects.update_or_create(
            workshop=workshop,
            order=order,
            defaults={"title": title, "kind": AgendaItem.Kind.PRESENTATION, "minutes": 5},
        )
    cafe, _ = AgendaItem.objects.update_or_create(
        workshop=workshop,
        order=len(PRESENTATIONS),
        defaults={"title": CAFE_TITLE, "kind": AgendaItem.Kind.WORLD_CAFE, "minutes": 60},
    )
    for order, (label, text) in enumerate(CAFE_QUESTIONS):
        AgendaQuestion.objects.update_or_create(
            agenda_item=cafe, order=order, defaults={"label": label, "text": text}
        )
    for order, text in enumerate(CONCLUSIONS):
        Conclusion.objects.update_or_create(workshop=workshop, order=order, defaults={"text": text})


def _participants(workshop: Workshop) -> None:
    registered = set(
        workshop.registrations.filter(is_sample=True).values_list("display_name", flat=True)
    )
    for name, sector, city in PARTICIPANTS:
        if name in registered:
            continue
        guest = Guest.objects.create(display_name=name, sector=sector, is_sample=True)
        Registration.objects.create(
            workshop=workshop,
            guest=guest,
            display_name=name,
            sector=sector,
            city=city,
            checked_in_at=workshop.starts_at,
            is_sample=True,
        )
