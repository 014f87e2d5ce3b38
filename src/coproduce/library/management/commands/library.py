"""`coproduce library import|search|export|reindex`: the library from the command line.

    coproduce library import FILE [--dry-run] [--skip-bad-rows]
    coproduce library search "QUERY" [--kind case|method|organisation|policy] [--limit N]
                                     [--format json|text]
    coproduce library export --kind KIND --format participedia-csv|json -o FILE
    coproduce library reindex

The import prints what it created, updated and refused, line by line, and exits with 0 when it
imported and 1 when it refused the file. Search and export see what an anonymous visitor sees:
the published entries of the shared library and of public coalitions. Reindex writes the search
index of every entry afresh (after restoring a backup, or when the way words are processed
changed) and says how many entries it indexed.
"""

import json
import sys
from pathlib import Path

from django.contrib.auth.models import AnonymousUser
from django.core.management.base import CommandError
from django.db import DataError

from coproduce.core.management.base import CoproduceCommand, bad_input
from coproduce.library import exports
from coproduce.library.imports import import_participedia
from coproduce.library.models import Entry, Kind
from coproduce.library.rules import sight, visible_entries
from coproduce.library.search import index

# People write "organisation"; Participedia and the database say "organization".
KINDS = {"case": "case", "method": "method", "organisation": "organization", "policy": "policy"}
KINDS["organization"] = "organization"
SHOWN_KINDS = ("case", "method", "organisation", "policy")
LIMIT_MAX = 200
UNKNOWN_SHOWN = 50


class Command(CoproduceCommand):
    help = "The library: import Participedia's CSV exports, search entries, export them."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(
            dest="action", required=True, metavar="import|search|export|reindex"
        )
        importing = actions.add_parser("import", help="import a Participedia CSV export")
        importing.add_argument("file")
        importing.add_argument("--dry-run", action="store_true", help="report, save nothing")
        importing.add_argument(
            "--skip-bad-rows", action="store_true", help="import the good rows, list the bad"
        )
        searching = actions.add_parser("search", help="search the library")
        searching.add_argument("query")
        searching.add_argument("--kind", choices=list(KINDS), metavar="|".join(SHOWN_KINDS))
        searching.add_argument("--limit", type=int, default=10, help="at most %(default)s hits")
        searching.add_argument("--format", choices=["json", "text"], default="text")
        exporting = actions.add_parser("export", help="export entries of one kind")
        exporting.add_argument("--kind", choices=list(KINDS), required=True)
        exporting.add_argument("--format", choices=list(exports.FORMATS), required=True)
        exporting.add_argument("-o", "--output", required=True, help="file; '-' for stdout")
        actions.add_parser("reindex", help="write the search index of every entry afresh")

    def handle(self, *args, action, **options):
        if action == "import":
            return self._import(**options)
        if action == "search":
            return self._search(**options)
        if action == "reindex":
            return self._reindex()
        return self._export(**options)

    # -- import --------------------------------------------------------------------------------

    def _import(self, *, file, dry_run, skip_bad_rows, **options):
        try:
            data = Path(file).read_bytes()
        except (OSError, ValueError) as error:
            reason = getattr(error, "strerror", None) or error
            raise bad_input(f"cannot read {file}: {reason}") from error
        try:
            report = import_participedia(data, dry_run=dry_run, skip_bad_rows=skip_bad_rows)
        except DataError as error:
            raise bad_input(
                f"the database refused the file's data, nothing was saved: {error}"
            ) from error
        self._print_report(report)
        if not report.imported:
            # Status 1, not the 2 of bad input: the file was read and refused, line by line.
            raise CommandError(_summary(report), returncode=1)
        self.stdout.write(_summary(report))

    def _print_report(self, report):
        out = self.stdout.write
        verbs = ("Would create", "Would update") if report.dry_run else ("Created", "Updated")
        for title, lines in zip(verbs, (report.created, report.updated), strict=True):
            for line in lines:
                out(f"{title}: line {line.line}: id {line.source_id} {line.title}")
        refused = "Skipped" if report.imported else "Refused"
        for problem in report.refused:
            label = f" {problem.label}:" if problem.label else ""
            out(f"{refused}: line {problem.line}:{label} {problem.reason}")
        for unknown in report.unknown_values[:UNKNOWN_SHOWN]:
            out(
                f"Unknown value: line {unknown.line}: {unknown.column} = {unknown.value!r} "
                "(kept for the export)"
            )
        if len(report.unknown_values) > UNKNOWN_SHOWN:
            out(f"... and {len(report.unknown_values) - UNKNOWN_SHOWN} more unknown values")

    # -- search --------------------------------------------------------------------------------

    def _search(self, *, query, kind, limit, format, **options):
        from coproduce.library.search.engine import search

        if not 1 <= limit <= LIMIT_MAX:
            raise bad_input(f"--limit must be between 1 and {LIMIT_MAX}")
        chosen = {"kind": [KINDS[kind]]} if kind else {}
        results = search(query, sight=sight(AnonymousUser()), chosen=chosen, limit=limit)
        found = [
            {
                "id": hit.entry.pk,
                "kind": hit.entry.kind,
                "title": hit.entry.title,
                "source_id": hit.entry.source_id or None,
                "snippet": hit.snippet_text,
                "score": float(hit.score),
                "url": hit.entry.get_absolute_url(),
            }
            for hit in results.hits
        ]
        if format == "json":
            self.stdout.write(json.dumps(found, ensure_ascii=False, indent=1))
            return
        if not found:
            self.stdout.write("No entries found.")
        for number, hit in enumerate(found, 1):
            source = f", Participedia {hit['source_id']}" if hit["source_id"] else ""
            self.stdout.write(f"{number}. {hit['title']} ({Kind(hit['kind']).label}{source})")
            if hit["snippet"]:
                self.stdout.write(f"   {hit['snippet']}")

    # -- reindex -------------------------------------------------------------------------------

    def _reindex(self):
        count = index.rebuild()
        self.stdout.write(f"Indexed {count:,} entries.")

    # -- export --------------------------------------------------------------------------------

    def _export(self, *, kind, format, output, **options):
        stored = KINDS[kind]
        entries = (
            Entry.objects.filter(visible_entries(AnonymousUser()), kind=stored)
            .select_related("coalition")
            .order_by("pk")
        )
        content = exports.export_entries(stored, format, entries.iterator(chunk_size=2000))
        if output == "-":
            sys.stdout.buffer.write(content)
            return
        if Path(output).is_dir():
            raise bad_input(f"{output} is a folder; give a file name with -o")
        try:
            Path(output).write_bytes(content)
        except (OSError, ValueError) as error:  # ValueError: a NUL in the name
            reason = getattr(error, "strerror", None) or error
            raise bad_input(f"cannot write {output}: {reason}") from error
        self.stderr.write(f"Wrote {output} ({entries.count():,} entries, {len(content):,} bytes)")


def _summary(report) -> str:
    if not report.imported:
        return (
            f"Nothing imported: {len(report.refused)} bad line(s). Fix them, or import the rest "
            "with --skip-bad-rows."
        )
    verb = "Would create" if report.dry_run else "Created"
    done = (
        f"{verb} {len(report.created)}, updated {len(report.updated)}, "
        f"unchanged {len(report.unchanged)}, skipped {len(report.refused)}, "
        f"unknown values {len(report.unknown_values)}."
    )
    return f"Dry run, nothing saved. {done}" if report.dry_run else done
