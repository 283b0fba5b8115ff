"""Item pipeline: hands archived article pages to the pure text steps in a process pool.

Per page, a worker process (crawler.workers.derive, never the crawl's event loop) reads the
page's WARC record by offset, derives it and caches the Document under ``ARCHIVE_DIR/derived/``; when the spider closes, the whole text archive is
finalized (site-wide boilerplate, near-duplicate clusters) and the text files, manifest and
boilerplate sets are written (docs/architecture.md).

Settings: ``TEXT_ENABLED``, ``TEXT_WORKERS``, ``TEXT_MAX_DECOMPRESSED_SIZE``, ``ARCHIVE_DIR``,
``SEEDS_DIR`` (docs/settings.md). The incremental state (for the catch-up at close) is the state
extension's (``crawler.extensions.state``), asked for in ``from_crawler``.
"""

from __future__ import annotations

import asyncio
import dataclasses
import fcntl
import logging
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import TYPE_CHECKING

from scrapy.exceptions import DropItem, NotConfigured

from crawler.export.rows import document_row
from crawler.extensions.state import StateExtension
from crawler.items import Archived, Page
from crawler.options import Options, setting, warc_directory
from crawler.pool import pool_size, text_pool
from crawler.redislost import RedisError, redis_lost
from crawler.sources import SeedError, scan_sources
from crawler.text.continuation import key
from crawler.text.model import TextError, TextOptions, document_id
from crawler.text.publish import publish
from crawler.text.store import TextStore, load_document
from crawler.warc.model import Located
from crawler.workers import Job, Skipped, Stored, derive

if TYPE_CHECKING:
    from typing import Self

    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)


class TextPipelineOptions(Options):
    """The pipeline's settings, read once."""

    archive: str = setting("ARCHIVE_DIR")
    warc: str = setting("WARC_DIR")
    seeds_dir: str = setting("SEEDS_DIR")
    workers: int = setting("TEXT_WORKERS")  # 0: one per core
    max_decompressed_size: int = setting("TEXT_MAX_DECOMPRESSED_SIZE")

    @property
    def warc_dir(self) -> Path:
        """Where the crawl's WARC files are (WARC_DIR, else ARCHIVE_DIR/warc)."""
        return warc_directory(self.archive, self.warc)


class TextPipeline:
    """Derives text for every :class:`~crawler.items.Page` and keeps the text archive current."""

    def __init__(self, crawler: Crawler, options: TextPipelineOptions, state: StateExtension | None = None):
        self.crawler = crawler
        self.state = state  # None: STATE_ENABLED off, no catch-up
        self.store = TextStore(options.archive)
        self.warc_dir = options.warc_dir
        self.seeds_dir = options.seeds_dir
        self.workers = pool_size(options.workers)
        self.max_size = options.max_decompressed_size
        self.pool: ProcessPoolExecutor | None = None
        self.derived = 0

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        if not crawler.settings.getbool("TEXT_ENABLED"):
            raise NotConfigured("TEXT_ENABLED is off")
        return cls(crawler, TextPipelineOptions.from_settings(crawler.settings), crawler.get_extension(StateExtension))

    def _pool(self) -> ProcessPoolExecutor:
        if self.pool is None:
            self.pool = text_pool(self.workers)
        return self.pool

    def _options(self) -> TextOptions:
        source = getattr(self.crawler.spider, "source", None)
        options = source.text if source else TextOptions()
        return dataclasses.replace(options, max_decompressed_size=self.max_size)

    async def process_item(self, item):
        if not isinstance(item, Page):
            return item
        stats = self.crawler.stats
        pages = tuple(self._located(p, item.source) if isinstance(p, Archived) else p for p in item.pages)
        first = item.capture or (pages[0] if pages else None)
        if first is None:
            stats.inc_value("text/dropped/no-capture")
            raise DropItem(f"{item.url}: not archived (WARC_ENABLED off?), no text", log_level="INFO")
        if len(pages) > 1:
            stats.inc_value("text/multipage")
            stats.inc_value("text/multipage_pages", len(pages))
        job = Job((first,), self._options(), str(self.store.root), pages)
        try:
            result = (await asyncio.wrap_future(self._pool().submit(derive, job))).last
        except Exception as exc:  # a worker crash must cost this page's text only, not the crawl
            logger.error(
                "%s: text derivation failed (%r); page archived, no text",
                item.url,
                exc,
                extra={"spider": self.crawler.spider},
            )
            stats.inc_value("text/dropped/error")
            if isinstance(exc, BrokenProcessPool):  # its workers are already killed: a new pool next
                self.pool.shutdown(wait=False)
                self.pool = None
            raise DropItem(f"{item.url}: text derivation failed", log_level="INFO") from None
        if isinstance(result, Skipped):  # a notice, a redirect page, a wall: archived, never a text
            stats.inc_value(f"pagekind/{result.kind}")
            if result.removed:
                stats.inc_value("text/removed")
            raise DropItem(f"{item.url}: not an article ({result.kind}: {result.evidence})", log_level="INFO")
        if isinstance(result, TextError):  # archived, not derived: never silent (docs/formats.md)
            stats.inc_value(f"text/dropped/{result.reason}")
            logger.warning(
                "%s: archived, no text (%s): %s",
                item.url,
                result.reason,
                str(result).removeprefix(f"{item.url}: "),
                extra={"spider": self.crawler.spider},
            )
            raise DropItem(f"{item.url}: {result}", log_level="DEBUG")  # the line above says it
        stats.inc_value("text/documents")
        if result.outcome == "same":
            stats.inc_value("text/same")  # a new capture, the same text: its file is left as it is
        elif result.outcome == "edited":
            stats.inc_value("text/edited")
        if result.restored:
            stats.inc_value("text/restored")
        if result.repairs:
            stats.inc_value("text/encoding_repaired")
        for rule, count in result.removed:
            stats.inc_value(f"text/boilerplate/removed/{rule}", count)
        self.derived += 1
        # what Scrapy's feed exports (-o items.jsonl) write: the derived document's row, JSON-safe
        return await asyncio.to_thread(self._row, first)

    def _row(self, first: Located) -> dict:
        return document_row(load_document(self.store.derived_path(first.source, document_id(first.url))))

    def _located(self, page: Archived, source: str) -> Located:
        """A revisited page of a multi-page article: the archived record it stands for."""
        return Located(page.warc_date, str(self.warc_dir / page.file), page.offset, source, url=page.url)

    async def _catch_up(self) -> None:
        """Derive archived articles that have no document yet: a crash (SIGKILL) can fall between
        archiving a page and deriving it, and the next crawl, finding the page archived and
        young, does not fetch it again. Their text comes from the WARC record, as in a rebuild."""
        source = getattr(self.crawler.spider, "source", None)
        if self.state is None or source is None:
            return
        warc_dir = self.warc_dir
        try:
            known_urls = list(self.state.store.iter_all())
        except RedisError as exc:  # the next crawl (or `scrapy rebuild`) catches up instead
            redis_lost(self.crawler, exc)
            return
        joined = self.store.continuation_ids()  # pages of multi-page articles: in their article's text
        pages: dict[str, list[Located]] = {}  # the archived records that may be continuation pages, by first page
        for known in known_urls:
            if known.record_id and (found := key(known.url)) is not None:
                pages.setdefault(found.first, []).append(
                    Located(
                        known.warc_date, str(warc_dir / known.warc_file), known.warc_offset, source.name, url=known.url
                    )
                )
        missing = [
            Located(known.warc_date, str(warc_dir / known.warc_file), known.warc_offset, source.name, url=known.url)
            for known in known_urls
            if known.record_id
            and source.allows(known.url)
            and source.is_article(known.url)
            and not (path := self.store.derived_path(source.name, document_id(known.url))).exists()
            and (path.parent.name, path.stem) not in joined
        ]
        for found in missing:
            job = Job((found,), self._options(), str(self.store.root), tuple(pages.get(found.url, ())))
            try:
                result = (await asyncio.wrap_future(self._pool().submit(derive, job))).last
            except Exception as exc:  # recovery is best effort: `scrapy rebuild` can always redo it
                logger.warning(
                    "%s: archived page not derived (%r)", found.file, exc, extra={"spider": self.crawler.spider}
                )
                continue
            if isinstance(result, Stored):
                self.crawler.stats.inc_value("text/recovered")
                self.derived += 1

    async def _publish(self) -> None:
        await self._catch_up()
        if self.derived or (self.store.root / "derived").is_dir():
            # a thread here drives the publish (counting, near-duplicate index, manifest) and the
            # pool's workers run its per-document steps: the event loop stays free
            counts = await asyncio.to_thread(
                publish_archive, str(self.store.root), self.seeds_dir, self._pool(), self.workers
            )
            if counts.get("skipped"):  # damaged derived files (set aside): derived again from the WARCs
                await self._catch_up()
                counts = await asyncio.to_thread(
                    publish_archive, str(self.store.root), self.seeds_dir, self._pool(), self.workers
                )
            for key, value in sorted(counts.items()):
                self.crawler.stats.set_value(f"text/files/{key}", value)

    async def close_spider(self) -> None:
        # Workers of a distributed crawl share the text archive and finish at different times:
        # they take turns, and the last one finalizes every document all of them derived.
        self.store.root.mkdir(parents=True, exist_ok=True)
        with open(self.store.root / ".text.lock", "a") as lock:
            await asyncio.to_thread(fcntl.flock, lock.fileno(), fcntl.LOCK_EX)
            try:
                await self._publish()
            except OSError as exc:  # a full disk: every file is written atomically, so the text
                # archive is the last published one; the next crawl derives and publishes the rest
                problem = f"text archive not published ({exc.strerror or exc})"
                logger.error(
                    "%(problem)s; what is archived stays, run the crawl again once there is space",
                    {"problem": problem},
                    extra={"spider": self.crawler.spider},
                )
                stats = self.crawler.stats
                stats.set_value("crawl/failed", stats.get_value("crawl/failed") or problem)
        if self.pool is not None:
            self.pool.shutdown(wait=True)
            self.pool = None


def publish_archive(
    root: str, seeds_dir: str, pool: ProcessPoolExecutor | None = None, workers: int = 1
) -> dict[str, int]:
    """Finalize every cached Document of the archive and write the outputs; the per-document
    steps run in ``pool`` (of ``workers``) when one is given."""
    try:  # a broken seed costs its own source's options only, not every source's
        options = {name: src.text for name, src in scan_sources(seeds_dir)[0].items()}
    except SeedError:
        options = {}
    store = TextStore(root)
    counts = publish(store, options, pool=pool, workers=workers)
    for path in store.unreadable:  # set aside: the crawl's catch-up derives it again from its WARC record
        try:
            path.replace(path.with_name(path.name + ".damaged"))
        except OSError:
            pass
    return counts
