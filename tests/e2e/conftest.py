import pytest
from browser import DESKTOP, AxeChecker


@pytest.fixture
def axe():
    checker = AxeChecker()
    yield checker
    assert checker.problems == [], "\n".join(checker.problems)


@pytest.fixture
def new_page(browser, live_server):
    """Open a fresh browser context (its own cookies) at a viewport, on the live server."""
    contexts = []

    def make(viewport=DESKTOP):
        context = browser.new_context(viewport=viewport, base_url=live_server.url)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def worker(settings):
    """A real background worker on the database queue, in a thread, for the test's duration.

    The worker class is run directly: its command installs signal handlers, which only the
    main thread may do.
    """
    import threading

    from django.db import connection
    from django_tasks_db.management.commands.db_worker import Worker

    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }
    stop = threading.Event()

    def run():
        while not stop.is_set():
            Worker(
                queue_names=["default"],
                interval=0.2,
                batch=True,
                backend_name="default",
                startup_delay=False,
                max_tasks=None,
                worker_id="e2e",
                excluded_queue_names=[],
            ).run()
            stop.wait(0.3)
        connection.close()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    yield
    stop.set()
    thread.join(timeout=30)
