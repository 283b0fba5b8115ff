"""Whether a known URL is due for a request now: the one verdict the spider-side filter and the
incremental downloader middleware share (docs/architecture.md, "Re-crawls").

Pure: callers pass the state, the clock's time and the source's ``refresh.articles_after``.
"""

from __future__ import annotations

from collections.abc import Callable

from .base import UrlState
from .retry import is_waiting

FRESH = "fresh"  # an article page archived less than ``articles_after`` ago
RETRY_LATER = "retry_later"  # a URL that failed and whose retry time is still ahead


def not_due(
    known: UrlState | None,
    now: float,
    articles_after: float | None,
    retrying: bool = False,
    holds: Callable[[UrlState], bool] | None = None,
) -> str | None:
    """Why ``known`` must not be requested now (``FRESH``, ``RETRY_LATER``), or None when it is due.

    ``articles_after``: the source's value when the URL is an article page, None for list pages,
    feeds and sitemaps (always revalidated). ``retrying``: a retry within this crawl (Scrapy's
    RetryMiddleware), which its own back-off does not hold back. ``holds``: whether the archive
    still has the URL's record (a deleted WARC file: its young articles are due again)."""
    if known is None:
        return None
    if not retrying and is_waiting(known, now):
        return RETRY_LATER
    if articles_after is not None and known.record_id and now - known.fetched_at < articles_after:
        if holds is None or holds(known):
            return FRESH
    return None
