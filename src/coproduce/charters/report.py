"""The charter's section of the coalition report and of a workshop report: the coalition's latest
published call to action, its principles, and who signed by sector.

A report is public once published, so the section holds only public things: a published
version, counts of confirmed signatures, and the names of public signatories (never private
ones, never unconfirmed or withdrawn ones). A coalition without a published charter gets no
section.
"""

from django.db.models import Prefetch
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from coproduce.reports.document import (
    BarChartSpec,
    BulletList,
    Figure,
    KeyValueTable,
    Markdown,
    Section,
)

from . import publishing
from .models import Commitment, Version

NAMES_SHOWN = 200  # beyond this, the report says how many more signed publicly


def latest_published_version(coalition) -> Version | None:
    return (
        Version.objects.filter(charter__coalition=coalition, published_at__isnull=False)
        .select_related("charter__coalition")
        .order_by("-published_at", "-pk")
        .first()
    )


def coalition_section(coalition) -> Section | None:
    version = latest_published_version(coalition)
    return charter_section(version) if version is not None else None


def workshop_section(workshop) -> Section | None:
    return coalition_section(workshop.coalition)


def charter_section(version: Version) -> Section:
    counts = publishing.sector_counts(version)
    total = sum(c.count for c in counts)
    blocks = [
        KeyValueTable(
            rows=(
                (_("Call to action"), version.title),
                (_("Version"), str(version.number)),
                (_("Published"), date_format(version.published_at, "DATE_FORMAT")),
                (_("Signatures"), str(total)),
            )
        ),
        Markdown(_("Its principles:")),
        BulletList(items=tuple(p.get("title", "") for p in version.principles or ()), ordered=True),
    ]
    if counts:
        blocks.append(_by_sector(counts))
    names = _public_names(version)
    if names:
        blocks.append(Markdown(_("Who signed publicly, and what they commit to:")))
        blocks.append(BulletList(items=tuple(names[:NAMES_SHOWN])))
        if len(names) > NAMES_SHOWN:
            more = len(names) - NAMES_SHOWN
            blocks.append(
                Markdown(
                    ngettext(
                        "And %(n)s more who signed publicly (all are on the charter's page).",
                        "And %(n)s more who signed publicly (all are on the charter's page).",
                        more,
                    )
                    % {"n": more}
                )
            )
    note = "" if total else _("Nobody has signed yet.")
    return Section(
        key="charter", heading=_("Charter and call to action"), blocks=tuple(blocks), note=note
    )


def _by_sector(counts: list[publishing.SectorCount]) -> Figure:
    """The chart carries its own table of the same figures (the document renders both)."""
    description = "; ".join(f"{c.label}: {c.count}" for c in counts)
    return Figure(
        chart=BarChartSpec(
            title=_("Signatures by sector"),
            description=description,
            categories=tuple(c.label for c in counts),
            series=((_("Signatures"), tuple(float(c.count) for c in counts)),),
        ),
        caption=_("Confirmed signatures by sector."),
        alt=description,
    )


def _public_names(version: Version) -> list[str]:
    """Public, confirmed, not withdrawn: "Organisation (Name, role)" or the person's name,
    with their commitments after a colon."""
    rows = publishing.counted(version.signatures.filter(public=True)).prefetch_related(
        Prefetch("commitments", queryset=Commitment.objects.order_by("position", "pk"))
    )
    names = []
    for signature in rows.order_by("organisation_name", "name", "pk"):
        if signature.organisation_name:
            name = f"{signature.organisation_name} ({signature.name}, {signature.role})"
        else:
            name = signature.name
        commitments = [c.text for c in signature.commitments.all()]
        if commitments:
            name = _("%(name)s, commits to: %(commitments)s") % {
                "name": name,
                "commitments": "; ".join(commitments),
            }
        names.append(name)
    return names
