"""Per-host protection: honour ``Retry-After`` and stop hammering a failing host.

Scrapy's RetryMiddleware retries a 429 or 503 at once and ignores ``Retry-After``. Here a 429 or
503 with ``Retry-After`` (delta-seconds or an HTTP date: ``crawler.state.retry``) makes the next
request to that host wait at least that long (capped by ``HOSTGUARD_RETRY_AFTER_MAX``). After
``HOSTGUARD_BREAKER_THRESHOLD`` consecutive failures of one host (5xx, 429, download errors:
``crawler.failures``) the breaker opens: further requests to that host are not sent in this
crawl (they stay due for the next one), the stats count them and the crawl exits with status 1
(``crawl/failed``). A request we refused (``IgnoreRequest``: fresh, retry-later, scope, robots,
the breaker itself) is a decision of ours, not a failure of the host: it neither counts nor
resets the count; any other response resets it.

In a distributed crawl (``REDIS_URL`` set) the waits are shared by every worker through
``crawler.state.hostgate``: a ``Retry-After`` seen by one worker pauses the host for all, and the
source's delay spaces requests to a host across workers, not only within one process.

Settings: ``HOSTGUARD_ENABLED`` (True), ``HOSTGUARD_RETRY_AFTER_MAX`` (300 seconds),
``HOSTGUARD_BREAKER_THRESHOLD`` (10), ``DOWNLOAD_DELAY``, ``REDIS_URL``, ``REDIS_HOSTGATE_KEY`` (on the
crawl's one Redis client, ``crawler.redisclient``). Stats: ``hostguard/retry_after``,
``hostguard/breaker_open``, ``hostguard/refused``.
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import TYPE_CHECKING

from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import TextResponse
from scrapy.utils.httpobj import urlparse_cached

from crawler.failures import is_download_error, is_failed_status
from crawler.options import Options, setting
from crawler.redisclient import crawl_redis
from crawler.redislost import RedisError, redis_lost
from crawler.state.hostgate import HostGate
from crawler.state.retry import retry_after_seconds
from crawler.text.pagekind import wall_in_payload

#: request.meta key: (length of the decompressed body, wall_reason of it), set by the WARC extension
#: for an article page's 200 response, which it checks before this middleware sees the response
WALL_VERDICT = "wall_verdict"

if TYPE_CHECKING:
    from typing import Self

    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.http import Response

logger = logging.getLogger(__name__)


class HostGuardOptions(Options):
    """The host guard's settings, read once."""

    retry_after_max: float = setting("HOSTGUARD_RETRY_AFTER_MAX")
    breaker_threshold: int = setting("HOSTGUARD_BREAKER_THRESHOLD")
    # the spacing of a host's requests across workers (the source's delay)
    download_delay: float = setting("DOWNLOAD_DELAY")
    redis_url: str = setting("REDIS_URL")
    hostgate_key: str = setting("REDIS_HOSTGATE_KEY")


class HostGuardMiddleware:
    """Downloader middleware: Retry-After waits and a per-host circuit breaker."""

    def __init__(self, crawler: Crawler, options: HostGuardOptions, clock=time.time, gate: HostGate | None = None):
        self.crawler = crawler
        self.options = options
        self.gate = gate
        self.clock = clock
        self.not_before: dict[str, float] = {}
        self.failures: dict[str, int] = {}
        self.open: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        if not crawler.settings.getbool("HOSTGUARD_ENABLED"):
            raise NotConfigured("HOSTGUARD_ENABLED is off")
        options = HostGuardOptions.from_settings(crawler.settings)
        gate = HostGate(crawl_redis(crawler), options.hostgate_key) if options.redis_url else None
        return cls(crawler, options, gate=gate)

    async def process_request(self, request: Request, spider=None) -> None:
        host = urlparse_cached(request).hostname or ""
        if host in self.open:
            self.crawler.stats.inc_value("hostguard/refused")
            raise IgnoreRequest(f"{request.url}: circuit breaker open for {host}")
        wait = self.not_before.get(host, 0) - self.clock()
        if self.gate is not None:
            try:
                wait = self.gate.wait_for(host, self.options.download_delay)
            except RedisError as exc:
                redis_lost(self.crawler, exc)
                raise IgnoreRequest(f"{request.url}: not sent, Redis unreachable") from None
        if wait > 0:
            await asyncio.sleep(wait)

    def process_response(self, request: Request, response: Response, spider=None) -> Response:
        host = urlparse_cached(request).hostname or ""
        if response.status in (429, 503):
            value = response.headers.get(b"Retry-After")
            seconds = retry_after_seconds(value.decode("latin-1") if value else None, self.clock())
            if seconds is not None:
                seconds = min(seconds, self.options.retry_after_max)
                self.not_before[host] = max(self.not_before.get(host, 0), self.clock() + seconds)
                if self.gate is not None:
                    try:
                        self.gate.hold(host, seconds)
                    except RedisError as exc:
                        redis_lost(self.crawler, exc)
                self.crawler.stats.inc_value("hostguard/retry_after")
        wall = self._wall(request, response)
        if is_failed_status(response.status) or wall:
            self._failure(host, f"HTTP {response.status}" if not wall else f"anti-bot wall ({wall})")
        else:
            self.failures.pop(host, None)
        return response

    def _wall(self, request: Request, response: Response) -> str | None:
        """The evidence that ``response`` is an anti-bot or verification wall (a failure of the
        host: the site refuses us), or None. The body is already decompressed here (590 > 560).
        The WARC extension, which sees the response first, has already checked an article page's
        body (WALL_VERDICT): its verdict is taken when it checked a body of this length."""
        if not isinstance(response, TextResponse) or response.status in (301, 302, 303, 307, 308, 304):
            return None
        seen = request.meta.get(WALL_VERDICT)
        if seen is not None and response.status == 200 and seen[0] == len(response.body):
            wall = seen[1]
        else:
            ctype = (response.headers.get(b"Content-Type") or b"").decode("latin-1")
            wall = wall_in_payload(response.status, response.body, ctype)
        if wall:
            self.crawler.stats.inc_value("hostguard/wall")
        return wall

    def process_exception(self, request: Request, exception: Exception, spider=None) -> None:
        if is_download_error(exception):  # not an IgnoreRequest: our refusals are not the host's failures
            self._failure(urlparse_cached(request).hostname or "", type(exception).__name__)

    def _failure(self, host: str, what: str) -> None:
        count = self.failures[host] = self.failures.get(host, 0) + 1
        if count >= self.options.breaker_threshold and host not in self.open:
            self.open.add(host)
            self.crawler.stats.inc_value("hostguard/breaker_open")
            self.crawler.stats.set_value("crawl/failed", f"circuit breaker open for {host} after {count} failures")
            logger.error(
                "%s: %d consecutive failures (last: %s); no more requests to it in this crawl", host, count, what
            )
