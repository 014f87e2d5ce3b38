"""Importing a Participedia CSV export into the shared library through the API, as
`coproduce library import` does on the command line: the same reading, checks and report.

The file travels as a JSON string, so it is text by then: a byte that is not UTF-8 cannot
arrive, and the body's limit (API_MAX_BODY_BYTES, about a thousand cases) bounds the work done in
one request. A whole export is imported in several calls, or with the command. Imported entries
are published at once, so only the shared library's moderators may import (library/rules.py).
"""

from django.db import DataError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from ninja import Router, Schema
from pydantic import Field

from coproduce.coalitions.permissions import Action
from coproduce.library.imports import ImportReport, import_participedia
from coproduce.library.rules import SHARED_LIBRARY

from .doors import api_door
from .problems import ApiProblem
from .responses import answers
from .schemas import Body

router = Router(tags=[gettext_noop("Library")])
SHOWN = 1000  # lines listed per group in an answer; the counts are always whole


class NewImport(Body):
    csv: str = Field(
        min_length=1, description="The CSV export, as Participedia gives it (cases or methods)"
    )
    dry_run: bool = Field(False, description="Check and report, save nothing")
    skip_bad_rows: bool = Field(False, description="Import the good lines, list the bad ones")


class ImportedLine(Schema):
    line: int  # in the file; line 1 is the header
    source_id: str  # Participedia's id
    title: str


class RefusedLine(Schema):
    line: int
    label: str  # "id 7 (title)", or empty when the line gave neither
    reason: str


class UnknownValue(Schema):
    line: int
    column: str
    value: str


class ImportOut(Schema):
    imported: bool  # the good lines were saved (or, in a dry run, would have been)
    dry_run: bool
    created: int
    updated: int
    unchanged: int
    skipped: int
    created_lines: list[ImportedLine]
    updated_lines: list[ImportedLine]
    skipped_lines: list[RefusedLine]
    unknown_values: list[UnknownValue]  # values the library has no place for, kept for export


def find_library(request):
    return SHARED_LIBRARY


@router.post(
    "/library/imports/",
    response=answers(ImportOut),
    summary=gettext_noop("Import a Participedia CSV export into the shared library"),
    description=gettext_noop(
        "Cases or methods, each row's kind from its type column. A second import of the same "
        "rows updates the entries it made, never duplicates them. One bad line and nothing is "
        "saved, unless skip_bad_rows is set: the answer names every bad line and why. The "
        "shared library's moderators may import; entries are published at once."
    ),
)
@api_door(Action.MODERATE_ENTRY, find=find_library)
def import_csv(request, library, upload: NewImport):
    try:
        report = import_participedia(
            upload.csv.encode(),
            dry_run=upload.dry_run,
            skip_bad_rows=upload.skip_bad_rows,
            by=request.user,
        )
    except DataError as error:
        raise ApiProblem(
            422, _("The database refused the file's data; nothing was saved: %s") % error
        ) from None
    if not report.imported:
        raise _refused(report)
    return _answer(report)


def _refused(report: ImportReport) -> ApiProblem:
    errors = [
        {"field": "csv", "location": "body", "message": _line_message(problem)}
        for problem in report.refused[:SHOWN]
    ]
    detail = _(
        "Nothing imported: %(n)d bad line(s). Fix them, or send skip_bad_rows to import the rest."
    ) % {"n": len(report.refused)}
    return ApiProblem(422, detail, errors=errors)


def _line_message(problem) -> str:
    where = _("line %(line)d") % {"line": problem.line}
    if problem.label:
        where = f"{where}, {problem.label}"
    return f"{where}: {problem.reason}"


def _answer(report: ImportReport) -> dict:
    def lines(found):
        return [{"line": x.line, "source_id": x.source_id, "title": x.title} for x in found[:SHOWN]]

    return {
        "imported": report.imported,
        "dry_run": report.dry_run,
        "created": len(report.created),
        "updated": len(report.updated),
        "unchanged": len(report.unchanged),
        "skipped": len(report.refused),
        "created_lines": lines(report.created),
        "updated_lines": lines(report.updated),
        "skipped_lines": [
            {"line": p.line, "label": p.label, "reason": p.reason} for p in report.refused[:SHOWN]
        ],
        "unknown_values": [
            {"line": u.line, "column": u.column, "value": u.value}
            for u in report.unknown_values[:SHOWN]
        ],
    }
