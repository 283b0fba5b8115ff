"""Bytes to text: Content-Encoding and charset decisions (STUB: to be replaced)."""

from __future__ import annotations

import gzip

from .model import Capture, EncodingInfo, TextError


def decode_payload(capture: Capture, max_size: int) -> bytes:
    """Undo the archived payload's Content-Encoding, refusing more than ``max_size`` bytes."""
    body = capture.body
    if (capture.header("Content-Encoding") or "").lower() == "gzip":
        body = gzip.decompress(body)
    if len(body) > max_size:
        raise TextError("too-large", f"{capture.url}: decoded payload exceeds {max_size} bytes")
    return body


def decode_html(body: bytes, content_type: str | None, fallback: str | None) -> tuple[str, EncodingInfo]:
    """Decode an HTML body to str, choosing the charset as docs/text.md describes."""
    try:
        return body.decode("utf-8"), EncodingInfo(declared=None, used="utf-8", reason="utf8-valid")
    except UnicodeDecodeError:
        used = fallback or "gb18030"
        text = body.decode(used, errors="replace")
        return text, EncodingInfo(declared=None, used=used, reason="fallback", invalid_bytes=text.count("\ufffd"))
