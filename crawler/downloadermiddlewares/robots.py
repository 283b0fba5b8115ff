"""robots.txt as RFC 9309 says, not as Scrapy does.

Scrapy parses whatever a robots.txt request returns (a 503 error page usually allows
everything) and allows everything when the request fails. RFC 9309 section 2.3.1: a 4xx
("unavailable") means no restrictions, but a 5xx or a network error ("unreachable") means
complete disallow. This subclass does that; the host is tried again on the next crawl (each crawl
fetches robots.txt afresh). It replaces Scrapy's middleware at the same priority (100).

Stats: ``robots/unreachable`` (5xx or error: the host is disallowed in this crawl).
"""

from __future__ import annotations

import logging

from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware as ScrapyRobotsTxtMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.utils.misc import build_from_crawler

logger = logging.getLogger(__name__)

DISALLOW_ALL = b"User-agent: *\nDisallow: /\n"


class RobotsTxtMiddleware(ScrapyRobotsTxtMiddleware):
    """RFC 9309 error handling on top of Scrapy's RobotsTxtMiddleware."""

    async def _parse_robots(self, response, netloc, request) -> None:
        if response.status >= 500:
            self._unreachable(netloc, f"HTTP {response.status}")
            response = response.replace(body=DISALLOW_ALL)
        elif response.status >= 400:
            response = response.replace(body=b"")
        await super()._parse_robots(response, netloc, request)

    def _robots_error(self, exc: Exception, netloc: str) -> None:
        if isinstance(exc, IgnoreRequest):  # refused on purpose (scope): nothing will be fetched there
            super()._robots_error(exc, netloc)
            return
        self._stats.inc_value(f"robotstxt/exception_count/{type(exc)}")
        self._unreachable(netloc, type(exc).__name__)
        parser = build_from_crawler(self._parserimpl, self.crawler, DISALLOW_ALL)
        deferred = self._parsers[netloc]
        self._parsers[netloc] = parser
        deferred.callback(parser)

    def _unreachable(self, netloc: str, why: str) -> None:
        self._stats.inc_value("robots/unreachable")
        logger.warning(
            "%s/robots.txt unreachable (%s): host disallowed for this crawl (RFC 9309)",
            netloc,
            why,
            extra={"spider": self.crawler.spider},
        )
