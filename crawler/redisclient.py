"""The crawl's one Redis client (distributed crawls, docs/operations.md).

Made the scrapy-redis way (``scrapy_redis.connection.get_redis_from_settings``: ``REDIS_URL`` and
``REDIS_PARAMS``), once per crawler, and shared by the scheduler and its dupefilter
(``crawler.schedulers``), the state store (``crawler.extensions.state``) and the host gate
(``crawler.downloadermiddlewares.hostguard``): one connection pool, one set of timeouts.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from weakref import WeakKeyDictionary

from scrapy_redis.connection import get_redis_from_settings

if TYPE_CHECKING:
    from redis import Redis
    from scrapy.crawler import Crawler

_CLIENTS: WeakKeyDictionary = WeakKeyDictionary()  # Crawler -> its client, gone with the crawler


def crawl_redis(crawler: Crawler) -> Redis:
    """The Redis client of ``crawler``'s crawl, made on first use."""
    client = _CLIENTS.get(crawler)
    if client is None:
        client = _CLIENTS[crawler] = get_redis_from_settings(crawler.settings)
    return client
