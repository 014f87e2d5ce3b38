"""`coproduce plan_reminders`: claim and queue the plan emails that are due, for a cron job.

The background worker does the same at every sweep; running both, or several workers, is safe:
each notice is claimed once (see plans/reminders.py).
"""

from django.core.management.base import BaseCommand

from coproduce.plans.reminders import sweep


class Command(BaseCommand):
    help = (
        "Queue the plan emails that are due: a week before an action is due, when it becomes "
        "overdue, and the monthly digest to organisers."
    )

    def handle(self, *args, **options) -> None:
        claimed = sweep()
        self.stdout.write(f"{claimed} plan notice(s) queued.")
