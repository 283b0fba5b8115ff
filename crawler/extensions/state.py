"""The incremental state as a component: opens the store, lends it to the others, closes it.

``STATE_BACKEND`` names the backend class (resolved with ``load_object``; it has
``open(StateConfig)``): ``crawler.state.sqlite.SqliteStateStore`` (``ARCHIVE_DIR/state.sqlite``)
by default, ``crawler.state.redisstore.RedisStateStore`` (the hash ``REDIS_STATE_KEY`` on the
crawl's Redis client, ``crawler.redisclient``) when ``crawler.addons.DistributedAddon`` sees
``REDIS_URL``. The store is opened when the crawler is built and closed when the spider closes,
after every other component is done with it (the text pipeline's catch-up runs before).

The components that use it ask for it explicitly in their ``from_crawler`` (or at
``spider_opened``, for an extension): ``crawler.get_extension(StateExtension)``, None when
``STATE_ENABLED`` is off (``StateExtension.required(crawler)``: NotConfigured then, for a
component that has no use without it). They get the store, the state's clock (``STATE_CLOCK_OFFSET``,
``crawler.state.clock``), the retry policy (``STATE_RETRY_BASE``, ``STATE_RETRY_MAX``) and
``holds``: whether a URL's archived record is still in the archive.

Settings: ``STATE_ENABLED``, ``STATE_BACKEND``, ``ARCHIVE_DIR``, ``STATE_CLOCK_OFFSET``,
``STATE_RETRY_BASE``, ``STATE_RETRY_MAX``, ``REDIS_URL``, ``REDIS_STATE_KEY`` (docs/settings.md).
Stats: ``incremental/lost_record``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from scrapy import signals
from scrapy.exceptions import NotConfigured
from scrapy.utils.misc import load_object

from crawler.options import Options, setting, warc_directory
from crawler.redisclient import crawl_redis
from crawler.state.base import StateConfig, StateStore, UrlState
from crawler.state.clock import offset_clock, parse_offset

if TYPE_CHECKING:
    from typing import Self

    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)


class StateOptions(Options):
    """The state's settings, read once."""

    backend: str = setting("STATE_BACKEND")
    archive: Path = setting("ARCHIVE_DIR", Path)
    warc: str = setting("WARC_DIR")
    clock_offset: float = setting("STATE_CLOCK_OFFSET", parse_offset)
    retry_base: float = setting("STATE_RETRY_BASE")
    retry_max: float = setting("STATE_RETRY_MAX")
    redis_url: str = setting("REDIS_URL")
    redis_key: str = setting("REDIS_STATE_KEY")

    @property
    def warc_dir(self) -> Path:
        """Where the records the state points at are (the WARC extension's directory)."""
        return warc_directory(self.archive, self.warc)


class StateExtension:
    """Extension: the crawl's incremental state (module docstring)."""

    def __init__(self, crawler: Crawler, options: StateOptions, store: StateStore, clock: Callable[[], float]):
        self.crawler = crawler
        self.options = options
        self.store = store
        self.clock = clock
        self._present: set[str] = set()
        self._missing: set[str] = set()
        self._lost: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        settings = crawler.settings
        if not settings.getbool("STATE_ENABLED"):
            raise NotConfigured("STATE_ENABLED is off")
        options = StateOptions.from_settings(settings)
        config = StateConfig(
            archive_dir=options.archive,
            redis_key=options.redis_key,
            redis=crawl_redis(crawler) if options.redis_url else None,
        )
        store = load_object(options.backend).open(config)
        extension = cls(crawler, options, store, offset_clock(options.clock_offset))
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    @classmethod
    def required(cls, crawler: Crawler) -> StateExtension:
        """``crawler``'s state, for a component that has no use without it: NotConfigured when
        ``STATE_ENABLED`` is off."""
        state = crawler.get_extension(cls)
        if state is None:
            raise NotConfigured("STATE_ENABLED is off")
        return state

    def spider_closed(self, spider) -> None:
        self.store.close()

    def holds(self, known: UrlState) -> bool:
        """Whether the WARC file of ``known``'s record is still in the archive. A deleted file's
        young articles are due again (else the state would call them fresh for days): one
        warning per missing file, ``incremental/lost_record`` per page fetched again."""
        name = known.warc_file
        if name in self._present:
            return True
        directory = self.options.warc_dir
        if (directory / name).exists() or (directory / f"{name}.open").exists():
            self._present.add(name)
            return True
        if name not in self._missing:
            self._missing.add(name)
            logger.warning(
                "%s: WARC file missing from the archive; the pages archived in it are fetched again",
                directory / name,
                extra={"spider": self.crawler.spider},
            )
        if known.url not in self._lost:  # asked by the spider middleware and again downloader-side: counted once
            self._lost.add(known.url)
            self.crawler.stats.inc_value("incremental/lost_record")
        return False
