"""What came of a workshop: in its report, in the coalition's report, and on the page of
someone who took part ("My workshops"), who sees the actions traced to what they said."""

import pytest
from cafe.test_notes_history import seated_cafe
from django.urls import reverse
from factories import OrganisationFactory, PersonFactory

from coproduce.cafe.models import Note
from coproduce.coalitions.models import Visibility
from coproduce.plans import sections, services
from coproduce.plans.models import Kind
from coproduce.plans.services import ActionDraft
from coproduce.reports.document import Document
from coproduce.reports.document.markdown import to_markdown
from coproduce.workshops import demo
from coproduce.workshops.models import Workshop

pytestmark = pytest.mark.django_db


def _markdown(section) -> str:
    return to_markdown(Document(title="", sections=(section,)))


def test_the_reports_say_what_came_of_the_workshop_and_of_each_theme():
    demo.load_demo()
    workshop = Workshop.objects.get(slug=demo.WORKSHOP_SLUG)
    in_workshop = _markdown(sections.for_workshop(workshop))
    assert "Publish what happened to each idea from the workshop" in in_workshop
    assert "Greater Manchester Combined Authority" in in_workshop
    assert "Name the decision each coproduction project feeds" not in in_workshop  # no source
    in_coalition = _markdown(sections.for_coalition(workshop.coalition))
    assert "You said, we did" in in_coalition
    assert "No action: The partners agreed" in in_coalition  # the theme answered with a reason
    assert "(overdue)" in in_coalition
    assert "Dropped" in in_coalition


def test_a_workshop_of_a_coalition_without_a_plan_has_no_such_section():
    demo.load_demo()
    workshop = Workshop.objects.get(slug=demo.WORKSHOP_SLUG)
    workshop.coalition.plans.all().delete()
    assert sections.for_workshop(workshop) is None
    assert sections.for_coalition(workshop.coalition) is None


def _action_from_a_note(private: bool = False):
    cafe, table, people, facilitator = seated_cafe()
    writer = people["writer"]
    person = PersonFactory()
    writer.registration.person, writer.registration.guest = person, None
    writer.registration.save()
    note = Note.objects.create(
        cafe=cafe, table=table, round_number=1, text="Pay residents", author=writer
    )
    coalition = cafe.agenda_item.workshop.coalition
    if private:
        coalition.visibility = Visibility.PRIVATE
        coalition.save()
    charity = OrganisationFactory(name="Community Trust")
    coalition.organisations.add(charity)
    plan = services.start_plan(coalition, title="Our plan")
    goal = services.add_goal(plan, title="Recognise people's time")
    action = services.add_action(
        goal, ActionDraft(title="Pay residents for their time", owners=[charity], progress=25)
    )
    services.link_source(action, Kind.NOTE, note)
    other = people["other"]
    other.registration.person, other.registration.guest = PersonFactory(), None
    other.registration.save()
    return person, other.registration.person, action


def test_the_person_who_wrote_the_note_sees_the_action_on_their_page(client):
    writer, neighbour, action = _action_from_a_note()
    client.force_login(writer)
    page = client.get(reverse("mine")).content.decode()
    assert "What came of what you said" in page
    assert "Pay residents for their time" in page
    assert "from your note" in page
    assert reverse("plans:action", args=[action.coalition.slug, action.pk]) in page
    client.force_login(neighbour)  # at the same workshop, not the note's writer
    page = client.get(reverse("mine")).content.decode()
    assert "Pay residents for their time" in page
    assert "from your note" not in page


def test_a_private_coalitions_actions_stay_with_its_members(client):
    writer, _neighbour, _action = _action_from_a_note(private=True)
    client.force_login(writer)  # registered for the workshop, not a member of the coalition
    page = client.get(reverse("mine")).content.decode()
    assert "Pay residents for their time" not in page


def test_an_action_from_a_theme_that_gathered_my_note_is_from_my_note(client):
    from coproduce.reports.models import WorkshopReport

    writer, neighbour, action = _action_from_a_note()
    action.sources.all().delete()  # traced to the theme only, not to the note itself
    note = Note.objects.get(text="Pay residents")
    workshop = note.cafe.agenda_item.workshop
    theme = {"id": 1, "label": "Paying for time", "note_ids": [note.pk], "example_id": note.pk}
    report = WorkshopReport.objects.create(
        workshop=workshop, themes={"questions": {"none": [theme]}}
    )
    services.link_source(action, Kind.THEME, report, theme=1)
    client.force_login(writer)
    page = client.get(reverse("mine")).content.decode()
    assert "Pay residents for their time" in page and "from your note" in page
    client.force_login(neighbour)
    page = client.get(reverse("mine")).content.decode()
    assert "Pay residents for their time" in page and "from your note" not in page
