"""Personal API tokens: made, checked and revoked here, and nowhere else.

A token is ``cop_`` followed by 32 random bytes in URL-safe base64. The prefix lets people (and
secret scanners) recognise a Coproduce token in a config file or a leaked log. The token is
shown once, when it is made; the database keeps only its SHA-256 hash and its first characters.

Why a fast hash and not a password hash (PBKDF2, Argon2): a password hash is slow so that
guessing from a stolen hash takes long, which matters for passwords people choose. These
tokens are 256 random bits: nobody can guess one from its hash however fast the hash, and a
slow hash would cost every API request tens of milliseconds. A plain hash also lets the token
be found by an indexed lookup of its hash, without a per-person salt.
"""

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from coproduce.core.text import clean_text

from .models import ApiToken, Person

PREFIX = "cop_"
SHOWN_CHARACTERS = 8  # stored in clear so people can tell their tokens apart: "cop_" + 4
NAME_MAX = 100
LIVE_TOKENS_MAX = 20
LONGEST_LIFE = timedelta(days=365)
# last_used_at is written at most this often per token, so a busy program does not turn
# every read into a database write.
LAST_USED_EVERY = timedelta(minutes=1)
# Longer than any token we make (4 + 43 characters): anything longer is refused unhashed.
RAW_MAX = 100


class TokenRefused(Exception):
    """A token that cannot be made or used; the message says why, in plain translated words.

    ``reason`` is a short fixed word (unknown, revoked, expired, inactive, name, expiry,
    too_many, not_yours) for programs that answer differently by reason.
    """

    def __init__(self, message: str, *, reason: str):
        super().__init__(message)
        self.reason = reason


def hash_of(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def _clean_name(name) -> str:
    if not isinstance(name, str):
        raise TokenRefused(_("The token's name must be text."), reason="name")
    cleaned = clean_text(name, multiline=False).strip()
    if not cleaned:
        raise TokenRefused(_("Give the token a name, so you can tell it apart."), reason="name")
    if len(cleaned) > NAME_MAX:
        raise TokenRefused(
            ngettext(
                "The token's name can be at most %(max)d character long.",
                "The token's name can be at most %(max)d characters long.",
                NAME_MAX,
            )
            % {"max": NAME_MAX},
            reason="name",
        )
    return cleaned


def _check_expiry(expires_at, now: datetime) -> None:
    if expires_at is None:
        return
    if not isinstance(expires_at, datetime) or timezone.is_naive(expires_at):
        raise TokenRefused(_("The expiry must be a date and time with a zone."), reason="expiry")
    if expires_at <= now:
        raise TokenRefused(_("The expiry must be in the future."), reason="expiry")
    if expires_at > now + LONGEST_LIFE:
        raise TokenRefused(_("A token can last at most a year."), reason="expiry")


def live_tokens(person: Person, now: datetime | None = None):
    now = now or timezone.now()
    return ApiToken.objects.filter(person=person, revoked_at__isnull=True).filter(
        Q(expires_at__isnull=True) | Q(expires_at__gt=now)
    )


def issue(
    person: Person, *, name: str, write: bool, expires_at=None, now: datetime | None = None
) -> tuple[ApiToken, str]:
    """Make a token for `person`; return the row and the raw token, which is never stored."""
    now = now or timezone.now()
    if not isinstance(write, bool):
        raise TokenRefused(_("Choose whether the token may change things."), reason="write")
    cleaned = _clean_name(name)
    _check_expiry(expires_at, now)
    raw = PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        # Lock the person's row so two requests at once cannot both make the 20th token.
        Person.objects.select_for_update().filter(pk=person.pk).first()
        if live_tokens(person, now).count() >= LIVE_TOKENS_MAX:
            raise TokenRefused(
                ngettext(
                    "You already have %(max)d token. Revoke one you no longer use first.",
                    "You already have %(max)d tokens. Revoke one you no longer use first.",
                    LIVE_TOKENS_MAX,
                )
                % {"max": LIVE_TOKENS_MAX},
                reason="too_many",
            )
        token = ApiToken.objects.create(
            person=person,
            name=cleaned,
            prefix=raw[:SHOWN_CHARACTERS],
            key_hash=hash_of(raw),
            write=write,
            created_at=now,
            expires_at=expires_at,
        )
    return token, raw


def _unknown() -> TokenRefused:
    return TokenRefused(_("This token is not known."), reason="unknown")


def authenticate(raw: str, *, now: datetime | None = None) -> tuple[Person, ApiToken]:
    """The person and token a raw token stands for, or TokenRefused saying why not.

    The token is found by its hash, so the lookup's timing can at most tell an attacker about
    hashes, which does not help them find a token; the compare after it is constant-time anyway.
    """
    if not isinstance(raw, str) or not raw.startswith(PREFIX) or len(raw) > RAW_MAX:
        raise _unknown()
    digest = hash_of(raw)
    token = ApiToken.objects.select_related("person").filter(key_hash=digest).first()
    if token is None or not hmac.compare_digest(token.key_hash, digest):
        raise _unknown()
    now = now or timezone.now()
    if token.revoked_at is not None:
        raise TokenRefused(_("This token has been revoked."), reason="revoked")
    if token.is_expired(now):
        raise TokenRefused(_("This token has expired."), reason="expired")
    if not token.person.is_active:
        raise TokenRefused(_("The account this token belongs to is closed."), reason="inactive")
    _note_use(token, now)
    return token.person, token


def _note_use(token: ApiToken, now: datetime) -> None:
    """Record the use, at most once a minute per token (a conditional update: no race)."""
    if token.last_used_at is not None and now - token.last_used_at < LAST_USED_EVERY:
        return
    stale = Q(last_used_at__isnull=True) | Q(last_used_at__lte=now - LAST_USED_EVERY)
    ApiToken.objects.filter(stale, pk=token.pk).update(last_used_at=now)
    token.last_used_at = now


def revoke(token: ApiToken, *, by: Person, now: datetime | None = None) -> None:
    """Revoke `token` for good. Only its person may; revoking twice keeps the first time."""
    if by is None or by.pk != token.person_id:
        raise PermissionDenied("Only the token's person may revoke it.")
    now = now or timezone.now()
    if ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=now):
        token.revoked_at = now
    else:
        token.refresh_from_db(fields=["revoked_at"])
