from coproduce.core.management.base import CoproduceCommand
from coproduce.workshops import demo


class Command(CoproduceCommand):
    help = "Load the founding workshop (IOPD 2018, Greater Manchester) as demo data. Idempotent."

    def handle(self, *args, **options):
        workshop = demo.load_demo()
        self.stdout.write(
            self.style.SUCCESS(f"Demo data loaded: “{workshop.title}” (slug {workshop.slug}).")
        )
        self.stdout.write(
            f"Demo organiser login: {demo.ORGANISER_EMAIL} / password {demo.ORGANISER_PASSWORD}"
        )
