"""What the library's tests share."""

import pytest

from coproduce.library.search import common, snapshot


@pytest.fixture
def low(monkeypatch):
    """Common (a word's or a prefix's entries kept as bitmaps): in 40 % of the entries and in
    two at least, so that a dozen entries have common words."""
    monkeypatch.setattr(common, "COMMON_SHARE", 0.4)
    monkeypatch.setattr(snapshot, "KEPT_SHARE", 0.4)
    monkeypatch.setattr(common, "COMMON_MIN", 2)
