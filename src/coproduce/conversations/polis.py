"""Pol.is open-data folders in and out (comments.csv, votes.csv, participants-votes.csv,
summary.csv). Reading and writing the files is the pure package's job (`opinion.polis_io`);
this module maps them onto conversations, statements, voters and votes.

What the platform knows goes out as Pol.is writes it, so importing a folder and exporting it
again gives the same rows: every vote of the log (`VoteEvent`, re-votes included) with its
time in milliseconds, statements with their time, author (the author's voter id) and
moderation (-1 rejected, 0 waiting, 1 accepted).
"""

from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from .models import Conversation, Statement, Vote, VoteEvent, Voter
from .opinion import OpinionDataError, VoteMatrix
from .opinion.polis_io import Comments, VoteLog, read_polis_export, write_polis_export

MODERATED_TO_STATUS = {
    -1: Statement.Status.REJECTED,
    0: Statement.Status.PENDING,
    1: Statement.Status.ACCEPTED,
}
STATUS_TO_MODERATED = {status: moderated for moderated, status in MODERATED_TO_STATUS.items()}
NO_AUTHOR = -1  # author-id of a statement nobody in the conversation wrote (a seed statement)
BATCH = 20_000
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
# Pol.is times are milliseconds since 1970; the database keeps years 1 to 9999.
EARLIEST_MS = (datetime(1, 1, 2, tzinfo=UTC) - EPOCH) // timedelta(milliseconds=1)
LATEST_MS = (datetime(9999, 12, 30, tzinfo=UTC) - EPOCH) // timedelta(milliseconds=1)


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
    participants = [str(p) for p in export.votes.participant_ids.tolist()]
    voters = _import_voters(conversation, participants + _silent_authors(export, participants))
    if export.log is not None:
        _import_vote_log(conversation, export.log, voters, statements, Path(folder))
    else:
        _import_votes(conversation, export.votes, voters, statements)
    _link_authors(export.comments, statements, voters)
    return conversation


def _is_author(author) -> bool:
    return str(author) != str(NO_AUTHOR)


def _silent_authors(export, participants: list[str]) -> list[str]:
    """Authors who never voted: voters without votes, so their id survives a round trip."""
    comments = export.comments
    if comments is None or comments.author_ids is None:
        return []
    known = set(participants)
    silent = []
    for author in map(str, comments.author_ids.tolist()):
        if _is_author(author) and author not in known:
            known.add(author)
            silent.append(author)
    return silent


def _link_authors(comments: Comments | None, statements: dict, voters: dict) -> None:
    """Who wrote each statement, where the export says."""
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
    moderated, created = {}, {}
    if comments is not None:
        moderated = dict(zip(comments.ids.tolist(), comments.moderated.tolist(), strict=True))
        if comments.timestamps is not None:
            path = Path(export.folder) / "comments.csv"
            times = _times(comments.timestamps, path)
            created = dict(zip(comments.ids.tolist(), times, strict=True))
    meta = set(comments.meta_ids.tolist()) if comments is not None else set()
    now = timezone.now()
    rows = Statement.objects.bulk_create(
        Statement(
            conversation=conversation,
            text=texts.get(sid, "") or f"#{sid}",
            # Without comments.csv nothing says a statement was moderated: they were voted on.
            status=MODERATED_TO_STATUS[int(moderated.get(sid, 1))],
            is_meta=sid in meta,
            polis_id=str(sid),
            created_at=created.get(sid, now),
        )
        for sid in ids.tolist()
    )
    if not rows or rows[0].pk is None:  # backends that do not return ids from bulk inserts
        rows = list(conversation.statements.order_by("pk"))
    return {row.polis_id: row.pk for row in rows}


def _import_voters(conversation, participant_ids: list[str]) -> dict:
    rows = Voter.objects.bulk_create(
        (Voter(conversation=conversation, polis_id=pid) for pid in participant_ids),
        batch_size=BATCH,
    )
    if not rows or rows[0].pk is None:
        rows = list(conversation.voters.order_by("pk"))
    return {row.polis_id: row.pk for row in rows}


def _times(stamps, path: Path) -> list[datetime]:
    """Pol.is milliseconds as aware datetimes; a time the database cannot hold is refused."""
    stamps = np.asarray(stamps, dtype=np.int64)
    bad = (stamps < EARLIEST_MS) | (stamps > LATEST_MS)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise OpinionDataError(
            f"timestamp {int(stamps[i])} is not a time in milliseconds between the years 1 and "
            "9999",
            path=path,
        )
    return [EPOCH + timedelta(milliseconds=ms) for ms in stamps.tolist()]


def _import_vote_log(conversation, log: VoteLog, voters, statements, folder: Path) -> None:
    """Every row of votes.csv as a VoteEvent; the current Vote is the latest per pair, at its
    time. Rows without times (a raw dump without them) keep their order, at the import time."""
    n = log.votes.size
    if log.timestamps is None:
        times = [timezone.now()] * n
        order = range(n)
    else:
        times = _times(log.timestamps, folder / "votes.csv")
        order = np.argsort(log.timestamps, kind="stable").tolist()
    voter_pk = [voters[str(p)] for p in log.participants.tolist()]
    statement_pk = [statements[str(s)] for s in log.statements.tolist()]
    values = log.votes.tolist()
    latest = {}
    events = []
    for i in order:
        latest[voter_pk[i], statement_pk[i]] = i  # in time order: the last one stays
        events.append(
            VoteEvent(
                conversation=conversation,
                voter_id=voter_pk[i],
                statement_id=statement_pk[i],
                value=values[i],
                created_at=times[i],
            )
        )
    VoteEvent.objects.bulk_create(events, batch_size=BATCH)
    Vote.objects.bulk_create(
        (
            Vote(
                conversation=conversation,
                voter_id=voter,
                statement_id=statement,
                value=values[i],
                updated_at=times[i],
            )
            for (voter, statement), i in latest.items()
        ),
        batch_size=BATCH,
    )


def _import_votes(conversation, matrix: VoteMatrix, voters: dict, statements: dict) -> None:
    """Latest votes only (participants-votes.csv has no log), at the import time."""
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
        for pk, polis_id in conversation.voters.values_list("pk", "polis_id").order_by("pk")
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
        moderated=np.array([STATUS_TO_MODERATED[s.status] for s in ordered], dtype=np.int8),
        author_ids=np.array(
            [voter_key[s.author_id] if s.author_id else NO_AUTHOR for s in ordered], dtype=object
        ),
        timestamps=np.array([_ms(s.created_at) for s in ordered], dtype=np.int64),
        is_meta=np.array([s.is_meta for s in ordered], dtype=bool),
    )
    n_comments = {}
    for s in ordered:
        if s.author_id:
            key = voter_key[s.author_id]
            n_comments[key] = n_comments.get(key, 0) + 1
    groups = _exported_groups(conversation, voter_key)
    summary = {
        "topic": conversation.question,
        "voters": int(np.count_nonzero(np.diff(matrix.indptr))),
        "comments": len(statements),
        "groups": len(set(groups.values()) - {None}),
        "conversation-description": conversation.description,
    }
    write_polis_export(
        folder,
        matrix,
        comments,
        groups=groups,
        summary=summary,
        raw=raw,
        log=_vote_log(conversation, voter_key, statement_key),
        n_comments=n_comments,
    )
    return Path(folder)


def _ms(moment: datetime) -> int:
    return (moment - EPOCH) // timedelta(milliseconds=1)


def _vote_log(conversation, voter_key: dict, statement_key: dict) -> VoteLog:
    """Every vote in time order: the log, plus each vote cast before the log existed (no
    event for its voter and statement) at its last change."""
    logged = VoteEvent.objects.filter(voter=OuterRef("voter"), statement=OuterRef("statement"))
    rows = [
        (_ms(at), 0, voter, statement, value)
        for voter, statement, value, at in conversation.votes.filter(~Exists(logged))
        .order_by("pk")
        .values_list("voter_id", "statement_id", "value", "updated_at")
    ]
    rows += [
        (_ms(at), 1, voter, statement, value)
        for voter, statement, value, at in conversation.vote_events.order_by(
            "created_at", "pk"
        ).values_list("voter_id", "statement_id", "value", "created_at")
    ]
    # Stable: events keep their (time, pk) order; an unlogged vote goes before a logged one
    # at the same millisecond, as it was cast earlier.
    rows.sort(key=lambda row: (row[0], row[1]))
    return VoteLog(
        participants=np.array([voter_key[row[2]] for row in rows], dtype=object),
        statements=np.array([statement_key[row[3]] for row in rows], dtype=object),
        votes=np.array([row[4] for row in rows], dtype=np.int8),
        timestamps=np.array([row[0] for row in rows], dtype=np.int64),
        raw_dump=False,
    )


def _exported_groups(conversation, voter_key: dict) -> dict:
    data = conversation.map_data or {}
    return {voter_key.get(p["id"], str(p["id"])): p["group"] for p in data.get("participants", [])}
