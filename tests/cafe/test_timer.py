"""The round's clock, with time frozen by passing `now`."""

from datetime import UTC, datetime, timedelta

import pytest

from coproduce.cafe.timer import Clock, ClockError, minutes_and_seconds

START = datetime(2026, 5, 4, 14, 0, tzinfo=UTC)
MIN = timedelta(minutes=1)


def at(minutes: float) -> datetime:
    return START + timedelta(minutes=minutes)


def clock(**kwargs) -> Clock:
    return Clock(started_at=START, planned=20 * MIN, **kwargs)


def test_a_running_clock_counts_down_to_its_end_and_stops_at_zero():
    c = clock()
    assert c.ends_at(at(0)) == at(20)
    assert c.left(at(5)) == 15 * MIN
    assert not c.is_over(at(19.9))
    assert c.left(at(25)) == timedelta(0) and c.is_over(at(20))


def test_a_pause_freezes_the_time_left_and_moves_the_end():
    paused = clock().pause(at(5))
    assert paused.left(at(5)) == paused.left(at(12)) == 15 * MIN
    assert paused.ends_at(at(12)) == at(27)
    resumed = paused.resume(at(12))
    assert not resumed.is_paused and resumed.paused == 7 * MIN
    assert resumed.left(at(12)) == 15 * MIN and resumed.ends_at(at(30)) == at(27)
    again = resumed.pause(at(20)).resume(at(23))  # a second pause adds to the first
    assert again.paused == 10 * MIN and again.ends_at(at(23)) == at(30)


def test_pausing_twice_resuming_a_running_clock_or_pausing_after_time_is_up_is_refused():
    with pytest.raises(ClockError):
        clock().pause(at(1)).pause(at(2))
    with pytest.raises(ClockError):
        clock().resume(at(1))
    with pytest.raises(ClockError):
        clock().pause(at(21))


def test_minutes_added_or_taken_away_move_the_end():
    c = clock().change(2 * MIN, at(5))
    assert c.ends_at(at(5)) == at(22)
    assert c.change(-MIN, at(6)).ends_at(at(6)) == at(21)
    paused = clock().pause(at(5)).change(2 * MIN, at(8))
    assert paused.left(at(9)) == 17 * MIN  # added to a paused clock: shown at once


def test_taking_away_more_than_is_left_is_refused_and_taking_all_of_it_ends_the_round():
    with pytest.raises(ClockError):
        clock().change(-MIN, at(19.5))
    assert clock().change(-5 * MIN, at(15)).is_over(at(15))


def test_minutes_added_after_time_ran_out_count_from_now():
    late = clock().change(2 * MIN, at(30))  # ten minutes after the end
    assert late.left(at(30)) == 2 * MIN and late.ends_at(at(30)) == at(32)


def test_a_round_cannot_be_stretched_past_four_hours():
    with pytest.raises(ClockError):
        clock().change(240 * MIN, at(1))
    assert clock().change(200 * MIN, at(1)).left(at(1)) == 219 * MIN


def test_time_left_is_written_as_the_clock_shows_it():
    assert minutes_and_seconds(15 * MIN) == "15:00"
    assert minutes_and_seconds(timedelta(seconds=65)) == "1:05"
    assert minutes_and_seconds(timedelta(seconds=0.2)) == "0:01"  # "0:00" only when it is over
    assert minutes_and_seconds(timedelta(0)) == "0:00"
    assert minutes_and_seconds(timedelta(hours=1, minutes=2, seconds=3)) == "1:02:03"
    assert minutes_and_seconds(timedelta(seconds=-5)) == "0:00"
