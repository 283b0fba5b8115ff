"""Scrapy's CookiesMiddleware, with the public suffix list that ships with tldextract.

Scrapy asks ``tldextract`` whether a cookie's Domain is a public suffix. tldextract's default
instance downloads the current list from the internet the first time (no timeout, whatever the
crawl's scope): one ``Set-Cookie`` header made a one-domain crawl reach out to a third host. This
subclass makes Scrapy's module use an instance that reads only the snapshot bundled with the
installed tldextract and caches nothing on disk. Same priority as Scrapy's (700).

A site that sets a new cookie on every page would make every later request too large for the
server (431, Request Header Fields Too Large, RFC 6585): the Cookie header is capped, and a 431 to
a request that carried cookies sends it again without them (docs/guarantees.md).
"""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

from scrapy.downloadermiddlewares import cookies as scrapy_cookies
from tldextract import TLDExtract

logger = logging.getLogger(__name__)

#: no URL to fetch, the bundled snapshot, no cache directory
OFFLINE_SUFFIXES = TLDExtract(
    suffix_list_urls=(), fallback_to_snapshot=True, cache_dir=None, include_psl_private_domains=True
)


#: bytes of Cookie header at most; servers answer 431 beyond about 8 KB (a site that sets new
#: cookies on every page otherwise makes every later request fail)
MAX_COOKIE_HEADER = 8192


class CookiesMiddleware(scrapy_cookies.CookiesMiddleware):
    """Scrapy's cookie handling, the public suffix list offline, and a cap on the Cookie header
    (see module docstring). A 431 (Request Header Fields Too Large, RFC 6585) to a request that
    carried cookies is never left silent: the request is sent again at once without them, and
    later requests to that host carry fewer bytes of cookies than the refused ones (a server may
    accept less than 8 KB). One warning per host, whichever comes first. Stats:
    ``cookies/oversize`` (requests sent without their cookies), ``cookies/rejected`` (431s
    answered to cookies, each sent again without them)."""

    def __init__(self, debug: bool = False):
        # Scrapy's module-level splitter, used by its _is_public_domain(): replaced once, here,
        # where the middleware that calls it is built (hand-written: Scrapy has no setting for it)
        scrapy_cookies._split_domain = OFFLINE_SUFFIXES
        super().__init__(debug)
        self.warned: set[str] = set()
        self.caps: dict[str, int] = {}  # host -> bytes of Cookie header it refused, less one

    def process_request(self, request, spider=None):
        result = super().process_request(request)
        cookie = request.headers.get("Cookie") or b""
        host = urlsplit(request.url).hostname or ""
        cap = self.caps.get(host, MAX_COOKIE_HEADER)
        if len(cookie) > cap:
            del request.headers["Cookie"]
            self.crawler.stats.inc_value("cookies/oversize")
            self._warn(
                host,
                "%s: the site's cookies add up to %d bytes (over %d): requests to %s are sent without them",
                request.url,
                len(cookie),
                cap,
                host,
            )
        return result

    def process_response(self, request, response, spider=None):
        response = super().process_response(request, response)
        cookie = request.headers.get("Cookie") or b""
        if response.status != 431 or not cookie:
            return response
        host = urlsplit(request.url).hostname or ""
        self.caps[host] = min(self.caps.get(host, MAX_COOKIE_HEADER), len(cookie) - 1)
        self.crawler.stats.inc_value("cookies/rejected")
        self._warn(
            host,
            "%s: the server refused %d bytes of cookies (431 Request Header Fields Too Large): sent "
            "again without them; requests to %s carry at most %d",
            request.url,
            len(cookie),
            host,
            self.caps[host],
        )
        headers = request.headers.copy()
        del headers["Cookie"]
        return request.replace(headers=headers, dont_filter=True, meta={**request.meta, "dont_merge_cookies": True})

    def _warn(self, host: str, message: str, *args) -> None:
        """One warning per host for its cookie trouble; the stats count every request."""
        if host not in self.warned:
            self.warned.add(host)
            logger.warning(message, *args, extra={"spider": self.crawler.spider})
