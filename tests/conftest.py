import os

import pytest

# Playwright runs its own event loop in the test thread; Django's live server is synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(autouse=True)
def _immediate_tasks(settings):
    """Run background tasks at once in tests; tests of the real worker switch back."""
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def _fresh_process_caches():
    """Per-process caches of the vote path keep objects by id; ids repeat between tests."""
    from coproduce.conversations import services, views

    views._for_votes.clear()
    services._asked_at.clear()


@pytest.fixture(autouse=True)
def _default_language():
    # A request in Spanish leaves Spanish active in this thread; the next test starts afresh.
    yield
    from django.utils import translation

    translation.deactivate()


@pytest.fixture(autouse=True)
def _fresh_cache():
    # Rate-limit counters live in the cache; one test's attempts must not limit the next.
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


def pytest_configure(config):
    from django.conf import settings

    # Real hashing costs a third of a second per account; tests make hundreds of accounts.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Plans that cannot be proved optimal search until this limit; tests check validity.
    settings.CAFE_SOLVER_SECONDS = 1.0
