"""Reads the conversation pages share."""

import random

from django.db.models import Count, Exists, OuterRef, Q

from .models import Conversation, Statement, Vote, Voter


def without_map():
    """Conversations without their map (`map_data`, as large as the room; only the map page
    reads it) or its warm-start state (`map_state`, the worker's alone)."""
    return Conversation.objects.defer("map_data", "map_state")


def shown_statements(conversation: Conversation):
    """Statements participants see: accepted ones (meta included: they are routed, not mapped)."""
    return conversation.statements.filter(status=Statement.Status.ACCEPTED)


def voting_state(voter: Voter) -> tuple[int, int, Statement | None]:
    """(statements this voter has voted on, statements there are to vote on, the next one).

    In three queries, however big the conversation: a room of voters asks this after every
    vote. The next statement follows Pol.is's routing: a random one among those not yet voted
    on, weighted by the priority the last map gave it (new statements, not yet in a map, come
    first)."""
    conversation = voter.conversation
    candidates = list(
        shown_statements(conversation).exclude(votes__voter=voter).values_list("pk", flat=True)
    )
    done = voter.votes.filter(statement__status=Statement.Status.ACCEPTED).count()
    if not candidates:
        return done, done, None
    priorities = _priorities(conversation)
    weights = [priorities.get(pk, _NEW_PRIORITY) for pk in candidates]
    # Seeded by voter and progress: reloading shows the same statement, the next vote moves on.
    chooser = random.Random(voter.pk * 1_000_003 + len(priorities) + done)
    chosen = chooser.choices(candidates, weights=weights, k=1)[0]
    return done, done + len(candidates), conversation.statements.get(pk=chosen)


_NEW_PRIORITY = 1e6  # a statement newer than the map is shown soon, as in Pol.is


def _priorities(conversation: Conversation) -> dict[int, float]:
    # Stored beside the map (not read from it): a vote page never loads the map itself.
    stored = conversation.map_priorities or {}
    return {int(pk): max(float(priority), 1e-9) for pk, priority in stored.items()}


def map_priorities(map_data: dict) -> dict[str, float]:
    """Each statement's routing priority in a map, as `Conversation.map_priorities` keeps it."""
    return {str(s["id"]): s["priority"] for s in map_data.get("statements", [])}


def my_votes(voter: Voter):
    return (
        Vote.objects.filter(voter=voter)
        .select_related("statement")
        .filter(statement__status=Statement.Status.ACCEPTED)
        .order_by("-updated_at")
    )


def count_figures(conversation: Conversation) -> dict:
    """Participation counted from every vote and statement (seven queries): the worker does
    it with each map and stores the result (`Conversation.map_figures`) for the pages."""
    votes = conversation.votes.filter(statement__status=Statement.Status.ACCEPTED)
    # Pol.is's summary counts statements somebody voted on; so do we, to compare.
    voted_on = conversation.statements.filter(Exists(Vote.objects.filter(statement=OuterRef("pk"))))
    writers = conversation.statements.filter(author__isnull=False).values("author").distinct()
    return {
        "visitors": conversation.voters.count(),
        "voters": votes.values("voter").distinct().count(),
        "votes": votes.count(),
        "statements": shown_statements(conversation).count(),
        "statements_total": conversation.statements.count(),
        "statements_voted_on": voted_on.count(),
        "writers": writers.count(),
    }


def figures(conversation: Conversation, *, clustered: int | None = None) -> dict:
    """Participation, counted now: visitors, voters, votes per voter, statements, writers, and
    the share in opinion groups (`clustered`: how many voters the map grouped; by default the
    stored map's)."""
    counts = count_figures(conversation)
    if clustered is None:
        clustered = (conversation.map_data or {}).get("participation", {}).get("clustered", 0)
    voters = counts["voters"]
    return {
        **counts,
        "votes_per_voter": counts["votes"] / voters if voters else 0.0,
        "share_writing": counts["writers"] / voters if voters else 0.0,
        "clustered": clustered,
        "share_clustered": clustered / voters if voters else 0.0,
    }


def shown_figures(conversation: Conversation) -> dict | None:
    """The figures a page shows while people vote: those the worker stored with the last map
    (no counting here, however many votes), with the one figure that moves before anyone
    votes, who has joined, counted now. None before the first map."""
    stored = conversation.map_figures
    if not stored:
        return None
    return {**stored, "visitors": conversation.voters.count()}


def moderation_queue(conversation: Conversation):
    return conversation.statements.annotate(
        n_votes=Count("votes"), n_agree=Count("votes", filter=Q(votes__value=1))
    ).order_by("status", "-created_at")


def time_zone_of(conversation: Conversation) -> str:
    """The zone the conversation's times are shown in: its workshop's, else its coalition's."""
    workshop = conversation.workshop
    return workshop.time_zone if workshop is not None else conversation.coalition.time_zone
