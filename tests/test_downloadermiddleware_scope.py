"""The scope fence: schemes, allowed domains, private addresses (unit level; crawl level in e2e)."""

from __future__ import annotations

import pytest
from scrapy import Request, Spider
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.utils.misc import build_from_crawler
from scrapy.utils.test import get_crawler

from crawler.downloadermiddlewares.scope import ScopeMiddleware

from .conftest import project_settings

DOMAINS = ("news.example.cn",)


def test_dont_filter_requests_are_refused_too():
    class Town(Spider):
        name = "town"
        allowed_domains = ["news.example.cn"]

    # names are resolved and checked in a real crawl (tests/faults/test_case05_scope.py); not here
    crawler = get_crawler(Town, project_settings(SCOPE_RESOLVE=False))
    crawler.spider = Town()
    middleware = build_from_crawler(ScopeMiddleware, crawler)
    crawler.stats.open_spider()
    assert middleware.process_request(Request("https://news.example.cn/")) is None
    with pytest.raises(IgnoreRequest):
        middleware.process_request(Request("https://other.example.org/", dont_filter=True))
    assert crawler.stats.get_value("scope/refused/offsite") == 1


def test_not_configured():
    with pytest.raises(NotConfigured):
        build_from_crawler(ScopeMiddleware, get_crawler(Spider, project_settings(SCOPE_ENABLED=False)))
