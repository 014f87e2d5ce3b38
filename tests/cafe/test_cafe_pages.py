"""The World Café in the platform: setting up, seating, running rounds, notes, printables."""

import csv
import importlib
import io

import pytest
from django.apps import apps as django_apps
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from factories import (
    GuestFactory,
    MembershipFactory,
    PersonFactory,
    RegistrationFactory,
    WorkshopFactory,
)
from PIL import Image

from coproduce.cafe import services
from coproduce.cafe.models import Cafe, Note, Participant, Seat
from coproduce.coalitions.models import Role, Visibility
from coproduce.jobs.models import Job
from coproduce.people.sectors import Sector
from coproduce.workshops.models import AgendaItem, AgendaQuestion

pytestmark = pytest.mark.django_db

SECTORS = ["local_government", "research", "civil_society", "residents"]


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "green").save(buffer, "PNG")  # photos must decode (core.uploads)
    return buffer.getvalue()


PNG = _png()


def make_cafe(n_people=12, tables=3, rounds=3, visibility=Visibility.PUBLIC, sectors=SECTORS):
    organiser = MembershipFactory(role=Role.ORGANISER, coalition__visibility=visibility)
    workshop = WorkshopFactory(coalition=organiser.coalition)
    item = AgendaItem.objects.create(workshop=workshop, title="Café", kind="world_cafe", minutes=90)
    for i, (label, text) in enumerate([("POLICY", "Who owns the plan?"), ("TOOLS", "What helps?")]):
        AgendaQuestion.objects.create(agenda_item=item, label=label, text=text, order=i)
    for i in range(n_people):
        RegistrationFactory(
            workshop=workshop, display_name=f"Guest {i:02d}", sector=sectors[i % len(sectors)]
        )
    cafe = services.cafe_for(item)
    cafe.rounds = rounds
    cafe.save()
    services.set_round_questions(cafe)
    cafe.tables.all().delete()
    services.add_tables(cafe, tables, capacity=n_people // tables + 1)
    return cafe, organiser.person


def plan(cafe):
    services.make_plan(cafe)
    cafe.refresh_from_db()


def seats(cafe):
    return services.seats_by_round(cafe)


def test_cafe_for_a_world_cafe_item_gets_defaults():
    cafe, _ = make_cafe(n_people=18)
    fresh = services.cafe_for(cafe.agenda_item)
    assert fresh.pk == cafe.pk
    assert cafe.participants.count() == 18
    assert [r.question.label for r in cafe.round_questions.all()] == ["POLICY", "TOOLS", "POLICY"]


def test_only_world_cafe_items_become_cafes():
    item = AgendaItem.objects.create(
        workshop=WorkshopFactory(), title="Talk", kind="presentation", minutes=5
    )
    with pytest.raises(services.CafeError):
        services.cafe_for(item)


def test_plan_seats_everyone_once_per_round_and_records_quality(client):
    cafe, organiser = make_cafe()
    client.force_login(organiser)
    response = client.post(reverse("cafe:make_plan", args=[cafe.pk]))
    job = Job.objects.get()
    assert response["Location"] == job.get_absolute_url()
    assert job.status == "done", job.error
    cafe.refresh_from_db()
    everyone = set(cafe.participants.values_list("pk", flat=True))
    for seating_round in seats(cafe):
        seated = [p for people in seating_round.values() for p in people]
        assert sorted(seated) == sorted(everyone)
    assert cafe.plan_metrics["repeat_pairs"]["value"] >= cafe.plan_metrics["repeat_pairs"]["bound"]
    page = client.get(reverse("cafe:plan", args=[cafe.pk])).content.decode()
    assert "How good is this plan?" in page and "Round 3" in page


def test_hosts_stay_and_rules_hold():
    cafe, _ = make_cafe()
    people = list(cafe.participants.all())
    table = cafe.tables.first()
    table.host = people[0]
    table.save()
    services.add_rule(cafe, "together", people[1], people[2])
    services.add_rule(cafe, "apart", people[3], people[4])
    people[5].immobile = True
    people[5].save()
    plan(cafe)
    for seating_round in seats(cafe):
        where = {p: t for t, group in seating_round.items() for p in group}
        assert where[people[0].pk] == table.pk
        assert where[people[1].pk] == where[people[2].pk]
        assert where[people[3].pk] != where[people[4].pk]
    assert (
        len(
            {
                r[people[5].pk]
                for r in [{p: t for t, g in s.items() for p in g} for s in seats(cafe)]
            }
        )
        == 1
    )


def test_rules_refuse_the_same_pair_twice_or_a_person_with_themself():
    cafe, _ = make_cafe()
    a, b = list(cafe.participants.all())[:2]
    services.add_rule(cafe, "together", a, b)
    with pytest.raises(services.CafeError, match="already have a rule"):
        services.add_rule(cafe, "apart", b, a)
    with pytest.raises(services.CafeError, match="two different people"):
        services.add_rule(cafe, "apart", a, a)


def test_more_people_than_seats_is_explained_and_no_plan_is_made(client):
    cafe, organiser = make_cafe(n_people=12, tables=2)
    cafe.tables.update(capacity=4)
    client.force_login(organiser)
    response = client.post(reverse("cafe:make_plan", args=[cafe.pk]), follow=True)
    body = response.content.decode()
    assert "12" in body and "8" in body  # people and seats, named in the message
    assert not Job.objects.exists() and not Seat.objects.exists()


def test_new_table_rows_offer_the_next_numbers_and_save_nothing_untouched(client):
    cafe, organiser = make_cafe(tables=4)
    client.force_login(organiser)
    page = client.get(reverse("cafe:setup", args=[cafe.pk])).content.decode()
    assert 'name="tables-4-order" value="5"' in page
    assert 'name="tables-5-order" value="6"' in page
    form = client.get(reverse("cafe:setup", args=[cafe.pk])).context["tables"]
    assert [f.initial.get("order") for f in form.extra_forms] == [5, 6]
    data = {
        "cafe-rounds": "3",
        "cafe-minutes_per_round": "20",
        "cafe-question_mode": "per_round",
        "cafe-host_mode": "none",
        "rounds-TOTAL_FORMS": "3",
        "rounds-INITIAL_FORMS": "3",
        "tables-TOTAL_FORMS": "6",
        "tables-INITIAL_FORMS": "4",
    }
    for i, r in enumerate(cafe.round_questions.all()):
        data.update({f"rounds-{i}-id": str(r.pk), f"rounds-{i}-cafe": str(cafe.pk)})
    for i, t in enumerate(cafe.tables.all()):
        data.update(
            {
                f"tables-{i}-id": str(t.pk),
                f"tables-{i}-cafe": str(cafe.pk),
                f"tables-{i}-order": str(t.order),
                f"tables-{i}-name": t.name,
                f"tables-{i}-capacity": str(t.capacity),
            }
        )
    for i in (4, 5):  # the empty rows as the browser sends them back
        data.update({f"tables-{i}-order": str(i + 1), f"tables-{i}-capacity": "5"})
    response = client.post(reverse("cafe:setup", args=[cafe.pk]), data)
    assert response.status_code == 302, response.context and response.context["tables"].errors
    assert cafe.tables.count() == 4


def test_setup_form_bad_input_names_the_problem_and_saves_nothing(client):
    cafe, organiser = make_cafe()
    client.force_login(organiser)
    tables = list(cafe.tables.all())
    data = {
        "cafe-rounds": "0",
        "cafe-minutes_per_round": "20",
        "cafe-question_mode": "per_round",
        "cafe-host_mode": "fixed",
        "rounds-TOTAL_FORMS": "3",
        "rounds-INITIAL_FORMS": "3",
        "tables-TOTAL_FORMS": str(len(tables)),
        "tables-INITIAL_FORMS": str(len(tables)),
    }
    for i, r in enumerate(cafe.round_questions.all()):
        data[f"rounds-{i}-id"] = str(r.pk)
        data[f"rounds-{i}-cafe"] = str(cafe.pk)
    host = cafe.participants.first()
    for i, t in enumerate(tables):
        data.update(
            {
                f"tables-{i}-id": str(t.pk),
                f"tables-{i}-cafe": str(cafe.pk),
                f"tables-{i}-order": str(i + 1),
                f"tables-{i}-name": "Same",
                f"tables-{i}-capacity": "5",
                f"tables-{i}-host": str(host.pk),
            }
        )
    response = client.post(reverse("cafe:setup", args=[cafe.pk]), data)
    assert response.status_code == 200
    assert "rounds" in response.context["form"].errors
    data["cafe-rounds"] = "3"
    response = client.post(reverse("cafe:setup", args=[cafe.pk]), data)
    assert "cannot host both" in response.content.decode()
    cafe.refresh_from_db()
    assert cafe.rounds == 3 and not cafe.tables.filter(name="Same").exists()


def test_replan_on_the_day_keeps_round_one_and_seats_late_arrivals():
    cafe, _ = make_cafe(n_people=20, tables=4)
    plan(cafe)
    before = seats(cafe)
    services.advance_round(cafe)
    cafe.refresh_from_db()
    no_shows = list(cafe.participants.all()[:2])
    Participant.objects.filter(pk__in=[p.pk for p in no_shows]).update(present=False)
    for i in range(2):
        RegistrationFactory(workshop=cafe.workshop, display_name=f"Late {i}", sector="business")
    assert services.sync_participants(cafe) == 2
    plan(cafe)
    after = seats(cafe)
    assert after[0] == before[0]  # round 1 is under way: untouched
    late = set(cafe.participants.filter(joined_round=1).values_list("pk", flat=True))
    gone = {p.pk for p in no_shows}
    for seating_round in after[1:]:
        seated = {p for group in seating_round.values() for p in group}
        assert late <= seated and not (gone & seated)
    # Printed seats that moved: people here before and after whose table changed.
    recount = 0
    for was_round, now_round in zip(before[1:], after[1:], strict=True):
        was = {p: t for t, group in was_round.items() for p in group}
        now = {p: t for t, group in now_round.items() for p in group}
        recount += sum(1 for p, t in now.items() if p in was and was[p] != t)
    assert cafe.plan_metrics["seats_changed"] == recount


def test_the_cafe_state_is_read_in_one_place():
    cafe = Cafe(rounds=3)
    states = []
    for current in range(5):
        cafe.current_round = current
        states.append(
            (
                cafe.phase,
                cafe.shown_round,
                cafe.next_round,
                cafe.held_rounds,
                cafe.rounds_ahead,
                (cafe.has_started, cafe.is_running, cafe.is_finished),
            )
        )
    Phase = Cafe.Phase
    assert states == [
        (Phase.NOT_STARTED, 1, 1, 0, 3, (False, False, False)),
        (Phase.RUNNING, 1, 2, 1, 2, (True, True, False)),
        (Phase.RUNNING, 2, 3, 2, 1, (True, True, False)),
        (Phase.RUNNING, 3, 4, 3, 0, (True, True, False)),
        (Phase.FINISHED, 3, 4, 3, 0, (True, False, True)),
    ]
    assert list(cafe.round_numbers) == [1, 2, 3]


def test_the_seating_engine_gets_the_platforms_sectors():
    cafe, _ = make_cafe()
    problem = services.build_problem(cafe, keep_history=False)
    # The sectors people can give; "Prefer not to say" is seated freely (people.sectors).
    assert problem.allowed_sectors == tuple(v for v in Sector.values if v != Sector.NOT_GIVEN)


def test_changes_count_up_the_revision_that_job_keys_name(client):
    cafe, organiser = make_cafe()
    plan(cafe)
    before = cafe.revision
    services.add_rule(cafe, "apart", *list(cafe.participants.all())[:2])
    assert cafe.revision == Cafe.objects.get(pk=cafe.pk).revision == before + 1
    client.force_login(organiser)
    client.post(reverse("cafe:printables", args=[cafe.pk, "roster"]))
    assert Job.objects.get().fingerprint == f"cafe:{cafe.pk}:printables:roster:v{before + 1}:en"


def test_plans_stored_with_notes_keep_their_explanations():
    migration = importlib.import_module("coproduce.cafe.migrations.0005_plan_explanations")
    cafe, _ = make_cafe()
    plan(cafe)
    old = {**cafe.plan_metrics, "notes": ["2 people pinned to table 'T1'"]}
    del old["explanations"]
    Cafe.objects.filter(pk=cafe.pk).update(plan_metrics=old)
    migration.notes_to_explanations(django_apps, None)
    cafe.refresh_from_db()
    assert "notes" not in cafe.plan_metrics
    assert cafe.plan_metrics["explanations"] == ["2 people pinned to table 'T1'"]


def test_advancing_needs_a_plan_and_runs_through_the_rounds(client):
    cafe, organiser = make_cafe(rounds=2)
    client.force_login(organiser)
    response = client.post(reverse("cafe:advance", args=[cafe.pk]), {"round": 1}, follow=True)
    assert "Make a seating plan first." in response.content.decode()
    plan(cafe)
    for expected in (1, 2, 3):
        client.post(reverse("cafe:advance", args=[cafe.pk]), {"round": expected})
        cafe.refresh_from_db()
        assert cafe.current_round == expected
    assert (
        "All rounds are done" in client.get(reverse("cafe:live", args=[cafe.pk])).content.decode()
    )
    with pytest.raises(services.CafeError):
        services.advance_round(cafe)


def test_personal_page_tells_each_person_where_to_go(client):
    cafe, _ = make_cafe()
    plan(cafe)
    participant = cafe.participants.first()
    round_one = Seat.objects.get(participant=participant, round_number=1).table
    mine = reverse("cafe:mine", args=[cafe.pk])
    asked = client.get(participant.get_absolute_url()).content.decode()
    assert f"Continue as {participant.name}?" in asked and round_one.name not in asked
    assert client.get(mine).status_code == 302  # opening the link alone made nobody anybody
    response = client.post(participant.get_absolute_url())
    assert response["Location"] == mine
    page = client.get(mine).content.decode()
    assert f"Round 1 will be at {round_one.name}" in page
    services.advance_round(cafe)
    services.advance_round(cafe)
    round_two = Seat.objects.get(participant=participant, round_number=2).table
    partial = client.get(mine, headers={"HX-Request": "true"}).content.decode()
    assert f"Round 2 of 3 – go to {round_two.name}" in partial and "<html" not in partial


def test_guest_finds_their_cafe_from_the_workshop_page(client):
    cafe, _ = make_cafe()
    plan(cafe)
    participant = cafe.participants.first()
    session = client.session
    session["coproduce_guest_key"] = participant.registration.guest.key
    session.save()
    page = client.get(cafe.workshop.get_absolute_url()).content.decode()
    assert reverse("cafe:mine", args=[cafe.pk]) in page
    assert "Round 1 will be at" in client.get(reverse("cafe:mine", args=[cafe.pk])).content.decode()


def test_people_at_a_table_write_notes_others_cannot(client):
    cafe, _ = make_cafe()
    plan(cafe)
    services.advance_round(cafe)
    participant = cafe.participants.first()
    table = Seat.objects.get(participant=participant, round_number=1).table
    other_table = cafe.tables.exclude(seats__participant=participant).first()
    client.post(participant.get_absolute_url())  # "Continue as ..." on the card's page
    url = reverse("cafe:table_notes", args=[cafe.pk, table.pk])
    client.post(url, {"round_number": "1", "text": "Cities need a shared charter"})
    note = Note.objects.get()
    assert (note.table, note.round_number, note.author, note.question.label) == (
        table,
        1,
        participant,
        "POLICY",
    )
    if other_table is not None:  # not their table: only a facilitator, after logging in
        other = client.get(reverse("cafe:table_notes", args=[cafe.pk, other_table.pk]))
        assert other.status_code == 302 and "/accounts/login/" in other["Location"]
    response = client.post(url, {"round_number": "1", "text": "   "})
    assert "Write a note or add a photo." in response.content.decode()
    assert Note.objects.count() == 1


def test_photos_must_be_images_and_are_served_with_permission(client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    cafe, organiser = make_cafe(visibility=Visibility.PRIVATE)
    plan(cafe)
    table = cafe.tables.first()
    client.force_login(organiser)
    url = reverse("cafe:table_notes", args=[cafe.pk, table.pk])
    fake = SimpleUploadedFile(
        "tablecloth.jpg", b"<script>not an image</script>", content_type="image/jpeg"
    )
    response = client.post(url, {"round_number": "1", "text": "", "photo": fake})
    assert "must be a JPEG, PNG, WebP or GIF" in response.content.decode()
    real = SimpleUploadedFile("tablecloth.png", PNG, content_type="image/png")
    client.post(url, {"round_number": "2", "text": "", "photo": real})
    note = Note.objects.get()
    photo_url = reverse("cafe:note_photo", args=[note.pk])
    assert client.get(photo_url)["Content-Type"] == "image/jpeg"  # every photo is kept as JPEG
    client.force_login(PersonFactory())
    assert client.get(photo_url).status_code == 404


def test_notes_cannot_change_after_the_cafe_closes(client):
    cafe, organiser = make_cafe()
    plan(cafe)
    table = cafe.tables.first()
    note = services.save_note(cafe, table=table, round_number=1, text="Before closing")
    client.force_login(organiser)
    client.post(reverse("cafe:close", args=[cafe.pk]), {"confirm": "1"})
    client.post(reverse("cafe:edit_note", args=[note.pk]), {"round_number": "1", "text": "Changed"})
    note.refresh_from_db()
    assert note.text == "Before closing"
    with pytest.raises(services.CafeError):
        services.save_note(Cafe.objects.get(pk=cafe.pk), table=table, round_number=1, text="late")


def test_harvest_groups_notes_by_question_and_by_table(client):
    cafe, _ = make_cafe()
    plan(cafe)
    tables = list(cafe.tables.all())
    services.save_note(cafe, table=tables[0], round_number=1, text="Charter first")
    services.save_note(cafe, table=tables[1], round_number=2, text="Use World Cafés")
    services.save_note(cafe, table=tables[1], round_number=3, text="Budget matters")
    by_question = client.get(reverse("cafe:harvest", args=[cafe.pk])).context["groups"]
    assert [(g["title"], len(g["notes"])) for g in by_question] == [
        ("POLICY: Who owns the plan?", 2),
        ("TOOLS: What helps?", 1),
    ]
    by_table = client.get(reverse("cafe:harvest", args=[cafe.pk]), {"by": "table"}).context[
        "groups"
    ]
    assert [(g["title"], len(g["notes"])) for g in by_table] == [
        (tables[0].name, 1),
        (tables[1].name, 2),
    ]


def test_breakout_csv_lists_online_tables_and_defuses_formulas(client):
    cafe, organiser = make_cafe(n_people=6, tables=2)
    online = cafe.tables.first()
    online.online = True
    online.save()
    cafe.participants.update(online=False)
    first = cafe.participants.first()
    first.registration.display_name = "=HYPERLINK(1)"
    first.registration.save()
    Participant.objects.filter(pk__in=[p.pk for p in cafe.participants.all()[:3]]).update(
        online=True
    )
    plan(cafe)
    client.force_login(organiser)
    body = client.get(reverse("cafe:breakout_csv", args=[cafe.pk]), {"round": "1"}).content.decode()
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[0] == ["Pre-assign Room Name", "Email Address"]
    assert len(rows) == 4 and all(row[0] == online.name for row in rows[1:])
    assert "'=HYPERLINK(1)" in body


@pytest.mark.parametrize("kind", ["roster", "cards", "badges"])
def test_printables_are_pdfs(client, kind):
    cafe, organiser = make_cafe()
    plan(cafe)
    client.force_login(organiser)
    client.post(reverse("cafe:printables", args=[cafe.pk, kind]))
    job = Job.objects.get(kind="cafe.printables")
    assert job.status == "done", job.error
    assert job.file.read(5) == b"%PDF-"
    assert job.result["pages"] >= 1


def test_printables_asked_for_in_another_language_are_made_in_it(client):
    """A Spanish facilitator asking after an English one gets Spanish cards, not the file
    made a minute before."""
    cafe, organiser = make_cafe()
    plan(cafe)
    client.force_login(organiser)
    url = reverse("cafe:printables", args=[cafe.pk, "roster"])
    client.post(url)
    client.post(url, headers={"Accept-Language": "es"})
    english, spanish = Job.objects.filter(kind="cafe.printables").order_by("created_at")
    assert english.pk != spanish.pk and spanish.params["language"] == "es"
    client.post(url)  # the English file is handed back, not made again
    assert Job.objects.filter(kind="cafe.printables").count() == 2


@pytest.mark.parametrize("name", ["setup", "people", "plan", "live", "screen", "harvest"])
def test_cafe_pages_of_a_private_coalition(client, name):
    cafe, _ = make_cafe(visibility=Visibility.PRIVATE)
    url = reverse(f"cafe:{name}", args=[cafe.pk])
    client.force_login(PersonFactory())
    assert client.get(url).status_code == 404
    member = MembershipFactory(coalition=cafe.coalition, role=Role.MEMBER).person
    client.force_login(member)
    assert client.get(url).status_code == (200 if name == "harvest" else 403)
    facilitator = MembershipFactory(coalition=cafe.coalition, role=Role.FACILITATOR).person
    client.force_login(facilitator)
    assert client.get(url).status_code == 200


@pytest.mark.parametrize("name", ["make_plan", "advance", "close", "add_newcomers"])
def test_cafe_changes_by_a_member_are_refused(client, name):
    cafe, _ = make_cafe(visibility=Visibility.PRIVATE)
    client.force_login(MembershipFactory(coalition=cafe.coalition, role=Role.MEMBER).person)
    assert client.post(reverse(f"cafe:{name}", args=[cafe.pk])).status_code == 403
    cafe.refresh_from_db()
    assert (cafe.current_round, cafe.closed_at, Seat.objects.count(), Job.objects.count()) == (
        0,
        None,
        0,
        0,
    )


def _queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_cafe_pages_run_the_same_queries_for_small_and_large_cafes(client):
    counts = {}
    for size, tables in ((12, 3), (120, 24)):
        cafe, organiser = make_cafe(n_people=size, tables=tables)
        plan(cafe)
        services.advance_round(cafe)
        client.force_login(organiser)
        counts[size] = [
            _queries(client, reverse(f"cafe:{n}", args=[cafe.pk]))
            for n in ("plan", "live", "screen", "harvest")
        ]
    assert counts[12] == counts[120]


def test_guest_cannot_open_someone_elses_card_without_its_key(client):
    cafe, _ = make_cafe()
    assert client.get(reverse("cafe:personal", args=["not-a-real-key"])).status_code == 404
    assert GuestFactory()  # a guest with no registration is nobody in the café
    assert client.get(reverse("cafe:mine", args=[cafe.pk])).status_code == 302


def test_the_plan_figures_speak_plainly_and_explain_only_what_needs_explaining(client):
    cafe, organiser = make_cafe()
    client.force_login(organiser)
    figures = {
        "repeat_pairs": {"value": 2, "bound": 0},
        "pair_cost": {"value": 2, "bound": 0},
        "sector_deviation": {"value": 0, "bound": 0},
        "min_distinct_met": {"value": 6, "bound": 8},
        "explanations": ["2 people pinned to table 'T1'"],
    }
    Cafe.objects.filter(pk=cafe.pk).update(plan_metrics=figures)
    page = client.get(reverse("cafe:plan", args=[cafe.pk])).content.decode()
    assert "How good is this plan?" in page and "perhaps not" in page
    for developer_words in ("C(m, 2)", "not proved", "best possible is not zero"):
        assert developer_words not in page
    assert "Why no plan can do better" not in page  # every least possible figure is zero

    # A plan stored before reasons had codes: its English sentences for developers stay out.
    figures["repeat_pairs"]["bound"] = 2
    Cafe.objects.filter(pk=cafe.pk).update(plan_metrics=figures)
    page = client.get(reverse("cafe:plan", args=[cafe.pk])).content.decode()
    assert "Why no plan can do better" in page and "Make the plan again" in page
    assert "pinned to table" not in page

    first, second = cafe.participants.order_by("pk")[:2]
    table = cafe.tables.first()
    figures["reasons"] = [
        {
            "code": "pinned_table",
            "count": 2,
            "table": table.pk,
            "people": [first.pk, second.pk],
            "repeats": 2,
            "online": False,
        },
        {"code": "transition", "online": False, "repeats": 1},
    ]
    Cafe.objects.filter(pk=cafe.pk).update(plan_metrics=figures)
    page = client.get(reverse("cafe:plan", args=[cafe.pk])).content.decode()
    assert "Why no plan can do better" in page and "pinned to table" not in page
    assert f"{first.name}, {second.name} stay at {table.name} every round" in page
    assert "2 repeated meetings" in page and "at least 1 pair meets again" in page
    assert str(table.pk) not in page.split("Why no plan can do better")[1].split("</ul>")[0]
