"""`coproduce export COALITION -o FILE.json [--as EMAIL]`: everything a coalition holds, as one
JSON document (the parts each capability registers in `coalitions/exporting.py`).

COALITION is the coalition's short name for links or its number. Run on the server, the command
speaks for the site's operator and exports everything, private signatures included; `--as EMAIL`
exports only what that person may see, as the coalition's pages would show them.
"""

import json
import sys
from pathlib import Path

from django.core.serializers.json import DjangoJSONEncoder

from coproduce.coalitions.exporting import export
from coproduce.coalitions.models import Coalition
from coproduce.coalitions.permissions import Action, Visitor, can
from coproduce.core.management.base import CoproduceCommand, bad_input
from coproduce.people.models import Person


class Command(CoproduceCommand):
    help = "Export a whole coalition (workshops, charters, assessments, ...) as one JSON file."

    def add_arguments(self, parser):
        parser.add_argument("coalition", help="the coalition's short name for links, or number")
        parser.add_argument(
            "-o", "--output", required=True, help="the JSON file to write ('-': print)"
        )
        parser.add_argument("--as", dest="as_email", help="export what this person may see")

    def handle(self, *args, coalition, output, as_email, **options):
        found = _coalition(coalition)
        visitor = _visitor(as_email)
        if not can(visitor, Action.VIEW, found):
            raise bad_input(f"{as_email} may not see the coalition {found.slug!r}")
        document = export(found, visitor)
        text = json.dumps(document, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
        if output == "-":
            sys.stdout.write(text + "\n")
            return
        try:
            Path(output).write_text(text + "\n", encoding="utf-8")
        except OSError as error:
            raise bad_input(f"cannot write {output}: {error.strerror or error}") from error
        self.stdout.write(f"Wrote {found.name} to {output}.")


def _coalition(key: str) -> Coalition:
    found = Coalition.objects.filter(slug=key).first()
    if found is None and key.isdigit():
        found = Coalition.objects.filter(pk=int(key)).first()
    if found is None:
        raise bad_input(f"no coalition {key!r}: give its short name for links or its number")
    return found


def _visitor(email: str | None) -> Visitor:
    if email is None:
        # The operator: an unsaved administrator, so every rule says yes without a query.
        return Visitor(Person(email="operator@localhost", is_superuser=True, is_active=True))
    person = Person.objects.filter(email__iexact=email.strip()).first()
    if person is None:
        raise bad_input(f"no person with the email {email!r}")
    return Visitor(person)
