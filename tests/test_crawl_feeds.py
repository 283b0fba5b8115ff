"""Scrapy's own feed exports in a real crawl of the demo site: `-o items.jsonl` and `-o items.csv`
write one JSON-safe item per derived article with the columns of `scrapy export`, and the crawl
exits 0 only when items were written."""

from __future__ import annotations

import csv
import json

from crawler.demo.server import DemoServer
from crawler.export import COLUMNS

from .conftest import run_scrapy

ARTICLES = 7  # /news/ articles of the demo site


def crawl(archive, url: str, *args: str):
    return run_scrapy(
        "crawl", "demo-news", "-s", f"ARCHIVE_DIR={archive}", "-s", "LOG_LEVEL=WARNING", *args, env={"DEMO_SITE": url}
    )


def test_feed_exports_write_the_export_columns(tmp_path):
    archive = tmp_path / "archive"
    items_jsonl, items_csv = tmp_path / "items.jsonl", tmp_path / "items.csv"
    with DemoServer() as url:
        first = crawl(archive, url, "-o", str(items_jsonl), "-o", str(items_csv))
        assert first.returncode == 0, first.stderr[-3000:]
        assert "Traceback" not in first.stderr and "TypeError" not in first.stderr
        items = [json.loads(line) for line in items_jsonl.read_text("utf-8").splitlines()]
        with open(items_csv, encoding="utf-8", newline="") as fh:
            header, *rows = list(csv.reader(fh))
        assert len(items) == len(rows) == ARTICLES
        assert header == list(COLUMNS) and all(list(item) == list(COLUMNS) for item in items)

        # the items are the archive's articles: same ids, titles, WARC records as `scrapy export`
        export = run_scrapy("export", "-s", f"ARCHIVE_DIR={archive}", str(tmp_path / "rows.jsonl"))
        assert export.returncode == 0, export.stderr
        exported = {r["id"]: r for r in map(json.loads, (tmp_path / "rows.jsonl").read_text("utf-8").splitlines())}
        assert sorted(item["id"] for item in items) == sorted(exported)
        for item in items:
            row = exported[item["id"]]
            for column in (
                "url",
                "source",
                "title",
                "published",
                "author",
                "origin",
                "fetched",
                "warc_file",
                "warc_offset",
                "warc_record_id",
                "warc_payload_digest",
                "encoding_used",
            ):
                assert item[column] == row[column], column
            assert item["text"] and set(row["text"].split("\n")) <= set(item["text"].split("\n"))
            assert item["sha256"] is None and item["cluster"] is None  # known once the archive is finalized
        by_id = {r[0]: r for r in rows}
        assert {i["id"]: [("" if i[c] is None else str(i[c])) for c in COLUMNS] for i in items} == by_id

        # a re-crawl derives nothing again (young articles are not requested): no item, exit 1
        again = crawl(archive, url, "-o", str(tmp_path / "again.jsonl"))
        assert again.returncode == 1
        assert again.stderr.splitlines()[-1] == (
            f"error: crawl of demo-news failed: no item written to {tmp_path / 'again.jsonl'}: no article was "
            "derived in this crawl (`scrapy export` writes every article of the archive)"
        )


def test_without_text_a_page_item_gives_its_url_and_source_never_its_bytes(tmp_path):
    out = tmp_path / "pages.jsonl"
    with DemoServer() as url:
        result = crawl(tmp_path / "archive", url, "-s", "TEXT_ENABLED=False", "-o", str(out))
    assert result.returncode == 0, result.stderr[-3000:]
    items = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    assert len(items) == ARTICLES
    assert all(list(item) == ["source", "url"] and item["source"] == "demo-news" for item in items)
