"""Spiders for the WARC capture tests (run with SPIDER_MODULES=warcspiders, see test_extension_warc.py).

Each spider writes what ``response.meta["capture"]`` held into ``ARCHIVE_DIR/captures.json`` at
close, so the tests can compare the captures with the records in the WARC files.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from scrapy import Request, Spider

EDGE_PATHS = ("/gzip-chunked", "/redirect?step=1", "/etag", "/error", "/cookies",
              "/page?id=7&q=%E4%B8%AD%E6%96%87")


class CaptureRecorder(Spider):
    """Base: remembers every capture handed to a callback."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.seen: list[dict] = []

    def parse(self, response):
        capture = response.meta.get("capture")
        self.seen.append({
            "url": response.url, "status": response.status,
            "capture": None if capture is None else {
                "url": capture.url, "status": capture.status, "headers": capture.headers,
                "body_sha1": hashlib.sha1(capture.body).hexdigest(), "warc_date": capture.warc_date,
                "source": capture.source, "file": capture.warc.file, "offset": capture.warc.offset,
                "record_id": capture.warc.record_id, "payload_digest": capture.warc.payload_digest},
        })
        yield from self.follow(response)

    def follow(self, response):
        return ()

    def closed(self, reason):
        out = Path(self.settings.get("ARCHIVE_DIR")) / "captures.json"
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(sorted(self.seen, key=lambda s: (s["url"], s["status"])), indent=1))


class EdgeSpider(CaptureRecorder):
    """Every edge case once, plus a conditional GET that gets a 304."""

    name = "warcedge"
    custom_settings = {"ROBOTSTXT_OBEY": True}

    async def start(self):
        for path in EDGE_PATHS:
            yield Request(self.base + path, meta={"handle_httpstatus_list": [304, 404, 500]})
        yield Request(self.base + "/etag", headers={"If-None-Match": '"v1"'}, dont_filter=True,
                      meta={"handle_httpstatus_list": [304, 404, 500]})


class BigSpider(CaptureRecorder):
    """A listing of large incompressible pages (``-a n=... -a size=... -a delay=...``)."""

    name = "warcbig"
    n, size, delay = "3", "100000", "0"

    async def start(self):
        yield Request(f"{self.base}/list?n={self.n}&size={self.size}&delay={self.delay}")

    def follow(self, response):
        if "/list" in response.url:
            yield from response.follow_all(css="a")
