"""Rows kept for a second or two in the process (core.recent), and the café polls that use it."""

import pytest

from coproduce.core import recent
from coproduce.core.recent import Recent


class Row:
    def __init__(self, value):
        self.value = value


@pytest.fixture
def clock(monkeypatch):
    now = [100.0]
    monkeypatch.setattr(recent.time, "monotonic", lambda: now[0])
    return now


def test_a_kept_row_is_served_until_it_is_too_old(clock):
    keeper, loads = Recent[Row](seconds=1.0), []

    def load():
        loads.append(1)
        return Row(len(loads))

    assert keeper.get("cafe", load).value == 1
    clock[0] += 0.9
    assert keeper.get("cafe", load).value == 1
    clock[0] += 0.2
    assert keeper.get("cafe", load).value == 2
    assert len(loads) == 2


def test_forgetting_reads_afresh_and_each_caller_has_its_own_copy(clock):
    keeper = Recent[Row](seconds=10.0)
    first = keeper.get("cafe", lambda: Row("old"))
    first.value = "changed by one view"  # must not reach another thread's copy
    assert keeper.get("cafe", lambda: Row("unused")).value == "old"
    keeper.forget("cafe")
    assert keeper.get("cafe", lambda: Row("new")).value == "new"
    Recent.forget_everything()
    assert keeper.get("cafe", lambda: Row("newest")).value == "newest"
