from django.core.management.base import BaseCommand, CommandError

from coproduce.conversations.models import Conversation
from coproduce.conversations.polis import export_polis


class Command(BaseCommand):
    help = "Write a conversation as a Pol.is open-data folder."

    def add_arguments(self, parser):
        parser.add_argument("conversation", type=int)
        parser.add_argument("folder")
        parser.add_argument(
            "--raw",
            action="store_true",
            help="write text exactly as Pol.is does, without escaping cells a spreadsheet would "
            "run as formulas (=, +, -, @); for Pol.is tools only, do not open it in a spreadsheet",
        )

    def handle(self, *args, conversation, folder, raw=False, **options):
        found = Conversation.objects.filter(pk=conversation).first()
        if found is None:
            raise CommandError(f"No conversation {conversation}.")
        export_polis(found, folder, raw=raw)
        self.stdout.write(f"Wrote {folder}")
