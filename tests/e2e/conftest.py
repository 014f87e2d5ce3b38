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
