"""Requests the archive does not need are not made at all: young articles, URLs waiting to retry.

A re-crawl follows every link of every list page again, and most of them point to article pages
the archive holds and that are younger than the source's ``refresh.articles_after``. Dropping
those as the spider yields them (as scrapy-deltafetch does) means they take no scheduler slot, no
download slot, no middleware pass and no log line; they are only counted
(``incremental/skipped/fresh``, ``incremental/skipped/retry_later``). The verdict is the one the
incremental downloader middleware applies to what still reaches it (``crawler.state.due``), with
the same state store and clock (the state extension's, ``crawler.extensions.state``). A skipped
request is a decision of ours: it is not a request, and nothing counts it as a failure of the
site (docs/guarantees.md). The continuation pages of a multi-page
article (request meta ``article``, crawler/spiders.py) are never dropped here: they are requested
because their article was due, and its text needs every page.

Priority 100: below Scrapy's DepthMiddleware (900) and OffsiteMiddleware (500), which see the
output first, so a request another filter drops is not counted here.

Settings: ``STATE_ENABLED`` (through the state extension). Stats: ``incremental/skipped/fresh``,
``incremental/skipped/retry_later``.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from scrapy.spidermiddlewares.base import BaseSpiderMiddleware

from crawler.downloadermiddlewares.incremental import articles_after, describe
from crawler.extensions.state import StateExtension
from crawler.redislost import RedisError, redis_lost
from crawler.state.due import not_due

if TYPE_CHECKING:
    from typing import Self

    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.http import Response

logger = logging.getLogger(__name__)


class IncrementalFilterMiddleware(BaseSpiderMiddleware):
    """Spider middleware: drops requests for URLs the state says are not due (module docstring)."""

    def __init__(self, crawler: Crawler, state: StateExtension):
        super().__init__(crawler)
        self.state = state

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler, StateExtension.required(crawler))

    def get_processed_request(self, request: Request, response: Response | None) -> Request | None:
        if request.meta.get("incremental") is False or "article" in request.meta:
            return request  # a continuation page goes with its article, which was due
        try:
            known = self.state.store.get(request.url)
        except RedisError as exc:
            redis_lost(self.crawler, exc)
            return None  # the crawl is stopping; the request stays due for the next one
        reason = not_due(
            known, self.state.clock(), articles_after(self.crawler.spider, request.url), holds=self.state.holds
        )
        if reason is None:
            return request
        self.crawler.stats.inc_value(f"incremental/skipped/{reason}")
        logger.debug(
            "%(url)s: not requested, %(why)s",
            {"url": request.url, "why": describe(known, reason)},
            extra={"spider": self.crawler.spider},
        )
        return None
