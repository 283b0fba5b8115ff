"""Spiders for the WARC capture tests (run with SPIDER_MODULES=warcspiders, see test_extension_warc.py).

Each spider writes what ``response.meta["capture"]`` held (where the response record is) and the
Capture a text worker reads from there into ``ARCHIVE_DIR/captures.json`` at close, with the meta
keys whose values hold bytes, so the tests can compare the captures with the records in the WARC
files and check that no body travels with a request.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from pathlib import Path

from scrapy import Request, Spider

from crawler.workers import read_capture

EDGE_PATHS = ("/gzip-chunked", "/redirect?step=1", "/etag", "/error", "/cookies",
              "/page?id=7&q=%E4%B8%AD%E6%96%87")


def _holds_bytes(value, depth: int = 0) -> bool:
    """Whether a meta value is, or holds (in a dataclass, list, tuple or dict), bytes."""
    if isinstance(value, (bytes, bytearray, memoryview)):
        return True
    if depth > 4:
        return False
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return any(_holds_bytes(getattr(value, f.name), depth + 1) for f in dataclasses.fields(value))
    if isinstance(value, (list, tuple, set, frozenset)):
        return any(_holds_bytes(v, depth + 1) for v in value)
    if isinstance(value, dict):
        return any(_holds_bytes(v, depth + 1) for v in value.values())
    return False


class CaptureRecorder(Spider):
    """Base: remembers every capture handed to a callback."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.seen: list[dict] = []

    def parse(self, response):
        located = response.meta.get("capture")
        capture = None if located is None else read_capture(located.file, located.offset, located.source)
        self.seen.append({
            "url": response.url, "status": response.status,
            "meta_with_bytes": sorted(k for k, v in response.meta.items() if _holds_bytes(v)),
            "located": None if located is None else [type(located).__name__, located.url, located.warc_date,
                                                     located.source],
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
