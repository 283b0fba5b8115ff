"""A URL's new state after a download the WARC extension archived (docs/architecture.md, "Re-crawls").

Pure: the caller (crawler/extensions/warc.py) passes what it archived and the state's clock; the
store is updated only after the record is in the file (archive first, then commit). Failures and
their retry times are ``crawler.state.retry``'s.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from .base import UrlState


@dataclass(frozen=True)
class Archived:
    """Where a full response record went and what its headers say."""

    file: str
    offset: int
    record_id: str
    payload_digest: str | None
    warc_date: str | None


def after_download(
    known: UrlState | None,
    url: str,
    status: int,
    etag: str | None,
    last_modified: str | None,
    now: float,
    archived: Archived | None = None,
    revisit: bool = False,
    wall: bool = False,
    removal: bool = False,
) -> UrlState:
    """The URL's new state. A full 200 response (``archived``): everything from its record. A
    revisit: the full payload's record kept, validators and fetch time renewed. A wall: nothing
    changes (the page is not marked fresh: the next crawl tries again). A removal (404, a
    redirect home): the status changes and the validators go, so the next request is
    unconditional and an article that comes back is captured whole. Any other status: only the
    status changes; validators and fetch time keep describing the archived payload (an error
    page's ETag must not be sent for it, and a failed re-fetch does not make a page young)."""
    if revisit:
        return dataclasses.replace(
            known,
            etag=etag or known.etag,
            last_modified=last_modified or known.last_modified,
            fetched_at=now,
            failures=0,
            retry_at=0.0,
        )
    if wall:
        return known or UrlState(url=url, status=status)
    if status != 200 or archived is None:
        state = dataclasses.replace(known or UrlState(url=url, status=status), status=status)
        if removal:
            state = dataclasses.replace(state, etag=None, last_modified=None)
        return state
    return UrlState(
        url=url,
        status=200,
        etag=etag,
        last_modified=last_modified,
        payload_digest=archived.payload_digest,
        warc_file=archived.file,
        warc_offset=archived.offset,
        record_id=archived.record_id,
        warc_date=archived.warc_date,
        fetched_at=now,
    )
