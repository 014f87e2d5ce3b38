"""Readers and writers for the Pol.is open-data export format (agree = +1 in files).

Files of a conversation folder (see ``/work/shared/data/README.md``):

- ``votes.csv``: ``timestamp,datetime,comment-id,voter-id,vote``, an append-only log; the latest
  vote per voter and comment counts.
- ``comments.csv``: ``timestamp,datetime,comment-id,author-id,agrees,disagrees,moderated,
  comment-body`` (moderated: -1 rejected, 0 unmoderated, 1 accepted).
- ``participants-votes.csv``: ``participant,[xid,]group-id,n-comments,n-votes,n-agree,
  n-disagree,<one column per comment id>``; blank = not seen.
- ``summary.csv``: ``key,value`` rows.

Every problem is an :class:`OpinionDataError` naming the file and, when it can, the line. Pol.is
*stores* agree as -1; a raw database dump (columns ``pid,tid,vote``) or an export whose signs
disagree with ``comments.csv`` is refused unless ``raw_sign`` says which sign it uses.

The writers escape text cells a spreadsheet would run as a formula (``=``, ``+``, ``-``, ``@``,
tab, carriage return: see ``coproduce.core.csvfiles``) and the readers undo it, so a round trip
gives back the original text; ``raw=True`` writes the text exactly as Pol.is does.

Modules: :mod:`.files` (the files' columns and the data classes read from them), :mod:`.read`
(the readers), :mod:`.write` (the writers) and :mod:`.columns` (fast column reads with pyarrow
and the exact error when a file is wrong). Import from the package itself.
"""

from .files import (
    COMMENTS_HEADER,
    MAX_STATEMENT_CHARS,
    PARTICIPANTS_FIXED,
    RAW_DUMP_COLUMNS,
    VOTES_HEADER,
    Comments,
    ExportedGroups,
    PolisExport,
    VoteLog,
)
from .read import (
    check_known_statements,
    check_pv_statements,
    read_comments_csv,
    read_exported_groups,
    read_participants_votes_csv,
    read_polis_export,
    read_summary_csv,
    read_vote_log,
    read_votes_csv,
)
from .write import (
    write_comments_csv,
    write_matrix_votes_csv,
    write_participants_votes_csv,
    write_polis_export,
    write_summary_csv,
    write_votes_csv,
)

__all__ = [
    "COMMENTS_HEADER",
    "MAX_STATEMENT_CHARS",
    "PARTICIPANTS_FIXED",
    "RAW_DUMP_COLUMNS",
    "VOTES_HEADER",
    "Comments",
    "ExportedGroups",
    "PolisExport",
    "VoteLog",
    "check_known_statements",
    "check_pv_statements",
    "read_comments_csv",
    "read_exported_groups",
    "read_participants_votes_csv",
    "read_polis_export",
    "read_summary_csv",
    "read_vote_log",
    "read_votes_csv",
    "write_comments_csv",
    "write_matrix_votes_csv",
    "write_participants_votes_csv",
    "write_polis_export",
    "write_summary_csv",
    "write_votes_csv",
]
