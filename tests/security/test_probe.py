"""The findings of the outside probe of a private coalition, each tried again.

The matrix (test_matrix.py) tries every URL; these tests follow the probe's own steps, so each
finding has a test that names it.
"""

import pytest
from django.urls import reverse
from factories import MembershipFactory, PersonFactory, RegistrationFactory
from security.world import (
    ANONYMOUS,
    GUEST_ELSEWHERE,
    MEMBER,
    ORGANISER,
    OUTSIDER,
    REGISTRANT,
    build_world,
)

from coproduce.cafe import services as cafe_services
from coproduce.cafe.models import Note, Participant, Seat
from coproduce.coalitions.models import Membership
from coproduce.conversations.models import Statement, Vote, Voter
from coproduce.jobs.models import Job
from coproduce.workshops import services as workshop_services

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(settings):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    return build_world(public=False)


def test_the_vote_page_of_a_private_conversation_gives_nothing_away(world):
    """It used to redirect anonymous visitors to /conversations/join/<CODE>/."""
    conversation = world.conversation
    for visitor in (ANONYMOUS, OUTSIDER, GUEST_ELSEWHERE, REGISTRANT):
        client = world.client(visitor)
        for url in (
            reverse("conversations:vote", args=[conversation.pk]),
            reverse("conversations:detail", args=[conversation.pk]),
            reverse("conversations:my_votes", args=[conversation.pk]),
        ):
            response = client.get(url)
            assert response.status_code == 404, (visitor, url)
            assert conversation.join_code not in response.content.decode()
            assert not response.has_header("Location")


def test_nobody_without_the_right_becomes_a_voter_votes_or_writes(world):
    """It used to create a voter for any logged-in person or guest, which then admitted them."""
    conversation, statement = world.conversation, world.statement
    voters, votes = Voter.objects.count(), Vote.objects.count()
    for visitor in (OUTSIDER, GUEST_ELSEWHERE, REGISTRANT):
        client = world.client(visitor)
        client.get(reverse("conversations:vote", args=[conversation.pk]))
        client.post(
            reverse("conversations:vote", args=[conversation.pk]),
            {"statement": statement.pk, "value": "1"},
        )
        client.post(reverse("conversations:take_part", args=[conversation.pk]))
        client.post(
            reverse("conversations:add_statement", args=[conversation.pk]), {"text": "Let me in"}
        )
    assert (Voter.objects.count(), Vote.objects.count()) == (voters, votes)
    assert not Statement.objects.filter(text="Let me in").exists()


def test_opening_a_link_never_enrols_anyone(world):
    """A cross-site image pointing at the join link used to enrol whoever was logged in."""
    conversation = world.conversation
    client = world.client(OUTSIDER)
    join = reverse("conversations:join", args=[conversation.join_code])
    page = client.get(join)
    assert page.status_code == 200 and "You will take part as" in page.content.decode()
    assert not Voter.objects.filter(person=world.accounts[OUTSIDER]).exists()
    client.post(join)  # the button: now they take part, admitted by the code
    assert Voter.objects.get(person=world.accounts[OUTSIDER]).via_code
    assert client.get(conversation.get_absolute_url()).status_code == 200


def test_a_new_code_stops_the_old_one_and_keeps_those_already_in(world):
    conversation = world.conversation
    joined = world.client(ANONYMOUS)
    old = conversation.join_code
    joined.post(
        reverse("conversations:join", args=[old]), {"display_name": "Early", "sector": "other"}
    )
    organiser = world.client(ORGANISER)
    organiser.post(
        reverse("conversations:new_join_code", args=[conversation.pk]), {"confirm": "yes"}
    )
    conversation.refresh_from_db()
    assert conversation.join_code != old
    late = world.client(ANONYMOUS)
    assert late.get(reverse("conversations:join", args=[old])).status_code == 404
    assert late.get(reverse("conversations:join", args=[conversation.join_code])).status_code == 200
    assert joined.get(conversation.get_absolute_url()).status_code == 200


def test_leaving_the_coalition_closes_its_conversations_at_once(world):
    member = world.client(MEMBER)
    url = reverse("conversations:vote", args=[world.conversation.pk])
    assert member.get(url).status_code == 200
    Membership.objects.filter(person=world.accounts[MEMBER]).delete()
    assert member.get(url).status_code == 404  # their voter row admits nobody by itself


def test_a_card_link_dies_with_its_registration(world):
    participant = world.participant
    card = participant.get_absolute_url()
    phone = world.client(ANONYMOUS)
    phone.post(card)  # "Continue as ..."
    mine = reverse("cafe:mine", args=[world.cafe.pk])
    notes = reverse("cafe:table_notes", args=[world.cafe.pk, world.table.pk])
    assert phone.get(mine).status_code == 200
    workshop_services.cancel_registration(participant.registration)
    assert phone.get(card).status_code == 404
    assert phone.get(mine).status_code == 404
    assert phone.get(notes).status_code == 404
    phone.post(notes, {"round_number": "1", "text": "Written after cancelling"})
    assert not Note.objects.filter(text="Written after cancelling").exists()
    assert Participant.objects.get(pk=participant.pk).key != participant.key


def test_notes_belong_to_their_writers(world):
    """Someone seated at a table only in later rounds used to rewrite its round-1 notes."""
    cafe, table = world.cafe, world.table
    rounds_here = {}
    for seat in Seat.objects.filter(table=table):
        rounds_here.setdefault(seat.participant, set()).add(seat.round_number)
    late = next(p for p, rounds in rounds_here.items() if rounds == {2, 3})
    written = world.note  # round 1 at this table, by someone else
    phone = world.client(ANONYMOUS)
    phone.post(late.get_absolute_url())
    edit = reverse("cafe:edit_note", args=[written.pk])
    assert phone.get(edit).status_code == 302  # refused: sent to log in as a facilitator
    phone.post(edit, {"round_number": "1", "text": "Rewritten"})
    write = reverse("cafe:table_notes", args=[cafe.pk, table.pk])
    phone.post(write, {"round_number": "1", "text": "Backdated"})
    phone.post(write, {"round_number": "2", "text": "My own round"})
    written.refresh_from_db()
    assert written.text == world.markers["note"]
    assert not Note.objects.filter(text="Backdated").exists()
    assert Note.objects.get(text="My own round").author == late


def test_a_host_may_change_the_notes_of_their_table(world):
    table = world.table
    host = Seat.objects.filter(table=table, round_number=1).exclude(participant=world.participant)[
        0
    ]
    table.host = host.participant
    table.save()
    phone = world.client(ANONYMOUS)
    phone.post(host.participant.get_absolute_url())
    note = world.own_note  # written by the registrant, in a round the host sat there
    phone.post(reverse("cafe:edit_note", args=[note.pk]), {"round_number": "1", "text": "Tidied"})
    note.refresh_from_db()
    assert note.text == "Tidied" and note.author == world.participant


def test_registrant_downloads_the_public_report_of_a_private_workshop(world):
    """Its download used to answer 404: jobs were checked against the coalition."""
    registrant = world.client(REGISTRANT)
    slug = world.workshop.slug
    assert registrant.get(reverse("reports:version", args=[slug, 1])).status_code == 200
    started = registrant.post(reverse("reports:download_version", args=[slug, 1, "md"]))
    job = Job.objects.get(pk=started["Location"].rstrip("/").split("/")[-1])
    assert job.status == Job.Status.DONE
    download = registrant.get(reverse("jobs:download", args=[job.pk]))
    assert download.status_code == 200
    assert world.markers["public_version"].encode() in b"".join(download.streaming_content)
    # The members-only version and its files stay with the members.
    assert registrant.get(reverse("reports:version", args=[slug, 2])).status_code == 404
    members_job = world.members_version_job
    assert registrant.get(reverse("jobs:download", args=[members_job.pk])).status_code == 404


def test_cancelled_registrants_lose_the_workshop_at_once(world):
    registrant = world.client(REGISTRANT)
    url = world.workshop.get_absolute_url()
    assert registrant.get(url).status_code == 200
    registrant.post(reverse("workshops:cancel", args=[world.workshop.slug]))
    assert registrant.get(url).status_code == 404


def test_workshop_registrants_take_part_in_its_own_conversation_only(world):
    linked, other = world.linked_conversation, world.conversation
    person = PersonFactory()
    RegistrationFactory(workshop=world.workshop, person=person, guest=None)
    client = world.client(ANONYMOUS)
    client.force_login(person)
    client.post(reverse("conversations:take_part", args=[linked.pk]))
    assert Voter.objects.filter(conversation=linked, person=person, via_code=False).exists()
    assert client.post(reverse("conversations:take_part", args=[other.pk])).status_code == 404
    assert not Voter.objects.filter(conversation=other, person=person).exists()


def test_a_members_voter_row_is_not_a_key(world):
    """A voter created through membership admits nobody once the membership ends, even a
    session that still remembers the voter."""
    person = MembershipFactory(coalition=world.coalition).person
    client = world.client(ANONYMOUS)
    client.force_login(person)
    client.post(reverse("conversations:take_part", args=[world.conversation.pk]))
    Membership.objects.filter(person=person).delete()
    response = client.post(
        reverse("conversations:vote", args=[world.conversation.pk]),
        {"statement": world.statement.pk, "value": "1"},
    )
    assert response.status_code == 404
    assert not Vote.objects.filter(voter__person=person).exists()


def test_seat_history_is_kept_when_a_card_is_revoked(world):
    """Revoking a card changes its key only: the plan and the notes stay as they were."""
    seats = Seat.objects.filter(participant=world.participant).count()
    workshop_services.cancel_registration(world.participant.registration)
    assert Seat.objects.filter(participant=world.participant).count() == seats
    assert cafe_services.seats_by_round(world.cafe)
