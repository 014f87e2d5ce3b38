"""Reads the conversation pages share."""

import random

from django.db.models import Count, Exists, OuterRef, Q

from .models import Conversation, Statement, Vote, Voter


def shown_statements(conversation: Conversation):
    """Statements participants see: accepted ones (meta included: they are routed, not mapped)."""
    return conversation.statements.filter(status=Statement.Status.ACCEPTED)


def progress(voter: Voter) -> tuple[int, int]:
    """(statements this voter has voted on, statements there are to vote on)."""
    total = shown_statements(voter.conversation).count()
    done = voter.votes.filter(statement__status=Statement.Status.ACCEPTED).count()
    return done, total


def next_statement(voter: Voter) -> Statement | None:
    """Pol.is routing: a random statement among those not yet voted on, weighted by the
    priority the last map gave it (new statements, not yet in a map, come first)."""
    conversation = voter.conversation
    candidates = list(
        shown_statements(conversation).exclude(votes__voter=voter).values_list("pk", flat=True)
    )
    if not candidates:
        return None
    priorities = _priorities(conversation)
    weights = [priorities.get(pk, _NEW_PRIORITY) for pk in candidates]
    # Seeded by voter and progress: reloading shows the same statement, the next vote moves on.
    chooser = random.Random(voter.pk * 1_000_003 + len(priorities) + voter.votes.count())
    chosen = chooser.choices(candidates, weights=weights, k=1)[0]
    return conversation.statements.get(pk=chosen)


_NEW_PRIORITY = 1e6  # a statement newer than the map is shown soon, as in Pol.is


def _priorities(conversation: Conversation) -> dict[int, float]:
    data = conversation.map_data or {}
    return {s["id"]: max(float(s["priority"]), 1e-9) for s in data.get("statements", [])}


def my_votes(voter: Voter):
    return (
        Vote.objects.filter(voter=voter)
        .select_related("statement")
        .filter(statement__status=Statement.Status.ACCEPTED)
        .order_by("-updated_at")
    )


def figures(conversation: Conversation) -> dict:
    """Participation: visitors, voters, votes per voter, statements, writers, share clustered."""
    visitors = conversation.voters.count()
    votes = conversation.votes.filter(statement__status=Statement.Status.ACCEPTED)
    voters = votes.values("voter").distinct().count()
    n_votes = votes.count()
    statements = shown_statements(conversation).count()
    statements_total = conversation.statements.count()
    # Pol.is's summary counts statements somebody voted on; so do we, to compare.
    voted_on = conversation.statements.filter(
        Exists(Vote.objects.filter(statement=OuterRef("pk")))
    ).count()
    writers = (
        conversation.statements.filter(author__isnull=False).values("author").distinct().count()
    )
    data = conversation.map_data or {}
    clustered = data.get("participation", {}).get("clustered", 0)
    return {
        "visitors": visitors,
        "voters": voters,
        "votes": n_votes,
        "votes_per_voter": n_votes / voters if voters else 0.0,
        "statements": statements,
        "statements_total": statements_total,
        "statements_voted_on": voted_on,
        "writers": writers,
        "share_writing": writers / voters if voters else 0.0,
        "clustered": clustered,
        "share_clustered": clustered / voters if voters else 0.0,
    }


def moderation_queue(conversation: Conversation):
    return conversation.statements.annotate(
        n_votes=Count("votes"), n_agree=Count("votes", filter=Q(votes__value=1))
    ).order_by("status", "-created_at")
