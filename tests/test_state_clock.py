"""STATE_CLOCK_OFFSET values (crawler.state.clock)."""

from __future__ import annotations

import pytest

from crawler.state.clock import ClockError, offset_clock, parse_offset


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        (0, 0.0),
        (3600, 3600.0),
        ("3600", 3600.0),
        ("-1h", -3600.0),
        ("8d", 691200.0),
        ("90m", 5400.0),
        ("1.5h", 5400.0),
        (" 30s ", 30.0),
        (2.5, 2.5),
    ],
)
def test_durations(value, seconds):
    assert parse_offset(value) == seconds


@pytest.mark.parametrize("value", ["next week", "8 days", "1w", "", "h", True])
def test_not_a_duration_is_one_line(value):
    with pytest.raises(
        ClockError, match=r"^STATE_CLOCK_OFFSET .*: not a duration \(seconds, or N followed by s, m, h or d"
    ):
        parse_offset(value)


def test_the_offset_moves_the_clock():
    import time

    assert abs(offset_clock(8 * 86400)() - (time.time() + 8 * 86400)) < 5
    assert offset_clock(0) is time.time
