"""The crawl report extension (crawler/extensions/report.py) in process: ``get_crawler`` with the
project's settings, stats set as a crawl sets them; the JSON report and the one summary line."""

from __future__ import annotations

import json
import logging
import os
from datetime import datetime

import pytest
from scrapy import Spider
from scrapy.exceptions import NotConfigured
from scrapy.utils.misc import build_from_crawler
from scrapy.utils.test import get_crawler

from crawler.extensions.report import CrawlReport

from .conftest import project_settings


def umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


class UnitSpider(Spider):
    name = "unit"


def closed(tmp_path, stats: dict, caplog) -> tuple[dict, str]:
    """Close a crawl whose stats are ``stats``: (its JSON report, its summary line)."""
    crawler = get_crawler(UnitSpider, project_settings(ARCHIVE_DIR=str(tmp_path)))
    crawler.spider = UnitSpider.from_crawler(crawler)
    crawler.stats.open_spider()
    crawler.stats.set_stats(dict(stats))
    report = build_from_crawler(CrawlReport, crawler)
    with caplog.at_level(logging.INFO, logger="crawler.extensions.report"):
        report.spider_closed(crawler.spider, "finished")
    [path] = (tmp_path / "reports").iterdir()
    [line] = [r.getMessage() for r in caplog.records if r.name == "crawler.extensions.report"]
    assert line.endswith(f"; report {path}")
    assert path.name.startswith("unit-20261120T080000-") and path.stat().st_mode & 0o777 == 0o666 & ~umask()
    return json.loads(path.read_text("utf-8")), line.removesuffix(f"; report {path}")


def test_the_summary_line_reads_the_stats_and_the_report_holds_them_all(tmp_path, caplog):
    expected_stats = {
        "start_time": datetime(2026, 11, 20, 8, 0, 0),
        "warc/records/response": 12,
        "warc/records/revisit": 3,
        "incremental/skipped/fresh": 4,
        "text/documents": 9,
        "text/multipage": 2,
        "text/multipage_pages": 7,
        "text/dropped/too-large": 1,
        "text/dropped/truncated": 2,
        "incremental/failed": 1,
        "scope/refused/offsite": 2,
        "scope/refused/private-address": 1,
        "hostguard/refused": 3,
        "pagekind/notice": 2,
        "pagekind/redirect-home": 1,
        "requisites/captured": 5,
        "text/removed": 2,
        "text/restored": 1,
        "text/edited": 1,
        "text/same": 5,
    }
    report, summary = closed(tmp_path, expected_stats, caplog)
    assert report == {**expected_stats, "start_time": "2026-11-20T08:00:00", "finish_reason": "finished"}
    assert summary == (
        "crawl summary: 12 responses captured, 3 revisited, 4 young articles skipped, 9 articles derived "
        "(2 multi-page, 7 pages), 3 without text (too-large 1, truncated 2), 1 failed (due again), 6 refused; "
        "3 not articles (notice 2, redirect-home 1); 5 page requisites; 2 removed, 1 restored, 1 edited, "
        "5 recaptured with the same text; finish reason finished"
    )


def test_an_empty_crawl_says_zero_everywhere(tmp_path, caplog):
    report, summary = closed(tmp_path, {"start_time": datetime(2026, 11, 20, 8, 0, 0)}, caplog)
    assert report == {"start_time": "2026-11-20T08:00:00", "finish_reason": "finished"}
    assert summary == (
        "crawl summary: 0 responses captured, 0 revisited, 0 young articles skipped, 0 articles derived, "
        "0 without text, 0 failed (due again), 0 refused; 0 not articles; 0 page requisites; 0 removed, "
        "0 restored, 0 edited, 0 recaptured with the same text; finish reason finished"
    )


def test_not_configured_when_off(tmp_path):
    crawler = get_crawler(UnitSpider, project_settings(ARCHIVE_DIR=str(tmp_path), REPORT_ENABLED=False))
    with pytest.raises(NotConfigured, match="REPORT_ENABLED is off"):
        build_from_crawler(CrawlReport, crawler)
