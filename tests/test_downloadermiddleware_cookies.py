"""Cookies never make the crawl leave its scope: the public suffix list is tldextract's snapshot."""

from __future__ import annotations

from crawler import settings
from crawler.downloadermiddlewares.cookies import OFFLINE_SUFFIXES


def test_the_offline_middleware_replaces_scrapys():
    assert settings.DOWNLOADER_MIDDLEWARES["scrapy.downloadermiddlewares.cookies.CookiesMiddleware"] is None
    assert settings.DOWNLOADER_MIDDLEWARES["crawler.downloadermiddlewares.cookies.CookiesMiddleware"] == 700
    assert OFFLINE_SUFFIXES.suffix_list_urls == ()
