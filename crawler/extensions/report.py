"""Crawl report: the final stats as JSON in the archive, and a one-line summary in the log.

Written at spider close to ``<ARCHIVE_DIR>/reports/<source>-<start time>-<host>-<pid>.json`` (keys sorted,
datetimes in ISO 8601), so users, scripts and tests can read what a crawl did without parsing
logs. Settings: ``REPORT_ENABLED`` (True).
"""

from __future__ import annotations

import json
import logging
import os
import socket
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from scrapy import signals
from scrapy.exceptions import NotConfigured

from crawler.atomic import write_atomic
from crawler.text.store import safe_name

if TYPE_CHECKING:
    from typing import Self

    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)


def _total(stats: dict, prefix: str) -> int:
    return sum(v for k, v in stats.items() if k.startswith(prefix) and isinstance(v, int))


def _plain(value):
    return value.isoformat() if isinstance(value, datetime) else value


class CrawlReport:
    """Extension writing the stats report (see module docstring)."""

    def __init__(self, crawler: Crawler, directory: Path):
        self.crawler = crawler
        self.directory = directory

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        if not crawler.settings.getbool("REPORT_ENABLED"):
            raise NotConfigured("REPORT_ENABLED is off")
        report = cls(crawler, Path(crawler.settings["ARCHIVE_DIR"]) / "reports")
        crawler.signals.connect(report.spider_closed, signal=signals.spider_closed)
        return report

    def spider_closed(self, spider, reason: str) -> None:
        stats = {k: _plain(v) for k, v in sorted(self.crawler.stats.get_stats().items())}
        stats["finish_reason"] = reason  # CoreStats may set it after us
        start = stats.get("start_time", "")
        stamp = start[:19].replace("-", "").replace(":", "") if start else "unknown"
        # host and pid: workers of a distributed crawl started in the same second write their own
        path = self.directory / f"{safe_name(spider.name)}-{stamp}-{safe_name(socket.gethostname())}-{os.getpid()}.json"
        try:
            write_atomic(path, json.dumps(stats, ensure_ascii=False, indent=1, sort_keys=True).encode() + b"\n")
        except OSError as exc:  # a full disk: one line (the crawl has failed already, or fails on it)
            logger.error(
                "%(path)s: report not written (%(error)s)",
                {"path": path, "error": exc.strerror or exc},
                extra={"spider": spider},
            )
            self.crawler.stats.set_value(
                "crawl/failed",
                self.crawler.stats.get_value("crawl/failed") or f"report not written ({exc.strerror or exc})",
            )
        dropped = {k.removeprefix("text/dropped/"): v for k, v in stats.items() if k.startswith("text/dropped/")}
        logger.info(
            "crawl summary: %(pages)s responses captured, %(revisits)s revisited, %(fresh)s young articles "
            "skipped, %(docs)s articles derived%(multipage)s, %(dropped)s without text%(why)s, %(failed)s failed (due again), "
            "%(refused)s refused; %(kinds)s; %(requisites)s page requisites; %(fates)s; finish reason %(reason)s; report %(path)s",
            {
                "pages": stats.get("warc/records/response", 0),
                "revisits": stats.get("warc/records/revisit", 0),
                "fresh": stats.get("incremental/skipped/fresh", 0),
                "docs": stats.get("text/documents", 0),
                "multipage": multipage(stats),
                "dropped": sum(dropped.values()),
                "why": _reasons(dropped),
                "failed": stats.get("incremental/failed", 0),
                "refused": _total(stats, "scope/refused/") + stats.get("hostguard/refused", 0),
                "kinds": not_articles(stats),
                "requisites": stats.get("requisites/captured", 0),
                "fates": fates(stats),
                "reason": reason,
                "path": path,
            },
            extra={"spider": spider},
        )


def multipage(stats: dict) -> str:
    """`` (2 multi-page, 7 pages)`` after the articles derived, when some had several pages."""
    count = stats.get("text/multipage", 0)
    return f" ({count} multi-page, {stats.get('text/multipage_pages', 0)} pages)" if count else ""


def not_articles(stats: dict) -> str:
    """``3 not articles (notice 1, redirect-home 1, wall 1)``: captures at articles' addresses that
    were not articles, by kind (stats ``pagekind/{kind}``)."""
    kinds = {k.removeprefix("pagekind/"): v for k, v in sorted(stats.items()) if k.startswith("pagekind/")}
    if not kinds:
        return "0 not articles"
    return f"{sum(kinds.values())} not articles ({', '.join(f'{k} {v}' for k, v in kinds.items())})"


def fates(stats: dict) -> str:
    """What became of archived articles in this crawl: removed, restored, edited, unchanged text."""
    return ", ".join(
        f"{stats.get(f'text/{key}', 0)} {word}"
        for key, word in (
            ("removed", "removed"),
            ("restored", "restored"),
            ("edited", "edited"),
            ("same", "recaptured with the same text"),
        )
    )


def _reasons(dropped: dict[str, int]) -> str:
    """`` (too-large 1, truncated 2)``: the count per reason of the pages archived without text."""
    return f" ({', '.join(f'{k} {v}' for k, v in sorted(dropped.items()))})" if dropped else ""
