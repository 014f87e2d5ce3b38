"""Mail backends for a site that has no mail server (yet).

Production without `EMAIL_HOST` uses `RefusingEmailBackend`: every message is refused with an
error naming `EMAIL_HOST`, and the log says only that a message was refused (how many
recipients, which subject), never its body, which may hold a password-reset link.

Development without `EMAIL_HOST` uses `ConsoleEmailBackend`: messages are printed as Django's
console backend prints them (the demo's invitations show up in the terminal), except that the
body of a message holding a password-reset link is printed only when the `coproduce` loggers
run at DEBUG (`LOG_LEVEL=DEBUG`): such a link lets whoever reads it into the account.
"""

import logging
import re
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.backends.console import EmailBackend as DjangoConsoleBackend
from django.urls import Resolver404, resolve
from django.utils.module_loading import import_string

logger = logging.getLogger("coproduce.mail")

# Views whose links log someone in: never printed at INFO.
SECRET_LINK_VIEWS = {"people:password_reset_confirm"}
_URL = re.compile(r"https?://[^\s<>\"']+")


class EmailNotConfigured(Exception):
    """The site has no mail server, so no message can leave it."""


REFUSAL = (
    "Coproduce cannot send email: EMAIL_HOST is not set. Set EMAIL_HOST (and EMAIL_PORT, "
    "EMAIL_HOST_USER, EMAIL_HOST_PASSWORD) to an SMTP server; see the README, section Production."
)


class RefusingEmailBackend(BaseEmailBackend):
    """Refuse every message, loudly, and log nothing of what it says."""

    def __init__(self, fail_silently: bool = False, **kwargs):
        super().__init__(**kwargs)
        self.refuse_silently = fail_silently

    def send_messages(self, email_messages) -> int:
        messages = list(email_messages or [])
        for message in messages:
            logger.warning(
                "Refused an email to %d recipient(s), subject %r: EMAIL_HOST is not set.",
                len(message.recipients()),
                str(message.subject),
            )
        if messages and not self.refuse_silently:
            raise EmailNotConfigured(REFUSAL)
        return 0


class ConsoleEmailBackend(DjangoConsoleBackend):
    """Print messages to the console, withholding password-reset links unless at DEBUG."""

    def write_message(self, message) -> None:
        if not holds_secret_link(message) or logger.isEnabledFor(logging.DEBUG):
            super().write_message(message)
            return
        self.stream.write(
            f"Subject: {message.subject}\n"
            f"From: {message.from_email}\n"
            f"To: {', '.join(message.recipients())}\n\n"
            "[Body not printed: it holds a password-reset link, which lets whoever reads it "
            "into the account. Run with LOG_LEVEL=DEBUG to print it, or set EMAIL_HOST to a "
            "local mail catcher.]\n"
        )
        self.stream.write("-" * 79)
        self.stream.write("\n")


def holds_secret_link(message) -> bool:
    """Whether any part of the message links to a page that logs someone in."""
    parts = [str(message.body)]
    parts += [str(content) for content, *_ in getattr(message, "alternatives", [])]
    for part in parts:
        for url in _URL.findall(part):
            try:
                match = resolve(urlsplit(url).path)
            except Resolver404:
                continue
            if match.view_name in SECRET_LINK_VIEWS:
                return True
    return False


def can_send_email(alias: str = "default") -> bool:
    """False when the configured mailer refuses everything (production without EMAIL_HOST)."""
    config = getattr(settings, "MAILERS", {}).get(alias, {})
    backend = import_string(config.get("BACKEND", "django.core.mail.backends.smtp.EmailBackend"))
    return not issubclass(backend, RefusingEmailBackend)
