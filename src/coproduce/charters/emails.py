"""Emails to signatories: the link that confirms (and later withdraws) a signature, and the
request to re-confirm when a later version of the charter is published.

Both are sent by the task queue, never during the request. The confirmation task draws the
link's secret itself and stores only its hash, so the secret is in the email and nowhere else
(not in the queue's table either). The re-confirm link is signed (`django.core.signing`) and
names the earlier signature and the new version; it stores nothing.
"""

import hashlib
import logging
import secrets

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMessage
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from coproduce.core.text import first_line
from coproduce.library import diffs

from .models import Signature, Version

logger = logging.getLogger("coproduce.charters")

RECONFIRM_SALT = "coproduce.charters.reconfirm"


class BadLink(Exception):
    """A re-confirm link that was changed or names nothing any more."""


def site_link(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def call_path(version: Version) -> str:
    charter = version.charter
    return reverse("charters:call", args=[charter.coalition.slug, charter.pk, version.number])


# --- links ------------------------------------------------------------------------------------


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(signature: Signature) -> str:
    """Draw the secret of the signature's link; only its hash is kept (an older link dies)."""
    token = secrets.token_urlsafe(24)
    Signature.objects.filter(pk=signature.pk).update(token_hash=hash_token(token))
    signature.token_hash = hash_token(token)
    return token


def reconfirm_token(signature: Signature, version: Version) -> str:
    return signing.dumps([signature.pk, version.pk], salt=RECONFIRM_SALT, compress=True)


def reconfirm_target(token: str) -> tuple[Signature, Version]:
    try:
        ids = signing.loads(token, salt=RECONFIRM_SALT)
    except signing.BadSignature:
        raise BadLink(_("This link is not complete or has been changed.")) from None
    if not (isinstance(ids, list) and len(ids) == 2 and all(isinstance(i, int) for i in ids)):
        raise BadLink(_("This link is not complete or has been changed."))
    signature = (
        Signature.objects.select_related("version__charter__coalition").filter(pk=ids[0]).first()
    )
    version = Version.objects.select_related("charter__coalition").filter(pk=ids[1]).first()
    if signature is None or version is None or version.charter_id != signature.version.charter_id:
        raise BadLink(_("This signature or version no longer exists."))
    return signature, version


# --- what changed -----------------------------------------------------------------------------


def _principle_text(principle: dict) -> str:
    parts = [principle.get("title", ""), principle.get("meaning", ""), principle.get("asks", "")]
    return "\n".join(part for part in parts if part)


def _as_fields(version: Version) -> tuple[dict, dict]:
    """A version as named texts for the diff: its title, preamble and each principle, keyed by
    the draft principle it came from so a reworded principle is compared with itself."""
    values = {"title": version.title, "preamble": version.preamble}
    labels = {"title": _("Title"), "preamble": _("Preamble")}
    for position, principle in enumerate(version.principles or []):
        key = f"p{principle.get('principle') or f'at{position}'}"
        values[key] = _principle_text(principle)
        labels[key] = principle.get("title") or _("Principle %(number)s") % {"number": position + 1}
    return values, labels


def changes(old: Version, new: Version) -> list[diffs.FieldChange]:
    """What changed between two versions, in the new version's order (removed ones last)."""
    old_values, old_labels = _as_fields(old)
    new_values, new_labels = _as_fields(new)
    order = list(new_values) + [key for key in old_values if key not in new_values]
    return diffs.diff(old_values, new_values, {**old_labels, **new_labels}, order=order)


def changes_as_text(found: list[diffs.FieldChange]) -> str:
    """The changes for a plain-text email: removed words [-like this-], added {+like this+}."""
    marks = {diffs.ADDED: "{{+{}+}}", diffs.REMOVED: "[-{}-]", diffs.SAME: "{}"}
    blocks = []
    for change in found:
        text = "".join(marks[part.op].format(part.text) for part in change.parts)
        blocks.append(f"{change.label}:\n{text}")
    return "\n\n".join(blocks)


# --- sending ----------------------------------------------------------------------------------


def _send(subject: str, body: str, to: str) -> str:
    try:
        EmailMessage(subject=subject, body=body, to=[to]).send()
    except Exception as error:  # the mail server refused it: logged, never raised to the queue
        logger.warning("A charter email could not be sent: %s", first_line(error))
        return "failed"
    return "sent"


@task
def send_confirmation(signature_id: int, language: str = "") -> str:
    """Draw the signature's link and send it to the address that has to be confirmed."""
    signature = (
        Signature.objects.select_related("version__charter__coalition")
        .filter(pk=signature_id, confirmed_at__isnull=True, withdrawn_at__isnull=True)
        .first()
    )
    if signature is None:
        return "gone"
    token = issue_token(signature)
    version = signature.version
    with translation.override(language or settings.LANGUAGE_CODE):
        context = {
            "signature": signature,
            "version": version,
            "charter": version.charter,
            "link": site_link(reverse("charters:signature", args=[token])),
            "call_url": site_link(call_path(version)),
        }
        subject = _("Please confirm your signature: %(title)s") % {"title": version.title}
        body = render_to_string("charters/email/confirm.txt", context)
    return _send(subject, body, signature.email)


@task
def ask_to_reconfirm(signature_id: int, version_id: int, language: str = "") -> str:
    """Ask a signatory of an earlier version to read what changed and sign again."""
    earlier = (
        Signature.objects.select_related("version__charter__coalition")
        .filter(pk=signature_id, confirmed_at__isnull=False, withdrawn_at__isnull=True)
        .first()
    )
    version = Version.objects.select_related("charter__coalition").filter(pk=version_id).first()
    if earlier is None or version is None:
        return "gone"
    with translation.override(language or settings.LANGUAGE_CODE):
        context = {
            "signature": earlier,
            "earlier": earlier.version,
            "version": version,
            "changes": changes_as_text(changes(earlier.version, version)),
            "link": site_link(
                reverse("charters:reconfirm", args=[reconfirm_token(earlier, version)])
            ),
        }
        subject = _("A new version to re-confirm: %(title)s") % {"title": version.title}
        body = render_to_string("charters/email/reconfirm.txt", context)
    return _send(subject, body, earlier.email)
