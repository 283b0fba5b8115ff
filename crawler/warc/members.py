"""Walk the gzip members of a ``.warc.gz`` file one by one, with bounded memory.

warcio's reader and checker stop quietly at a truncated last member, so completeness is checked
here with zlib itself: the writer's crash repair and ``verify`` both need to know exactly where
the last complete member ends.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

from crawler.warc.errors import WarcGzipError

CHUNK = 1 << 20
HEAD = 512  # decompressed bytes kept per member: enough for the WARC-Type line


@dataclass(frozen=True)
class Member:
    """One complete gzip member: where it starts, its compressed length, its first bytes."""

    offset: int
    length: int
    head: bytes

    @property
    def end(self) -> int:
        return self.offset + self.length


def _inflater():
    return zlib.decompressobj(zlib.MAX_WBITS | 16)  # gzip wrapper, one member


def iter_members(fh: BinaryIO) -> Iterator[Member]:
    """Yield every complete member; raise WarcGzipError at the first bad or truncated one."""
    start = offset = 0
    inflater, head, data, at_end = _inflater(), bytearray(), b"", False
    while True:
        if not data and not at_end:
            data = fh.read(CHUNK)
            at_end = not data
        if at_end and not data and offset == start:
            return  # clean end between members
        try:
            # max_length bounds the output: a hostile member cannot blow up memory
            out = inflater.decompress(data, CHUNK)
        except zlib.error as exc:
            raise WarcGzipError(f"bad gzip data in the member at offset {start} ({exc})", start) from exc
        if len(head) < HEAD:
            head += out[: HEAD - len(head)]
        if inflater.eof:
            rest = inflater.unused_data
            offset += len(data) - len(rest)
            yield Member(start, offset - start, bytes(head))
            start, inflater, data = offset, _inflater(), rest
            head.clear()
            continue
        offset += len(data) - len(inflater.unconsumed_tail)
        data = inflater.unconsumed_tail
        if at_end and not data and not out:
            raise WarcGzipError(f"truncated gzip member at offset {start} (file ends at {offset})", start)


def scan_members(fh: BinaryIO) -> tuple[list[Member], WarcGzipError | None]:
    """The complete members of ``fh`` and the error after them, if any."""
    members: list[Member] = []
    try:
        for member in iter_members(fh):
            members.append(member)
    except WarcGzipError as exc:
        return members, exc
    return members, None
