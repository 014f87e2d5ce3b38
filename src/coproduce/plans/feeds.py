"""The plan as files others read: a spreadsheet of its actions (CSV, safe to open), a calendar
of due dates (iCalendar, RFC 5545) and a feed of the latest updates (Atom).

Whoever may see the plan may read all three (the views' doors say so); nothing here shows more
than the plan's page does.
"""

from datetime import timedelta

from django.http import HttpResponse, StreamingHttpResponse
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from coproduce.core import csvfiles

from . import selectors
from .models import Plan, Status

BOM = "\ufeff"
SPREADSHEET_TIME = "%Y-%m-%d %H:%M"
SUMMARY_CHARS = 300


def _file_name(plan: Plan, suffix: str) -> str:
    return f"plan-{plan.coalition.slug}-{plan.pk}.{suffix}"


# -- the spreadsheet ------------------------------------------------------------------------


class _Line:
    """A file-like object whose write returns the line (the csv module writes one row)."""

    def write(self, value: str) -> str:
        return value


def csv_rows(plan: Plan):
    today = selectors.today_for(plan.coalition)
    status_label = dict(Status.choices)
    yes, no = _("yes"), _("no")
    yield [
        _("Goal"),
        _("Action"),
        _("Owners"),
        _("Lead person"),
        _("Partners"),
        _("Start"),
        _("Due"),
        _("Status"),
        _("Progress (%)"),
        _("Overdue"),
        _("Budget"),
        _("Last update"),
    ]
    for action in selectors.actions_for_export(plan).iterator(chunk_size=500):
        yield [
            action.goal.title,
            action.title,
            "; ".join(o.organisation.name for o in action.owners_now),
            action.lead.full_name if action.lead else "",
            "; ".join(sorted(partner.name for partner in action.partners.all())),
            action.starts_on.isoformat() if action.starts_on else "",
            action.due_on.isoformat() if action.due_on else "",
            str(status_label.get(action.status, action.status)),
            action.progress,
            yes if action.is_overdue(today) else no,
            float(action.budget) if action.budget is not None else "",
            action.last_update.strftime(SPREADSHEET_TIME) if action.last_update else "",
        ]


def csv_response(plan: Plan) -> StreamingHttpResponse:
    writer = csvfiles.writer(_Line())

    def stream():
        yield BOM
        for row in csv_rows(plan):
            yield writer.writerow(row)

    response = StreamingHttpResponse(stream(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_file_name(plan, "csv")}"'
    return response


# -- the calendar of due dates --------------------------------------------------------------


def action_url(request, action) -> str:
    slug = action.goal.plan.coalition.slug
    return request.build_absolute_uri(reverse("plans:action", args=[slug, action.pk]))


def due_calendar(plan: Plan, request) -> bytes:
    """One all-day event per action with a due date, on its due day. The UID names the action,
    so a calendar that subscribed moves the event when the date changes."""
    calendar = Calendar()
    calendar.add("prodid", "-//Coproduce//Action plans//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", plan.title)
    host = request.get_host().split(":")[0] or "coproduce"
    for action in selectors.due_actions(plan).iterator(chunk_size=500):
        action.goal.plan = plan  # the URL needs the coalition; no query per action
        event = Event()
        event.add("uid", f"plan-action-{action.pk}@{host}")
        event.add("summary", action.title)
        event.add("dtstart", action.due_on)
        event.add("dtend", action.due_on + timedelta(days=1))
        event.add("dtstamp", action.updated_at)
        event.add("url", action_url(request, action))
        event.add("description", f"{action.goal.title}\n{action_url(request, action)}")
        calendar.add_component(event)
    return calendar.to_ical()


def ics_response(plan: Plan, request) -> HttpResponse:
    response = HttpResponse(
        due_calendar(plan, request), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{_file_name(plan, "ics")}"'
    return response


# -- the feed of updates --------------------------------------------------------------------


def updates_feed(plan: Plan, request) -> Atom1Feed:
    plan_url = request.build_absolute_uri(
        reverse("plans:detail", args=[plan.coalition.slug, plan.pk])
    )
    updates = list(selectors.latest_updates(plan))
    feed = Atom1Feed(
        title=_("Updates: %(plan)s") % {"plan": plan.title},
        link=plan_url,
        description=plan.summary[:SUMMARY_CHARS],
        language=getattr(request, "LANGUAGE_CODE", None),
        feed_url=request.build_absolute_uri(),
        feed_guid=f"{plan_url}#updates",
    )
    status_label = dict(Status.choices)
    for update in updates:
        action = update.action
        link = request.build_absolute_uri(
            reverse("plans:action", args=[plan.coalition.slug, action.pk])
        )
        state = _("%(status)s, %(progress)s%% done") % {
            "status": status_label.get(update.status, update.status),
            "progress": update.progress,
        }
        feed.add_item(
            title=action.title,
            link=link,
            description=f"{update.text}\n\n{state}",
            unique_id=f"{link}#update-{update.pk}",
            unique_id_is_permalink=False,
            pubdate=update.written_at,
            updateddate=update.written_at,
            author_name=update.author.full_name if update.author else None,
        )
    return feed


def atom_response(plan: Plan, request) -> HttpResponse:
    feed = updates_feed(plan, request)
    response = HttpResponse(content_type="application/atom+xml; charset=utf-8")
    feed.write(response, "utf-8")
    return response
