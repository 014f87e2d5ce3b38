"""Importing Participedia's CSV exports through the API: what the command does, for the shared
library's moderators only, with every bad line named and nothing saved unless asked."""

import json
from pathlib import Path

import pytest
from django.test import Client
from factories import PersonFactory

from coproduce.library.models import Entry, Status
from coproduce.people import tokens

pytestmark = pytest.mark.django_db

DATA = Path(__file__).parents[1] / "data/participedia"
URL = "/api/library/imports/"


def csv(name: str) -> str:
    """The file as a program would send it in JSON: text, the byte-order mark kept. broken.csv's
    byte that is not UTF-8 cannot travel in JSON; a program would have to replace it."""
    return (DATA / name).read_bytes().decode("utf-8", errors="replace")


def caller(person=None, *, write=True) -> Client:
    person = person or PersonFactory(is_staff=True)
    _token, raw = tokens.issue(person, name="import", write=write)
    return Client(headers={"authorization": f"Bearer {raw}"})


def post(client: Client, **body):
    return client.post(URL, json.dumps(body), content_type="application/json")


def test_a_moderator_imports_cases_and_a_second_import_changes_nothing():
    client = caller()
    first = post(client, csv=csv("cases.csv"))
    assert first.status_code == 200, first.content
    answer = first.json()
    assert answer["imported"] and not answer["dry_run"]
    assert answer["created"] == len(answer["created_lines"]) > 0
    made = Entry.objects.filter(source="participedia")
    assert made.count() == answer["created"]
    assert set(made.values_list("status", flat=True)) == {Status.PUBLISHED}
    assert {line["source_id"] for line in answer["created_lines"]} == set(
        made.values_list("source_id", flat=True)
    )
    again = post(client, csv=csv("cases.csv")).json()
    assert (again["created"], again["updated"]) == (0, 0)
    assert again["unchanged"] == answer["created"]
    assert made.count() == answer["created"]


def test_a_dry_run_reports_and_saves_nothing():
    answer = post(caller(), csv=csv("methods.csv"), dry_run=True).json()
    assert answer["dry_run"] and answer["imported"] and answer["created"] > 0
    assert not Entry.objects.exists()


def test_a_broken_file_is_refused_whole_and_every_bad_line_named():
    client = caller()
    post(client, csv=csv("methods.csv"))
    before = set(Entry.objects.values_list("pk", "updated_at"))
    response = post(client, csv=csv("broken.csv"))
    assert response.status_code == 422
    assert response["Content-Type"].startswith("application/problem+json")
    problem = response.json()
    assert problem["errors"], problem
    assert all(error["field"] == "csv" for error in problem["errors"])
    assert all(error["message"].startswith("line ") for error in problem["errors"])
    assert set(Entry.objects.values_list("pk", "updated_at")) == before


def test_skip_bad_rows_imports_the_rest_and_lists_the_skipped():
    response = post(caller(), csv=csv("broken.csv"), skip_bad_rows=True)
    assert response.status_code == 200, response.content
    answer = response.json()
    assert answer["skipped"] == len(answer["skipped_lines"]) > 0
    assert Entry.objects.count() == answer["created"] > 0
    refused_lines = {line["line"] for line in answer["skipped_lines"]}
    assert refused_lines.isdisjoint(line["line"] for line in answer["created_lines"])


def test_a_wrong_header_is_named():
    problem = post(caller(), csv=csv("wrong-header.csv")).json()
    assert problem["status"] == 422
    assert problem["errors"][0]["message"].startswith("line 1")
    assert not Entry.objects.exists()


@pytest.mark.parametrize(
    "body, field",
    [
        ({}, "csv"),
        ({"csv": ""}, "csv"),
        ({"csv": "id,type\n", "dry_run": "maybe"}, "dry_run"),
        ({"csv": "id,type\n", "as": "staff"}, "as"),
    ],
)
def test_bad_bodies_name_their_field(body, field):
    problem = post(caller(), **body).json()
    assert problem["status"] == 422
    assert field in [error["field"] for error in problem["errors"]]


def test_only_the_shared_librarys_moderators_import():
    assert post(Client(), csv=csv("methods.csv")).status_code == 401
    assert post(caller(PersonFactory()), csv=csv("methods.csv")).status_code == 403
    assert post(caller(write=False), csv=csv("methods.csv")).status_code == 403
    assert not Entry.objects.exists()
