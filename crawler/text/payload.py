"""Undo an archived payload's Content-Encoding: every coding Scrapy asks for, stacked too, capped.

The crawl sends Scrapy's ``Accept-Encoding`` (``gzip, deflate, br, zstd`` in Scrapy 2.19), so the
archive holds bodies in each of those codings, and a server may stack them (``gzip, br``: applied
in that order, undone in reverse). Each decoder streams and never produces more than the cap
(``TEXT_MAX_DECOMPRESSED_SIZE``): a bomb costs the cap, not memory. A compressed stream that
stops before its end is a truncated download: refused, never published as a whole article.
docs/formats.md lists the codings and the reasons a page gets no text.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable

import brotli

try:  # Python 3.14's standard library, else its backport (what Scrapy itself uses)
    from compression import zstd
except ImportError:
    from backports import zstd

from .model import Capture, TextError

#: RFC 9659 section 3: a ``zstd`` content coding uses a window of at most 8 MB (2**23)
ZSTD_WINDOW_LOG_MAX = 23


# hand-written, not Scrapy's decoders (scrapy.utils.gz, _compression): measured on half of a gzip, deflate, br
# and zstd stream they return 49, 823, 0 and 0 bytes without an error; a cut download must be refused here
def _zlib(data: bytes, wbits: int, limit: int) -> tuple[bytes, bool]:
    """gzip (every member, as gunzip reads them) or zlib/raw deflate: (output, stream ended)."""
    out = bytearray()
    while True:
        decoder = zlib.decompressobj(wbits)
        out += decoder.decompress(data, limit + 1 - len(out))
        if len(out) > limit or not decoder.eof:
            return bytes(out), decoder.eof
        data = decoder.unused_data
        if wbits < 16 or data[:2] != b"\x1f\x8b":  # trailing padding or garbage: ignored, as browsers do
            return bytes(out), True


def _gzip(data: bytes, limit: int) -> tuple[bytes, bool]:
    return _zlib(data, 16 + zlib.MAX_WBITS, limit)


def _deflate(data: bytes, limit: int) -> tuple[bytes, bool]:
    # RFC 9110 8.4.1.2 says zlib-wrapped; some servers send raw deflate (Scrapy reads both too)
    try:
        return _zlib(data, zlib.MAX_WBITS, limit)
    except zlib.error:
        return _zlib(data, -zlib.MAX_WBITS, limit)


def _br(data: bytes, limit: int) -> tuple[bytes, bool]:
    decoder = brotli.Decompressor()
    out = decoder.process(data, output_buffer_limit=limit + 1)
    return out, decoder.is_finished()


def _zstd(data: bytes, limit: int) -> tuple[bytes, bool]:
    out = bytearray()
    while True:  # one frame after another (RFC 8878 3.1: a stream may hold several)
        decoder = zstd.ZstdDecompressor(options={zstd.DecompressionParameter.window_log_max: ZSTD_WINDOW_LOG_MAX})
        out += decoder.decompress(data, max_length=limit + 1 - len(out))
        if len(out) > limit or not decoder.eof or not decoder.unused_data:
            return bytes(out), decoder.eof
        data = decoder.unused_data


def _identity(data: bytes, limit: int) -> tuple[bytes, bool]:
    return data, True


#: Content-Encoding token -> decoder; ``x-gzip`` is RFC 9110's alias of gzip
DECODERS: dict[str, Callable[[bytes, int], tuple[bytes, bool]]] = {
    "gzip": _gzip,
    "x-gzip": _gzip,
    "deflate": _deflate,
    "br": _br,
    "zstd": _zstd,
    "identity": _identity,
}
#: what the decoders raise on corrupt input (brotli.error and ZstdError are plain Exceptions)
_CORRUPT = (zlib.error, brotli.error, zstd.ZstdError, OSError, ValueError)


def codings(capture: Capture) -> list[str]:
    """The Content-Encoding tokens of a capture, in the order they were applied; a header repeated
    (``Content-Encoding: gzip`` then ``Content-Encoding: br``) is one list (RFC 9110 5.3)."""
    values = [value for name, value in capture.headers if name.lower() == "content-encoding"]
    return [token.strip().lower() for value in values for token in value.split(",") if token.strip()]


#: the first bytes of a stream in each coding that has them (RFC 1952, RFC 8878)
_MAGIC = {"gzip": b"\x1f\x8b", "x-gzip": b"\x1f\x8b", "zstd": b"\x28\xb5\x2f\xfd"}


def _plain_html(body: bytes, coding: str) -> bool:
    """A body that is plain HTML under a label it does not have: a known coding whose magic bytes
    are missing, or a token no decoder knows (``none``, ``utf-8``): browsers show the page."""
    if body.lstrip()[:1] != b"<":
        return False
    magic = _MAGIC.get(coding)
    return coding not in DECODERS or (magic is not None and not body.startswith(magic))


def undo(body: bytes, coding: str, max_size: int, url: str) -> bytes:
    """One Content-Encoding undone, never producing more than ``max_size`` bytes."""
    decoder = DECODERS.get(coding)
    if decoder is None:
        raise TextError("bad-content-encoding", f"{url}: unknown Content-Encoding {coding!r}")
    try:
        out, ended = decoder(body, max_size)
    except _CORRUPT as exc:
        raise TextError("bad-content-encoding", f"{url}: corrupt {coding} payload ({exc})") from None
    if len(out) > max_size:
        raise TextError("too-large", f"{url}: decoded payload exceeds {max_size} bytes")
    if not ended:
        raise TextError("truncated", f"{url}: the {coding} payload ends before its end (a truncated download)")
    return out


def decode_payload(capture: Capture, max_size: int) -> bytes:
    """Undo the archived payload's Content-Encoding (stacked codings too), at most ``max_size`` bytes."""
    body = capture.body
    for coding in reversed(codings(capture)):
        if _plain_html(body, coding):
            continue  # servers that label plain HTML with a coding (browsers show it)
        body = undo(body, coding, max_size, capture.url)
    if len(body) > max_size:
        raise TextError("too-large", f"{capture.url}: decoded payload exceeds {max_size} bytes")
    return body


__all__ = ["DECODERS", "codings", "decode_payload", "undo"]
