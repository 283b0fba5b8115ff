"""What counts as a failure of a site, as opposed to a decision of ours (docs/guarantees.md).

Two counters act on failures: the per-host circuit breaker (``HostGuardMiddleware``) and the
per-URL retry time in the state (``IncrementalMiddleware``, ``crawler.state.retry``). Both count
only what the site (or the network on the way to it) did:

- a response with status 5xx or 429 (``crawler.state.retry.is_failure``);
- a download error: the host name does not resolve, the connection is refused, times out, is
  lost or cut before the body ended (the exceptions Scrapy's RetryMiddleware retries).

Never counted: an ``IgnoreRequest`` (raised by our middlewares: fresh, retry-later, scope,
robots, breaker open, Redis unreachable; or by Scrapy's: robots.txt, offsite), a download
cancelled by us (``DOWNLOAD_MAXSIZE``, the crawl closing), an unsupported scheme, or a bug.
"""

from __future__ import annotations

from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadConnectionRefusedError,
    DownloadFailedError,
    DownloadTimeoutError,
    ResponseDataLossError,
)
from twisted.internet.error import ConnectError, ConnectionDone, ConnectionLost
from twisted.internet.error import TimeoutError as TwistedTimeoutError
from twisted.web.client import ResponseFailed

from crawler.state.retry import is_failure as is_failed_status

__all__ = ["DOWNLOAD_ERRORS", "is_download_error", "is_failed_status"]

#: exceptions that mean the site or the network failed (ConnectError covers refused, DNS and
#: TCP timeouts as Twisted raises them; Scrapy's handlers wrap most into its own types)
DOWNLOAD_ERRORS: tuple[type[BaseException], ...] = (
    CannotResolveHostError,
    DownloadConnectionRefusedError,
    DownloadFailedError,
    DownloadTimeoutError,
    ResponseDataLossError,
    ConnectError,
    ConnectionDone,
    ConnectionLost,
    TwistedTimeoutError,
    ResponseFailed,
)


def is_download_error(exception: BaseException) -> bool:
    """True when ``exception`` is a failure of the site or the network, not a decision of ours."""
    return isinstance(exception, DOWNLOAD_ERRORS)
