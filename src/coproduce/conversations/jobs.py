"""The conversation's long work for the background worker: exports."""

import io
import tempfile
import zipfile
from pathlib import Path

from django.utils.translation import gettext as _

from coproduce.jobs.tasks import attach

from .models import Conversation


def export_job(job, progress) -> dict:
    """Params: ``conversation`` (its id) and ``raw`` (default False: formula-like text is
    escaped so the files are safe to open in a spreadsheet; True writes it as Pol.is does)."""
    from .polis import export_polis  # NumPy and the opinion package: the worker's, not the web's

    conversation = Conversation.objects.get(pk=job.params["conversation"])
    progress(0.2, _("Writing the Pol.is files"))
    with tempfile.TemporaryDirectory() as folder:
        export_polis(conversation, folder, raw=bool(job.params.get("raw", False)))
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in sorted(Path(folder).iterdir()):
                archive.write(path, path.name)
    progress(0.9, _("Saving"))
    attach(job, f"conversation-{conversation.pk}-polis.zip", buffer.getvalue(), "application/zip")
    return {"bytes": buffer.tell()}
