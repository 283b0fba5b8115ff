"""The text pipeline (crawler/pipelines.py) in process: built with ``get_crawler`` from the project's
settings, handed a Page whose response record is in a real WARC file (crawler/warc/writer), it
derives the page in its real process pool and, at close, publishes the text file and manifest."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime

import pytest
import yaml
from scrapy.exceptions import DropItem, NotConfigured
from scrapy.utils.misc import build_from_crawler
from scrapy.utils.test import get_crawler

from crawler.items import Page
from crawler.pipelines import TextPipeline
from crawler.sources import load_source
from crawler.spiderloader import spider_class
from crawler.text.model import document_id
from crawler.warc.model import Located
from crawler.warc.records import Exchange

from .conftest import project_settings
from .test_warc_writer import NAME, make_writer
from .test_workers import PARAGRAPHS, page

URL = "http://news.example.cn/2026/11/c_1.htm"
SEED = """\
name: unit
start_urls: ['http://news.example.cn/list/1.html']
allowed_domains: [news.example.cn]
articles: ['/\\d{4}/\\d{2}/c_\\d+\\.htm$']
"""


def setup(tmp_path, **settings):
    """A crawler of the seed ``unit`` (its spider built), stats open, and the text pipeline."""
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "unit.yaml").write_text(SEED, "utf-8")
    cls = spider_class(load_source(seeds / "unit.yaml"))
    crawler = get_crawler(
        cls, project_settings(ARCHIVE_DIR=str(tmp_path / "archive"), SEEDS_DIR=str(seeds), TEXT_WORKERS=1, **settings)
    )
    crawler.spider = cls.from_crawler(crawler)
    crawler.stats.open_spider()
    return crawler, build_from_crawler(TextPipeline, crawler)


def archived(tmp_path, body: bytes) -> Located:
    """``body`` as the response record of URL in a real WARC file of the archive; where it is."""
    writer = make_writer(tmp_path / "archive" / "warc")
    locations = writer.write(
        writer.factory.build_exchange(
            Exchange(
                URL,
                "GET",
                (),
                b"",
                200,
                "HTTP/1.1",
                (("Content-Type", "text/html; charset=utf-8"),),
                body,
                date=datetime(2026, 11, 20, 8, 0, 0, tzinfo=UTC),
            )
        )
    )
    writer.close()
    path = tmp_path / "archive" / "warc" / NAME.format(0)
    [response] = [found for found in locations if found.record_type == "response"]
    return Located("2026-11-20T08:00:00Z", str(path), response.offset, "unit", url=URL)


def test_a_page_in_gives_its_derived_document_and_at_close_its_text_file(tmp_path):
    crawler, pipeline = setup(tmp_path)
    found = archived(tmp_path, page(PARAGRAPHS))
    row = asyncio.run(pipeline.process_item(Page(URL, "unit", found)))
    doc_id = document_id(URL)
    assert (row["id"], row["url"], row["source"], row["title"]) == (doc_id, URL, "unit", "菜市场改造以后")
    assert pipeline.store.derived_path("unit", doc_id).is_file()  # the worker's cached Document
    assert not (tmp_path / "archive" / "text").exists()  # published at close, not per page
    asyncio.run(pipeline.close_spider())
    text = (tmp_path / "archive" / "text" / "unit" / f"{doc_id}.txt").read_text("utf-8")
    front, body = text.split("\n---\n", 1)
    assert body == "菜市场改造以后\n" + "".join(f"{p}\n" for p in PARAGRAPHS)
    meta = yaml.safe_load(front.removeprefix("---\n"))
    assert (meta["url"], meta["source"], meta["fetched"]) == (URL, "unit", "2026-11-20T08:00:00Z")
    assert (meta["warc"]["file"], meta["warc"]["offset"]) == (NAME.format(0), found.offset)
    [entry] = [json.loads(line) for line in (tmp_path / "archive" / "manifest.jsonl").read_text("utf-8").splitlines()]
    assert (entry["id"], entry["url"], entry["source"]) == (doc_id, URL, "unit")
    assert crawler.stats.get_value("text/documents") == 1
    assert crawler.stats.get_value("text/files/written") == 1
    assert pipeline.pool is None  # shut down at close


def test_a_page_without_text_is_dropped_and_counted_by_reason(tmp_path):
    crawler, pipeline = setup(tmp_path)
    found = archived(tmp_path, b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    with pytest.raises(DropItem):
        asyncio.run(pipeline.process_item(Page(URL, "unit", found)))
    asyncio.run(pipeline.close_spider())
    dropped = {k: v for k, v in crawler.stats.get_stats().items() if k.startswith("text/dropped/")}
    assert dropped == {"text/dropped/undecodable": 1}
    assert crawler.stats.get_value("text/documents") is None


def test_a_page_not_archived_is_dropped_and_other_items_pass(tmp_path):
    crawler, pipeline = setup(tmp_path)
    assert asyncio.run(pipeline.process_item({"other": 1})) == {"other": 1}
    with pytest.raises(DropItem, match="not archived"):
        asyncio.run(pipeline.process_item(Page(URL, "unit", None)))
    assert crawler.stats.get_value("text/dropped/no-capture") == 1
    assert pipeline.pool is None  # nothing was derived: no pool started


def test_not_configured_when_text_is_off(tmp_path):
    with pytest.raises(NotConfigured, match="TEXT_ENABLED is off"):
        setup(tmp_path, TEXT_ENABLED=False)
