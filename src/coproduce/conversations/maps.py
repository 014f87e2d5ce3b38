"""From the database to the opinion maths and back. Runs in the background worker only."""

import numpy as np
from django.db import transaction
from django.utils import timezone

from coproduce.people.sectors import sector_key

from .models import Conversation, Statement, Vote, Voter
from .opinion import OpinionState, VoteMatrix, compute
from .opinion.sectors import sector_lens
from .selectors import figures, map_priorities


def vote_matrix(conversation: Conversation) -> VoteMatrix:
    """Every latest vote on statements still in the conversation (rejected ones included: the
    maths leaves them out itself, and routing needs to know they exist)."""
    rows = np.array(
        Vote.objects.filter(conversation=conversation).values_list(
            "voter_id", "statement_id", "value"
        ),
        dtype=np.int64,
    ).reshape(-1, 3)
    statement_ids = list(
        Statement.objects.filter(conversation=conversation)
        .exclude(status=Statement.Status.PENDING)
        .values_list("pk", flat=True)
    )
    accepted = rows[np.isin(rows[:, 1], statement_ids)] if rows.size else rows
    return VoteMatrix.from_votes(
        accepted[:, 0], accepted[:, 1], accepted[:, 2], statement_ids=statement_ids
    )


def compute_map(conversation: Conversation) -> int:
    """Recompute and store the map; returns the number of opinion groups (0: none yet)."""
    matrix = vote_matrix(conversation)
    statements = Statement.objects.filter(conversation=conversation)
    previous = None
    if conversation.map_state:
        try:
            previous = OpinionState.from_bytes(bytes(conversation.map_state))
        except ValueError:  # a state from an older format: start cold
            previous = None
    result = compute(
        matrix,
        excluded_statements=statements.filter(status=Statement.Status.REJECTED).values_list(
            "pk", flat=True
        ),
        meta_statements=statements.filter(is_meta=True).values_list("pk", flat=True),
        excluded_participants=Voter.objects.filter(
            conversation=conversation, excluded=True
        ).values_list("pk", flat=True),
        previous=previous,
        seed=conversation.pk,
    )
    data = result.to_dict()
    add_group_tallies(data, matrix, result)
    # Everyone is in the lens; those who gave no sector are a row of their own, "not given".
    sectors = {
        pk: sector_key(sector)
        for pk, sector in Voter.objects.filter(conversation=conversation).values_list(
            "pk", "sector"
        )
    }
    data["sector_lens"] = sector_lens(matrix, result, sectors).to_dict() if result.k else None
    # Counted here, once per map, so that pages polling the conversation count nothing.
    counted = figures(conversation, clustered=result.participation.clustered)
    with transaction.atomic():
        Conversation.objects.filter(pk=conversation.pk).update(
            map_data=data,
            map_state=result.state.to_bytes(),
            map_computed_at=timezone.now(),
            map_votes=int(matrix.values.size),
            map_error="",
            map_figures=counted,
            map_priorities=map_priorities(data),
        )
    return result.k


def add_group_tallies(data: dict, matrix: VoteMatrix, result) -> None:
    """Give each statement of the stored map its [agree, disagree, pass] counts per group
    (``by_group``, indexed by group id), so pages can draw how each group voted without
    reading a vote."""
    if not result.k:
        return
    labels = np.full(matrix.n_participants, -1, dtype=np.int64)
    rows = matrix.participant_index(result.participant_ids)
    known = rows >= 0
    labels[rows[known]] = result.group_of[known]
    agree, disagree, votes = matrix.tally(labels, result.k)
    columns = matrix.statement_index([s["id"] for s in data["statements"]])
    for statement, column in zip(data["statements"], columns.tolist(), strict=True):
        if column < 0:
            continue
        statement["by_group"] = [
            [int(a), int(d), int(v - a - d)]
            for a, d, v in zip(agree[:, column], disagree[:, column], votes[:, column], strict=True)
        ]
