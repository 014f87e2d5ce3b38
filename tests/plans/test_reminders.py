"""Plan emails: reminders a week before an action is due and when it becomes overdue, and the
monthly digest to organisers. Time is passed to the sweep (`now`), the outbox is checked, and
nobody is emailed twice: not by a second sweep, not by two sweeps at once, not by a task that
runs twice. The "turn off" page asks on GET and turns off on POST."""

import smtplib
import zoneinfo
from datetime import date, datetime, timedelta

import pseudo
import pytest
from django.core import mail
from django.core.mail.backends import locmem
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from factories import CoalitionFactory, MembershipFactory, OrganisationFactory, PersonFactory

from coproduce.coalitions.models import Role, Visibility
from coproduce.plans import reminders, services
from coproduce.plans.models import Action, EmailKind, EmailOptOut, EmailTime, Notice, Ownership
from coproduce.plans.services import ActionDraft

pytestmark = pytest.mark.django_db

LONDON = zoneinfo.ZoneInfo("Europe/London")
TODAY = date(2027, 3, 10)  # a Wednesday, in London's winter time (UTC)


def at(day: date, hour: int, minute: int = 0, zone=LONDON) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=zone)


MORNING = at(TODAY, 9, 30)  # after the default send time, 09:00


@pytest.fixture
def w():
    coalition = CoalitionFactory(name="Greater Manchester", time_zone="Europe/London")
    charity, council, elsewhere = (OrganisationFactory() for _ in range(3))
    coalition.organisations.add(charity, council)
    organiser = MembershipFactory(coalition=coalition, role=Role.ORGANISER).person
    lead = MembershipFactory(coalition=coalition, person=PersonFactory(organisation=council)).person
    owner = MembershipFactory(
        coalition=coalition, person=PersonFactory(organisation=charity)
    ).person
    colleague = MembershipFactory(
        coalition=coalition, person=PersonFactory(organisation=charity), role=Role.OBSERVER
    ).person
    # Of the owning organisation but not of the coalition: never emailed.
    outsider = PersonFactory(organisation=charity)
    bystander = MembershipFactory(
        coalition=coalition, person=PersonFactory(organisation=elsewhere)
    ).person
    plan = services.start_plan(coalition, title="Our plan", by=organiser)
    goal = services.add_goal(plan, title="Homes for everyone")
    return {
        "coalition": coalition,
        "charity": charity,
        "council": council,
        "organiser": organiser,
        "lead": lead,
        "owner": owner,
        "colleague": colleague,
        "outsider": outsider,
        "bystander": bystander,
        "plan": plan,
        "goal": goal,
    }


def _action(w, title="Open the tenants' hub", due=TODAY + timedelta(days=7), **fields):
    fields.setdefault("owners", [w["charity"]])
    fields.setdefault("lead", w["lead"])
    return services.add_action(w["goal"], ActionDraft(title=title, due_on=due, **fields))


def _to(message) -> str:
    (address,) = message.to
    return address


def _inbox() -> dict[str, list]:
    found = {}
    for message in mail.outbox:
        found.setdefault(_to(message), []).append(message)
    return found


# -- who, and once ---------------------------------------------------------------------------


def test_a_due_action_emails_its_lead_and_the_owners_members_once(w):
    action = _action(w)
    assert reminders.sweep(MORNING) == 3
    inbox = _inbox()
    assert set(inbox) == {w["lead"].email, w["owner"].email, w["colleague"].email}
    message = inbox[w["owner"].email][0]
    assert message.subject == "An action is due within a week"
    assert "Open the tenants' hub" in message.body
    assert "Our plan, a plan of Greater Manchester" in message.body
    assert "Due 17 March 2027 · Not started · 0% done" in message.body
    assert reverse("plans:action", args=[w["coalition"].slug, action.pk]) in message.body
    assert "/plans/emails/stop/" in message.extra_headers["List-Unsubscribe"]
    assert "Stop the emails a week before an action is due:" in message.body
    assert "overdue:" not in message.body
    assert Notice.objects.filter(sent_at__isnull=False).count() == 3


def test_a_second_sweep_emails_nobody(w):
    _action(w)
    reminders.sweep(MORNING)
    sent = len(mail.outbox)
    assert reminders.sweep(MORNING + timedelta(minutes=1)) == 0
    assert reminders.sweep(MORNING + timedelta(days=2)) == 0
    assert len(mail.outbox) == sent == 3


def test_two_sweeps_at_the_same_moment_email_nobody_twice(w, settings):
    _action(w)
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    assert reminders.sweep(MORNING) == 3  # claimed and queued, not yet sent
    assert reminders.sweep(MORNING) == 0  # the same moment: nothing left to claim
    assert reminders.sweep(MORNING + timedelta(seconds=1)) == 0
    assert mail.outbox == []


def test_a_person_queued_twice_is_emailed_once(w):
    action = _action(w)
    notice = Notice.objects.create(
        person=w["owner"], kind=EmailKind.DUE_SOON, action=action, due_on=action.due_on
    )
    assert reminders.send_notices.call(w["owner"].pk, [notice.pk]) == "sent"
    assert reminders.send_notices.call(w["owner"].pk, [notice.pk]) == "already sent"
    assert len(mail.outbox) == 1


def test_one_email_per_person_lists_all_their_actions(w):
    _action(w, title="First action", due=TODAY + timedelta(days=3))
    _action(w, title="Second action", due=TODAY + timedelta(days=6))
    _action(w, title="Late action", due=TODAY - timedelta(days=1))
    reminders.sweep(MORNING)
    (message,) = _inbox()[w["owner"].email]
    assert message.subject == "An action is overdue"
    body = message.body
    assert body.index("Late action") < body.index("First action") < body.index("Second action")
    assert "past their due date" in body and "due within a week" in body
    assert "Stop the emails when an action becomes overdue:" in body
    assert len(mail.outbox) == 3


def test_not_the_bystander_the_outsider_nor_the_organiser(w):
    _action(w)
    reminders.sweep(MORNING)
    for name in ("bystander", "outsider", "organiser"):
        assert w[name].email not in _inbox(), name


def test_a_lead_who_left_the_coalition_and_inactive_accounts_are_not_emailed(w):
    _action(w)
    w["lead"].memberships.all().delete()
    w["colleague"].is_active = False
    w["colleague"].save()
    reminders.sweep(MORNING)
    assert set(_inbox()) == {w["owner"].email}


def test_a_private_coalition_emails_only_its_members(w):
    w["coalition"].visibility = Visibility.PRIVATE
    w["coalition"].save()
    _action(w)
    reminders.sweep(MORNING)
    assert set(_inbox()) == {w["lead"].email, w["owner"].email, w["colleague"].email}
    assert w["outsider"].email not in _inbox()


def test_a_hand_over_moves_the_reminders_to_the_new_owners(w):
    action = _action(w)
    services.hand_over(action, [w["council"]])
    reminders.sweep(MORNING)
    assert set(_inbox()) == {w["lead"].email}  # the lead is of the council, the new owner
    assert Ownership.objects.filter(action=action, until__isnull=True).count() == 1


@pytest.mark.parametrize("status", ["done", "dropped"])
def test_a_finished_action_is_not_reminded(w, status):
    fields = {"status": status, "progress": 100 if status == "done" else 0}
    if status == "dropped":
        fields["reason"] = "The council took it on"
    _action(w, **fields)
    _action(w, title="Late but finished", due=TODAY - timedelta(days=1), **fields)
    assert reminders.sweep(MORNING) == 0
    assert mail.outbox == []


def test_an_action_finished_while_its_email_waited_is_left_out(w, settings):
    action = _action(w)
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    reminders.sweep(MORNING)
    services.post_update(action, by=w["owner"], text="Opened", status="done", progress=100)
    ids = list(Notice.objects.filter(person=w["owner"]).values_list("pk", flat=True))
    assert reminders.send_notices.call(w["owner"].pk, ids) == "nothing left"
    assert mail.outbox == []


# -- when ------------------------------------------------------------------------------------


def test_due_soon_is_within_seven_days_and_once_per_due_date(w):
    far = _action(w, title="Far", due=TODAY + timedelta(days=8))
    _action(w, title="Today", due=TODAY)
    reminders.sweep(MORNING)
    bodies = [m.body for m in mail.outbox]
    assert all("Today" in body and "Far" not in body for body in bodies)
    mail.outbox.clear()
    reminders.sweep(MORNING + timedelta(days=1))  # now 7 days before "Far"
    assert len(mail.outbox) == 3 and all("Far" in m.body for m in mail.outbox)
    mail.outbox.clear()
    # A new due date is a new reminder.
    Action.objects.filter(pk=far.pk).update(due_on=TODAY + timedelta(days=5))
    reminders.sweep(MORNING + timedelta(days=1, minutes=1))
    assert len(mail.outbox) == 3


def test_overdue_goes_the_day_after_the_due_date_once(w):
    _action(w, due=TODAY)
    reminders.sweep(MORNING)  # due today: a "due soon" reminder
    mail.outbox.clear()
    reminders.sweep(MORNING + timedelta(days=1))
    assert len(mail.outbox) == 3
    assert all(m.subject == "An action is overdue" for m in mail.outbox)
    assert reminders.sweep(MORNING + timedelta(days=2)) == 0


def test_long_overdue_actions_written_down_late_are_not_reminded(w):
    _action(w, due=TODAY - timedelta(days=30))
    assert reminders.sweep(MORNING) == 0


def test_nothing_before_the_send_time_in_the_coalitions_own_zone(w):
    new_york = zoneinfo.ZoneInfo("America/New_York")
    w["coalition"].time_zone = "America/New_York"
    w["coalition"].save()
    EmailTime.objects.create(coalition=w["coalition"], send_at="18:00")
    _action(w)
    # 17:59 in New York (22:59 in London, past London's 09:00): not yet.
    assert reminders.sweep(at(TODAY, 17, 59, new_york)) == 0
    assert reminders.sweep(at(TODAY, 18, 0, new_york)) == 3
    assert len(mail.outbox) == 3


def test_the_default_send_time_is_nine(w):
    _action(w)
    assert reminders.sweep(at(TODAY, 8, 59)) == 0
    assert reminders.sweep(at(TODAY, 9, 0)) == 3


# -- turning emails off ----------------------------------------------------------------------


def test_a_kind_turned_off_is_not_sent_and_the_others_are(w):
    _action(w, title="Soon", due=TODAY + timedelta(days=2))
    _action(w, title="Late", due=TODAY - timedelta(days=1))
    EmailOptOut.objects.create(person=w["owner"], kind=EmailKind.OVERDUE)
    reminders.sweep(MORNING)
    (message,) = _inbox()[w["owner"].email]
    assert "Soon" in message.body and "Late" not in message.body
    assert "Stop the emails when an action becomes overdue" not in message.body


def test_the_stop_page_asks_on_get_and_turns_off_on_post(w, client):
    token = reminders.stop_token(w["owner"], [EmailKind.DUE_SOON])
    url = reverse("plans:stop_emails", args=[token])
    page = client.get(url)
    assert page.status_code == 200
    assert "Do you want to stop these emails" in page.content.decode()
    assert "a week before an action is due" in page.content.decode()
    assert not EmailOptOut.objects.exists()
    done = client.post(url)
    assert "you will get no more of these emails" in done.content.decode()
    assert list(EmailOptOut.objects.values_list("person", "kind")) == [
        (w["owner"].pk, EmailKind.DUE_SOON)
    ]
    client.post(url)  # twice: the same
    assert EmailOptOut.objects.count() == 1
    assert "no more of these emails" in client.get(url).content.decode()
    _action(w)
    reminders.sweep(MORNING)
    assert w["owner"].email not in _inbox()


def test_the_one_click_unsubscribe_of_mail_programs_turns_off_every_kind_in_the_email(w):
    from django.test import Client

    _action(w, due=TODAY + timedelta(days=2))
    _action(w, due=TODAY - timedelta(days=1))
    reminders.sweep(MORNING)
    (message,) = _inbox()[w["owner"].email]
    url = message.extra_headers["List-Unsubscribe"].strip("<>")
    path = url[url.index("/plans/") :]
    response = Client(enforce_csrf_checks=True).post(path, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert set(EmailOptOut.objects.filter(person=w["owner"]).values_list("kind", flat=True)) == {
        EmailKind.DUE_SOON,
        EmailKind.OVERDUE,
    }


@pytest.mark.parametrize(
    "token",
    [
        "nonsense",
        "",
        "x" * 300,
        "changed",
        "unknown kind",
        "nobody",
    ],
)
def test_a_bad_stop_link_is_a_clear_page(w, client, token):
    from django.core import signing

    if token == "":
        url = "/plans/emails/stop/%20/"
    else:
        if token == "changed":
            token = reminders.stop_token(w["owner"], ["due_soon"])[:-3] + "abc"
        elif token == "unknown kind":
            token = signing.dumps([w["owner"].pk, "all"], salt=reminders.STOP_SALT)
        elif token == "nobody":
            token = signing.dumps([10**9, "digest"], salt=reminders.STOP_SALT)
        url = reverse("plans:stop_emails", args=[token])
    for response in (client.get(url), client.post(url)):
        assert response.status_code == 404
        assert "This link does not work" in response.content.decode()
    assert not EmailOptOut.objects.exists()


def test_a_stop_link_from_another_salt_does_not_work(w, client):
    from django.core import signing

    from coproduce.workshops.emails import UNSUBSCRIBE_SALT

    token = signing.dumps([w["owner"].pk, "digest"], salt=UNSUBSCRIBE_SALT)
    assert client.post(reverse("plans:stop_emails", args=[token])).status_code == 404
    assert not EmailOptOut.objects.exists()


# -- the monthly digest ----------------------------------------------------------------------


def _last_month(w):
    """Something changed in February: a new action, an update, one done, one dropped, a
    hand-over; one action became overdue."""
    feb = at(date(2027, 2, 10), 12)
    built = _action(w, title="Built in February", due=date(2027, 6, 1))
    done = _action(w, title="Finished in February", due=date(2027, 6, 1))
    dropped = _action(w, title="Dropped in February", due=date(2027, 6, 1))
    late = _action(w, title="Late since February", due=date(2027, 2, 20))
    Action.objects.update(created_at=feb - timedelta(days=60), updated_at=feb - timedelta(days=60))
    Action.objects.filter(pk=built.pk).update(created_at=feb)
    services.post_update(
        done, by=w["owner"], text="Opened at last", status="done", progress=100, at=feb
    )
    services.post_update(
        dropped, by=w["owner"], text="No money", status="dropped", reason="The grant ended", at=feb
    )
    Ownership.objects.update(since=feb - timedelta(days=60))
    Ownership.objects.filter(action=built).update(since=feb)
    # The hand-over, as services.hand_over records it, in February.
    Ownership.objects.filter(action=late).update(until=feb)
    Ownership.objects.create(action=late, organisation=w["council"], since=feb, note="Budget")
    return {"built": built, "done": done, "dropped": dropped, "late": late}


FIRST = at(date(2027, 3, 1), 9, 30)


def test_the_digest_goes_to_organisers_once_a_month(w):
    _last_month(w)
    MembershipFactory(coalition=w["coalition"], role=Role.ORGANISER, person__is_active=False)
    claimed = reminders.sweep(FIRST)
    digests = [m for m in mail.outbox if "What changed" in m.subject]
    assert [_to(m) for m in digests] == [w["organiser"].email]
    body = digests[0].body
    assert digests[0].subject == "What changed last month in the plans of Greater Manchester"
    assert "What changed in the plans of Greater Manchester in February 2027:" in body
    assert "Updates posted: 2" in body and "Opened at last" in body
    assert "Actions done: 1" in body and "Finished in February" in body
    assert "Actions dropped, and why: 1" in body and "The grant ended" in body
    assert "New actions: 1" in body and "Built in February" in body
    assert "Hand-overs: 1" in body
    assert "Late since February: now owned by" in body
    assert "Actions overdue now: 1" in body
    assert "Stop the monthly digest:" in body
    assert claimed == Notice.objects.count()
    mail.outbox.clear()
    assert reminders.sweep(FIRST + timedelta(hours=2)) == 0
    assert reminders.sweep(FIRST + timedelta(days=1)) == 0
    assert mail.outbox == []


def test_no_digest_before_the_send_time_nor_when_nothing_changed(w):
    _last_month(w)
    assert reminders.sweep(at(date(2027, 3, 1), 8, 0)) == 0
    Action.objects.all().delete()
    assert reminders.sweep(FIRST) == 0
    assert mail.outbox == []


def test_no_digest_late_in_the_month_nor_for_an_organiser_who_turned_it_off(w):
    _last_month(w)
    assert reminders.sweep(at(date(2027, 3, 20), 9, 30)) == 0
    EmailOptOut.objects.create(person=w["organiser"], kind=EmailKind.DIGEST)
    assert reminders.sweep(FIRST) == 0


# -- at scale, and the command ---------------------------------------------------------------


def _queries(now) -> int:
    with CaptureQueriesContext(connection) as captured:
        reminders.sweep(now)
    return len(captured.captured_queries)


def test_a_sweep_runs_the_same_number_of_queries_for_3_and_30_actions(w, settings):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    for n in range(3):
        _action(w, title=f"Action {n}")
    few = _queries(MORNING)
    for n in range(27):
        owner = OrganisationFactory()
        w["coalition"].organisations.add(owner)
        for _ in range(2):
            MembershipFactory(coalition=w["coalition"], person=PersonFactory(organisation=owner))
        _action(w, title=f"More {n}", owners=[owner], lead=None)
    many = _queries(MORNING + timedelta(days=1))
    assert Notice.objects.count() == 3 * 3 + 27 * 2
    assert few == many


def test_the_command_queues_what_is_due(w):
    from io import StringIO

    _action(w, due=date.today() + timedelta(days=3))
    out = StringIO()
    call_command("plan_reminders", stdout=out)
    assert out.getvalue().strip().endswith("queued.")


def test_the_sweep_is_registered_with_the_worker():
    from coproduce.jobs import sweep

    assert reminders.sweep in sweep._steps


# -- every word translated -------------------------------------------------------------------


def test_the_emails_and_the_stop_page_are_translated(w, settings, client):
    _last_month(w)
    _action(w, title="Soon", due=TODAY + timedelta(days=2))
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    reminders.sweep(at(date(2027, 3, 1), 9, 30))
    reminders.sweep(MORNING)
    with pseudo.installed(settings):
        data = pseudo.user_data()
        found = []
        for person in (w["organiser"], w["owner"]):
            notices = list(Notice.objects.filter(person=person))
            message = reminders.build_message(person, notices, language=pseudo.CODE)
            text = f"{message.subject}\n{message.body}"
            found += [f"email: {f}" for f in pseudo.unmarked(text, data)]
        client.cookies["django_language"] = pseudo.CODE
        url = reverse("plans:stop_emails", args=[reminders.stop_token(w["owner"], ["digest"])])
        for response in (client.get(url), client.post(url), client.get("/plans/emails/stop/x/")):
            found += [
                f"page: {f}" for f in pseudo.unmarked_on_page(response.content.decode(), data)
            ]
    assert found == [], "Not translated:\n" + "\n".join(found)


# -- a send the mail server refuses is tried again ---------------------------------------------


class FlakyBackend(locmem.EmailBackend):
    """The test outbox, but the mail server refuses the next `refusals` sends."""

    refusals = 0
    tries = 0

    def send_messages(self, messages):
        FlakyBackend.tries += 1
        if FlakyBackend.refusals:
            FlakyBackend.refusals -= 1
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        return super().send_messages(messages)


@pytest.fixture
def flaky(settings, monkeypatch):
    """A mail server that refuses as told, and the clock frozen at `clock.now` (the sweep's
    and the task's)."""
    settings.MAILERS = {"default": {"BACKEND": f"{__name__}.FlakyBackend"}}
    monkeypatch.setattr(FlakyBackend, "refusals", 0)
    monkeypatch.setattr(FlakyBackend, "tries", 0)

    class Clock:
        now = MORNING

        def sweep(self, later=timedelta(0)):
            self.now = MORNING + later
            return reminders.sweep(self.now)

    clock = Clock()
    monkeypatch.setattr(reminders.timezone, "now", lambda: clock.now)
    return clock


def _lead_only(w):
    """An action owned by the council, whose only member in the coalition is its lead: one
    person to email."""
    return _action(w, owners=[w["council"]])


def test_a_refused_send_is_tried_again_after_fifteen_minutes_and_sent_once(w, flaky):
    _lead_only(w)
    FlakyBackend.refusals = 1
    assert flaky.sweep() == 1
    assert mail.outbox == []
    notice = Notice.objects.get()
    assert (notice.sent_at, notice.attempts) == (None, 1)
    assert notice.retry_at == MORNING + timedelta(minutes=15)
    assert flaky.sweep(timedelta(minutes=14)) == 0  # still waiting
    assert mail.outbox == []
    assert flaky.sweep(timedelta(minutes=15)) == 1  # tried again, and it went
    assert [_to(m) for m in mail.outbox] == [w["lead"].email]
    assert mail.outbox[0].subject == "An action is due within a week"
    notice.refresh_from_db()
    assert (notice.attempts, notice.retry_at) == (2, None)
    assert notice.sent_at == MORNING + timedelta(minutes=15)
    for later in (timedelta(minutes=16), timedelta(hours=5), timedelta(days=1)):
        assert flaky.sweep(later) == 0
    assert len(mail.outbox) == 1 and FlakyBackend.tries == 2


def test_a_send_refused_every_time_stops_after_four_tries(w, flaky, caplog):
    _lead_only(w)
    FlakyBackend.refusals = 1000
    flaky.sweep()
    # Waits of 15 minutes, 1 hour and 4 hours between the tries.
    tries = [timedelta(minutes=15), timedelta(hours=1, minutes=15), timedelta(hours=5, minutes=15)]
    for number, when in enumerate(tries, start=2):
        assert flaky.sweep(when - timedelta(minutes=1)) == 0, number
        assert flaky.sweep(when) == 1, number
        assert Notice.objects.get().attempts == number
    notice = Notice.objects.get()
    assert (notice.sent_at, notice.retry_at, notice.attempts) == (None, None, 4)
    assert "not sent after 4 tries; given up" in caplog.text
    for later in (timedelta(hours=10), timedelta(days=1), timedelta(days=3)):
        assert flaky.sweep(later) == 0
    assert FlakyBackend.tries == 4 and mail.outbox == []
    # A task that still held it (queued twice) does not try a fifth time.
    assert reminders.send_notices.call(w["lead"].pk, [notice.pk]) == "already sent"
    assert FlakyBackend.tries == 4


def test_a_retry_sends_only_what_still_holds(w, flaky):
    action = _lead_only(w)
    FlakyBackend.refusals = 1
    flaky.sweep()
    services.post_update(action, by=w["lead"], text="Opened", status="done", progress=100)
    assert flaky.sweep(timedelta(minutes=15)) == 1
    assert mail.outbox == []  # done meanwhile: nothing left to say


def test_two_sweeps_racing_for_a_retry_send_it_once(w, flaky, settings):
    _lead_only(w)
    FlakyBackend.refusals = 1
    flaky.sweep()
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    assert flaky.sweep(timedelta(minutes=15)) == 1  # queued again
    assert flaky.sweep(timedelta(minutes=15)) == 0  # the same moment: already taken
    assert flaky.sweep(timedelta(minutes=16)) == 0
    notice = Notice.objects.get()
    # Even if both had queued it, the task's claim lets one of them send.
    assert reminders.send_notices.call(w["lead"].pk, [notice.pk]) == "sent"
    assert reminders.send_notices.call(w["lead"].pk, [notice.pk]) == "already sent"
    assert len(mail.outbox) == 1


def test_a_person_who_turned_emails_off_meanwhile_gets_no_retry(w, flaky):
    _lead_only(w)
    FlakyBackend.refusals = 1
    flaky.sweep()
    EmailOptOut.objects.create(person=w["lead"], kind=EmailKind.DUE_SOON)
    flaky.sweep(timedelta(minutes=15))
    assert mail.outbox == [] and FlakyBackend.tries == 1


# -- in the person's language ----------------------------------------------------------------


def test_each_person_gets_the_email_in_their_language(w):
    w["owner"].language = "es"
    w["owner"].save()
    _action(w)
    reminders.sweep(MORNING)
    inbox = _inbox()
    (spanish,) = inbox[w["owner"].email]
    assert spanish.subject == "Una acción vence en menos de una semana"
    assert spanish.body.startswith(f"Hola, {w['owner'].full_name}:")
    assert "Estas acciones de las que te ocupas vencen en menos de una semana:" in spanish.body
    assert "marzo de 2027" in spanish.body
    (english,) = inbox[w["lead"].email]
    assert english.subject == "An action is due within a week"
    assert english.body.startswith("Hello ")


def test_a_language_the_site_does_not_offer_falls_back_to_the_sites(w):
    w["owner"].language = "xx"
    w["owner"].save()
    _action(w)
    reminders.sweep(MORNING)
    (message,) = _inbox()[w["owner"].email]
    assert message.subject == "An action is due within a week"
