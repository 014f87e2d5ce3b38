"""Describing an open-data bundle as a Frictionless Data Package (datapackage.json), and the
tables it holds as CSV. Pure: lists of dicts in, bytes and JSON-ready dicts out, no Django.

A Data Package is what data portals (CKAN, the Frictionless tools, many councils' open-data
sites) read to know what each file of a bundle is: its path, format, size, hash, licence and,
for a table, its columns and their types. Types are inferred from the values: a column is an
integer only if every value that is not empty is one, and so on down to string.
"""

import csv
import hashlib
import io
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

PROFILE = "data-package"
# The licences a coalition may choose, as the Open Definition names them.
LICENCES: dict[str, dict[str, str]] = {
    "CC-BY-4.0": {
        "title": "Creative Commons Attribution 4.0",
        "path": "https://creativecommons.org/licenses/by/4.0/",
    },
    "CC-BY-SA-4.0": {
        "title": "Creative Commons Attribution Share-Alike 4.0",
        "path": "https://creativecommons.org/licenses/by-sa/4.0/",
    },
    "ODbL-1.0": {
        "title": "Open Data Commons Open Database License 1.0",
        "path": "https://opendatacommons.org/licenses/odbl/1-0/",
    },
    "CC0-1.0": {
        "title": "CC0 1.0",
        "path": "https://creativecommons.org/publicdomain/zero/1.0/",
    },
}
_NAME = re.compile(r"[^a-z0-9._-]+")
_INTEGER = re.compile(r"-?\d+")
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?")


@dataclass
class Resource:
    """One file of the bundle. `licence` differs from the package's where the data came
    under its own (Participedia's entries: CC BY-NC-SA)."""

    path: str
    content: bytes
    title: str
    description: str = ""
    schema: dict | None = None
    licence: dict[str, str] | None = None
    extra: dict = field(default_factory=dict)

    def describe(self) -> dict:
        suffix = self.path.rsplit(".", 1)[-1].lower()
        described = {
            "name": resource_name(self.path),
            "path": self.path,
            "title": self.title,
            "format": suffix,
            "mediatype": {"csv": "text/csv", "json": "application/json"}.get(suffix, ""),
            "encoding": "utf-8",
            "bytes": len(self.content),
            "hash": "sha256:" + hashlib.sha256(self.content).hexdigest(),
        }
        if self.description:
            described["description"] = self.description
        if self.schema is not None:
            described["schema"] = self.schema
        if self.licence is not None:
            described["licenses"] = [self.licence]
        return {**described, **self.extra}


def resource_name(path: str) -> str:
    """A resource's name as the specification wants it: lower case, digits, '.', '_', '-'."""
    return _NAME.sub("-", path.lower()).strip("-") or "resource"


def licence(key: str) -> dict[str, str]:
    """The licence as a Data Package lists it; KeyError for a key not in LICENCES."""
    return {"name": key, **LICENCES[key]}


def package(
    *,
    name: str,
    title: str,
    licence_key: str,
    created: datetime,
    resources: Sequence[Resource],
    homepage: str = "",
    description: str = "",
) -> dict:
    """The datapackage.json of a bundle of these resources."""
    described = {
        "profile": PROFILE,
        "name": resource_name(name),
        "title": title,
        "licenses": [licence(licence_key)],
        "created": created.isoformat(),
        "resources": [resource.describe() for resource in resources],
    }
    if homepage:
        described["homepage"] = homepage
    if description:
        described["description"] = description
    return described


def json_bytes(value) -> bytes:
    return (json.dumps(value, ensure_ascii=False, indent=2, sort_keys=False) + "\n").encode()


def table(rows: Iterable[Mapping]) -> tuple[bytes, dict]:
    """Rows as CSV (columns in order of first appearance; a value that is a list or a dict
    is written as JSON) and the table's schema with each column's inferred type."""
    rows = [dict(row) for row in rows]
    columns: dict[str, None] = {}
    for row in rows:
        columns.update(dict.fromkeys(row))
    cells = [[_cell(row.get(column)) for column in columns] for row in rows]
    stream = io.StringIO()
    # RFC 4180's line ends (the Data Package default): a cell holding a lone carriage return
    # is then quoted, where with "\n" it would end the row for every reader.
    writer = csv.writer(stream, lineterminator="\r\n")
    writer.writerow(list(columns))
    writer.writerows(cells)
    fields = [
        {"name": column, "type": _type([row[at] for row in cells])}
        for at, column in enumerate(columns)
    ]
    return stream.getvalue().encode(), {"fields": fields}


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | dict | tuple):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def _type(values: list[str]) -> str:
    present = [value for value in values if value != ""]
    if not present:
        return "string"
    if all(value in ("true", "false") for value in present):
        return "boolean"
    if all(_INTEGER.fullmatch(value) for value in present):
        return "integer"
    if all(_NUMBER.fullmatch(value) for value in present):
        return "number"
    if all(_is_datetime(value) for value in present):
        return "datetime"
    return "string"


def _is_datetime(value: str) -> bool:
    if len(value) < 19 or value[4] != "-" or "T" not in value:
        return False
    try:
        datetime.fromisoformat(value)
    except ValueError:
        return False
    return True
