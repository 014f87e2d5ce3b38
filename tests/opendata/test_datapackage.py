"""The pure Data Package writer: tables with inferred types, resources with sizes and hashes,
the package with its licence."""

import csv
import hashlib
import io
import json
from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from coproduce.opendata import datapackage
from coproduce.opendata.datapackage import Resource


def test_table_writes_columns_in_order_of_first_appearance_and_infers_types():
    rows = [
        {
            "slug": "a",
            "places": 40,
            "share": 0.5,
            "open": True,
            "when": "2018-06-20T09:30:00+01:00",
        },
        {"slug": "b", "places": "", "share": 2, "open": False, "tags": ["x", "y"]},
    ]
    content, schema = datapackage.table(rows)
    read = list(csv.DictReader(io.StringIO(content.decode(), newline="")))
    assert list(read[0]) == ["slug", "places", "share", "open", "when", "tags"]
    assert read[1]["tags"] == '["x", "y"]' and read[1]["when"] == ""
    types = {field["name"]: field["type"] for field in schema["fields"]}
    assert types == {
        "slug": "string",
        "places": "integer",
        "share": "number",
        "open": "boolean",
        "when": "datetime",
        "tags": "string",
    }


def test_a_column_is_only_as_narrow_as_its_widest_value():
    _content, schema = datapackage.table([{"n": "1"}, {"n": "1.5"}, {"n": "a lot"}])
    assert schema["fields"] == [{"name": "n", "type": "string"}]
    _content, schema = datapackage.table([{"n": "2018-06-20"}])  # a date, not a date and time
    assert schema["fields"][0]["type"] == "string"


def test_package_describes_every_resource_with_its_size_hash_and_licence():
    files = [
        Resource("workshops.csv", b"slug\na\n", title="Workshops", schema={"fields": []}),
        Resource(
            "library/case.csv",
            b"id\n1\n",
            title="Cases",
            licence={"name": "CC-BY-NC-SA-3.0", "path": "https://example.org"},
        ),
    ]
    created = datetime(2026, 12, 6, 2, 0, tzinfo=UTC)
    described = datapackage.package(
        name="Coproduce GM!", title="GM", licence_key="CC-BY-4.0", created=created, resources=files
    )
    assert described["name"] == "coproduce-gm" and described["profile"] == "data-package"
    assert described["licenses"][0]["name"] == "CC-BY-4.0"
    first, second = described["resources"]
    assert first["bytes"] == 7 and first["mediatype"] == "text/csv"
    assert first["hash"] == "sha256:" + hashlib.sha256(b"slug\na\n").hexdigest()
    assert "licenses" not in first and second["licenses"][0]["name"] == "CC-BY-NC-SA-3.0"
    assert second["name"] == "library-case.csv"
    json.loads(datapackage.json_bytes(described))  # valid JSON


def test_an_unknown_licence_is_refused():
    with pytest.raises(KeyError):
        datapackage.licence("all rights reserved")


@given(st.text())
def test_resource_names_keep_to_the_allowed_characters(path):
    name = datapackage.resource_name(path)
    assert name and all(c in "abcdefghijklmnopqrstuvwxyz0123456789._-" for c in name)


@given(st.lists(st.dictionaries(st.sampled_from("abc"), st.text() | st.integers()), max_size=5))
def test_any_rows_come_back_from_the_csv(rows):
    content, schema = datapackage.table(rows)
    read = list(csv.reader(io.StringIO(content.decode(), newline="")))
    names = [field["name"] for field in schema["fields"]]
    assert read[0] == names if rows else True
    for row, cells in zip(rows, read[1:], strict=True):
        assert cells == [str(row[name]) if name in row else "" for name in names]
