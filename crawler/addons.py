"""The switch that turns the same project into a distributed worker (docs/operations.md).

A Scrapy add-on (``ADDONS``): with ``REDIS_URL`` empty it is disabled and nothing touches
Redis; with ``REDIS_URL`` set, it selects scrapy-redis' dupefilter and the leasing scheduler
(``crawler.schedulers``). The incremental state store and the host gate of ``HostGuardMiddleware``
read the same setting and move to Redis too.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from scrapy.exceptions import NotConfigured

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.settings import Settings
    from typing_extensions import Self


class DistributedAddon:
    """Scrapy add-on: scrapy-redis scheduling when ``REDIS_URL`` is set."""

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        if not crawler.settings.get("REDIS_URL"):
            raise NotConfigured  # no message: single-machine runs are the default, not a warning
        return cls()

    def update_settings(self, settings: Settings) -> None:
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

        contact = (settings.get("ARCHIVER_CONTACT") or "").strip()
        agent = f"scrapy-news-archiver/{__version__} (+{contact})" if contact else \
            f"scrapy-news-archiver/{__version__} (web archiver; no contact configured)"
        settings.set("USER_AGENT", agent, "addon")
        if contact:
            settings.set("WARC_OPERATOR", contact, "addon")
