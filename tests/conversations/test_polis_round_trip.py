"""A Pol.is folder in and out again: the vote log with its re-votes, statements' times,
authors and moderation come back as they went in (issue 16, item 6)."""

import csv
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from factories import CoalitionFactory

from coproduce.conversations import services
from coproduce.conversations.models import Statement, Vote, VoteEvent, Voter
from coproduce.conversations.opinion import OpinionDataError
from coproduce.conversations.polis import export_polis, import_polis

REVOTES = Path(__file__).resolve().parents[1] / "data" / "polis-revotes"
FILES = ("comments.csv", "votes.csv", "participants-votes.csv", "summary.csv")

pytestmark = pytest.mark.django_db


def rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return [row for row in csv.reader(fh) if row]


def by_first_column(path: Path) -> tuple[list[str], list[list[str]]]:
    """Header and rows in id order: which order participants come in is not part of the format."""
    header, *body = rows(path)
    return header, sorted(body, key=lambda row: row[0])


def at(ms: int) -> datetime:
    return datetime(1970, 1, 1, tzinfo=UTC) + timedelta(milliseconds=ms)


@pytest.fixture
def imported():
    return import_polis(REVOTES, coalition=CoalitionFactory())


def test_import_then_export_gives_the_same_rows(imported, tmp_path):
    out = export_polis(imported, tmp_path / "out")
    # The log, in time order, every re-vote included.
    assert rows(out / "votes.csv") == rows(REVOTES / "votes.csv")
    assert rows(out / "comments.csv") == rows(REVOTES / "comments.csv")
    assert by_first_column(out / "participants-votes.csv") == by_first_column(
        REVOTES / "participants-votes.csv"
    )
    assert dict(rows(out / "summary.csv")) == dict(rows(REVOTES / "summary.csv"))


def test_import_keeps_every_row_of_the_log_and_the_latest_vote_with_its_time(imported):
    log = rows(REVOTES / "votes.csv")[1:]
    assert VoteEvent.objects.filter(conversation=imported).count() == len(log) == 14
    latest = {}
    for stamp, _when, comment, voter, value in log:
        latest[voter, comment] = (int(value), at(int(stamp)))
    current = {
        (voter, statement): (value, updated)
        for voter, statement, value, updated in imported.votes.values_list(
            "voter__polis_id", "statement__polis_id", "value", "updated_at"
        )
    }
    assert current == latest
    assert len(current) == 10
    # Voter 2 flipped on statement 4 and back: three events, one vote.
    flips = VoteEvent.objects.filter(
        conversation=imported, voter__polis_id="2", statement__polis_id="4"
    ).order_by("created_at")
    assert list(flips.values_list("value", flat=True)) == [1, -1, 1]


def test_import_keeps_statement_times_authors_and_moderation(imported):
    statements = {s.polis_id: s for s in imported.statements.select_related("author")}
    assert {key: s.status for key, s in statements.items()} == {
        "0": Statement.Status.ACCEPTED,
        "1": Statement.Status.ACCEPTED,
        "2": Statement.Status.PENDING,  # moderated 0: nobody has moderated it yet
        "3": Statement.Status.REJECTED,
        "4": Statement.Status.ACCEPTED,
    }
    assert statements["0"].author is None  # author-id -1
    assert {key: s.author.polis_id for key, s in statements.items() if s.author} == {
        "1": "0",
        "2": "3",
        "3": "1",
        "4": "2",
    }
    # Participant 3 wrote a statement and never voted: a voter without votes.
    silent = Voter.objects.get(conversation=imported, polis_id="3")
    assert not silent.votes.exists()
    assert statements["2"].created_at == at(1718000125500)


def test_live_votes_are_logged_twice_and_kept_once_and_exported_in_order(tmp_path):
    conversation = services.open_conversation(
        coalition=CoalitionFactory(), question="Buses?", seed_statements=["More buses", "Trams"]
    )
    first, second = conversation.statements.order_by("pk")
    voter = Voter.objects.create(conversation=conversation)
    # A vote from before the log existed: no event, exported at its last change.
    Vote.objects.create(
        conversation=conversation,
        voter=voter,
        statement=second,
        value=-1,
        updated_at=at(1_600_000_000_000),
    )
    services.cast_vote(voter, first.pk, 1)
    services.cast_vote(voter, first.pk, -1)
    events = VoteEvent.objects.filter(conversation=conversation).order_by("created_at", "pk")
    assert list(events.values_list("statement_id", "value")) == [(first.pk, 1), (first.pk, -1)]
    assert list(conversation.votes.filter(statement=first).values_list("value", flat=True)) == [-1]
    out = export_polis(conversation, tmp_path / "out")
    logged = rows(out / "votes.csv")[1:]
    assert [(row[2], row[3], row[4]) for row in logged] == [
        (str(second.pk), str(voter.pk), "-1"),
        (str(first.pk), str(voter.pk), "1"),
        (str(first.pk), str(voter.pk), "-1"),
    ]
    assert logged[0][:2] == ["1600000000000", "Sun Sep 13 12:26:40 UTC 2020"]
    stamps = [int(row[0]) for row in logged]
    assert stamps == sorted(stamps)
    assert stamps[2] == (events.last().created_at - at(0)) // timedelta(milliseconds=1)


def test_a_refused_vote_writes_nothing_to_the_log():
    conversation = services.open_conversation(
        coalition=CoalitionFactory(), question="Buses?", seed_statements=["More buses"]
    )
    waiting = Statement.objects.create(
        conversation=conversation, text="Later", status=Statement.Status.PENDING
    )
    voter = Voter.objects.create(conversation=conversation)
    with pytest.raises(services.ConversationError):
        services.cast_vote(voter, waiting.pk, 1)
    assert not VoteEvent.objects.exists() and not Vote.objects.exists()


def test_a_timestamp_beyond_the_year_9999_is_refused_naming_the_file(tmp_path):
    (tmp_path / "votes.csv").write_text(
        "timestamp,datetime,comment-id,voter-id,vote\n900000000000000000,x,0,1,1\n"
    )
    with pytest.raises(OpinionDataError, match=r"votes\.csv.*timestamp 900000000000000000"):
        import_polis(tmp_path, coalition=CoalitionFactory())


def test_a_vote_is_stored_with_its_time_as_the_orm_stores_times():
    """A time written by the vote's own SQL compares with times the ORM writes: the vote's
    time is found by an exact lookup on itself (on SQLite it was text with "+00:00" after it,
    greater than the same time written by the ORM)."""
    conversation = services.open_conversation(
        coalition=CoalitionFactory(), question="Buses?", seed_statements=["More buses"]
    )
    (statement,) = conversation.statements.all()
    voter = Voter.objects.create(conversation=conversation)
    services.cast_vote(voter, statement.pk, 1)
    vote = Vote.objects.get(voter=voter)
    assert Vote.objects.filter(pk=vote.pk, updated_at=vote.updated_at).exists()
    assert Vote.objects.filter(voter=voter, updated_at__lte=vote.updated_at).count() == 1
    event = VoteEvent.objects.get(voter=voter)
    assert VoteEvent.objects.filter(pk=event.pk, created_at=event.created_at).exists()
