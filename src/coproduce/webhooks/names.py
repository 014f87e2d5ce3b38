"""The events a webhook may ask for, by name."""

from django.utils.translation import gettext_lazy as _

REGISTRATION = "registration"
VOTES_THRESHOLD = "votes.threshold"
REPORT_PUBLISHED = "report.published"
ACTION_UPDATED = "action.updated"
PING = "ping"  # the "send a test event" button; not one to subscribe to

EVENTS = {
    REGISTRATION: _("Someone registered for a workshop"),
    VOTES_THRESHOLD: _("A conversation reached 100, 1,000 or 10,000 votes"),
    REPORT_PUBLISHED: _("A workshop report was published"),
    ACTION_UPDATED: _("An action of the plan was updated"),
}
