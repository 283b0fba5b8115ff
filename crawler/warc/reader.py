"""Read records back from WARC files: iterate with offsets, seek to one, cap every payload.

A payload is never read or decompressed without a limit: a WARC can hold anything, and the
text steps only need the first ``limit`` bytes of a page to decide it is too large.

What warcio reads, this reads (docs/formats.md, "Reading other tools' files"): WARC 1.0 and 1.1,
ARC (as warcio converts it, with no record id: warcio's would be random), gzipped per record or
not, HTTP responses and HTML ``resource`` records, bodies still chunked. A record that cannot be
read costs only itself: iteration reports it (file and offset, one line) and resumes at the next
record it can find; a payload shorter than its record says is reported as truncated.
"""

from __future__ import annotations

import logging
import os
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path
from typing import BinaryIO

from warcio.archiveiterator import ArchiveIterator
from warcio.bufferedreaders import ChunkedDataException, ChunkedDataReader
from warcio.recordloader import ArcWarcRecord
from warcio.statusandheaders import StatusAndHeaders

from crawler.warc.errors import WarcReadError, WarcTruncatedError
from crawler.warc.model import Capture, WarcRef

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


def _not_a_uri_repair(record: logging.LogRecord) -> bool:
    return not record.getMessage().startswith("Replacing spaces in invalid WARC-Target-URI")


# warcio logs each URI it repairs (spaces percent-encoded), once per read: on damaged bytes that
# it tries as an ARC header, a line of binary noise. The repaired URI is what is used.
logging.getLogger("warcio.recordloader").addFilter(_not_a_uri_repair)


class _ArchiveIterator(ArchiveIterator):
    """warcio's iterator without its multi-line stderr warning for a record not followed by blank
    lines: the record's own check (``_check_whole``) says what is wrong, in one line."""

    INC_RECORD = ""


OnError = Callable[[WarcReadError], None]
#: where a record can start, to resume after a damaged one: a gzip member, a WARC header line
_GZIP_MAGIC, _WARC_LINE = b"\x1f\x8b\x08", b"\nWARC/1."
_SCAN = 1 << 20
# HTML as a browser-based capture tool stores it: a resource record whose block is the page
HTML_TYPES = ("text/html", "application/xhtml+xml")


def iter_records(
    paths: Iterable[str | os.PathLike], on_error: OnError | None = None
) -> Iterator[tuple[Path, int, ArcWarcRecord]]:
    """(file, offset, record) for every readable record of ``paths`` in order; read each before
    the next. A file or record that cannot be read goes to ``on_error`` (one WarcReadError naming
    file and offset; raised when no ``on_error`` is given) and the rest is read."""
    for path in paths:
        try:
            fh = open(path, "rb")
        except OSError as exc:
            _report(on_error, WarcReadError(f"{path}: offset 0: cannot be opened ({exc.strerror})"))
            continue
        with fh:
            yield from _file_records(Path(path), fh, on_error)


def _report(on_error: OnError | None, error: WarcReadError) -> None:
    if on_error is None:
        raise error
    on_error(error)


def archive_kind(fh: BinaryIO) -> str | None:
    """``warc``, ``arc`` or None (neither) from the file's first bytes, gzipped or not; ``fh`` is
    left at its start. (warcio reads any line of five words as an ARC header: a text file would
    pass for records with nonsense URLs.)"""
    fh.seek(0)
    head = fh.read(4096)
    fh.seek(0)
    if head[:2] == b"\x1f\x8b":
        try:
            head = zlib.decompressobj(zlib.MAX_WBITS | 16).decompress(head, 64)
        except zlib.error:
            return None
    return "warc" if head.startswith(b"WARC/") else "arc" if head.startswith(b"filedesc://") else None


def _file_records(path: Path, fh: BinaryIO, on_error: OnError | None) -> Iterator[tuple[Path, int, ArcWarcRecord]]:
    if archive_kind(fh) is None:
        _report(on_error, WarcReadError(f"{path}: offset 0: not a WARC or ARC file, skipped"))
        return
    gzipped = fh.read(2) == b"\x1f\x8b"
    start, reported = 0, False
    while start is not None:
        fh.seek(start)
        iterator, last = _ArchiveIterator(fh, arc2warc=True), start
        try:
            for record in iterator:
                reported, last = False, iterator.offset  # a record read: the next damage is news again
                # not get_record_offset(): it reads the record to its end to find its length
                yield path, iterator.offset, record
            return
        except Exception as exc:  # noqa: BLE001  warcio raises many types on damaged bytes
            failed = max(iterator.offset, last)  # warcio's offset is off inside a gzip member
            if "non-chunked gzip" in str(exc):  # warcio's GZIP_ERR_MSG, as its own hint says
                why = "the file is one gzip stream, not a member per record: run `warcio recompress` on it"
                _report(on_error, WarcReadError(f"{path}: offset {failed}: records from here skipped: {why}"))
                return
            if not reported:  # the first failure of a damaged stretch; resync attempts stay quiet
                _report(on_error, WarcReadError(f"{path}: offset {failed}: unreadable record skipped ({_line(exc)})"))
                reported = True
            start = _next_start(fh, failed + 1, gzipped)


def _line(exc: BaseException) -> str:
    """The first line of an exception's message (warcio's are several lines long, and may quote
    the damaged bytes), at most 100 characters."""
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    text = f"{type(exc).__name__}: {lines[0]}" if lines else type(exc).__name__
    return text if len(text) <= 100 else text[:99] + "…"


def _next_start(fh: BinaryIO, offset: int, gzipped: bool) -> int | None:
    """The next offset at or after ``offset`` where a record may start, or None."""
    magic = _GZIP_MAGIC if gzipped else _WARC_LINE
    while True:
        fh.seek(offset)
        data = fh.read(_SCAN + len(magic))
        found = data.find(magic)
        if found >= 0:
            return offset + found + (0 if gzipped else 1)
        if len(data) <= len(magic):
            return None
        offset += _SCAN


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
    same bytes under either name, and it is reported under the final one. A payload that ends
    before the record's (or the HTTP) Content-Length, or a record marked ``WARC-Truncated``,
    raises WarcTruncatedError; a body another tool stored still chunked is de-chunked.
    """
    with _open_final_or_open(Path(path)) as fh:
        arc = archive_kind(fh) == "arc"
        fh.seek(offset)
        try:
            record = next(iter(_ArchiveIterator(fh, arc2warc=True)))
            payload = _capped(record.raw_stream, limit, f"{path}: offset {offset}")
        except WarcReadError:
            raise
        except Exception as exc:  # noqa: BLE001  warcio raises many types on damaged bytes
            raise WarcReadError(f"{path}: offset {offset}: no readable record ({_line(exc)})") from exc
        if arc:  # an ARC record has no id; warcio makes a random one
            record.rec_headers.replace_header("WARC-Record-ID", "")
        _check_whole(record, payload, f"{path}: offset {offset}")
        payload = _dechunked(record.http_headers, payload, f"{path}: offset {offset}")
        return StoredRecord(str(path), offset, record.rec_type, record.rec_headers, record.http_headers, payload)


def _check_whole(record: ArcWarcRecord, payload: bytes, where: str) -> None:
    """WarcTruncatedError when the payload is shorter than the record says it is."""
    missing = getattr(record.raw_stream, "limit", 0)  # warcio's LimitReader: bytes never read
    if missing:
        raise WarcTruncatedError(f"{where}: truncated record: the file ends {missing} bytes before its end")
    declared = record.rec_headers.get_header("WARC-Truncated")
    if declared:
        raise WarcTruncatedError(f"{where}: truncated record (WARC-Truncated: {declared})")
    http = record.http_headers
    status = http.get_statuscode() if http is not None else ""
    length = http.get_header("Content-Length") if status[:1] == "2" and status != "204" else None
    if length and length.strip().isdigit() and int(length) > len(payload) and not _chunked(http):
        raise WarcTruncatedError(f"{where}: truncated record: payload {len(payload)} of {int(length)} bytes")


def _chunked(http: StatusAndHeaders | None) -> bool:
    return http is not None and "chunked" in (http.get_header("Transfer-Encoding") or "").lower()


def _dechunked(http: StatusAndHeaders | None, payload: bytes, where: str) -> bytes:
    """The body of a response stored with its chunked framing (as some tools do), de-chunked;
    a body de-chunked already (the header kept) is returned as stored."""
    if not _chunked(http) or not _starts_with_chunk_size(payload):
        return payload
    try:
        return ChunkedDataReader(BytesIO(payload), raise_exceptions=True).read()
    except ChunkedDataException as exc:
        raise WarcTruncatedError(f"{where}: broken chunked body ({_line(exc)})") from None


def _starts_with_chunk_size(payload: bytes) -> bool:
    line, crlf, _ = payload[:80].partition(b"\r\n")
    size = line.split(b";")[0].strip()
    return bool(crlf) and bool(size) and all(c in b"0123456789abcdefABCDEF" for c in size)


def capture_of(stored: StoredRecord, source: str) -> Capture:
    """The Capture a response record (or an HTML resource record) holds: the one builder of a
    Capture. A record read back (:func:`read_record_at`) and the record the crawl has just
    written (crawler.extensions.warc, with the bytes it wrote as payload) go through it alike."""
    headers = stored.rec_headers
    if stored.rec_type == "resource" and is_html_resource(headers):
        status, http = 200, (("Content-Type", headers.get_header("Content-Type")),)
    elif stored.rec_type == "response" and stored.http_headers is not None and _status(stored.http_headers):
        status = _status(stored.http_headers)
        http = tuple((name, value) for name, value in stored.http_headers.headers)
    else:
        raise WarcReadError(f"{stored.path}:{stored.offset}: a {stored.rec_type} record, not an HTTP response")
    return Capture(
        url=headers.get_header("WARC-Target-URI"),
        status=status,
        headers=http,
        body=stored.payload,
        warc_date=headers.get_header("WARC-Date"),
        source=source,
        warc=WarcRef(
            Path(stored.path).name,
            stored.offset,
            headers.get_header("WARC-Record-ID") or "",
            headers.get_header("WARC-Payload-Digest") or "",
        ),
    )


def _status(http: StatusAndHeaders) -> int | None:
    code = http.get_statuscode() or ""
    return int(code) if code.isdigit() and len(code) == 3 else None


def is_html_resource(headers: StatusAndHeaders) -> bool:
    """A resource record holding an HTML page of an http(s) URL."""
    kind = (headers.get_header("Content-Type") or "").split(";")[0].strip().lower()
    url = headers.get_header("WARC-Target-URI") or ""
    return kind in HTML_TYPES and url.startswith(("http://", "https://"))
