"""`coproduce send_reminders`: queue the reminders that are due, for a cron job.

The background worker does the same every minute or so; running both, or several workers, is
safe: each registration's reminder is claimed once (see workshops/emails.py).
"""

from django.core.management.base import BaseCommand

from coproduce.workshops.emails import send_due_reminders


class Command(BaseCommand):
    help = "Queue the reminder emails that are due (the day before each workshop)."

    def handle(self, *args, **options) -> None:
        queued = send_due_reminders()
        self.stdout.write(f"{queued} reminder(s) queued.")
