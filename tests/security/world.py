"""A coalition with one of everything, and nine kinds of visitor, for the permission tests.

Every piece of text of the coalition is a marker that appears nowhere else, so a test can ask of
any response: did this visitor learn anything they may not know?
"""

import io
from dataclasses import dataclass, field
from datetime import timedelta

from django.core.files.base import ContentFile
from django.test import Client
from django.utils import timezone
from factories import (
    CoalitionFactory,
    MembershipFactory,
    OrganisationFactory,
    PersonFactory,
    RegistrationFactory,
    WorkshopFactory,
)
from PIL import Image

from coproduce.cafe import services as cafe_services
from coproduce.cafe.models import Rule, Seat
from coproduce.coalitions.models import Invitation, Role, Visibility
from coproduce.coalitions.permissions import Action
from coproduce.conversations import services as conversation_services
from coproduce.conversations.models import Vote
from coproduce.core.uploads import clean_image
from coproduce.jobs.models import Job
from coproduce.library import services as library_services
from coproduce.people.guests import SESSION_KEY
from coproduce.people.tokens import issue as issue_token
from coproduce.reports import services as report_services
from coproduce.reports.models import ReportVersion
from coproduce.webhooks.models import Webhook
from coproduce.workshops.models import AgendaItem, AgendaQuestion

ANONYMOUS = "anonymous"
OUTSIDER = "outsider"  # an account with nothing to do with the coalition
GUEST_ELSEWHERE = "guest of another workshop"
REGISTRANT = "registrant"  # a guest registered for this workshop, seated in its café
NO_ROLE = "member without a role"  # works for a member organisation, not a member
OBSERVER, MEMBER, FACILITATOR, ORGANISER = "observer", "member", "facilitator", "organiser"

VISITORS = (
    ANONYMOUS,
    OUTSIDER,
    GUEST_ELSEWHERE,
    REGISTRANT,
    NO_ROLE,
    OBSERVER,
    MEMBER,
    FACILITATOR,
    ORGANISER,
)
# Visitors who must learn nothing of a private coalition, whatever they try.
STRANGERS = frozenset({ANONYMOUS, OUTSIDER, GUEST_ELSEWHERE, NO_ROLE})
ROLES = {OBSERVER: Role.OBSERVER, MEMBER: Role.MEMBER, FACILITATOR: Role.FACILITATOR}
ROLES[ORGANISER] = Role.ORGANISER


@dataclass
class World:
    public: bool
    markers: dict[str, str]
    objects: dict[str, object] = field(default_factory=dict)
    accounts: dict[str, object] = field(default_factory=dict)
    guests: dict[str, object] = field(default_factory=dict)

    def __getattr__(self, name):
        try:
            return self.objects[name]
        except KeyError:
            raise AttributeError(name) from None

    def client(self, visitor: str) -> Client:
        """A browser as this visitor: logged in, or remembered as their guest, or nobody."""
        client = Client(raise_request_exception=False)
        if visitor in self.accounts:
            client.force_login(self.accounts[visitor])
        elif visitor in self.guests:
            session = client.session
            session[SESSION_KEY] = self.guests[visitor].key
            session.save()
        return client


def tiny_photo() -> ContentFile:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 120, 40)).save(buffer, "PNG")
    return clean_image(ContentFile(buffer.getvalue(), name="tablecloth.png"))


def build_world(public: bool) -> World:
    tag = "Pub" if public else "Priv"
    markers = {
        key: f"{key.replace('_', '').capitalize()}Marker{tag}Zq"
        for key in (
            "coalition",
            "purpose",
            "workshop",
            "cafe",
            "question",
            "note",
            "own_note",
            "conversation",
            "linked_conversation",
            "statement",
            "public_version",
            "members_version",
            "draft",
            "participant",
            "job",
            "entry",
            "correction",
            "call",
            "signatory",
            "private_signatory",
            "assessment",
            "answer_note",
            "charter_draft",
            "principle",
            "charter_comment",
            "proposal",
            "plan",
            "goal",
            "action",
            "plan_update",
            "strategy",
            "strategy_section",
            "amendment",
            "amendment_comment",
        )
    }
    world = World(public=public, markers=markers)
    o = world.objects
    coalition = CoalitionFactory(
        name=markers["coalition"],
        purpose=markers["purpose"],
        slug=f"coal-{tag.lower()}",
        visibility=Visibility.PUBLIC if public else Visibility.PRIVATE,
    )
    o["coalition"] = coalition
    organisation = OrganisationFactory(name=f"Org {tag}")
    coalition.organisations.add(organisation)
    o["organisation"] = organisation
    for visitor, role in ROLES.items():
        person = PersonFactory(full_name=f"{visitor.capitalize()} {tag}")
        MembershipFactory(coalition=coalition, person=person, role=role)
        world.accounts[visitor] = person
    o["other_member"] = MembershipFactory(coalition=coalition, role=Role.MEMBER)
    world.accounts[NO_ROLE] = PersonFactory(organisation=organisation)
    world.accounts[OUTSIDER] = PersonFactory()
    o["api_token"], _raw = issue_token(world.accounts[ORGANISER], name="Dashboard", write=False)
    elsewhere = WorkshopFactory(coalition=CoalitionFactory(), slug=f"elsewhere-{tag.lower()}")
    world.guests[GUEST_ELSEWHERE] = RegistrationFactory(workshop=elsewhere).guest
    o["invitation"] = Invitation.objects.create(coalition=coalition, role=Role.MEMBER)
    o["spare_invitation"] = Invitation.objects.create(coalition=coalition, role=Role.OBSERVER)
    o["webhook"] = Webhook.objects.create(
        coalition=coalition, url="https://hooks.example.org/in", events=["registration"]
    )
    _workshop_and_cafe(world, tag)
    _conversations(world, tag)
    _report(world)
    _jobs(world)
    _library(world, tag)
    _call_to_action(world, tag)
    _assessment(world)
    _draft_charter(world)
    _plan(world)
    _strategy(world)
    return world


def _workshop_and_cafe(world: World, tag: str) -> None:
    o, markers = world.objects, world.markers
    workshop = WorkshopFactory(
        coalition=o["coalition"], title=markers["workshop"], slug=f"ws-{tag.lower()}", capacity=50
    )
    o["workshop"] = workshop
    item = AgendaItem.objects.create(
        workshop=workshop, title=markers["cafe"], kind="world_cafe", minutes=60
    )
    o["question"] = AgendaQuestion.objects.create(
        agenda_item=item, label="Q", text=markers["question"]
    )
    o["second_item"] = AgendaItem.objects.create(
        workshop=workshop, title="Second café", kind="world_cafe", minutes=30
    )
    registrant = RegistrationFactory(workshop=workshop, display_name=markers["participant"])
    world.guests[REGISTRANT] = registrant.guest
    others = [RegistrationFactory(workshop=workshop) for _ in range(5)]
    o["desk_registration"] = others[-1]
    cafe = cafe_services.cafe_for(item)
    cafe.tables.all().delete()
    cafe_services.add_tables(cafe, 3, capacity=6)
    o["cafe"] = cafe
    tables = list(cafe.tables.all())
    o["table"], o["table_elsewhere"] = tables[0], tables[2]
    people = {p.registration_id: p for p in cafe.participants.all()}
    me = people[registrant.pk]
    rest = [people[r.pk] for r in others]
    o["participant"] = me
    # Round 1 at the first table with the first two others; rounds 2 and 3 at the second.
    layout = {1: [(tables[0], [me, *rest[:2]]), (tables[1], rest[2:])]}
    layout[2] = layout[3] = [(tables[0], rest[:3]), (tables[1], [me, *rest[3:]])]
    Seat.objects.bulk_create(
        Seat(cafe=cafe, round_number=number, table=table, participant=person)
        for number, tables_in_round in layout.items()
        for table, sitting in tables_in_round
        for person in sitting
    )
    cafe_services.advance_round(cafe)
    cafe.refresh_from_db()
    o["rule"] = Rule.objects.create(cafe=cafe, kind="together", first=rest[0], second=rest[1])
    o["rule_pair"] = (rest[2], rest[3])
    o["note"] = cafe_services.save_note(
        cafe, table=tables[0], round_number=1, text=markers["note"], author=rest[0]
    )
    o["note"].photo = tiny_photo()
    o["note"].save()
    o["own_note"] = cafe_services.save_note(
        cafe, table=tables[0], round_number=1, text=markers["own_note"], author=me
    )
    # Registered after the café was set up: the facilitator can still add them.
    o["newcomer"] = RegistrationFactory(workshop=workshop)


def _conversations(world: World, tag: str) -> None:
    o, markers = world.objects, world.markers
    conversation = conversation_services.open_conversation(
        coalition=o["coalition"],
        question=markers["conversation"],
        seed_statements=[markers["statement"], f"Second statement {tag}"],
    )
    o["conversation"] = conversation
    o["statement"] = conversation.statements.first()
    voter = conversation_services.voter_for(conversation, person=world.accounts[MEMBER])
    o["voter"] = voter
    Vote.objects.create(conversation=conversation, voter=voter, statement=o["statement"], value=1)
    o["linked_conversation"] = conversation_services.open_conversation(
        coalition=o["coalition"],
        workshop=o["workshop"],
        question=markers["linked_conversation"],
        seed_statements=[f"Linked statement {tag}"],
    )


def _report(world: World) -> None:
    o, markers = world.objects, world.markers
    report = report_services.report_for(o["workshop"])
    report.themes = {
        "questions": {
            str(o["question"].pk): [
                {
                    "id": 1,
                    "label": "Charters",
                    "note_ids": [o["note"].pk],
                    "example_id": o["note"].pk,
                    "terms": [],
                    "question_id": o["question"].pk,
                }
            ]
        },
        "method": "test",
        "edited": False,
    }
    report.save()
    now = timezone.now()
    for number, (key, visibility) in enumerate(
        [("public_version", "public"), ("members_version", "members")], start=1
    ):
        o[key] = ReportVersion.objects.create(
            report=report,
            number=number,
            texts={"conclusions": markers[key]},
            visibility=visibility,
            published_at=now - timedelta(hours=3 - number),
            snapshot_html=f"<p>{markers[key]}</p>",
        )
    o["draft"] = ReportVersion.objects.create(
        report=report, number=3, texts={"conclusions": markers["draft"]}
    )


def _jobs(world: World) -> None:
    o = world.objects
    subjects = {
        "public_version_job": (o["public_version"], Action.VIEW),
        "members_version_job": (o["members_version"], Action.VIEW),
        "draft_job": (o["workshop"], Action.PLAN_WORKSHOP),
        "cafe_job": (o["cafe"], Action.RUN_WORKSHOP),
        "conversation_job": (o["conversation"], Action.RUN_CONVERSATION),
    }
    for key, (subject, action) in subjects.items():
        job = Job(
            kind="test.done",
            fingerprint=f"world:{key}:{world.public}",
            title=f"{world.markers['job']} {key}",
            coalition=o["coalition"],
            subject=subject,
            action=action,
            status=Job.Status.DONE,
            file_name="result.txt",
            content_type="text/plain",
        )
        job.file.save("result.txt", ContentFile(b"done"), save=False)
        job.save()
        o[key] = job


def _library(world: World, tag: str) -> None:
    """A coalition entry with an open correction, a published shared entry, and a shared
    entry the outsider proposed that waits for a moderator (the site's staff, none of the nine)."""
    o, markers = world.objects, world.markers
    entry = library_services.create_entry(
        {"kind": "case", "title": markers["entry"], "city": "Marker city"},
        coalition=o["coalition"],
        author=world.accounts[MEMBER],
    )
    o["entry"] = entry
    o["correction"] = library_services.propose_correction(
        entry, {"city": "Corrected city"}, markers["correction"], author=world.accounts[OBSERVER]
    )
    shared = library_services.create_entry({"kind": "method", "title": f"Shared method {tag}"})
    o["shared_entry"] = library_services.moderate(shared, publish=True)
    o["pending_entry"] = library_services.create_entry(
        {"kind": "policy", "title": f"Proposed policy {tag}"}, author=world.accounts[OUTSIDER]
    )
    # The shared entry brought into the workshop (the café question is left for a new link).
    o["link"] = library_services.link_entry(
        o["shared_entry"], coalition=o["coalition"], workshop=o["workshop"]
    )


def _call_to_action(world: World, tag: str) -> None:
    """A charter published twice (version 1 replaced by version 2) with a draft version 3:
    version 1 has a public and a private signature and one waiting for its email; the member
    signed version 2 while signed in. The links' secrets are kept for the matrix."""
    from coproduce.charters import emails as charter_emails
    from coproduce.charters import publishing
    from coproduce.charters.models import Charter, Signature, Version

    o, markers = world.objects, world.markers
    charter = Charter.objects.create(coalition=o["coalition"], title=markers["call"])
    principles = [{"principle": None, "title": "Share power", "meaning": "Decide together."}]
    versions = []
    for number in (1, 2, 3):
        version = Version.objects.create(
            charter=charter, number=number, title=markers["call"], principles=principles
        )
        if number < 3:
            publishing.publish(version)
            version.refresh_from_db()
        versions.append(version)
    o["call_charter"] = charter
    o["call_replaced"], o["call"], o["call_draft"] = versions

    def signature(version, organisation, *, confirmed=True, **fields):
        return Signature.objects.create(
            version=version,
            organisation_name=organisation,
            organisation_key=publishing.fold(organisation),
            name=f"Signer {tag}",
            role="Chair",
            sector="civil_society",
            email=f"{publishing.fold(organisation).replace(' ', '')}@example.org",
            email_key=f"{publishing.fold(organisation).replace(' ', '')}@example.org",
            confirmed_at=timezone.now() if confirmed else None,
            **fields,
        )

    first = signature(versions[0], markers["signatory"])
    signature(versions[0], markers["private_signatory"], public=False)
    pending = signature(versions[0], f"Pending org {tag}", confirmed=False)
    o["pending_signature"] = pending
    o["signature_token"] = charter_emails.issue_token(pending)
    o["reconfirm_token"] = charter_emails.reconfirm_token(first, versions[1])
    signature(versions[1], f"Member org {tag}", user=world.accounts[MEMBER])


def _assessment(world: World) -> None:
    """A self-assessment the member answered (with a note only organisers may read), and five
    residents through the link, so public results have a group to show."""
    from coproduce.assessments import services as assessment_services
    from coproduce.people.models import Guest

    o, markers = world.objects, world.markers
    assessment = assessment_services.create_assessment(
        o["coalition"], title=markers["assessment"], framework="scie"
    )
    o["assessment"] = assessment
    round_ = assessment_services.latest_round(assessment)
    assessment_services.save_response(
        round_,
        person=world.accounts[MEMBER],
        sector="research",
        scores={"equality": 3},
        notes={"equality": {"note": markers["answer_note"]}},
    )
    for number in range(5):
        assessment_services.save_response(
            round_,
            guest=Guest.objects.create(display_name=f"Resident {number}", sector="residents"),
            sector="residents",
            scores={"equality": number % 5, "diversity": 2},
        )


def _draft_charter(world: World) -> None:
    """A draft charter (members only, in a public coalition too) with a principle the member
    commented on and proposed a change to, still open."""
    from coproduce.charters import services as charter_services

    o, markers = world.objects, world.markers
    charter = charter_services.start_charter(
        o["coalition"], title=markers["charter_draft"], by=world.accounts[ORGANISER]
    )
    first = charter_services.Wording(markers["principle"], "What it means.")
    charter_services.save_draft(
        charter, title=charter.title, preamble="", principles=[first], what_changed=""
    )
    o["charter"] = charter
    o["principle"] = principle = charter.principles.get()
    member = world.accounts[MEMBER]
    charter_services.add_comment(principle, text=markers["charter_comment"], by=member)
    o["proposal"] = charter_services.propose(
        charter,
        charter_services.Wording(markers["proposal"], "Better words."),
        reason="Clearer.",
        by=member,
        principle=principle,
    )


def _plan(world: World) -> None:
    """An action plan with a goal and an action owned by the coalition's organisation, led by
    the member, traced to the statement, with one update (a member of the organisation who is
    not a member of the coalition may not post one)."""
    from coproduce.plans import services as plan_services
    from coproduce.plans.models import Kind

    o, markers = world.objects, world.markers
    plan = plan_services.start_plan(
        o["coalition"], title=markers["plan"], by=world.accounts[ORGANISER]
    )
    o["plan"] = plan
    o["goal"] = goal = plan_services.add_goal(plan, title=markers["goal"])
    today = timezone.localdate()
    o["action"] = action = plan_services.add_action(
        goal,
        plan_services.ActionDraft(
            title=markers["action"],
            owners=[o["organisation"]],
            lead=world.accounts[MEMBER],
            starts_on=today - timedelta(days=30),
            due_on=today + timedelta(days=30),
            status="in_progress",
            progress=20,
        ),
        by=world.accounts[ORGANISER],
    )
    plan_services.link_source(action, Kind.STATEMENT, o["statement"])
    o["plan_update"] = plan_services.post_update(
        action,
        by=world.accounts[MEMBER],
        text=markers["plan_update"],
        progress=20,
        evidence_file=tiny_photo(),
    )


def _strategy(world: World) -> None:
    """A strategy (members only, in a public coalition too) with a section the member proposed
    an amendment to, still open, and commented on."""
    from coproduce.strategies import services as strategy_services

    o, markers = world.objects, world.markers
    strategy = strategy_services.start_strategy(
        o["coalition"],
        title=markers["strategy"],
        sections=[(markers["strategy_section"], "Words of the section.")],
        by=world.accounts[ORGANISER],
    )
    o["strategy"] = strategy
    o["strategy_section"] = section = strategy.sections.get()
    member = world.accounts[MEMBER]
    o["amendment"] = amendment = strategy_services.propose(
        strategy,
        section=section,
        title=markers["amendment"],
        text="Better words.",
        why="Clearer.",
        by=member,
    )
    strategy_services.comment(amendment, text=markers["amendment_comment"], by=member)
