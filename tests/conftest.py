import os
import shutil
import socket
import subprocess
import time

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
    """Per-process caches of the hot paths keep objects by id; ids repeat between tests."""
    from coproduce.conversations import services
    from coproduce.core.recent import Recent

    services._asked_at.clear()
    Recent.forget_everything()


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


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory):
    """A Redis server of the tests' own, on a free port, gone when the session ends.

    The tests never rely on a Redis the machine happens to run; ./scripts/test installs
    redis-server like Chromium, so this is there wherever the suite runs.
    """
    server = shutil.which("redis-server")
    assert server, (
        "The tests need redis-server (Debian package redis-server); ./scripts/test installs it."
    )
    port = _free_port()
    folder = tmp_path_factory.mktemp("redis")
    process = subprocess.Popen(
        [
            server,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(folder),
        ],
        stdout=subprocess.DEVNULL,
    )
    try:
        _wait_for_port(port, process)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(timeout=10)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_for_port(port: int, process: subprocess.Popen) -> None:
    # Readiness, not speed: the loop ends when Redis answers or has exited.
    while process.poll() is None:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"redis-server exited with status {process.returncode}")
