"""What a WARC record is to the rest of the archiver: where it is, and the response it holds.

Plain data, no I/O: ``WarcRef`` (the record of a capture), ``Located`` (where one capture is,
for a worker to read it: the crawl, its catch-up and the rebuild hand workers these, never
bodies) and ``Capture`` (one archived HTTP response, built only by
:func:`crawler.warc.reader.capture_of`). Every field comes from a record, never from the clock.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class WarcRef:
    """Where a capture lives: WARC file basename, byte offset of its gzip member, record id."""

    file: str
    offset: int
    record_id: str
    payload_digest: str


@dataclass(frozen=True, order=True)
class Located:
    """Where one capture of a document is (sortable: oldest WARC-Date first)."""

    warc_date: str
    file: str  # path of the WARC file (its final name: a file being written is read as ``.open``)
    offset: int
    source: str
    removal: str | None = None  # a response that shows a removal (404, a redirect home): its evidence
    url: str = ""
    revisit: bool = False  # a revisit record: the page was revalidated, its payload is an earlier record's


@dataclass(frozen=True)
class Capture:
    """One archived HTTP response, exactly as the WARC response record holds it."""

    url: str
    status: int
    headers: tuple[tuple[str, str], ...]  # response headers in archived order, repeats kept
    body: bytes = field(repr=False)  # payload as archived: still Content-Encoded (gzip, br, deflate);
    # never in a repr: Scrapy logs a dropped item's repr, and a 15 MB page went into the log at INFO
    warc_date: str  # WARC-Date of the response record, e.g. "2026-11-22T06:50:53Z"
    source: str  # source name (seed), or the host for foreign WARCs
    warc: WarcRef | None = None

    def header(self, name: str) -> str | None:
        """Last value of header ``name`` (case-insensitive), or None."""
        name = name.lower()
        found = None
        for key, value in self.headers:
            if key.lower() == name:
                found = value
        return found
