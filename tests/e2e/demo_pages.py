"""Every page of the demo, by who sees it: one list for the page tour (axe) and the sideways
crawl (no page scrolls sideways on a 320 px phone), so a new page is added once for both."""

from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import expect

from coproduce.assessments.models import Assessment
from coproduce.cafe.models import Cafe
from coproduce.conversations.models import Conversation
from coproduce.library.models import Entry
from coproduce.workshops import demo
from coproduce.workshops.models import Workshop


def load_demo_with_next_workshop():
    """The demo, and the coalition's next workshop: the demo's workshop has ended, so its code
    no longer lets anyone in, and a guest joins the next one instead.
    Returns (the held workshop, its café, its conversation, the next workshop)."""
    demo.load_demo()
    held = Workshop.objects.get()
    upcoming = Workshop.objects.create(
        coalition=held.coalition,
        title="Próxima sesión de coproducción del barrio",
        slug="next-session",
        starts_at=timezone.now() + timedelta(days=7),
        ends_at=timezone.now() + timedelta(days=7, hours=3),
        time_zone=held.time_zone,
    )
    return held, Cafe.objects.get(), Conversation.objects.get(), upcoming


def organiser_pages(cafe, conversation) -> list[str]:
    slug, coalition = demo.WORKSHOP_SLUG, demo.COALITION_SLUG
    return [
        "/",
        "/coalitions/",
        "/coalitions/new/",
        f"/coalitions/{coalition}/",
        f"/coalitions/{coalition}/edit/",
        f"/coalitions/{coalition}/members/",
        f"/coalitions/{coalition}/workshops/new/",
        f"/workshops/{slug}/",
        f"/workshops/{slug}/edit/",
        f"/workshops/{slug}/programme/agenda/",
        f"/workshops/{slug}/programme/people/",
        f"/workshops/{slug}/programme/outcomes/",
        f"/workshops/{slug}/programme/conclusions/",
        f"/workshops/{slug}/desk/",
        f"/cafe/{cafe.pk}/",
        f"/cafe/{cafe.pk}/people/",
        f"/cafe/{cafe.pk}/plan/",
        f"/cafe/{cafe.pk}/live/",
        f"/cafe/{cafe.pk}/screen/",
        f"/cafe/{cafe.pk}/harvest/",
        f"/cafe/{cafe.pk}/tables/{cafe.tables.first().pk}/notes/",
        f"/conversations/new/{coalition}/",
        f"/conversations/{conversation.pk}/",
        f"/conversations/{conversation.pk}/moderate/",
        f"/conversations/{conversation.pk}/room/",
        f"/reports/{slug}/",
        f"/reports/{slug}/themes/",
        "/accounts/profile/",
        "/my/",
        *library_pages(),
        f"/library/new/{coalition}/",
        f"/library/{own_entry().pk}/edit/",
        "/library/new/",
        "/library/moderation/",
        f"/library/link/workshop/{slug}/",
        f"/library/link/workshop/{slug}/?q=commons",
        f"/library/link/coalition/{coalition}/",
        *assessment_pages(),
        *call_pages(),
        *draft_charter_pages(),
        *plan_pages(),
        *plan_writing_pages(),
        *strategy_pages(),
        f"/assessments/coalition/{coalition}/new/",
        f"/assessments/{demo_assessment().pk}/answer/",
        f"/assessments/{demo_assessment().pk}/share/",
        f"/assessments/{demo_assessment().pk}/answers/",
    ]


def own_entry() -> Entry:
    """The demo coalition's own entry in the library (its organiser may edit it)."""
    return Entry.objects.filter(is_sample=True, coalition__isnull=False).order_by("pk").first()


def demo_assessment() -> Assessment:
    """The demo coalition's self-assessment (18 sample respondents from three sectors)."""
    return Assessment.objects.order_by("pk").first()


def assessment_pages() -> list[str]:
    """What anyone may see of the demo's self-assessment (the coalition is public)."""
    found = demo_assessment()
    return [
        f"/assessments/coalition/{demo.COALITION_SLUG}/",
        f"/assessments/{found.pk}/",
        f"/assessments/{found.pk}/results/",
        f"/assessments/a/{found.link_code}/",
    ]


def plan_pages() -> list[str]:
    """The demo's action plan as anyone sees it (the coalition is public): the plans, the
    plan, an action (the first: traced to a harvest theme, with updates)."""
    from coproduce.plans.models import Action, Plan

    plan = Plan.objects.order_by("pk").first()
    action = Action.objects.filter(goal__plan=plan).order_by("pk").first()
    return [
        f"/plans/{demo.COALITION_SLUG}/",
        f"/plans/{demo.COALITION_SLUG}/{plan.pk}/",
        f"/plans/{demo.COALITION_SLUG}/actions/{action.pk}/",
    ]


def plan_writing_pages() -> list[str]:
    """The demo's action plan as its organiser writes it."""
    from coproduce.plans.models import Action, Plan

    plan = Plan.objects.order_by("pk").first()
    goal = plan.goals.order_by("position", "pk").first()
    action = Action.objects.filter(goal=goal).order_by("pk").first()
    base, at = f"/plans/{demo.COALITION_SLUG}/", f"/plans/{demo.COALITION_SLUG}/{plan.pk}/"
    return [
        f"{base}new/",
        f"{at}edit/",
        f"{at}goals/new/",
        f"{at}goals/{goal.pk}/",
        f"{at}goals/{goal.pk}/actions/new/",
        f"{base}actions/{action.pk}/edit/",
        f"{base}actions/{action.pk}/update/",
        f"{base}actions/{action.pk}/sources/",
        f"{base}answers/",
        f"{base}emails/",
        f"{base}workshops/{demo.WORKSHOP_SLUG}/tell/",
    ]


def strategy_pages() -> list[str]:
    """The demo's draft strategy as its organiser sees it: the list, starting one, the strategy,
    editing and amending a section, a decided amendment, proposing a section, the versions."""
    from coproduce.strategies.models import Strategy

    strategy = Strategy.objects.order_by("pk").first()
    base = f"/strategies/{demo.COALITION_SLUG}/{strategy.pk}/"
    section = strategy.sections.order_by("position").first()
    declined = strategy.amendments.filter(status="declined").first()
    accepted = strategy.amendments.filter(status="accepted").first()
    return [
        f"/strategies/{demo.COALITION_SLUG}/",
        f"/strategies/{demo.COALITION_SLUG}/new/",
        base,
        f"{base}sections/{section.pk}/edit/",
        f"{base}sections/{section.pk}/propose/",
        f"{base}propose/",
        f"{base}amendments/{declined.pk}/",
        f"{base}amendments/{accepted.pk}/",
        f"{base}versions/",
        f"{base}compare/?from=1&to=2",
    ]


def call_pages() -> list[str]:
    """The demo's published call to action, its short link and its signing form."""
    from coproduce.charters.models import Version

    version = Version.objects.filter(published_at__isnull=False).select_related("charter").get()
    base = f"/charters/{demo.COALITION_SLUG}/{version.charter_id}/v/{version.number}/"
    return [base, f"/charters/c/{version.short_code}/", f"{base}sign/"]


def draft_charter_pages() -> list[str]:
    """The demo's draft charter as its organiser sees it: the draft, starting another, editing,
    proposing, a decided and an open proposal, the versions and their comparison."""
    from coproduce.charters.models import Charter

    charter = Charter.objects.order_by("pk").first()
    base = f"/charters/{demo.COALITION_SLUG}/{charter.pk}/"
    principle = charter.principles.order_by("position").first()
    declined = charter.proposals.filter(status="declined").first()
    still_open = charter.proposals.filter(status="open").first()
    return [
        f"/charters/{demo.COALITION_SLUG}/",
        f"/charters/{demo.COALITION_SLUG}/new/",
        base,
        f"{base}edit/",
        f"{base}propose/",
        f"{base}principles/{principle.pk}/propose/",
        f"{base}proposals/{declined.pk}/",
        f"{base}proposals/{still_open.pk}/",
        f"{base}versions/",
        f"{base}compare/?from=1&to=2",
    ]


def library_pages() -> list[str]:
    """The library's search (and a search with picks) and a shared entry with its history."""
    shared = Entry.objects.filter(is_sample=True, coalition__isnull=True).order_by("pk").first()
    return [
        "/library/",
        "/library/?q=participatory+budget*&f=kind%3Apolicy",
        f"/library/{shared.pk}/",
        f"/library/{shared.pk}/history/",
        f"/library/{own_entry().pk}/",
    ]


def participant_pages(cafe, conversation) -> list[str]:
    """A participant who continued from their card (see continue_from_card)."""
    return [
        f"/cafe/{cafe.pk}/me/",
        f"/workshops/{demo.WORKSHOP_SLUG}/",
        f"/cafe/{cafe.pk}/tables/{cafe.tables.first().pk}/notes/",
        f"/conversations/{conversation.pk}/",
        f"/conversations/{conversation.pk}/vote/",
        f"/conversations/{conversation.pk}/my-votes/",
        f"/conversations/{conversation.pk}/results/",
    ]


def guest_pages(workshop, conversation) -> list[str]:
    """A newcomer with the workshop's code: the join pages, then what joining opens."""
    return [
        "/join/",
        f"/join/{workshop.join_code}/",
        f"/conversations/join/{conversation.join_code}/",
    ]


def public_pages(cafe, conversation) -> list[str]:
    """Anyone with no account, in the demo's public coalition."""
    return [
        "/",
        "/coalitions/",
        f"/coalitions/{demo.COALITION_SLUG}/",
        f"/workshops/{demo.WORKSHOP_SLUG}/",
        f"/conversations/{conversation.pk}/",
        f"/cafe/{cafe.pk}/harvest/",
        *library_pages(),
        *assessment_pages(),
        *call_pages(),
        *plan_pages(),
        f"/charters/{demo.COALITION_SLUG}/",
        "/accounts/login/",
        "/accounts/signup/",
        "/accounts/password/reset/",
        "/api/",  # the API's reference page
    ]


def log_in(page):
    page.goto("/accounts/login/")
    page.locator("main input[name='username']").fill(demo.ORGANISER_EMAIL)
    page.locator("main input[name='password']").fill(demo.ORGANISER_PASSWORD)
    page.locator("main form[method='post'] button[type='submit']").first.click()
    expect(page.locator("form[action='/accounts/logout/']")).to_have_count(1)


def continue_from_card(page, participant) -> None:
    """Open a participant's card link and say "yes, that is me" (a POST)."""
    page.goto(participant.get_absolute_url())
    page.locator("main form[method='post'] button[type='submit']").first.click()
    page.wait_for_load_state()


def join_as_guest(page, workshop, name: str = "Invitada") -> None:
    page.goto(f"/join/{workshop.join_code}/")
    page.locator("input[name='display_name']").fill(name)
    page.locator("select[name='sector']").select_option("not_given")
    page.locator("main form[method='post'] button[type='submit']").first.click()
    page.wait_for_load_state()
