"""The coalition's report: where the coalition stands, as one document in every format.

The workshop report tells what happened on one afternoon; this one gathers what the coalition
has since made of it: the workshops and their published reports, then whatever the later
capabilities contribute (`sections.register_coalition_section`): the published charter and its
signatories, the self-assessments' results, the plan. Everything in it is what anyone who may
see the coalition may see, so the same document serves members and the public.
"""

import hashlib
import zoneinfo

from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from coproduce.workshops.models import Workshop

from .builder import labels
from .document import Document, Markdown, Section, Table, to_markdown
from .models import ReportVersion
from .sections import coalition_sections

WORKSHOPS_SHOWN = 50  # the latest; the coalition's page lists them all


def document(coalition) -> Document:
    sections = [_workshops(coalition), *coalition_sections(coalition)]
    if len(sections) == 1:
        sections.append(
            Section(
                key="next",
                heading=_("What comes next"),
                blocks=(
                    Markdown(
                        _(
                            "The coalition has no published charter or self-assessment yet. "
                            "When it has, they appear here."
                        )
                    ),
                ),
            )
        )
    return Document(
        title=coalition.name,
        subtitle=_("Where the coalition stands, %(date)s")
        % {"date": date_format(_today(coalition), "DATE_FORMAT")},
        language=translation.get_language() or "en",
        sections=tuple(sections),
        footer=_("Made with Coproduce from the coalition's work."),
        labels=labels(),
    )


def _today(coalition):
    try:
        return timezone.localdate(timezone=zoneinfo.ZoneInfo(coalition.time_zone))
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return timezone.localdate()


def _workshops(coalition) -> Section:
    workshops = list(
        Workshop.objects.filter(coalition=coalition).order_by("-starts_at")[:WORKSHOPS_SHOWN]
    )
    reported = set(
        ReportVersion.objects.filter(
            report__workshop__in=workshops, visibility=ReportVersion.Visibility.PUBLIC
        )
        .exclude(published_at=None)
        .values_list("report__workshop_id", flat=True)
    )
    heading = _("Workshops")
    if not workshops:
        return Section(key="workshops", heading=heading, blocks=(Markdown(_("None yet.")),))
    rows = tuple(
        (
            workshop.title,
            date_format(workshop.starts_at.astimezone(workshop.tz), "DATE_FORMAT"),
            workshop.venue,
            _("Published") if workshop.pk in reported else _("Not yet"),
        )
        for workshop in workshops
    )
    table = Table(
        header=(_("Workshop"), _("Date"), _("Where"), _("Report")),
        rows=rows,
        caption=_("The coalition's workshops, latest first."),
    )
    return Section(key="workshops", heading=heading, blocks=(table,))


def fingerprint(doc: Document) -> str:
    """What the document says, so a file made from it is kept until that changes (the date in
    its subtitle included: a new day makes a new file)."""
    return hashlib.sha256(to_markdown(doc).encode()).hexdigest()[:32]
