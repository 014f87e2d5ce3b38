import sys
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from coproduce.reports import services
from coproduce.reports.document import FORMATS
from coproduce.reports.rendering import render
from coproduce.workshops.models import Workshop


class Command(BaseCommand):
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
            raise CommandError("Name a workshop (id or slug), or use --list.")
        found = _find(workshop)
        report = services.report_for(found)
        services.ensure_themes(report)
        if published:
            version = report.versions.exclude(published_at=None).order_by("-number").first()
            if version is None:
                raise CommandError(f"{found.slug} has no published report yet.")
        else:
            version = report.versions.order_by("-number").first()
        content = render(found, version, format)
        target = output or f"{found.slug}-report.{FORMATS[format].extension}"
        if target == "-":
            sys.stdout.buffer.write(content)
            return
        Path(target).write_bytes(content)
        self.stderr.write(f"Wrote {target} ({len(content):,} bytes)")


def _find(reference: str) -> Workshop:
    workshop = Workshop.objects.filter(slug=reference).first()
    if workshop is None and reference.isdigit():
        workshop = Workshop.objects.filter(pk=int(reference)).first()
    if workshop is None:
        raise CommandError(f"No workshop has the id or slug {reference!r}; see --list.")
    return workshop
