"""Building a public coalition's open-data bundle: a zip of CSV and JSON files with a
datapackage.json describing each (datapackage.py), made by the worker (a job with visible
progress) every night while the coalition publishes it, or at once when an organiser asks.

The bundle holds what an anonymous visitor may see and nothing more, collected by the same
code that answers the pages: the whole-coalition export (`coalitions/exporting.py`) read as
nobody in particular, each conversation a visitor may open as a Pol.is folder (votes under
the pseudonymous ids Pol.is uses, never names), and the coalition's published library entries
in Participedia's columns.
"""

import io
import tempfile
import zipfile
from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from coproduce.coalitions.exporting import export
from coproduce.coalitions.models import Coalition, Visibility
from coproduce.coalitions.permissions import Action, Visitor, can

from . import datapackage
from .datapackage import Resource
from .models import Publication

KIND = "opendata.build"
EVERY = timedelta(hours=24)
PARTICIPEDIA_LICENCE = {
    "name": "CC-BY-NC-SA-3.0",
    "title": "Creative Commons Attribution-NonCommercial-ShareAlike 3.0",
    "path": "https://creativecommons.org/licenses/by-nc-sa/3.0/",
}


class NotPublishable(Exception):
    """The coalition cannot publish open data (it is not public); the message says so."""


# -- what goes in ----------------------------------------------------------------------------


def resources(coalition: Coalition, progress=lambda fraction, message="": None) -> list:
    """Every file of the bundle but datapackage.json, as an anonymous visitor may see them."""
    nobody = Visitor()
    progress(0.1, _("Collecting the coalition’s work"))
    document = export(coalition, nobody)
    found = [
        Resource("coalition.json", datapackage.json_bytes(document), title_of("coalition.json"))
    ]
    found += _tables(document)
    progress(0.4, _("Writing the conversations in Pol.is’s format"))
    found += _conversations(coalition, nobody)
    progress(0.7, _("Writing the library’s entries"))
    found += _library(coalition)
    return found


def _tables(document: dict) -> list[Resource]:
    """Each part of the export that is a list of records, also as a CSV table (nested values
    as JSON in their cell), for spreadsheets and data portals."""
    tables = []
    for key, value in document.items():
        if isinstance(value, list) and value and all(isinstance(item, dict) for item in value):
            content, schema = datapackage.table(value)
            tables.append(Resource(f"{key}.csv", content, title_of(f"{key}.csv"), schema=schema))
    return tables


def _conversations(coalition: Coalition, nobody: Visitor) -> list[Resource]:
    from coproduce.conversations.models import Conversation
    from coproduce.conversations.polis import export_polis

    found = []
    for conversation in Conversation.objects.filter(coalition=coalition).order_by("pk"):
        if not can(nobody, Action.VIEW, conversation):
            continue
        with tempfile.TemporaryDirectory() as folder:
            export_polis(conversation, folder)
            for path in sorted(Path(folder).iterdir()):
                name = f"conversations/{conversation.pk}/{path.name}"
                found.append(
                    Resource(
                        name,
                        path.read_bytes(),
                        title_of(name, conversation.question),
                        extra={"format-of": "polis-opendata", "question": conversation.question},
                    )
                )
    return found


# What each file of a Pol.is export holds, for the bundle's page and description.
_POLIS_FILES = {
    "comments.csv": gettext_lazy("the statements, with their votes counted"),
    "votes.csv": gettext_lazy("every vote, in the order it was cast"),
    "participants-votes.csv": gettext_lazy("each participant’s latest votes and group"),
    "summary.csv": gettext_lazy("the conversation in figures"),
}


def _library(coalition: Coalition) -> list[Resource]:
    """The coalition's own published entries, and the published shared ones its work links
    to (public already: the bundle gathers them where its readers look)."""
    from coproduce.library.exports import export_entries
    from coproduce.library.models import Entry, Kind, Status

    own_or_linked = Q(coalition=coalition) | Q(coalition=None, work_links__coalition=coalition)
    entries = Entry.objects.filter(own_or_linked, status=Status.PUBLISHED).distinct()
    found = []
    for kind in Kind:
        of_kind = list(entries.filter(kind=kind).order_by("pk"))
        if not of_kind:
            continue
        imported = [entry for entry in of_kind if entry.licence.startswith("CC BY-NC-SA")]
        # Participedia's entries keep their own licence, which the bundle's cannot replace.
        licence = PARTICIPEDIA_LICENCE if imported else None
        for fmt, suffix in (("participedia-csv", "csv"), ("json", "json")):
            name = f"library/{kind.value}.{suffix}"
            found.append(
                Resource(
                    name,
                    export_entries(kind.value, fmt, of_kind),
                    title_of(name),
                    licence=licence,
                    extra={"format-of": "participedia"} if fmt != "json" else {},
                )
            )
    return found


# What the export's parts hold, as the bundle's page names their tables.
_PARTS = {
    "workshops": gettext_lazy("Workshops"),
    "charters": gettext_lazy("Charters"),
    "assessments": gettext_lazy("Self-assessments"),
    "strategies": gettext_lazy("Strategies"),
    "amendments": gettext_lazy("Amendments to strategies"),
    "plans": gettext_lazy("Action plans"),
    "outcomes": gettext_lazy("What became of the themes and statements"),
}


def title_of(path: str, question: str = "") -> str:
    """What the file at `path` holds, in the active language: the same words in the bundle's
    description (its builder's language) and on its page (each reader's)."""
    folder, _slash, name = path.rpartition("/")
    stem, _dot, suffix = name.rpartition(".")
    if path == "coalition.json":
        return _("Everything the coalition publishes, in one document")
    if folder.startswith("conversations/"):
        what = _POLIS_FILES.get(name, name)
        return _("“%(question)s”: %(what)s") % {"question": question, "what": what}
    if folder == "library":
        from coproduce.library.models import Kind

        kind = {"kind": str(Kind(stem).label).lower() if stem in Kind.values else stem}
        if suffix == "csv":
            return _("Library: %(kind)s entries, in Participedia’s columns") % kind
        return _("Library: %(kind)s entries, every field") % kind
    part = _PARTS.get(stem, stem.replace("_", " ").capitalize())
    return _("%(part)s, one row each") % {"part": part}


# -- building -------------------------------------------------------------------------------


def build(coalition: Coalition, *, homepage: str = "", progress=None) -> Publication:
    """Build the bundle and keep it as the coalition's latest; the previous file goes."""
    progress = progress or (lambda fraction, message="": None)
    publication = Publication.objects.get(coalition=coalition)
    if coalition.visibility != Visibility.PUBLIC:
        raise NotPublishable(_("Only a public coalition can publish open data."))
    now = timezone.now()
    files = resources(coalition, progress)
    progress(0.9, _("Packing the files"))
    described = datapackage.package(
        name=f"coproduce-{coalition.slug}",
        title=coalition.name,
        licence_key=publication.licence,
        created=now,
        resources=files,
        homepage=homepage,
    )
    archive = _zip(described, files)
    _keep(publication, coalition, archive, files, now)
    return publication


def _zip(described: dict, files: list[Resource]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("datapackage.json", datapackage.json_bytes(described))
        for resource in files:
            archive.writestr(resource.path, resource.content)
    return buffer.getvalue()


def _keep(publication, coalition, archive: bytes, files, now: datetime) -> None:
    old = publication.bundle.name
    name = f"{coalition.slug}-open-data-{now:%Y%m%d%H%M%S}.zip"
    publication.bundle.save(name, ContentFile(archive), save=False)
    publication.built_at, publication.size = now, len(archive)
    # Titles are not kept: the page says them in each reader's language (`title_of`).
    publication.files = [
        {
            "path": resource.path,
            "bytes": len(resource.content),
            "question": resource.extra.get("question", ""),
        }
        for resource in files
    ]
    publication.save(update_fields=["bundle", "built_at", "size", "files"])
    if old and old != publication.bundle.name:
        publication.bundle.storage.delete(old)


def build_job(job, progress) -> dict:
    """The worker's handler: params ``coalition`` (its id)."""
    coalition = Coalition.objects.get(pk=job.params["coalition"])
    homepage = job.params.get("homepage", "")
    publication = build(coalition, homepage=homepage, progress=progress)
    return {"bytes": publication.size, "files": len(publication.files)}


def start(coalition: Coalition, *, user=None, fingerprint: str = ""):
    """Queue a build (the one already queued or running for the same fingerprint is handed
    back, so a double click or two sweeping workers build once)."""
    from coproduce.jobs.services import start_job

    now = timezone.now()
    return start_job(
        kind=KIND,
        fingerprint=fingerprint or f"opendata:{coalition.pk}:{now:%Y-%m-%dT%H:%M}",
        title=_("Open data of %(name)s") % {"name": coalition.name},
        subject=coalition,
        action=Action.MANAGE,
        params={
            "coalition": coalition.pk,
            "homepage": settings.SITE_URL + reverse("opendata:page", args=[coalition.slug]),
        },
        user=user,
    )


def nightly(now: datetime) -> None:
    """Sweep step: queue a build for each published bundle older than a day (once a day: the
    day is in the fingerprint)."""
    due = Publication.objects.filter(
        published=True, coalition__visibility=Visibility.PUBLIC
    ).exclude(built_at__gt=now - EVERY)
    for publication in due.select_related("coalition")[:50]:
        with transaction.atomic():
            start(publication.coalition, fingerprint=f"opendata:{publication.pk}:{now:%Y-%m-%d}")
