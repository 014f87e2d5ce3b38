"""`coproduce export COALITION -o FILE.json`: one JSON document of a whole coalition, with
what each capability registers, for the operator or for one person's eyes."""

import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from factories import (
    CoalitionFactory,
    MembershipFactory,
    PersonFactory,
    RegistrationFactory,
    WorkshopFactory,
)

from coproduce.coalitions.exporting import export, register_export
from coproduce.coalitions.models import Role, Visibility
from coproduce.coalitions.permissions import Visitor

pytestmark = pytest.mark.django_db


def _exported(tmp_path, *args) -> dict:
    out = tmp_path / "coalition.json"
    call_command("export", *args, "-o", str(out))
    return json.loads(out.read_text(encoding="utf-8"))


def test_the_export_names_the_coalition_and_its_workshops_by_slug_or_number(tmp_path):
    coalition = CoalitionFactory(name="Coalition for Change", slug="gm-change")
    later = WorkshopFactory(coalition=coalition, title="Second")
    # A fixed morning, so the test does not depend on the hour it runs at.
    first_starts = later.starts_at.replace(year=2018, month=11, day=6, hour=9, minute=30)
    first = WorkshopFactory(
        coalition=coalition,
        title="First",
        starts_at=first_starts,
        ends_at=first_starts.replace(hour=17),
    )
    RegistrationFactory(workshop=first)
    WorkshopFactory(title="Someone else's")

    by_slug = _exported(tmp_path, "gm-change")
    by_number = _exported(tmp_path, str(coalition.pk))

    assert by_slug == by_number
    assert by_slug["coalition"] == {
        "slug": "gm-change",
        "name": "Coalition for Change",
        "visibility": "public",
    }
    assert [w["title"] for w in by_slug["workshops"]] == ["First", "Second"]
    assert by_slug["workshops"][0]["slug"] == first.slug
    assert by_slug["workshops"][0]["registrations_by_sector"] == {"residents": 1}
    for key in ("charters", "assessments"):  # the later capabilities add their parts
        assert isinstance(by_slug[key], list)


def test_registration_counts_are_for_members_only(tmp_path):
    coalition = CoalitionFactory()
    RegistrationFactory(workshop=WorkshopFactory(coalition=coalition))
    member = MembershipFactory(coalition=coalition, role=Role.OBSERVER).person
    outsider = PersonFactory()

    seen_by_member = _exported(tmp_path, coalition.slug, "--as", member.email)
    seen_by_outsider = _exported(tmp_path, coalition.slug, "--as", outsider.email)

    assert seen_by_member["workshops"][0]["registrations_by_sector"] == {"residents": 1}
    assert "registrations_by_sector" not in seen_by_outsider["workshops"][0]


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["no-such-coalition"], "no coalition 'no-such-coalition'"),
        (["999999"], "no coalition '999999'"),
        (["{slug}", "--as", "nobody@example.org"], "no person with the email"),
        (["{slug}", "--as", "{outsider}"], "may not see the coalition"),
    ],
)
def test_bad_input_is_one_clear_line_and_writes_nothing(tmp_path, args, words):
    coalition = CoalitionFactory(visibility=Visibility.PRIVATE)
    outsider = PersonFactory()
    args = [a.format(slug=coalition.slug, outsider=outsider.email) for a in args]
    out = tmp_path / "out.json"
    with pytest.raises(CommandError, match=words) as refused:
        call_command("export", *args, "-o", str(out))
    assert refused.value.returncode == 2
    assert not out.exists()


def test_an_unwritable_file_is_named(tmp_path):
    coalition = CoalitionFactory()
    missing = tmp_path / "no-such-folder" / "out.json"
    with pytest.raises(CommandError, match="cannot write"):
        call_command("export", coalition.slug, "-o", str(missing))


def test_parts_come_in_their_order_and_see_with_the_visitors_eyes():
    coalition = CoalitionFactory()
    seen = []
    register_export("zz_test_part", lambda c, v: seen.append(v) or {"for": c.slug}, order=999)
    visitor = Visitor(PersonFactory())
    try:
        document = export(coalition, visitor)
    finally:
        from coproduce.coalitions import exporting

        exporting._parts.pop("zz_test_part")
    assert list(document)[0] == "coalition"
    assert list(document)[-1] == "zz_test_part"
    assert document["zz_test_part"] == {"for": coalition.slug}
    assert seen == [visitor]
