"""Conversations: a coalition's (or a workshop's) conversations, one conversation as its results
page shows it (statements with how everyone and each opinion group voted, the groups and the
common ground, all read from the map the worker stored: nothing is computed here), and every
vote as Pol.is's open-data log (votes.csv) writes it, for those who may export it.

A conversation has no update time of its own: `updated_at` is when its figures, statements
and groups were last counted (the stored map), or when it was opened if never.
"""

import datetime as dt
from typing import Literal

from django.db.models import Count, Exists, F, OuterRef, Q
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_noop
from ninja import Query, Router, Schema
from pydantic import AwareDatetime

from coproduce.coalitions.models import Coalition
from coproduce.coalitions.permissions import Action, Visitor, can
from coproduce.conversations import selectors
from coproduce.conversations.models import Conversation, Statement, VoteEvent
from coproduce.conversations.presenting import group_name, reason_text
from coproduce.workshops.models import Workshop

from . import taking_part
from .coalitions import find_coalition
from .doors import api_door
from .paging import (
    DEFAULT_LIMIT,
    MAX_LIMIT,
    Page,
    bad_cursor,
    changed_since,
    decode,
    encode,
    paginate,
)
from .responses import answers, listed
from .taking_part import find_conversation as find_conversation_without_map
from .workshops import find_workshop

TAGS = [gettext_noop("Conversations")]
router = Router(tags=TAGS)

State = Literal["not_open_yet", "open", "closed"]
View = Literal["agree", "disagree"]


class ConversationSummary(Schema):
    id: int
    question: str
    description: str
    workshop: str | None  # the workshop's slug, when it belongs to one
    state: State
    opens_at: dt.datetime | None
    closes_at: dt.datetime | None
    participants: int  # everyone who joined it, whether they voted or not
    created_at: dt.datetime
    updated_at: dt.datetime  # when its figures and groups were last counted
    url: str
    api_url: str


class ConversationList(Schema):
    items: list[ConversationSummary]
    next: str | None


class VoteTally(Schema):
    agree: int
    disagree: int
    passed: int


class GroupVoteTally(VoteTally):
    group: int
    name: str


class ConversationStatement(Schema):
    id: int
    text: str
    created_at: dt.datetime
    status: Literal["accepted", "pending", "rejected"]
    votes: VoteTally | None  # None: newer than the last count
    by_group: list[GroupVoteTally]


class GroupDistinctStatement(Schema):
    """A statement a group sees differently from everyone else."""

    statement: int
    text: str
    view: View
    in_group: float  # per cent of the group who voted on it and took this view
    everyone_else: float  # the same share among everyone else


class OpinionGroup(Schema):
    id: int
    name: str
    size: int
    distinct: list[GroupDistinctStatement]


class CommonGroundStatement(Schema):
    statement: int
    text: str
    view: View
    percent: float  # of everyone who voted on it, passes included
    lowest_group_percent: float | None  # the least convinced group (None with one group)


class ConversationParticipation(Schema):
    participants: int
    voters: int
    votes: int
    statements: int
    counted_at: dt.datetime | None


class ConversationOut(Schema):
    id: int
    question: str
    description: str
    coalition: str
    workshop: str | None
    state: State
    opens_at: dt.datetime | None
    closes_at: dt.datetime | None
    created_at: dt.datetime
    url: str
    participation: (
        ConversationParticipation | None
    )  # None until people have voted and it was counted
    no_groups_because: str | None
    groups: list[OpinionGroup]
    common_ground: list[CommonGroundStatement]
    statements: list[ConversationStatement]
    next: str | None  # the next page of statements


class PolisVoteRow(Schema):
    timestamp: int  # milliseconds since 1970, as in votes.csv
    datetime: dt.datetime
    comment_id: str
    voter_id: str
    vote: int  # 1 agree, -1 disagree, 0 pass
    statement: int


class PolisVoteLog(Schema):
    items: list[PolisVoteRow]
    next: str | None


# -- finders -----------------------------------------------------------------------------------


def find_conversation(request, conversation_id: int) -> Conversation:
    """With its stored map (the results page reads it), without the worker's warm start."""
    found = Conversation.objects.select_related("coalition", "workshop").defer("map_state")
    return get_object_or_404(found, pk=conversation_id)


# -- lists -------------------------------------------------------------------------------------


def state_of(conversation: Conversation) -> str:
    now = timezone.now()
    if conversation.opens_at is not None and now < conversation.opens_at:
        return "not_open_yet"
    if conversation.closes_at is not None and now >= conversation.closes_at:
        return "closed"
    return "open"


def _listed_conversations(found, *, cursor, limit, updated_since):
    found = (
        found.select_related("workshop")
        .annotate(updated_at=Coalesce("map_computed_at", "created_at"))
        .annotate(participants=Count("voters"))
    )
    found = changed_since(found, updated_since)
    return paginate(found, order="created_at", cursor=cursor, limit=limit)


def _summary(request, conversation: Conversation) -> dict:
    return {
        "id": conversation.pk,
        "question": conversation.question,
        "description": conversation.description,
        "workshop": conversation.workshop.slug if conversation.workshop else None,
        "state": state_of(conversation),
        "opens_at": conversation.opens_at,
        "closes_at": conversation.closes_at,
        "participants": conversation.participants,
        "created_at": conversation.created_at,
        "updated_at": conversation.updated_at,
        "url": request.build_absolute_uri(conversation.get_absolute_url()),
        "api_url": request.build_absolute_uri(reverse("api:conversation", args=[conversation.pk])),
    }


@router.get(
    "/coalitions/{slug}/conversations/",
    response=answers(ConversationList),
    summary=gettext_noop("A coalition's conversations"),
    description=gettext_noop(
        "The coalition's conversations, the oldest first, with how many people joined each. "
        "updated_since keeps those whose figures changed since: a vote, a new statement or a "
        "moderator's decision is counted a few seconds after it happens."
    ),
)
@api_door(Action.VIEW, find=find_coalition)
def coalition_conversations(
    request,
    coalition: Coalition,
    cursor: str | None = None,
    limit: int = Query(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT),
    updated_since: AwareDatetime | None = None,
):
    found = selectors.without_map().filter(coalition=coalition)
    page = _listed_conversations(found, cursor=cursor, limit=limit, updated_since=updated_since)
    return listed(request, [_summary(request, c) for c in page.items], page)


@router.get(
    "/workshops/{slug}/conversations/",
    response=answers(ConversationList),
    summary=gettext_noop("A workshop's conversations"),
    description=gettext_noop(
        "The conversations held at the workshop, the oldest first. Whoever may see the "
        "workshop sees them, those registered for it included."
    ),
)
@api_door(Action.VIEW, find=find_workshop)
def workshop_conversations(
    request,
    workshop: Workshop,
    cursor: str | None = None,
    limit: int = Query(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT),
    updated_since: AwareDatetime | None = None,
):
    found = selectors.without_map().filter(workshop=workshop, coalition_id=workshop.coalition_id)
    page = _listed_conversations(found, cursor=cursor, limit=limit, updated_since=updated_since)
    return listed(request, [_summary(request, c) for c in page.items], page)


# -- one conversation --------------------------------------------------------------------------


@router.get(
    "/conversations/{conversation_id}/",
    response=answers(ConversationOut),
    summary=gettext_noop("One conversation: its statements, how people voted, its groups"),
    description=gettext_noop(
        "Each statement with how many agreed, disagreed and passed, overall and in each "
        "opinion group; the groups, their size and the statements each sees differently from "
        "everyone else; and the common ground, the statements most of every group agreed or "
        "disagreed with. The figures are those of the last count, made a few seconds after "
        "people vote. Statements come a page at a time (cursor, limit); those waiting for a "
        "moderator, or rejected, only for the conversation's moderators."
    ),
    url_name="conversation",
)
@api_door(Action.VIEW, find=find_conversation)
def conversation(
    request,
    conversation: Conversation,
    cursor: str | None = None,
    limit: int = Query(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT),
):
    moderates = can(Visitor.of(request), Action.RUN_CONVERSATION, conversation)
    data = conversation.map_data or {}
    groups = data.get("groups", []) if data.get("k") else []
    statements = (
        conversation.statements.all() if moderates else selectors.shown_statements(conversation)
    )
    statements = statements.only("pk", "text", "created_at", "status")
    page = paginate(statements, order="pk", cursor=cursor, limit=limit)
    stored = {s["id"]: s for s in data.get("statements", [])}
    texts = _named_texts(conversation, data, groups, moderates)
    body = {
        "id": conversation.pk,
        "question": conversation.question,
        "description": conversation.description,
        "coalition": conversation.coalition.slug,
        "workshop": conversation.workshop.slug if conversation.workshop else None,
        "state": state_of(conversation),
        "opens_at": conversation.opens_at,
        "closes_at": conversation.closes_at,
        "created_at": conversation.created_at,
        "url": request.build_absolute_uri(conversation.get_absolute_url()),
        "participation": _participation(conversation),
        "no_groups_because": reason_text(data.get("reason"))
        if data and not data.get("k")
        else None,
        "groups": [_group(g, texts) for g in groups],
        "common_ground": _common_ground(data, texts),
        "statements": [_statement(s, stored.get(s.pk), groups) for s in page.items],
    }
    body["next"] = listed(request, [], page)["next"]  # and in the Link header
    return body


def _participation(conversation: Conversation) -> dict | None:
    figures = selectors.shown_figures(conversation)
    if figures is None:
        return None
    return {
        "participants": figures["visitors"],
        "voters": figures["voters"],
        "votes": figures["votes"],
        "statements": figures["statements"],
        "counted_at": conversation.map_computed_at,
    }


def _named_texts(conversation, data: dict, groups: list[dict], moderates: bool) -> dict:
    """The texts of the statements the groups and the common ground name: one query, of the
    size of those lists. Only those the visitor may read (accepted, unless they moderate)."""
    named = {r["statement"] for g in groups for r in g.get("representative", [])}
    for items in (data.get("common_ground") or {}).values():
        named.update(c["statement"] for c in items)
    if not named:
        return {}
    found = conversation.statements.all() if moderates else selectors.shown_statements(conversation)
    return dict(found.filter(pk__in=named).values_list("pk", "text"))


def _group(group: dict, texts: dict) -> dict:
    return {
        "id": group["id"],
        "name": group_name(group["id"]),
        "size": group["size"],
        "distinct": [
            {
                "statement": r["statement"],
                "text": texts[r["statement"]],
                "view": r["direction"],
                "in_group": r["percent_in_group"],
                "everyone_else": r["percent_rest"],
            }
            for r in group.get("representative", [])
            if r["statement"] in texts
        ],
    }


def _common_ground(data: dict, texts: dict) -> list[dict]:
    several = (data.get("k") or 0) >= 2
    return [
        {
            "statement": c["statement"],
            "text": texts[c["statement"]],
            "view": direction,
            "percent": c["percent"],
            "lowest_group_percent": c["lowest_group_percent"] if several else None,
        }
        for direction in ("agree", "disagree")
        for c in (data.get("common_ground") or {}).get(direction, [])
        if c["statement"] in texts
    ]


def _statement(statement: Statement, stored: dict | None, groups: list[dict]) -> dict:
    by_group = (stored or {}).get("by_group") or []
    return {
        "id": statement.pk,
        "text": statement.text,
        "created_at": statement.created_at,
        "status": statement.status,
        "votes": None
        if stored is None
        else {"agree": stored["agree"], "disagree": stored["disagree"], "passed": stored["pass"]},
        "by_group": [
            {
                "group": g["id"],
                "name": group_name(g["id"]),
                "agree": by_group[g["id"]][0],
                "disagree": by_group[g["id"]][1],
                "passed": by_group[g["id"]][2],
            }
            for g in groups
            if g["id"] < len(by_group)
        ],
    }


# -- every vote, as Pol.is's votes.csv -------------------------------------------------------

EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
LOG_ORDER = "votes.csv"
UNLOGGED, LOGGED = 0, 1  # votes cast before the log existed come first at the same moment


@taking_part.router.get(
    "/conversations/{conversation_id}/votes/",
    response=answers(PolisVoteLog),
    summary=gettext_noop("Every vote of a conversation, as Pol.is's open data gives it"),
    description=gettext_noop(
        "The rows of votes.csv in the conversation's Pol.is export, in the order the votes "
        "were cast: when (timestamp in milliseconds, and datetime), which statement "
        "(comment_id, and the statement's id here), who (voter_id, the same for all of one "
        "person's votes, never their name) and the vote (1 agree, -1 disagree, 0 pass). "
        "Changed votes appear each time. updated_since keeps the votes cast since. For those "
        "who may export the conversation: its facilitators and the coalition's organisers."
    ),
    tags=TAGS,
    url_name="conversation_votes",
)
@api_door(Action.RUN_CONVERSATION, find=find_conversation_without_map)
def votes(
    request,
    conversation: Conversation,
    cursor: str | None = None,
    limit: int = Query(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT),
    updated_since: AwareDatetime | None = None,
):
    page = _log_page(conversation, cursor=cursor, limit=limit, since=updated_since)
    return listed(request, page.items, page)


def _log_page(conversation, *, cursor, limit: int, since) -> Page:
    """The log as the Pol.is exporter writes it (polis._vote_log): every event, and each vote
    no event records (cast before the log existed, or imported without one), in time order;
    a page is two queries, one of each, after the cursor's (time, kind, id).

    The rows at the cursor's own time are sifted here too: on SQLite, votes written before
    cast_vote wrote times as the ORM does keep theirs as other text ("+00:00" after it), so
    the database may say one comes after a cursor at that very time. One row more than the
    page is read for it."""
    logged = VoteEvent.objects.filter(voter=OuterRef("voter"), statement=OuterRef("statement"))
    kinds = {
        UNLOGGED: conversation.votes.filter(~Exists(logged)),
        LOGGED: conversation.vote_events.annotate(updated_at=F("created_at")),
    }
    after = _after(cursor)
    rows, full = [], False
    for kind, found in kinds.items():
        found = changed_since(found, since)
        if after is not None:
            found = found.filter(_later(kind, *after))
        read = list(
            found.order_by("updated_at", "pk").values_list(
                "updated_at",
                "pk",
                "voter_id",
                "voter__polis_id",
                "statement_id",
                "statement__polis_id",
                "value",
            )[: limit + 2]
        )
        full = full or len(read) == limit + 2
        rows += [(at, kind, pk, *rest) for at, pk, *rest in read]
    if after is not None:
        rows = [row for row in rows if row[:3] > after]
    rows.sort(key=lambda row: row[:3])
    shown = rows[:limit]
    items = [_row(*row) for row in shown]
    if not shown or (len(rows) <= limit and not full):
        return Page(items, None)
    at, kind, pk = shown[-1][:3]
    return Page(items, encode([at.isoformat(), kind], pk, LOG_ORDER))


def _after(cursor: str | None) -> tuple | None:
    if not cursor:
        return None
    key, pk = decode(cursor, LOG_ORDER)
    at = parse_datetime(key[0]) if isinstance(key, list) and len(key) == 2 else None
    if at is None or at.tzinfo is None or key[1] not in (UNLOGGED, LOGGED):
        raise bad_cursor()  # a cursor signed for this list is never so
    return at, key[1], pk


def _later(kind: int, at, after_kind: int, pk: int) -> Q:
    """Rows of `kind` that come after (at, after_kind, pk) in the log's order."""
    if kind > after_kind:
        return Q(updated_at__gte=at)
    if kind < after_kind:
        return Q(updated_at__gt=at)
    return Q(updated_at__gt=at) | Q(updated_at=at, pk__gt=pk)


def _row(at, kind, pk, voter, voter_key, statement, statement_key, value) -> dict:
    ms = (at - EPOCH) // dt.timedelta(milliseconds=1)
    return {
        "timestamp": ms,
        "datetime": EPOCH + dt.timedelta(milliseconds=ms),
        "comment_id": statement_key or str(statement),
        "voter_id": voter_key or str(voter),
        "vote": value,
        "statement": statement,
    }
