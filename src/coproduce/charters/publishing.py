"""Publishing a charter as a call to action, and signing it: the writes, and the reads the
call's page, its CSV, the export and the report share.

A published version never changes: publishing sets its date and short code once, and a later
version is a publication of its own. Its earlier signatories are asked (by email, through the
task queue) to re-confirm on the new words; re-confirming carries their signature over
(`carried_from`), nothing is carried silently.

A signature counts only once its email address is confirmed through the link sent to it. The
link's secret is drawn by the task that sends the email, and only its hash is stored, so the
secret lives in the email and nowhere else. One signature per organisation (and one per
individual's address) per version: the database enforces it, the form says so first.
"""

import re
import secrets
import unicodedata
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models import Count, F, Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from coproduce.core import codes
from coproduce.core.text import clean_text
from coproduce.people.sectors import SECTOR_ORDER, sector_key, sector_label

from . import emails
from .emails import hash_token
from .models import COMMITMENT_MAX, COMMITMENTS_MAX, Commitment, Signature, Version

CODE_LENGTH = 7
CODE_LETTERS = "".join(c for c in codes.ALPHABET if c.isalpha())
TOKEN = re.compile(r"[A-Za-z0-9_-]{16,64}")  # what secrets.token_urlsafe draws


class SigningError(Exception):
    """A refusal people can act on; `field` names the form field it is about, if any."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


# --- publishing -------------------------------------------------------------------------------


def latest_version(charter) -> Version | None:
    return charter.versions.order_by("-number").first()


def latest_published(charter) -> Version | None:
    return charter.versions.filter(published_at__isnull=False).order_by("-number").first()


def earlier_published(version: Version) -> Version | None:
    return (
        version.charter.versions.filter(published_at__isnull=False, number__lt=version.number)
        .order_by("-number")
        .first()
    )


def new_short_code() -> str:
    # Starts with a letter, so a short link never looks like a charter's number in a path.
    rest = "".join(secrets.choice(codes.ALPHABET) for _ in range(CODE_LENGTH - 1))
    return secrets.choice(CODE_LETTERS) + rest


def publish(version: Version, *, by=None, language: str = "") -> Version:
    """Publish the charter's latest version; its earlier signatories are asked to re-confirm."""
    if version.is_published:
        raise SigningError(_("Version %(number)s is already published.") % _number(version))
    latest = latest_version(version.charter)
    if latest is not None and latest.pk != version.pk:
        raise SigningError(
            _("Only the latest version (%(number)s) can be published.") % _number(latest)
        )
    updated = 0
    for _attempt in range(10):
        version.published_at = timezone.now()
        version.short_code = new_short_code()
        try:
            with transaction.atomic():
                updated = Version.objects.filter(pk=version.pk, published_at__isnull=True).update(
                    published_at=version.published_at, short_code=version.short_code
                )
            break
        except IntegrityError:  # the same code drawn twice: draw again
            continue
    if not updated:  # published by someone else a moment ago
        raise SigningError(_("Version %(number)s is already published.") % _number(version))
    earlier = earlier_published(version)
    if earlier is not None:
        _ask_to_reconfirm(earlier, version, language)
    return version


def _ask_to_reconfirm(earlier: Version, version: Version, language: str) -> int:
    # Sample signatories have made-up addresses: nobody would receive the email.
    signatures = counted(earlier.signatures.filter(is_sample=False))
    ids = list(signatures.values_list("pk", flat=True))
    for signature_id in ids:
        transaction.on_commit(
            lambda pk=signature_id: emails.ask_to_reconfirm.enqueue(pk, version.pk, language)
        )
    return len(ids)


def _number(version: Version) -> dict:
    return {"number": version.number}


def signable_problem(version: Version) -> str:
    """Why this version cannot be signed now, or "" when it can."""
    if not version.is_published:
        return _("This version is not published, so it cannot be signed yet.")
    latest = latest_published(version.charter)
    if latest is not None and latest.pk != version.pk:
        return _(
            "This version has been replaced by version %(number)s. Please read and sign that one."
        ) % _number(latest)
    return ""


# --- signing ----------------------------------------------------------------------------------


@dataclass
class SignatureData:
    name: str
    sector: str
    email: str
    organisation_name: str = ""
    role: str = ""
    public: bool = True
    commitments: list[str] = field(default_factory=list)


def stored_name(text: str) -> str:
    """A name as it is stored: clean text on one line, spacing collapsed."""
    return " ".join(clean_text(text, multiline=False).split())


def fold(text: str) -> str:
    """A name or address as it is compared: the stored text, compatibility-normalised, case
    and spacing ignored; so invisible characters or decomposed accents cannot sign twice."""
    return " ".join(unicodedata.normalize("NFKC", stored_name(text)).casefold().split())


def check_commitments(commitments: list[str]) -> None:
    if len(commitments) > COMMITMENTS_MAX:
        raise SigningError(
            _("Please keep to %(most)s commitments; you wrote %(count)s.")
            % {"most": COMMITMENTS_MAX, "count": len(commitments)},
            "commitments",
        )
    for number, text in enumerate(commitments, 1):
        if len(text) > COMMITMENT_MAX:
            raise SigningError(
                _(
                    "Commitment %(number)s has %(length)s characters; the most is %(most)s. "
                    "Please shorten it."
                )
                % {"number": number, "length": len(text), "most": COMMITMENT_MAX},
                "commitments",
            )


def _duplicate(version: Version, organisation_key: str, email_key: str) -> SigningError | None:
    # Only counted signatures hold the place: an unconfirmed one (perhaps typed by someone
    # who does not own the address) must not keep the organisation from signing.
    live = counted(version.signatures.all())
    if organisation_key and live.filter(organisation_key=organisation_key).exists():
        return SigningError(
            _("This organisation has already signed this version."), "organisation_name"
        )
    if not organisation_key and live.filter(organisation_key="", email_key=email_key).exists():
        return SigningError(
            _("Someone with this email address has already signed this version for themselves."),
            "email",
        )
    return None


def start_signature(
    version: Version, data: SignatureData, *, user=None, language: str = ""
) -> Signature:
    """Record a signature waiting for its email to be confirmed, and send the link."""
    problem = signable_problem(version)
    if problem:
        raise SigningError(problem)
    check_commitments(data.commitments)
    organisation_key, email_key = fold(data.organisation_name), fold(data.email)
    duplicate = _duplicate(version, organisation_key, email_key)
    if duplicate is not None:
        raise duplicate
    pending = _pending(version, organisation_key, email_key)
    if pending is not None:  # typed again: send the link again rather than a second row
        transaction.on_commit(lambda: emails.send_confirmation.enqueue(pending.pk, language))
        return pending
    try:
        with transaction.atomic():
            signature = Signature.objects.create(
                version=version,
                organisation_name=stored_name(data.organisation_name),
                organisation_key=organisation_key,
                name=data.name,
                role=data.role if organisation_key else "",
                sector=data.sector,
                email=data.email,
                email_key=email_key,
                public=data.public,
                user=user if getattr(user, "is_authenticated", False) else None,
            )
            _add_commitments(signature, data.commitments)
    except IntegrityError:  # signed at the same moment by someone else of the organisation
        raise _duplicate(version, organisation_key, email_key) or SigningError(
            _("This version was signed at the same moment; please try again.")
        ) from None
    transaction.on_commit(lambda: emails.send_confirmation.enqueue(signature.pk, language))
    return signature


def _pending(version: Version, organisation_key: str, email_key: str) -> Signature | None:
    """The same person's signature still waiting for its confirmation, if any."""
    return (
        version.signatures.filter(
            confirmed_at__isnull=True,
            withdrawn_at__isnull=True,
            organisation_key=organisation_key,
            email_key=email_key,
        )
        .order_by("-pk")
        .first()
    )


def _add_commitments(signature: Signature, commitments: list[str]) -> None:
    Commitment.objects.bulk_create(
        Commitment(signature=signature, position=position, text=text)
        for position, text in enumerate(commitments)
    )


def signature_for_token(token: str) -> Signature | None:
    if not TOKEN.fullmatch(token or ""):
        return None
    return (
        Signature.objects.select_related("version__charter__coalition")
        .filter(token_hash=hash_token(token))
        .first()
    )


def confirm(signature: Signature) -> Signature:
    """Count the signature: its address is confirmed. Confirming twice changes nothing."""
    if signature.withdrawn_at is not None:
        raise SigningError(_("This signature was withdrawn, so it can no longer be confirmed."))
    if signature.confirmed_at is None:
        when = timezone.now()
        try:
            with transaction.atomic():
                Signature.objects.filter(pk=signature.pk, confirmed_at__isnull=True).update(
                    confirmed_at=when
                )
        except IntegrityError:  # the unique constraints hold for counted signatures only
            raise SigningError(
                _("This organisation has already signed; someone confirmed first.")
            ) from None
        signature.confirmed_at = when
    return signature


def ask_to_reconfirm_newer(signature: Signature, *, language: str = "") -> Version | None:
    """A signature confirmed after its version was replaced: ask (by email) to re-confirm on
    the latest published version; returns that version, or None when there is none newer."""
    latest = latest_published(signature.version.charter)
    if latest is None or latest.number <= signature.version.number or signature.is_sample:
        return None
    transaction.on_commit(
        lambda: emails.ask_to_reconfirm.enqueue(signature.pk, latest.pk, language)
    )
    return latest


def withdraw(signature: Signature) -> Signature:
    """Withdraw a signature: it stays in the history, shown as withdrawn."""
    if signature.withdrawn_at is None:
        signature.withdrawn_at = timezone.now()
        Signature.objects.filter(pk=signature.pk, withdrawn_at__isnull=True).update(
            withdrawn_at=signature.withdrawn_at
        )
    return signature


def own_signatures(version: Version, user):
    if not getattr(user, "is_authenticated", False):
        return Signature.objects.none()
    return version.signatures.filter(user=user, withdrawn_at__isnull=True)


def withdraw_own(version: Version, user) -> int:
    """Withdraw the signatures this person made on this version while signed in."""
    return own_signatures(version, user).update(withdrawn_at=timezone.now())


def carried_signature(earlier: Signature, version: Version) -> Signature | None:
    return version.signatures.filter(carried_from=earlier).order_by("-pk").first()


def reconfirm(earlier: Signature, version: Version) -> Signature:
    """Carry a confirmed signature of an earlier version over to this one."""
    problem = signable_problem(version)
    if problem:
        raise SigningError(problem)
    if earlier.confirmed_at is None or earlier.withdrawn_at is not None:
        raise SigningError(_("That signature was withdrawn or never confirmed."))
    carried = carried_signature(earlier, version)
    if carried is not None and carried.withdrawn_at is None:
        return carried
    duplicate = _duplicate(version, earlier.organisation_key, earlier.email_key)
    if duplicate is not None:
        raise duplicate
    try:
        return _carry(earlier, version)
    except IntegrityError:  # a double click: the first press carried it already
        carried = carried_signature(earlier, version)
        if carried is not None and carried.withdrawn_at is None:
            return carried
        raise _duplicate(version, earlier.organisation_key, earlier.email_key) or SigningError(
            _("This version was signed at the same moment; please try again.")
        ) from None


def _carry(earlier: Signature, version: Version) -> Signature:
    with transaction.atomic():
        signature = Signature.objects.create(
            version=version,
            organisation=earlier.organisation,
            organisation_name=earlier.organisation_name,
            organisation_key=earlier.organisation_key,
            name=earlier.name,
            role=earlier.role,
            sector=earlier.sector,
            email=earlier.email,
            email_key=earlier.email_key,
            public=earlier.public,
            user=earlier.user,
            # Never sent: this signature is managed from the re-confirm link.
            token_hash=hash_token(secrets.token_urlsafe(24)),
            confirmed_at=timezone.now(),
            carried_from=earlier,
            is_sample=earlier.is_sample,
        )
        _add_commitments(signature, [c.text for c in earlier.commitments.all()])
    return signature


# --- reading ----------------------------------------------------------------------------------


def counted(signatures):
    """Signatures that count: confirmed and not withdrawn."""
    return signatures.filter(confirmed_at__isnull=False, withdrawn_at__isnull=True)


def shown(signatures):
    """Confirmed signatures, withdrawn ones included (a page shows those as withdrawn)."""
    return signatures.filter(confirmed_at__isnull=False)


def with_commitments(signatures):
    return signatures.prefetch_related(
        Prefetch("commitments", queryset=Commitment.objects.order_by("position", "pk"))
    )


@dataclass(frozen=True)
class SectorCount:
    key: str
    label: str
    count: int


def sector_counts(version: Version) -> list[SectorCount]:
    """Counted signatures per sector, in the fixed sector order, sectors with none left out."""
    rows = counted(version.signatures.all()).values("sector").annotate(n=Count("pk"))
    totals: dict[str, int] = {}
    for row in rows:
        key = sector_key(row["sector"])
        totals[key] = totals.get(key, 0) + row["n"]
    return [
        SectorCount(key, sector_label(key), totals[key]) for key in SECTOR_ORDER if key in totals
    ]


def public_signatures(version: Version):
    """Public signatures for the page: confirmed, withdrawn ones too (shown as withdrawn)."""
    rows = shown(version.signatures.filter(public=True))
    return with_commitments(rows).order_by(
        F("withdrawn_at").asc(nulls_first=True), "organisation_name", "name", "pk"
    )
