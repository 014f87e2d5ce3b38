"""Background tasks shared by every capability."""

from django.core.mail import send_mail
from django.tasks import task


@task
def send_email(subject: str, body: str, to: list[str], html_body: str | None = None) -> int:
    """Send one email outside the request, so a slow mail server never delays a page."""
    return send_mail(subject, body, None, to, html_message=html_body)
