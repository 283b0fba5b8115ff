"""Read records back from WARC files: iterate with offsets, seek to one, cap every payload.

A payload is never read or decompressed without a limit: a WARC can hold anything, and the
text steps only need the first ``limit`` bytes of a page to decide it is too large.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed
from warcio.recordloader import ArcWarcRecord
from warcio.statusandheaders import StatusAndHeaders

from crawler.text.model import Capture, WarcRef
from crawler.warc.errors import WarcReadError

DEFAULT_LIMIT = 32 * 1024 * 1024


@dataclass(frozen=True)
class StoredRecord:
    """A record read back whole: its headers and its payload (at most ``limit`` bytes)."""

    path: str
    offset: int
    rec_type: str
    rec_headers: StatusAndHeaders
    http_headers: StatusAndHeaders | None
    payload: bytes


def iter_records(paths: Iterable[str | os.PathLike]) -> Iterator[tuple[Path, int, ArcWarcRecord]]:
    """(file, offset, record) for every record of ``paths`` in order; read each before the next."""
    for path in paths:
        with open(path, "rb") as fh:
            iterator = ArchiveIterator(fh)
            for record in iterator:
                # not get_record_offset(): it reads the record to its end to find its length
                yield Path(path), iterator.offset, record


def _capped(stream, limit: int, what: str) -> bytes:
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise WarcReadError(f"{what}: payload larger than {limit} bytes")
    return data


def read_payload(record: ArcWarcRecord, limit: int = DEFAULT_LIMIT) -> bytes:
    """The payload as stored (still Content-Encoded); WarcReadError beyond ``limit`` bytes."""
    return _capped(record.raw_stream, limit, record.rec_headers.get_header("WARC-Target-URI"))


def read_content(record: ArcWarcRecord, limit: int = DEFAULT_LIMIT) -> bytes:
    """The payload with its Content-Encoding undone, decompressing at most ``limit`` bytes."""
    return _capped(record.content_stream(), limit, record.rec_headers.get_header("WARC-Target-URI"))


def _open_final_or_open(path: Path):
    for candidate in (path, path.with_name(path.name + ".open"), path):  # renamed in between: again
        try:
            return open(candidate, "rb")
        except FileNotFoundError:
            continue
    raise FileNotFoundError(f"{path}: no such WARC file (nor {path.name}.open)")


def read_record_at(path: str | os.PathLike, offset: int, limit: int = DEFAULT_LIMIT) -> StoredRecord:
    """The record whose gzip member (or uncompressed record) starts at ``offset``.

    ``path`` is a file's final name; while its writer (this crawl, or another worker of a
    distributed crawl) still has it open it is read under its ``.open`` name. The record is the
    same bytes under either name, and it is reported under the final one.
    """
    with _open_final_or_open(Path(path)) as fh:
        fh.seek(offset)
        try:
            record = next(iter(ArchiveIterator(fh)))
        except (StopIteration, ArchiveLoadFailed, OSError, ValueError) as exc:
            raise WarcReadError(f"{path}: no readable record at offset {offset} ({exc})") from exc
        payload = _capped(record.raw_stream, limit, f"{path}:{offset}")
        return StoredRecord(str(path), offset, record.rec_type, record.rec_headers, record.http_headers, payload)


def capture_of(stored: StoredRecord, source: str) -> Capture:
    """The Capture a response record holds, exactly as the crawl handed it to the pipeline."""
    if stored.rec_type != "response" or stored.http_headers is None:
        raise WarcReadError(f"{stored.path}:{stored.offset}: a {stored.rec_type} record, not an HTTP response")
    headers = stored.rec_headers
    return Capture(
        url=headers.get_header("WARC-Target-URI"),
        status=int(stored.http_headers.get_statuscode()),
        headers=tuple((name, value) for name, value in stored.http_headers.headers),
        body=stored.payload,
        warc_date=headers.get_header("WARC-Date"),
        source=source,
        warc=WarcRef(Path(stored.path).name, stored.offset, headers.get_header("WARC-Record-ID"),
                     headers.get_header("WARC-Payload-Digest") or ""),
    )
