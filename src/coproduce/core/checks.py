"""Deployment checks: `coproduce check --deploy` warns about what Django's own checks miss."""

import stat
from pathlib import Path

from django.conf import settings
from django.core.checks import Tags, Warning, register

from .mail import can_send_email

# Caches that live inside one process: each web process would count rate limits on its own.
PER_PROCESS_CACHES = {
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
}


@register(Tags.security, deploy=True)
def check_production_switch(app_configs, **kwargs):
    if getattr(settings, "PRODUCTION", False):
        return []
    return [
        Warning(
            "PRODUCTION is not set, so there is no HTTPS redirect, no HSTS, and cookies may "
            "travel over plain HTTP.",
            hint="Set PRODUCTION=true on the server (see the README, section Production).",
            id="coproduce.deploy.W001",
        )
    ]


@register(Tags.security, deploy=True)
def check_behind_proxy(app_configs, **kwargs):
    if not getattr(settings, "PRODUCTION", False) or settings.SECURE_PROXY_SSL_HEADER:
        return []
    return [
        Warning(
            "PRODUCTION is set but BEHIND_PROXY is not: every request behind an HTTPS proxy "
            "looks like plain HTTP, so it is redirected to HTTPS again and again.",
            hint="Set BEHIND_PROXY=true and have the proxy send X-Forwarded-Proto.",
            id="coproduce.deploy.W002",
        )
    ]


@register(Tags.security, deploy=True)
def check_email(app_configs, **kwargs):
    if can_send_email():
        return []
    return [
        Warning(
            "EMAIL_HOST is not set, so Coproduce sends no email: invitations and password "
            "resets are refused, and people who forget their password cannot reset it.",
            hint="Set EMAIL_HOST (and EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD) to "
            "an SMTP server.",
            id="coproduce.deploy.W003",
        )
    ]


@register(Tags.security, deploy=True)
def check_shared_cache(app_configs, **kwargs):
    if not any(cache.get("BACKEND") in PER_PROCESS_CACHES for cache in settings.CACHES.values()):
        return []
    return [
        Warning(
            "REDIS_URL is not set, so each process keeps its own cache: rate limits are "
            "counted per process, and every extra web process gives an attacker as many "
            "attempts again.",
            hint="Set REDIS_URL (e.g. redis://cache.internal:6379/0) so that rate limits and "
            "sessions are shared by all processes, or run a single web process.",
            id="coproduce.deploy.W004",
        )
    ]


@register(Tags.security, deploy=True)
def check_allowed_hosts(app_configs, **kwargs):
    reasons = {
        "*": "'*' accepts any Host header, so links in emails (password resets, invitations) "
        "can be made to point at another site",
        "testserver": "'testserver' is the name the test client uses, not a real host",
    }
    loose = [host for host in reasons if host in settings.ALLOWED_HOSTS]
    if not loose:
        return []
    return [
        Warning(
            f"ALLOWED_HOSTS contains {' and '.join(repr(host) for host in loose)}: "
            + "; ".join(reasons[host] for host in loose)
            + ".",
            hint="Set ALLOWED_HOSTS to the host names the site answers to, e.g. "
            "ALLOWED_HOSTS=coproduce.example.org.",
            id="coproduce.deploy.W005",
        )
    ]


@register(Tags.security, deploy=True)
def check_private_files(app_configs, **kwargs):
    warnings = []
    data_dir = Path(settings.DATA_DIR)
    key_file = data_dir / "secret_key"
    if _mode(key_file) & 0o077:
        warnings.append(
            Warning(
                f"The secret key file {key_file} can be read by other users of this machine; "
                "with the key they can forge sessions and password-reset links.",
                hint=f"Run: chmod 600 {key_file} (better: set SECRET_KEY in the environment "
                "and delete the file).",
                id="coproduce.deploy.W006",
            )
        )
    if _mode(data_dir) & 0o007:
        warnings.append(
            Warning(
                f"The data folder {data_dir} can be read by other users of this machine; it "
                "holds the secret key, the SQLite database and uploaded files.",
                hint=f"Run: chmod 700 {data_dir}",
                id="coproduce.deploy.W007",
            )
        )
    return warnings


def _mode(path: Path) -> int:
    """Permission bits of a path, 0 when it does not exist."""
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except OSError:
        return 0
