"""Scrapy's CookiesMiddleware, with the public suffix list that ships with tldextract.

Scrapy asks ``tldextract`` whether a cookie's Domain is a public suffix. tldextract's default
instance downloads the current list from the internet the first time (no timeout, whatever the
crawl's scope): one ``Set-Cookie`` header made a one-domain crawl reach out to a third host. This
subclass makes Scrapy's module use an instance that reads only the snapshot bundled with the
installed tldextract and caches nothing on disk. Same priority as Scrapy's (700).
"""

from __future__ import annotations

from scrapy.downloadermiddlewares import cookies as scrapy_cookies
from tldextract import TLDExtract

#: no URL to fetch, the bundled snapshot, no cache directory
OFFLINE_SUFFIXES = TLDExtract(suffix_list_urls=(), fallback_to_snapshot=True, cache_dir=None,
                              include_psl_private_domains=True)


class CookiesMiddleware(scrapy_cookies.CookiesMiddleware):
    """Scrapy's cookie handling, the public suffix list offline (see module docstring)."""

    def __init__(self, debug: bool = False):
        # Scrapy's module-level splitter, used by its _is_public_domain(): replaced once, here,
        # where the middleware that calls it is built (hand-written: Scrapy has no setting for it)
        scrapy_cookies._split_domain = OFFLINE_SUFFIXES
        super().__init__(debug)
