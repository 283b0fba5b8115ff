"""Check one WARC file end to end: gzip members complete, every digest recomputed (``scrapy verify``).

warcio's checker stops silently at a truncated last member, so gzip integrity is checked member
by member with zlib first (``members.py``); then every record's block and payload digests are
recomputed by reading each record whole through warcio's digest-verifying reader.
"""

from __future__ import annotations

import os
import zlib
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from crawler.warc.members import scan_members

CHUNK = 1 << 20
# records whose block must carry a digest in our archive (warcinfo and metadata too: all are ours)
NEEDS_PAYLOAD_DIGEST = ("response", "request", "resource")


def _drain(stream) -> None:
    while stream.read(CHUNK):
        pass


def _record_problems(record, where: str) -> list[str]:
    headers = record.rec_headers
    problems = []
    if not headers.get_header("WARC-Block-Digest"):
        problems.append(f"{where}: no WARC-Block-Digest")
    if record.rec_type in NEEDS_PAYLOAD_DIGEST and not headers.get_header("WARC-Payload-Digest"):
        problems.append(f"{where}: no WARC-Payload-Digest")
    _drain(record.raw_stream)
    if record.digest_checker.passed is False:
        problems += [f"{where}: {p}" for p in record.digest_checker.problems]
    return problems


def _digest_problems(path: Path) -> list[str]:
    problems: list[str] = []
    with open(path, "rb") as fh:
        iterator = ArchiveIterator(fh, check_digests=True)
        try:
            for record in iterator:
                offset = iterator.get_record_offset()
                rec_id = record.rec_headers.get_header("WARC-Record-ID")
                problems += _record_problems(record, f"{path}: offset {offset} {record.rec_type} {rec_id}")
        except (ArchiveLoadFailed, EOFError, OSError, ValueError, zlib.error) as exc:
            problems.append(f"{path}: unreadable record ({str(exc).strip().splitlines()[0]})")
    return problems


def verify_warc(path: str | os.PathLike) -> list[str]:
    """Every problem of the WARC file ``path``, one line each (empty: the file is sound)."""
    path = Path(path)
    problems: list[str] = []
    if path.name.endswith((".gz", ".gz.open")):
        with open(path, "rb") as fh:
            members, error = scan_members(fh)
        if error is not None:
            problems.append(f"{path}: {error}; `scrapy crawl` repairs .open files, else cut at {error.offset}")
        if not members:
            return problems
    return problems + _digest_problems(path)
