"""Library entries written out: as Participedia's CSV export, or as JSON.

Participedia CSV: the kind's columns in Participedia's order, UTF-8 with a byte-order mark as
Participedia writes it. An entry imported from Participedia gives back its row (Participedia's
id, the columns the library keeps aside, the cells as given while the fields read the same). An
entry of our own has an empty ``id``: our numbers are not Participedia's, and written into its
``id`` column they would make an import (here or elsewhere) update whichever Participedia entry
happens to have that number. Its ``url`` is its first source link.

Cells that look like a formula to a spreadsheet get a leading quote (``core.csvfiles``); the
import takes it off again. Numbers are written as numbers, so ``-2.24`` stays ``-2.24``.

JSON: a list of objects with every field, the source and its id (null when the entry is our
own), and ``url``, the path of the entry's page here.
"""

import csv
import io
import json
import re

from coproduce.core import csvfiles

from . import participedia, services
from .imports import SOURCE
from .models import Entry

FORMATS = ("participedia-csv", "json")
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")


def export_entries(kind: str, fmt: str, entries) -> bytes:
    """``entries`` (an iterable of Entry, all of ``kind``) in the format ``fmt``."""
    if fmt == "participedia-csv":
        return _csv(kind, entries)
    if fmt == "json":
        return _json(entries)
    raise ValueError(f"Unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")


def row_of(entry: Entry) -> dict:
    """The Participedia row of one entry (columns of its kind)."""
    from_there = entry.source == SOURCE
    row = participedia.to_row(
        services.snapshot(entry), entry.participedia if from_there else {}, entry.kind
    )
    row["id"] = entry.source_id if from_there else ""
    return row


def _csv(kind: str, entries) -> bytes:
    columns = participedia.columns_for(kind)
    stream = io.StringIO()
    # Participedia's files end lines with LF and quote only where needed.
    writer = csvfiles.writer(stream, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(columns)
    for entry in entries:
        row = row_of(entry)
        writer.writerow([_cell(row[name]) for name in columns])
    return ("\ufeff" + stream.getvalue()).encode("utf-8")


def _cell(text: str):
    """A number as a number (a spreadsheet cannot run it, so it needs no quote), when writing
    it back gives exactly the same text."""
    if _NUMBER.fullmatch(text):
        number = float(text) if "." in text else int(text)
        if str(number) == text:
            return number
    return text


def _json(entries) -> bytes:
    return json.dumps([_object(entry) for entry in entries], ensure_ascii=False, indent=1).encode(
        "utf-8"
    )


def _object(entry: Entry) -> dict:
    found = {"id": entry.pk, **services.snapshot(entry)}
    found.update(
        {
            "status": entry.status,
            "coalition": entry.coalition.slug if entry.coalition_id else None,
            "source": entry.source or None,
            "source_id": entry.source_id or None,
            "source_url": entry.source_url or None,
            "url": entry.get_absolute_url(),
            "created_at": entry.created_at.isoformat(),
            "updated_at": entry.updated_at.isoformat(),
            "participedia": {
                name: value
                for name, value in entry.participedia.items()
                if not name.startswith("_")
            },
        }
    )
    return found
