import re
import sys
from pathlib import Path

from django.conf import settings
from django.utils import translation

from coproduce.core.management.base import CoproduceCommand, bad_input
from coproduce.reports import services
from coproduce.reports.document import FORMATS
from coproduce.reports.rendering import render
from coproduce.workshops.models import Workshop

SLUG = re.compile(r"[-\w]+")


class Command(CoproduceCommand):
    help = (
        "Write a workshop's report: coproduce report WORKSHOP --format pdf -o FILE "
        "(WORKSHOP is an id or a slug), or list workshops with --list."
    )

    def add_arguments(self, parser):
        parser.add_argument("workshop", nargs="?")
        parser.add_argument("--format", choices=list(FORMATS), default="pdf")
        parser.add_argument("-o", "--output", help="file to write; '-' for standard output")
        parser.add_argument(
            "--list", dest="list_workshops", action="store_true", help="one workshop a line"
        )
        parser.add_argument(
            "--published", action="store_true", help="the latest published version, not the draft"
        )
        parser.add_argument(
            "--language",
            choices=[code for code, _name in settings.LANGUAGES],
            default=settings.LANGUAGE_CODE,
            help="language of the report's own words (headings, labels); default %(default)s",
        )

    def handle(self, *args, language, **options):
        # The report's words follow --language, never whatever language the process last used.
        with translation.override(language):
            self._write(**options)

    def _write(self, *, workshop, format, output, list_workshops, published, **options):
        if list_workshops:
            for slug, title in Workshop.objects.order_by("slug").values_list("slug", "title"):
                self.stdout.write(f"{slug}\t{title}")
            return
        if not workshop:
            raise bad_input("Name a workshop (id or slug), or use --list.")
        found = _find(workshop)
        report = services.report_for(found)
        services.ensure_themes(report)
        if published:
            version = report.versions.exclude(published_at=None).order_by("-number").first()
            if version is None:
                raise bad_input(f"{found.slug} has no published report yet.")
        else:
            version = report.versions.order_by("-number").first()
        target = output or f"{found.slug}-report.{FORMATS[format].extension}"
        if target != "-" and Path(target).is_dir():
            raise bad_input(f"{target} is a folder; give a file name with -o")
        content = render(found, version, format)
        if target == "-":
            sys.stdout.buffer.write(content)
            return
        try:
            Path(target).write_bytes(content)
        except (OSError, ValueError) as error:  # ValueError: a NUL in the name
            raise bad_input(f"cannot write {target}: {error.strerror or error}") from error
        self.stderr.write(f"Wrote {target} ({len(content):,} bytes)")


def _find(reference: str) -> Workshop:
    workshop = None
    if SLUG.fullmatch(reference):
        workshop = Workshop.objects.filter(slug=reference).first()
    # Ids are 64-bit: a longer number is no id, and would only fail in the database driver.
    if workshop is None and reference.isascii() and reference.isdigit() and len(reference) < 19:
        workshop = Workshop.objects.filter(pk=int(reference)).first()
    if workshop is None:
        raise bad_input(f"No workshop has the id or slug {reference!r}; see --list.")
    return workshop
