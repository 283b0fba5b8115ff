"""The switch that turns the same project into a distributed worker (docs/operations.md).

A Scrapy add-on (``ADDONS``) that sets, at add-on priority (settings.py, ``-s`` and a spider's
settings still win), the state backend: ``STATE_BACKEND`` is the SQLite store with ``REDIS_URL``
empty (nothing touches Redis then) and the Redis store with ``REDIS_URL`` set, which also selects
scrapy-redis' dupefilter and the leasing scheduler (``crawler.schedulers``). The host gate of
``HostGuardMiddleware`` reads the same setting and moves to Redis too; all of them share the
crawl's one Redis client (``crawler.redisclient``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import Self

    from scrapy.crawler import Crawler
    from scrapy.settings import Settings


SQLITE_BACKEND = "crawler.state.sqlite.SqliteStateStore"
REDIS_BACKEND = "crawler.state.redisstore.RedisStateStore"


class DistributedAddon:
    """Scrapy add-on: the state backend, and scrapy-redis scheduling when ``REDIS_URL`` is set."""

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls()

    def update_settings(self, settings: Settings) -> None:
        if not settings["REDIS_URL"]:
            settings.set("STATE_BACKEND", SQLITE_BACKEND, "addon")
            return  # single-machine runs are the default: nothing else changes
        settings.set("STATE_BACKEND", REDIS_BACKEND, "addon")
        settings.set("SCHEDULER", "crawler.schedulers.LeasedScheduler", "addon")
        settings.set("DUPEFILTER_CLASS", "scrapy_redis.dupefilter.RFPDupeFilter", "addon")
        settings.set("SCHEDULER_QUEUE_CLASS", "scrapy_redis.queue.PriorityQueue", "addon")
        # cleared by the last worker of a complete crawl (crawler.schedulers), never by the first
        settings.set("SCHEDULER_PERSIST", True, "addon")


class IdentityAddon:
    """Scrapy add-on: an honest User-Agent and WARC operator from ``ARCHIVER_CONTACT``.

    ``USER_AGENT`` becomes ``scrapy-news-archiver/<version> (+<contact>)`` (site operators can
    reach whoever runs the crawl, as crawler etiquette asks) and ``WARC_OPERATOR`` the contact,
    each only where not set otherwise (add-on priority: settings.py, ``-s`` and a spider's own
    settings still win). Without a contact the agent says it is an archiver and names no one.
    """

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls()

    def update_settings(self, settings: Settings) -> None:
        from crawler import __version__

        contact = settings["ARCHIVER_CONTACT"].strip()
        agent = (
            f"scrapy-news-archiver/{__version__} (+{contact})"
            if contact
            else f"scrapy-news-archiver/{__version__} (web archiver; no contact configured)"
        )
        settings.set("USER_AGENT", agent, "addon")
        settings.set("WARC_OPERATOR", contact, "addon")  # its one default: empty without a contact
