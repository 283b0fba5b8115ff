"""The clock of the incremental state: the system clock, moved by ``STATE_CLOCK_OFFSET``.

Every age and retry time the state holds or compares (``fetched_at``, ``retry_at``, whether an
article is young) is read from one clock, so a test or a rehearsal can run the real command
"eight days later" without waiting (warcio's injectable ``_make_warc_date`` is the model).
WARC-Date stays the real time of the capture: the archive records what happened when.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable

_DURATION = re.compile(r"^\s*([+-]?\d+(?:\.\d+)?)\s*([smhd]?)\s*$")
_SECONDS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}


class ClockError(ValueError):
    """A clock offset that is not a duration (the message is one line)."""


def parse_offset(value: object) -> float:
    """``3600``, ``"-90m"``, ``"8d"`` -> seconds (``N`` or ``N`` followed by s, m, h or d)."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    match = _DURATION.match(str(value))
    if not match:
        raise ClockError(
            f"STATE_CLOCK_OFFSET {value!r}: not a duration (seconds, or N followed by s, m, h or d, e.g. 8d or -1h)"
        )
    return float(match.group(1)) * _SECONDS[match.group(2)]


def offset_clock(offset: float) -> Callable[[], float]:
    """Epoch seconds now, moved by ``offset`` seconds."""
    if not offset:
        return time.time
    return lambda: time.time() + offset
