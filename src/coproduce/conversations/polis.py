"""Pol.is open-data folders in and out (comments.csv, votes.csv, participants-votes.csv,
summary.csv). Reading and writing the files is the pure package's job (`opinion.polis_io`);
this module maps them onto conversations, statements, voters and votes."""

from pathlib import Path

import numpy as np
from django.db import transaction

from .models import Conversation, Statement, Vote, Voter
from .opinion import VoteMatrix
from .opinion.polis_io import Comments, read_polis_export, write_polis_export

MODERATED_TO_STATUS = {
    -1: Statement.Status.REJECTED,
    0: Statement.Status.ACCEPTED,
    1: Statement.Status.ACCEPTED,
}
BATCH = 20_000


@transaction.atomic
def import_polis(
    folder: str | Path, *, coalition, question: str = "", raw_sign: bool | None = None
) -> Conversation:
    """Create a conversation from an export folder. All or nothing: a bad file saves nothing
    (the reader raises OpinionDataError naming the file and line)."""
    export = read_polis_export(folder, raw_sign=raw_sign)
    summary = export.summary or {}
    conversation = Conversation.objects.create(
        coalition=coalition,
        question=(question or summary.get("topic") or Path(folder).name)[:500],
        description=(summary.get("conversation-description") or "")[:5000],
        statement_max_length=2000,
    )
    statements = _import_statements(conversation, export)
    voters = _import_voters(conversation, export.votes.participant_ids)
    _import_votes(conversation, export.votes, voters, statements)
    _link_authors(export.comments, statements, voters)
    return conversation


def _link_authors(comments: Comments | None, statements: dict, voters: dict) -> None:
    """Who wrote each statement, where the export says and the author also voted."""
    if comments is None or comments.author_ids is None:
        return
    linked = [
        Statement(pk=statements[str(sid)], author_id=voters[str(author)])
        for sid, author in zip(comments.ids.tolist(), comments.author_ids.tolist(), strict=True)
        if str(author) in voters
    ]
    Statement.objects.bulk_update(linked, ["author"], batch_size=BATCH)


def _import_statements(conversation, export) -> dict:
    comments: Comments | None = export.comments
    ids = export.votes.statement_ids if comments is None else comments.ids
    texts = comments.text_by_id() if comments is not None else {}
    moderated = (
        dict(zip(comments.ids.tolist(), comments.moderated.tolist(), strict=True))
        if comments
        else {}
    )
    meta = set(comments.meta_ids.tolist()) if comments is not None else set()
    rows = Statement.objects.bulk_create(
        Statement(
            conversation=conversation,
            text=texts.get(sid, "") or f"#{sid}",
            status=MODERATED_TO_STATUS[int(moderated.get(sid, 0))],
            is_meta=sid in meta,
            polis_id=str(sid),
        )
        for sid in ids.tolist()
    )
    if not rows or rows[0].pk is None:  # backends that do not return ids from bulk inserts
        rows = list(conversation.statements.order_by("pk"))
    return {row.polis_id: row.pk for row in rows}


def _import_voters(conversation, participant_ids) -> dict:
    rows = Voter.objects.bulk_create(
        (Voter(conversation=conversation, polis_id=str(pid)) for pid in participant_ids.tolist()),
        batch_size=BATCH,
    )
    if not rows or rows[0].pk is None:
        rows = list(conversation.voters.order_by("pk"))
    return {row.polis_id: row.pk for row in rows}


def _import_votes(conversation, matrix: VoteMatrix, voters: dict, statements: dict) -> None:
    voter_pk = np.array([voters[str(p)] for p in matrix.participant_ids.tolist()], dtype=np.int64)
    statement_pk = np.array(
        [statements[str(s)] for s in matrix.statement_ids.tolist()], dtype=np.int64
    )
    rows = np.repeat(np.arange(matrix.n_participants), np.diff(matrix.indptr))
    batch = []
    for row, column, value in zip(
        rows.tolist(), matrix.indices.tolist(), matrix.values.tolist(), strict=True
    ):
        batch.append(
            Vote(
                conversation=conversation,
                voter_id=int(voter_pk[row]),
                statement_id=int(statement_pk[column]),
                value=value,
            )
        )
        if len(batch) >= BATCH:
            Vote.objects.bulk_create(batch)
            batch = []
    Vote.objects.bulk_create(batch)


def export_polis(conversation: Conversation, folder: str | Path, *, raw: bool = False) -> Path:
    """Write the conversation as a Pol.is folder; importing it gives the same conversation.

    Text a spreadsheet would run as a formula is escaped with a leading quote (the importer
    removes it); ``raw=True`` writes it verbatim for Pol.is tools that read the text as is.
    """
    statements = list(conversation.statements.order_by("pk"))
    statement_key = {s.pk: s.polis_id or str(s.pk) for s in statements}
    voter_key = dict(
        (pk, polis_id or str(pk))
        for pk, polis_id in conversation.voters.values_list("pk", "polis_id")
    )
    votes = np.array(
        list(
            conversation.votes.values_list("voter_id", "statement_id", "value").order_by(
                "updated_at", "pk"
            )
        ),
        dtype=np.int64,
    ).reshape(-1, 3)
    matrix = VoteMatrix.from_votes(
        [voter_key[v] for v in votes[:, 0].tolist()],
        [statement_key[s] for s in votes[:, 1].tolist()],
        votes[:, 2],
        statement_ids=[statement_key[s.pk] for s in statements],
        participant_ids=list(voter_key.values()),
    )
    order = {sid: i for i, sid in enumerate(matrix.statement_ids.tolist())}
    by_key = {statement_key[s.pk]: s for s in statements}
    ordered = sorted(by_key.values(), key=lambda s: order[statement_key[s.pk]])
    comments = Comments(
        ids=matrix.statement_ids,
        texts=tuple(s.text for s in ordered),
        moderated=np.array(
            [-1 if s.status == Statement.Status.REJECTED else 1 for s in ordered], dtype=np.int8
        ),
        is_meta=np.array([s.is_meta for s in ordered], dtype=bool),
    )
    groups = _exported_groups(conversation, voter_key)
    summary = {
        "topic": conversation.question,
        "voters": int(np.count_nonzero(np.diff(matrix.indptr))),
        "comments": len(statements),
        "groups": len(set(groups.values()) - {None}),
        "conversation-description": conversation.description,
    }
    write_polis_export(folder, matrix, comments, groups=groups, summary=summary, raw=raw)
    return Path(folder)


def _exported_groups(conversation, voter_key: dict) -> dict:
    data = conversation.map_data or {}
    return {voter_key.get(p["id"], str(p["id"])): p["group"] for p in data.get("participants", [])}
