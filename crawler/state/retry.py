"""When a URL whose fetch failed is due again: exponential back-off, or the server's Retry-After.

Pure: callers pass the clock (``retry_after_seconds`` reads the header for the host guard and the
incremental middleware alike). A failure is a 5xx or 429 response (archived all the same) or a
network error (nothing to archive). The first failure waits ``base`` seconds, each further
failed crawl twice as long, up to ``cap``; a longer Retry-After (up to ``cap``) wins. A success
(any other response, or a revisit) clears both.
"""

from __future__ import annotations

import dataclasses
from email.utils import parsedate_to_datetime

from .base import UrlState


def is_failure(status: int) -> bool:
    return status >= 500 or status == 429


def after_failure(
    known: UrlState | None,
    url: str,
    status: int,
    now: float,
    base: float,
    cap: float,
    retry_after: float | None = None,
    again: bool = False,
) -> UrlState:
    """The state after a failed fetch. ``again``: a retry within the same crawl, which does not
    count as one more failed crawl (it only moves the retry time)."""
    state = known or UrlState(url=url, status=status)
    failures = max(1, state.failures + (0 if again else 1))
    wait = min(base * 2 ** (failures - 1), cap)
    if retry_after is not None:
        wait = max(wait, min(retry_after, cap))
    return dataclasses.replace(state, status=status, failures=failures, retry_at=now + wait if base > 0 else 0.0)


def is_waiting(known: UrlState | None, now: float) -> bool:
    """True while a failed URL's retry time is still ahead."""
    return known is not None and known.retry_at > now


def retry_after_seconds(value: str | None, now: float) -> float | None:
    """Seconds to wait from a Retry-After value (delta-seconds or HTTP date, RFC 9110 section
    10.2.3), None if invalid."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when is None or when.tzinfo is None:
        return None
    return max(0.0, when.timestamp() - now)
