"""Pol.is open-data readers and writers: real folders, round trips, every bad input."""

from pathlib import Path

import numpy as np
import pytest

from coproduce.conversations.opinion import OpinionDataError, VoteMatrix, compute
from coproduce.conversations.opinion.polis_io import (
    Comments,
    read_comments_csv,
    read_exported_groups,
    read_participants_votes_csv,
    read_polis_export,
    read_summary_csv,
    read_votes_csv,
    write_polis_export,
)

# Five real Pol.is conversations, copied into the repository (see its README there).
OPENDATA = Path(__file__).resolve().parents[1] / "data" / "polis-opendata"
FOLDERS = sorted(p.name for p in OPENDATA.iterdir() if p.is_dir())

COMMENTS = (
    "timestamp,datetime,comment-id,author-id,agrees,disagrees,moderated,comment-body\n"
    "1,x,0,0,2,0,1,First\n"
    '2,x,1,0,0,1,1,"Second, with a comma\nand a new line"\n'
    "3,x,2,1,0,0,-1,Rejected\n"
)
VOTES = (
    "timestamp,datetime,comment-id,voter-id,vote\n"
    "10,x,0,0,1\n"
    "11,x,1,0,-1\n"
    "12,x,0,1,1\n"
    "13,x,1,1,0\n"
    "14,x,1,1,1\n"  # re-vote: the latest counts
)


def _folder(tmp_path: Path, votes: str = VOTES, comments: str | None = COMMENTS) -> Path:
    (tmp_path / "votes.csv").write_text(votes)
    if comments is not None:
        (tmp_path / "comments.csv").write_text(comments)
    return tmp_path


def test_reads_a_small_folder(tmp_path):
    export = read_polis_export(_folder(tmp_path))
    assert export.votes_source == "votes.csv"
    dense = export.votes.to_dense()
    np.testing.assert_array_equal(dense, [[1, -1, np.nan], [1, 1, np.nan]])
    assert export.votes.statement_ids.tolist() == [0, 1, 2]  # statement 2 listed, no votes
    assert export.rejected_statements.tolist() == [2]
    assert export.comments.texts[1] == "Second, with a comma\nand a new line"


def test_the_copied_open_data_is_all_there():
    # The tests below are parametrised over these folders: none may go missing unnoticed.
    assert len(FOLDERS) == 5
    assert sum((OPENDATA / name / "votes.csv").exists() for name in FOLDERS) == 4


@pytest.mark.parametrize("name", FOLDERS)
def test_real_folders_match_their_summary(name):
    folder = OPENDATA / name
    export = read_polis_export(folder)
    summary = read_summary_csv(folder / "summary.csv")
    groups = read_exported_groups(folder / "participants-votes.csv")
    voters = np.count_nonzero(export.votes.votes_per_participant())
    # summary.csv "voters" is everyone who voted; "groups" the distinct exported group ids.
    assert voters == int(summary["voters"])
    assert len(set(groups.group_ids.tolist()) - {-1}) == int(summary["groups"])
    assert export.comments.ids.size == export.votes.n_statements


@pytest.mark.parametrize("name", [n for n in FOLDERS if (OPENDATA / n / "votes.csv").exists()])
def test_latest_votes_equal_participants_votes(name):
    folder = OPENDATA / name
    from_log = read_votes_csv(folder / "votes.csv")
    from_wide, _ = read_participants_votes_csv(folder / "participants-votes.csv")
    rows = from_log.vote_rows()
    r = from_wide.participant_index(from_log.participant_ids[rows])
    c = from_wide.statement_index(from_log.statement_ids[from_log.indices])
    assert (r >= 0).all() and (c >= 0).all()
    np.testing.assert_array_equal(from_wide.to_dense()[r, c], from_log.values)


def test_folder_without_votes_csv_uses_participants_votes():
    export = read_polis_export(OPENDATA / "american-assembly.bowling-green")
    assert export.votes_source == "participants-votes.csv"
    assert export.votes.n_participants == 2031


def test_writers_round_trip(tmp_path):
    dense = np.array([[1, -1, np.nan], [0, np.nan, 1], [np.nan, 1, 1]])
    matrix = VoteMatrix.from_dense(dense, participant_ids=[5, 6, 7], statement_ids=[0, 1, 2])
    comments = Comments(
        ids=np.array([0, 1, 2]),
        texts=("a", 'quoted "b", with comma', "c\nd"),
        moderated=np.array([1, 0, -1], dtype=np.int8),
    )
    write_polis_export(tmp_path, matrix, comments, groups={5: 0, 6: 1})
    export = read_polis_export(tmp_path)
    np.testing.assert_array_equal(export.votes.to_dense(), dense)
    assert export.comments.texts == comments.texts
    assert export.comments.agrees.tolist() == [1, 1, 2]
    wide, groups = read_participants_votes_csv(tmp_path / "participants-votes.csv")
    np.testing.assert_array_equal(wide.to_dense(), dense)
    assert groups.group_ids.tolist() == [0, 1, -1]
    assert read_summary_csv(tmp_path / "summary.csv")["voters"] == "3"


# -- bad input ---------------------------------------------------------------------------------


def _error(tmp_path, **files) -> OpinionDataError:
    for name, text in files.items():
        (tmp_path / f"{name.replace('_', '-')}.csv").write_text(text)
    with pytest.raises(OpinionDataError) as info:
        read_polis_export(tmp_path)
    return info.value


def test_wrong_votes_header(tmp_path):
    err = _error(tmp_path, votes="when,comment,who,vote\n1,0,0,1\n", comments=COMMENTS)
    assert (err.path.name, err.line) == ("votes.csv", 1)
    assert "missing timestamp, comment-id, voter-id" in str(err)


def test_wrong_comments_header(tmp_path):
    err = _error(tmp_path, votes=VOTES, comments="id,text\n0,a\n")
    assert (err.path.name, err.line) == ("comments.csv", 1)


def test_unknown_statement_id(tmp_path):
    err = _error(tmp_path, votes=VOTES + "15,x,42,1,1\n", comments=COMMENTS)
    assert (err.path.name, err.line) == ("votes.csv", 7)
    assert "unknown statement id 42" in str(err)


@pytest.mark.parametrize("bad", ["2", "-3", "yes", ""])
def test_vote_outside_the_three_values(tmp_path, bad):
    err = _error(tmp_path, votes=VOTES + f"15,x,0,2,{bad}\n", comments=COMMENTS)
    assert (err.path.name, err.line) == ("votes.csv", 7)
    assert "vote" in str(err)


def test_identical_duplicate_rows_are_harmless_but_conflicting_ones_are_not(tmp_path):
    export = read_polis_export(_folder(tmp_path, votes=VOTES + "12,x,0,1,1\n"))
    assert export.votes.n_votes == 4
    err = _error(tmp_path, votes=VOTES + "12,x,0,1,-1\n", comments=COMMENTS)
    assert (err.path.name, err.line) == ("votes.csv", 7)
    assert "line 4" in str(err)


def test_duplicate_comment_ids(tmp_path):
    err = _error(tmp_path, votes=VOTES, comments=COMMENTS + "4,x,1,0,0,0,1,Again\n")
    assert (err.path.name, err.line) == ("comments.csv", 6)
    assert "duplicate comment-id 1" in str(err)


def test_duplicate_participants_in_participants_votes(tmp_path):
    wide = (
        "participant,group-id,n-comments,n-votes,n-agree,n-disagree,0,1\n"
        "0,0,0,2,1,1,1,-1\n"
        "0,0,0,1,1,0,1,\n"
    )
    err = _error(tmp_path, participants_votes=wide)
    assert (err.path.name, err.line) == ("participants-votes.csv", 3)


def test_raw_database_dump_needs_raw_sign(tmp_path):
    dump = "zid,pid,tid,vote,weight_x_32767,created\n1,0,0,-1,0,10\n1,1,0,1,0,11\n1,1,1,-1,0,12\n"
    err = _error(tmp_path, votes=dump)
    assert "raw Pol.is database dump" in str(err) and "--raw-sign" in str(err)
    export = read_polis_export(tmp_path, raw_sign=True)
    np.testing.assert_array_equal(export.votes.to_dense(), [[1, np.nan], [-1, 1]])


def test_export_with_inverted_sign_is_detected(tmp_path):
    comments = (
        "timestamp,datetime,comment-id,author-id,agrees,disagrees,moderated,comment-body\n"
        "1,x,0,0,3,0,1,a\n1,x,1,0,0,3,1,b\n"
    )
    inverted = "timestamp,datetime,comment-id,voter-id,vote\n" + "".join(
        f"{i},x,{s},{p},{v}\n"
        for i, (s, p, v) in enumerate(
            [(0, 0, -1), (0, 1, -1), (0, 2, -1), (1, 0, 1), (1, 1, 1), (1, 2, 1)]
        )
    )
    err = _error(tmp_path, votes=inverted, comments=comments)
    assert "raw sign" in str(err)
    assert read_polis_export(tmp_path, raw_sign=True).votes.to_dense()[0].tolist() == [1, -1]


def test_participants_votes_with_inverted_sign_is_detected(tmp_path):
    wide = (
        "participant,group-id,n-comments,n-votes,n-agree,n-disagree,0,1\n"
        "0,0,0,2,2,0,-1,-1\n"
        "1,0,0,2,0,1,1,0\n"
    )
    err = _error(tmp_path, participants_votes=wide)
    assert "raw sign" in str(err)


def test_ten_megabyte_statement(tmp_path):
    huge = "x" * 10_000_000
    comments = COMMENTS + f"4,x,3,0,0,0,1,{huge}\n"
    err = _error(tmp_path, votes=VOTES, comments=comments)
    assert err.path.name == "comments.csv" and err.line == 6
    assert "10,000" in str(err) or "limit" in str(err)


def test_long_but_reasonable_statement_is_fine(tmp_path):
    comments = COMMENTS + f"4,x,3,0,0,0,1,{'y' * 5000}\n"
    assert (
        len(read_comments_csv(_folder(tmp_path, comments=comments) / "comments.csv").texts[3])
        == 5000
    )


def test_no_votes_file(tmp_path):
    (tmp_path / "comments.csv").write_text(COMMENTS)
    with pytest.raises(OpinionDataError, match="no votes.csv"):
        read_polis_export(tmp_path)


def test_empty_conversation_reads_and_says_why(tmp_path):
    export = read_polis_export(
        _folder(tmp_path, votes="timestamp,datetime,comment-id,voter-id,vote\n")
    )
    assert export.votes.n_votes == 0
    result = compute(export.votes, excluded_statements=export.rejected_statements)
    assert result.k == 0 and result.reason == "no votes yet"


@pytest.mark.parametrize(
    ("votes", "reason"),
    [
        ("10,x,0,0,1\n11,x,1,0,-1\n", "one participant"),
        ("10,x,0,0,1\n11,x,0,1,-1\n", "one statement"),
    ],
)
def test_one_participant_or_one_statement(tmp_path, votes, reason):
    export = read_polis_export(
        _folder(tmp_path, votes="timestamp,datetime,comment-id,voter-id,vote\n" + votes)
    )
    result = compute(export.votes, excluded_statements=export.rejected_statements)
    assert result.k == 0 and reason in result.reason


def test_text_ids_are_kept_as_text(tmp_path):
    comments = (
        "timestamp,datetime,comment-id,author-id,agrees,disagrees,moderated,comment-body\n"
        "1,x,s1,0,0,0,1,a\n1,x,s2,0,0,0,1,b\n"
    )
    votes = "timestamp,datetime,comment-id,voter-id,vote\n1,x,s1,p-a,1\n2,x,s2,p-b,-1\n"
    export = read_polis_export(_folder(tmp_path, votes=votes, comments=comments))
    assert export.votes.participant_ids.tolist() == ["p-a", "p-b"]
    assert export.votes.statement_ids.tolist() == ["s1", "s2"]
