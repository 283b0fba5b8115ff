"""Scrapy's CookiesMiddleware, with the public suffix list that ships with tldextract.

Scrapy asks ``tldextract`` whether a cookie's Domain is a public suffix. tldextract's default
instance downloads the current list from the internet the first time (no timeout, whatever the
crawl's scope): one ``Set-Cookie`` header made a one-domain crawl reach out to a third host. This
subclass makes Scrapy's module use an instance that reads only the snapshot bundled with the
installed tldextract and caches nothing on disk. Same priority as Scrapy's (700).
"""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

from scrapy.downloadermiddlewares import cookies as scrapy_cookies
from tldextract import TLDExtract

logger = logging.getLogger(__name__)

#: no URL to fetch, the bundled snapshot, no cache directory
OFFLINE_SUFFIXES = TLDExtract(suffix_list_urls=(), fallback_to_snapshot=True, cache_dir=None,
                              include_psl_private_domains=True)


#: bytes of Cookie header at most; servers answer 431 beyond about 8 KB (a site that sets new
#: cookies on every page otherwise makes every later request fail)
MAX_COOKIE_HEADER = 8192


class CookiesMiddleware(scrapy_cookies.CookiesMiddleware):
    """Scrapy's cookie handling, the public suffix list offline, and a cap on the Cookie header
    (see module docstring). Stats: ``cookies/oversize`` (requests sent without their cookies)."""

    def __init__(self, debug: bool = False):
        # Scrapy's module-level splitter, used by its _is_public_domain(): replaced once, here,
        # where the middleware that calls it is built (hand-written: Scrapy has no setting for it)
        scrapy_cookies._split_domain = OFFLINE_SUFFIXES
        super().__init__(debug)
        self.warned: set[str] = set()

    def process_request(self, request, spider=None):
        result = super().process_request(request)
        cookie = request.headers.get("Cookie") or b""
        if len(cookie) > MAX_COOKIE_HEADER:
            del request.headers["Cookie"]
            self.crawler.stats.inc_value("cookies/oversize")
            host = urlsplit(request.url).hostname or ""
            if host not in self.warned:
                self.warned.add(host)
                logger.warning("%s: the site's cookies add up to %d bytes (over %d): requests to %s are sent "
                               "without them", request.url, len(cookie), MAX_COOKIE_HEADER, host,
                               extra={"spider": self.crawler.spider})
        return result
