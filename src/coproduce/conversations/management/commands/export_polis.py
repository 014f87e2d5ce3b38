from pathlib import Path

from coproduce.conversations.models import Conversation
from coproduce.conversations.polis import export_polis
from coproduce.core.management.arguments import whole_number
from coproduce.core.management.base import CoproduceCommand, bad_input

# Database ids are 64-bit; a larger number could only fail inside the database driver.
MAX_ID = 2**63 - 1


class Command(CoproduceCommand):
    help = "Write a conversation as a Pol.is open-data folder."

    def add_arguments(self, parser):
        parser.add_argument("conversation", type=whole_number(1, MAX_ID))
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
            raise bad_input(f"No conversation {conversation}.")
        if Path(folder).exists() and not Path(folder).is_dir():
            raise bad_input(f"{folder} is a file; give a folder to write the Pol.is files in")
        try:
            export_polis(found, folder, raw=raw)
        except OSError as error:
            raise bad_input(f"cannot write {folder}: {error.strerror or error}") from error
        self.stdout.write(f"Wrote {folder}")
