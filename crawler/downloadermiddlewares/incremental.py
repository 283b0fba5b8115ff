"""Incremental re-crawls: always revalidate, never trust a cache's idea of freshness.

Scrapy's RFC2616 cache policy serves "fresh" copies with no request and refetches ``no-cache``
pages unconditionally; an archiver needs neither. From the state store (``crawler/state``):

- article pages fetched less than the source's ``refresh.articles_after`` ago are not requested
  at all (``incremental/skipped/fresh``): the spider middleware
  ``crawler.spidermiddlewares.incremental`` drops them before they are scheduled, and this one
  refuses what still arrives (a redirect's target); list pages, feeds and sitemaps are
  revalidated on every run;
- every other known URL is sent with ``If-None-Match`` / ``If-Modified-Since``;
- a 304 (recorded as a revisit by the WARC extension, which saw it first) is replaced by the
  archived full response read back from its WARC record, flagged ``revisit``, so the spider still
  follows the links of an unchanged list page;
- a failed fetch (5xx or 429, archived all the same, or a network error) is recorded with a
  retry time (``crawler.state.retry``: back-off from ``STATE_RETRY_BASE`` doubling per failed
  crawl up to ``STATE_RETRY_MAX``, or a longer Retry-After); until then the URL is not requested
  (``incremental/skipped/retry_later``), and it stays due: the next crawl after that time fetches it.

Priority 595: above HttpCompressionMiddleware (590), so the archived body, stored still
Content-Encoded, is decoded by it on the way to the spider like any fresh response.

The state (store, clock, retry policy) is the state extension's (``crawler.extensions.state``),
asked for in ``from_crawler``; the clock of every age and retry time is the system clock moved by
``STATE_CLOCK_OFFSET`` (``crawler.state.clock``), the one the WARC extension and the spider
middleware read too.

Settings: ``STATE_ENABLED`` (through the state extension: off, this middleware is off too),
``STATE_RETRY_BASE``, ``STATE_RETRY_MAX``, ``STATE_CLOCK_OFFSET``, ``STATE_BACKEND`` (docs/settings.md).
Stats: ``incremental/revalidated``, ``incremental/not_modified``, ``incremental/skipped/fresh``,
``incremental/skipped/retry_later``, ``incremental/failed``, ``incremental/unreadable``.
"""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING

from scrapy.exceptions import IgnoreRequest
from scrapy.http import Headers
from scrapy.responsetypes import responsetypes

from crawler.extensions.state import StateExtension
from crawler.failures import is_download_error
from crawler.redislost import RedisError, redis_lost
from crawler.state import UrlState
from crawler.state.due import RETRY_LATER, not_due
from crawler.state.retry import after_failure, is_failure, retry_after_seconds
from crawler.warc.errors import WarcReadError
from crawler.warc.reader import read_record_at

if TYPE_CHECKING:
    from typing import Self

    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.http import Response

logger = logging.getLogger(__name__)


def articles_after(spider, url: str) -> float | None:
    """The source's ``refresh.articles_after`` when ``url`` is one of its article pages, else None."""
    source = getattr(spider, "source", None)
    return source.articles_after if source is not None and source.is_article(url) else None


def describe(known: UrlState, reason: str) -> str:
    """Why a request was not sent, for the IgnoreRequest message and DEBUG lines."""
    if reason == RETRY_LATER:
        return (
            f"failed {known.failures} time(s), due again at "
            f"{time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime(known.retry_at))}"
        )
    return f"archived {known.warc_date}, not due yet"


class IncrementalMiddleware:
    """Downloader middleware: conditional requests and 304 -> archived page (module docstring)."""

    def __init__(self, crawler: Crawler, state: StateExtension):
        self.crawler = crawler
        self.state = state
        self.store = state.store
        self.warc_dir = state.options.warc_dir

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler, StateExtension.required(crawler))

    def process_request(self, request: Request, spider=None) -> None:
        request.meta.pop("incremental_known", None)  # a redirect copies the previous URL's
        if request.meta.get("incremental") is False:
            return None
        try:
            known = self.store.get(request.url)
        except RedisError as exc:
            redis_lost(self.crawler, exc)
            raise IgnoreRequest(f"{request.url}: not sent, Redis unreachable") from None
        # the spider middleware (crawler.spidermiddlewares.incremental) drops these before they are
        # scheduled; what still comes here (a redirect's target) is refused the same way
        young = None if "article" in request.meta else articles_after(self.crawler.spider, request.url)
        reason = not_due(
            known,
            self.state.clock(),
            young,  # a continuation page is due with its article
            retrying=bool(request.meta.get("retry_times")),
            holds=self.state.holds,
        )
        if reason is not None:
            self.crawler.stats.inc_value(f"incremental/skipped/{reason}")
            raise IgnoreRequest(f"{request.url}: {describe(known, reason)}")
        if known is None or not known.record_id or not self.state.holds(known):
            return (
                None  # nothing to revalidate: a 304 would point at a record that is gone (one warning names the file)
            )
        if known.etag:
            request.headers.setdefault("If-None-Match", known.etag)
        if known.last_modified:
            request.headers.setdefault("If-Modified-Since", known.last_modified)
        request.meta["incremental_known"] = known
        self.crawler.stats.inc_value("incremental/revalidated")
        return None

    def process_response(self, request: Request, response: Response, spider=None):
        if is_failure(response.status):
            value = response.headers.get(b"Retry-After")
            self._failed(
                request,
                response.status,
                retry_after_seconds(value.decode("latin-1") if value else None, self.state.clock()),
            )
            return response
        known = request.meta.get("incremental_known")
        if response.status != 304 or known is None:
            return response
        try:
            stored = read_record_at(self.warc_dir / known.warc_file, known.warc_offset)
        except (WarcReadError, OSError) as exc:
            logger.warning(
                "%(url)s: archived copy unreadable (%(error)s); fetching it again",
                {"url": request.url, "error": exc},
                extra={"spider": self.crawler.spider},
            )
            self.crawler.stats.inc_value("incremental/unreadable")
            headers = Headers(
                {k: v for k, v in request.headers.items() if k.lower() not in (b"if-none-match", b"if-modified-since")}
            )
            return request.replace(headers=headers, dont_filter=True, meta={**request.meta, "incremental": False})
        self.crawler.stats.inc_value("incremental/not_modified")
        headers = Headers()
        for name, value in stored.http_headers.headers:
            headers.appendlist(name, value)
        cls = responsetypes.from_args(headers=headers, url=request.url, body=stored.payload)
        return cls(
            url=request.url,
            status=int(stored.http_headers.get_statuscode()),
            headers=headers,
            body=stored.payload,
            flags=["revisit"],
            request=request,
            protocol=response.protocol,
        )

    def process_exception(self, request: Request, exception: Exception, spider=None) -> None:
        if is_download_error(exception):  # a network error, not a refusal or cancellation of ours
            self._failed(request, None, None)

    def _failed(self, request: Request, status: int | None, retry_after: float | None) -> None:
        """Record the failure (after the WARC extension recorded the response, if there was one)."""
        try:
            known = self.store.get(request.url)
            if status is None:
                status = known.status if known else 0
            options = self.state.options
            self.store.put(
                after_failure(
                    known,
                    request.url,
                    status,
                    self.state.clock(),
                    options.retry_base,
                    options.retry_max,
                    retry_after,
                    again=bool(request.meta.get("retry_times")),
                )
            )
        except RedisError as exc:
            redis_lost(self.crawler, exc)
            return
        self.crawler.stats.inc_value("incremental/failed")
