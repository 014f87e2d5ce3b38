"""``coproduce opinion DIR``: the opinion map of a Pol.is export folder, without a database.

Reads ``votes.csv`` (or ``participants-votes.csv`` when there is no votes.csv) and
``comments.csv`` (rejected statements leave the maths), computes the map and prints JSON or a
short text report. Only NumPy, SciPy and pyarrow are imported: no Django, pandas or sklearn.
Exit status 2 means bad options or a folder the maths cannot use; the one line on stderr says
which file and line.
"""

from __future__ import annotations

import argparse
import sys
import textwrap
from pathlib import Path

from coproduce.core.management.arguments import MAX_SEED, OneLineParser, one_line, whole_number

from .errors import OpinionDataError
from .pipeline import OpinionConfig, OpinionResult, compute
from .polis_io import Comments, read_polis_export

# Groups are made of the base clusters, so there can be no more of them.
MAX_GROUPS = OpinionConfig().base_k


def build_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(
        prog="coproduce opinion",
        description="Compute the opinion map (Pol.is maths) of a Pol.is export folder.",
    )
    parser.add_argument("folder", type=Path, help="folder with votes.csv or participants-votes.csv")
    parser.add_argument(
        "--seed", type=whole_number(0, MAX_SEED), default=0, help="random seed (default 0)"
    )
    parser.add_argument("--format", choices=("json", "text"), default="json")
    parser.add_argument(
        "--raw-sign",
        action="store_true",
        help="the votes use Pol.is's stored sign (agree = -1), e.g. a database dump: flip them",
    )
    parser.add_argument(
        "--no-sign-check",
        action="store_true",
        help="trust that votes use agree = +1 without checking them against comments.csv",
    )
    parser.add_argument(
        "--groups",
        type=whole_number(2, MAX_GROUPS),
        metavar="K",
        help=f"force K groups, from 2 to {MAX_GROUPS}",
    )
    conventions = parser.add_mutually_exclusive_group()
    conventions.add_argument(
        "--polis-compatible",
        action="store_true",
        help="Pol.is's conventions (the default): moderated statements count as passes in the "
        "scaling, k by unweighted silhouette; the flag is kept for old scripts",
    )
    conventions.add_argument(
        "--drop-moderated",
        action="store_true",
        help="the earlier defaults: moderated statements leave the maths (rejecting one never "
        "rescales the map), k by silhouette weighted by participants",
    )
    parser.add_argument(
        "--indent", type=whole_number(0, 8), default=None, help="indent the JSON (0 to 8 spaces)"
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.raw_sign and args.no_sign_check:
        parser.error("--raw-sign and --no-sign-check contradict each other")
    raw_sign = True if args.raw_sign else (False if args.no_sign_check else None)
    try:
        export = read_polis_export(args.folder, raw_sign=raw_sign)
        result = compute(
            export.votes,
            excluded_statements=export.rejected_statements,
            meta_statements=export.meta_statements,
            seed=args.seed,
            force_k=args.groups,
            config=OpinionConfig.drop_moderated() if args.drop_moderated else None,
        )
    except OpinionDataError as exc:
        print(f"coproduce opinion: error: {one_line(exc)}", file=sys.stderr)
        return 2
    if args.format == "json":
        sys.stdout.write(result.to_json(indent=args.indent) + "\n")
    else:
        sys.stdout.write(render_text(result, export.comments))
    return 0


def render_text(result: OpinionResult, comments: Comments | None = None) -> str:
    """A short human-readable report of the map."""
    texts = {} if comments is None else comments.text_by_id()
    part = result.participation
    lines = [
        f"Opinion map: {result.k} group{'s' if result.k != 1 else ''} (seed {result.seed})",
        f"Participation: {part.voters:,} voters, {part.votes:,} votes "
        f"({part.votes_per_voter:.1f} per voter), {part.statements:,} statements, "
        f"{100 * part.share_clustered:.1f} % clustered",
    ]
    if result.reason:
        lines.append(f"Cannot group yet: {result.reason}")
    for group in result.groups:
        lines += ["", f"Group {group.id}: {group.size:,} participants"]
        for rep in group.representative:
            lines.append(
                f"  {rep.direction:<8} {rep.percent_in_group:5.1f} % vs {rep.percent_rest:5.1f} % "
                f"rest  {_statement(rep.statement_id, texts)}"
            )
    for direction in ("agree", "disagree"):
        shared = [c for c in result.common_ground if c.direction == direction]
        if shared:
            lines += ["", f"Common ground ({direction}: a majority of every group)"]
            lines += [
                f"  {c.percent:5.1f} %, lowest group {c.lowest_group_percent:5.1f} %  "
                f"{_statement(c.statement_id, texts)}"
                for c in shared
            ]
    for direction, items in (
        ("agree", result.consensus_agree),
        ("disagree", result.consensus_disagree),
    ):
        if items:
            lines += ["", f"Consensus ({direction}: Pol.is, a majority of everyone)"]
            lines += [f"  {c.percent:5.1f} %  {_statement(c.statement_id, texts)}" for c in items]
    if result.divisive:
        lines += ["", "Most divisive"]
        for d in result.divisive:
            nets = ", ".join(f"group {g} {v:+.2f}" for g, v in d.net_agreement.items())
            lines.append(f"  {d.divisiveness:4.2f}  {_statement(d.statement_id, texts)}  ({nets})")
    return "\n".join(lines) + "\n"


def _statement(statement_id, texts: dict) -> str:
    text = " ".join(str(texts.get(statement_id, "")).split())
    short = textwrap.shorten(text, width=70, placeholder="...") if text else ""
    return f"[{statement_id}] {short}".rstrip()


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
