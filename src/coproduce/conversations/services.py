"""Conversations: opening them, taking part, voting, moderation, and keeping the map current.

The maths lives in the pure package `opinion/`; this module feeds it the latest votes and
stores what it returns. Votes never wait for the maths: a vote marks the map as due, and the
worker recomputes it a few seconds later from all votes, warm-started from the last map.
"""

import time
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.tasks import default_task_backend, task
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from coproduce.core import codes
from coproduce.people.services import new_guest
from coproduce.webhooks import events as webhook_events

from .models import Conversation, ModerationEntry, Statement, Voter

MAX_SEED_STATEMENTS = 500


class ConversationError(Exception):
    """Something a participant or moderator must fix; the message says what."""


# Opening -------------------------------------------------------------------------------------


@transaction.atomic
def open_conversation(*, coalition, seed_statements: list[str], **fields) -> Conversation:
    conversation = Conversation(coalition=coalition, **fields)
    conversation.full_clean(exclude=["join_code"])
    conversation.save()
    Statement.objects.bulk_create(
        Statement(conversation=conversation, text=text, is_seed=True) for text in seed_statements
    )
    return conversation


# Taking part ---------------------------------------------------------------------------------


def voter_for(
    conversation: Conversation, *, person=None, guest=None, sector: str = "", via_code=False
) -> Voter:
    """The voter row of this person or guest, created the first time they take part.

    Call it only once the permission module has said they may take part (or they typed the
    conversation's code, `via_code`): being a voter is what lets someone vote, not what lets
    them in."""
    if person is not None:
        lookup = {"person": person}
        defaults = {"display_name": person.full_name, "sector": sector or person.sector}
    else:
        lookup = {"guest": guest}
        defaults = {"display_name": guest.display_name, "sector": guest.sector}
    voter, _created = Voter.objects.get_or_create(
        conversation=conversation, **lookup, defaults={**defaults, "via_code": via_code}
    )
    if via_code and not voter.via_code:
        Voter.objects.filter(pk=voter.pk).update(via_code=True)
        voter.via_code = True
    return voter


@transaction.atomic
def join_as_guest(
    conversation: Conversation, *, display_name: str, sector: str, via_code: bool
) -> Voter:
    """A newcomer without an account: a guest (name and sector only) and their voter row."""
    guest = new_guest(display_name=display_name, sector=sector)
    return voter_for(conversation, guest=guest, via_code=via_code)


def regenerate_join_code(conversation: Conversation) -> str:
    """Give the conversation a new code; the old one stops letting anyone in at once. Those
    it already let in stay."""
    return codes.replace_code(conversation)


def ensure_open(conversation: Conversation) -> None:
    if not conversation.is_open:
        raise ConversationError(_("This conversation is not open for votes now."))


# Insert the vote if the statement is accepted in this conversation, or update the voter's
# earlier vote on it, and append it to the log (VoteEvent). Written out because it is the
# busiest query of a live conversation. PostgreSQL and SQLite both speak this dialect of
# ON CONFLICT; PostgreSQL also takes the INSERT inside a WITH, so there it is one statement,
# one round trip. SQLite refuses that, and runs the upsert and the log insert as two
# statements in one transaction: in-process, a round trip costs nothing.
_UPSERT_VOTE = """
INSERT INTO conversations_vote (conversation_id, voter_id, statement_id, value, updated_at)
SELECT %s, %s, s.id, %s, %s FROM conversations_statement s
WHERE s.id = %s AND s.conversation_id = %s AND s.status = 'accepted'
ON CONFLICT (voter_id, statement_id) DO UPDATE
SET value = excluded.value, updated_at = excluded.updated_at
"""
_LOG_VOTE = """
INSERT INTO conversations_voteevent (conversation_id, voter_id, statement_id, value, created_at)
VALUES (%s, %s, %s, %s, %s)
"""
_UPSERT_AND_LOG_VOTE = f"""
WITH vote AS ({_UPSERT_VOTE}
RETURNING conversation_id, voter_id, statement_id, value, updated_at
)
INSERT INTO conversations_voteevent (conversation_id, voter_id, statement_id, value, created_at)
SELECT conversation_id, voter_id, statement_id, value, updated_at FROM vote
"""  # noqa: S608  (our own SQL text, the values are parameters)


def cast_vote(voter: Voter, statement_id: int, value: int) -> None:
    """Record the voter's latest vote (one row per voter and statement, the latest wins) and
    append it to the conversation's vote log.

    Raises ConversationError when the statement is not an accepted statement of the voter's
    conversation, so two quick taps or two servers never make two rows, and a forged id
    changes nothing (neither the vote nor the log).
    """
    if value not in (-1, 0, 1):
        raise ConversationError(_("A vote is agree, disagree or pass."))
    conversation_id = voter.conversation_id
    # As the ORM writes it: SQLite keeps times as text, and a raw parameter would be written
    # with its "+00:00", which then compares wrongly with the ORM's times.
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    upsert = [conversation_id, voter.pk, value, now, statement_id, conversation_id]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(_UPSERT_AND_LOG_VOTE, upsert)
            stored = cursor.rowcount
    else:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(_UPSERT_VOTE, upsert)
            stored = cursor.rowcount
            if stored == 1:
                cursor.execute(_LOG_VOTE, [conversation_id, voter.pk, statement_id, value, now])
    if stored != 1:
        raise ConversationError(_("That statement is not in this conversation."))
    schedule_map(conversation_id)


def add_statement(voter: Voter, text: str) -> Statement:
    conversation = voter.conversation
    ensure_open(conversation)
    if not conversation.allow_statements:
        raise ConversationError(_("This conversation does not take new statements."))
    text = " ".join(text.split())
    if not text:
        raise ConversationError(_("Write a statement first."))
    if len(text) > conversation.statement_max_length:
        raise ConversationError(
            ngettext(
                "Keep it to %(max)s character; this one has %(n)s.",
                "Keep it to %(max)s characters; this one has %(n)s.",
                conversation.statement_max_length,
            )
            % {"max": conversation.statement_max_length, "n": len(text)}
        )
    if conversation.statements.filter(text__iexact=text).exists():
        raise ConversationError(_("That statement is already in the conversation."))
    status = (
        Statement.Status.PENDING
        if conversation.moderation == Conversation.Moderation.PRE
        else Statement.Status.ACCEPTED
    )
    statement = Statement.objects.create(
        conversation=conversation, text=text, author=voter, status=status
    )
    schedule_map(conversation.pk)  # the figures stored with the map count statements too
    return statement


# Moderation ----------------------------------------------------------------------------------

STATEMENT_ACTIONS = {
    ModerationEntry.Action.ACCEPT: {"status": Statement.Status.ACCEPTED},
    ModerationEntry.Action.REJECT: {"status": Statement.Status.REJECTED},
    ModerationEntry.Action.META: {"is_meta": True},
    ModerationEntry.Action.UNMETA: {"is_meta": False},
}


@transaction.atomic
def moderate_statement(statement: Statement, action: str, actor) -> None:
    if action not in STATEMENT_ACTIONS:
        raise ConversationError(_("Unknown moderation action."))
    Statement.objects.filter(pk=statement.pk).update(**STATEMENT_ACTIONS[action])
    ModerationEntry.objects.create(
        conversation_id=statement.conversation_id, actor=actor, action=action, statement=statement
    )
    schedule_map(statement.conversation_id)


@transaction.atomic
def set_voter_excluded(voter: Voter, excluded: bool, actor) -> None:
    Voter.objects.filter(pk=voter.pk).update(excluded=excluded)
    action = ModerationEntry.Action.EXCLUDE if excluded else ModerationEntry.Action.INCLUDE
    ModerationEntry.objects.create(
        conversation_id=voter.conversation_id, actor=actor, action=action, voter=voter
    )
    schedule_map(voter.conversation_id)


# The map -------------------------------------------------------------------------------------


# When this process last asked for a map of each conversation: most votes then need not ask
# the shared cache at all.
_asked_at: dict[int, float] = {}


def schedule_map(conversation_id: int) -> None:
    """Ask for a new map a few seconds from now, once however many votes arrive meanwhile."""
    delay = settings.OPINION_MAP_DELAY_SECONDS
    now = time.monotonic()
    if now - _asked_at.get(conversation_id, -1e9) < delay:
        return
    _asked_at[conversation_id] = now
    if not cache.add(f"conversation:{conversation_id}:map-due", 1, timeout=max(delay, 1)):
        return
    update = recompute_map
    if delay and default_task_backend.supports_defer:
        update = recompute_map.using(run_after=timezone.now() + timedelta(seconds=delay))
    transaction.on_commit(lambda: update.enqueue(conversation_id))


@task
def recompute_map(conversation_id: int) -> int:
    from .maps import compute_map  # the maths, loaded only in the worker

    conversation = Conversation.objects.get(pk=conversation_id)
    groups = compute_map(conversation)
    conversation.refresh_from_db(fields=["map_votes"])
    webhook_events.votes_counted(conversation, conversation.map_votes)
    return groups
