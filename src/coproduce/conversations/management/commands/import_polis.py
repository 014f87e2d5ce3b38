import re

from django.db import DataError

from coproduce.coalitions.models import Coalition
from coproduce.conversations.opinion import OpinionDataError
from coproduce.conversations.polis import import_polis
from coproduce.conversations.services import schedule_map
from coproduce.core.management.base import CoproduceCommand, bad_input

SLUG = re.compile(r"[-\w]+")


class Command(CoproduceCommand):
    help = "Import a Pol.is open-data folder as a conversation of a coalition (all or nothing)."

    def add_arguments(self, parser):
        parser.add_argument("folder")
        parser.add_argument("--coalition", required=True, help="the coalition's slug")
        parser.add_argument("--question", default="", help="defaults to the summary's topic")
        parser.add_argument(
            "--raw-sign", action="store_true", help="votes use Pol.is's raw sign (agree = -1)"
        )

    def handle(self, *args, folder, coalition, question, raw_sign, **options):
        owner = (
            Coalition.objects.filter(slug=coalition).first() if SLUG.fullmatch(coalition) else None
        )
        if owner is None:
            raise bad_input(f"No coalition has the slug {coalition!r}.")
        try:
            conversation = import_polis(
                folder, coalition=owner, question=question, raw_sign=raw_sign or None
            )
        except (OpinionDataError, OSError) as error:
            raise bad_input(error) from error
        except DataError as error:
            # The reader checks what it can (ids, numbers, text); anything else the database
            # refuses is still the folder's fault, and nothing was saved.
            raise bad_input(
                f"the database refused the folder's data, nothing was saved: {error}"
            ) from error
        schedule_map(conversation.pk)
        self.stdout.write(
            f"Imported conversation {conversation.pk}: {conversation.voters.count()} voters, "
            f"{conversation.statements.count()} statements, {conversation.votes.count()} votes."
        )
