"""Bytes to text: undo Content-Encoding (capped), then choose the charset like a careful browser.

Charset order (docs/formats.md, ``encoding.reason``):

- ``bom``: a byte-order mark wins;
- ``utf8-valid``: a body with non-ASCII bytes that is valid UTF-8 is UTF-8, whatever the label;
- ``http-charset`` / ``meta-charset``: the declared label, looked up in the WHATWG label table
  (crawler/text/labels.py: gb2312/gbk -> gb18030, big5 -> cp950 then big5hkscs, shift_jis ->
  cp932, latin-1 -> windows-1252; ``rot13``, ``undefined``, ``utf-7`` and other Python-only codec
  names are no label), used only when it decodes strictly; a Latin-1/windows-1252 label on a
  body full of high bytes is distrusted;
- ``fallback``: the source's fallback encoding, when it decodes strictly;
- ``detected``: charset-normalizer, last resort;
- ``least-errors``: nothing decodes cleanly: the candidate with the fewest invalid bytes, each
  invalid byte becoming U+FFFD (a few bad bytes never turn the whole page into mojibake).
"""

from __future__ import annotations

import codecs
import re
import zlib

from .labels import codec_for, hint_codec
from .model import Capture, EncodingInfo, TextError
from .plausibility import score, scores

_META = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([a-zA-Z0-9_.:-]+)""", re.I)
_HTTP = re.compile(r"charset\s*=\s*[\"']?\s*([a-zA-Z0-9_.:-]+)", re.I)
_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
_CONTROL = re.compile(rb"[\x00-\x08\x0e-\x1a\x1c-\x1f]")


def _inflate(data: bytes, coding: str, max_size: int, url: str) -> bytes:
    """One Content-Encoding undone, streaming, never producing more than ``max_size`` bytes."""
    if coding in ("identity", ""):
        return data
    if coding == "br":
        import brotli

        out = brotli.Decompressor().process(data, output_buffer_limit=max_size + 1)
    elif coding in ("gzip", "x-gzip", "deflate"):
        wbits = 16 + zlib.MAX_WBITS if coding != "deflate" else (zlib.MAX_WBITS if data[:1] == b"\x78" else -zlib.MAX_WBITS)
        decoder = zlib.decompressobj(wbits)
        out = decoder.decompress(data, max_size + 1)
    else:
        raise TextError("bad-content-encoding", f"{url}: unknown Content-Encoding {coding!r}")
    if len(out) > max_size:
        raise TextError("too-large", f"{url}: decoded payload exceeds {max_size} bytes")
    return out


def decode_payload(capture: Capture, max_size: int) -> bytes:
    """Undo the archived payload's Content-Encoding (chains too), refusing more than ``max_size`` bytes."""
    body = capture.body
    codings = [c.strip().lower() for c in (capture.header("Content-Encoding") or "").split(",") if c.strip()]
    for coding in reversed(codings):
        if coding in ("gzip", "x-gzip") and body[:2] != b"\x1f\x8b" and body.lstrip()[:1] == b"<":
            continue  # servers that label plain HTML as gzip
        try:
            body = _inflate(body, coding, max_size, capture.url)
        except (zlib.error, OSError) as exc:
            raise TextError("bad-content-encoding", f"{capture.url}: corrupt {coding} payload ({exc})") from None
        except Exception as exc:  # brotli.error has no stable import path across versions
            if isinstance(exc, TextError):
                raise
            raise TextError("bad-content-encoding", f"{capture.url}: corrupt {coding} payload ({exc})") from None
    if len(body) > max_size:
        raise TextError("too-large", f"{capture.url}: decoded payload exceeds {max_size} bytes")
    return body


def _strict(body: bytes, codec: str) -> tuple[str, str] | None:
    """(text, codec actually used) when ``body`` decodes without error; Big5 falls back to HKSCS."""
    try:
        return body.decode(codec), codec
    except (UnicodeError, LookupError):
        if codec == "cp950":
            return _strict(body, "big5hkscs")
        return None


_TAGS = re.compile(rb"<(script|style)\b.*?</\1\s*>|<[^>]*>", re.S | re.I)


def _high_share(body: bytes) -> float:
    """Share of high bytes in the page's text (markup removed): Western text has a few, CJK most."""
    text = _TAGS.sub(b"", body[:200_000])
    return sum(1 for b in text if b >= 0x80) / max(1, len(text))


def _escaped(data: bytes) -> str:
    """Bytes kept as lone surrogates (as 'surrogateescape' does), ASCII as itself: realign() can
    re-encode them exactly; whatever stays unpaired becomes U+FFFD at the end."""
    return "".join(chr(0xDC00 + b) if b >= 0x80 else chr(b) for b in data)


def _resync(error: UnicodeDecodeError) -> tuple[str, int]:
    """Keep the bad byte (escaped), then resume where the following text reads best.

    Python's 'replace' handler resumes right after the bad sequence; in a double-byte codec a lost
    or extra byte then pairs every following byte with the wrong partner (whole-paragraph
    mojibake). Here the decoder resumes one or two bytes on, whichever decodes the next 40 bytes
    into more common characters (crawler/text/plausibility.py): the text re-aligns at once.
    """
    data, start = error.object, error.start
    best, best_score = start + 1, -1.0
    for skip in (1, 2):
        window = data[start + skip:start + skip + 40].decode(error.encoding, errors="ignore")
        current = score(window) * len(window)
        if current > best_score + 0.5:
            best, best_score = start + skip, current
    return _escaped(data[start:best]), best


codecs.register_error("crawler-resync", _resync)





def _is_binary(body: bytes) -> bool:
    sample = body[:8192]
    return b"\x00" in sample or len(_CONTROL.findall(sample)) > len(sample) / 100


_DOUBLE_BYTE = {"gb18030", "cp950", "big5hkscs", "gbk"}
_NON_ASCII_RUN = re.compile(r"[^\x00-\x7f\ufffd]{4,}")
_ESCAPED = re.compile("[\udc80-\udcff]")
_BATCH_CHARS = 1 << 20  # characters of realign candidates scored at once (bounds their memory)


_HAN = re.compile("[\u3400-\u9fff\uf900-\ufaff]")


def _mostly_han(run: str) -> bool:
    """A shifted GBK/Big5 run decodes to ideographs (most of both codecs' pairs are): a run of
    box drawing, kana or Cyrillic is the page's own text, never realigned (a GBK frame drawn
    with ┏━━┓ is not a lost byte)."""
    han = len(_HAN.findall(run))
    return han >= 2 and 3 * han >= len(run)


def realign(text: str, codec: str) -> tuple[str, int]:
    """Re-pair double-byte runs shifted by a lost or extra byte; returns (text, runs repaired).

    A lost byte in a GBK/Big5 page rarely raises a decode error (most misaligned pairs are valid
    codes), it turns the rest of the run into rare characters. For a run that reads badly, try
    every split point: keep the head, mark the lost byte with U+FFFD, re-decode the tail one
    byte on; take the best candidate when it reads clearly better (crawler/text/plausibility.py).
    """
    if codec not in _DOUBLE_BYTE:
        return text, 0
    repaired = 0

    def fix(run: str, before: float) -> str:
        nonlocal repaired
        best, best_score = run, before
        # the candidates are scored together, a batch of about _BATCH_CHARS characters at a time:
        # a run of n characters has n candidates of n characters each
        batch = max(1, _BATCH_CHARS // len(run))
        for first in range(0, len(run) - 3, batch):
            candidates = []
            for k in range(first, min(first + batch, len(run) - 3)):
                try:
                    tail = run[k:].encode(codec, errors="surrogateescape")[1:].decode(codec, errors="crawler-resync")
                except UnicodeEncodeError:
                    return run
                candidates.append(run[:k] + "\ufffd" + tail)
            for candidate, current in zip(candidates, scores(candidates)):
                if current > best_score:
                    best, best_score = candidate, current
        if best_score >= 0.85 and best_score - before >= 0.2:
            repaired += 1
            return best
        return run

    # every run is scored in one pass (most read well and stay as they are)
    runs = list(_NON_ASCII_RUN.finditer(text))
    pieces, last = [], 0
    for match, before in zip(runs, scores([m.group(0) for m in runs])):
        if before < 0.75 and _mostly_han(match.group(0)):
            pieces += [text[last:match.start()], fix(match.group(0), before)]
            last = match.end()
    return "".join(pieces) + text[last:], repaired


def decode_html(body: bytes, content_type: str | None, fallback: str | None) -> tuple[str, EncodingInfo]:
    """Decode an HTML body to str; the EncodingInfo says which label was seen, what was used and why."""
    text, info = _decode_html(body, content_type, fallback)
    text, repaired = realign(text, info.used)
    text, invalid = _ESCAPED.subn("\ufffd", text)  # bytes that stayed invalid: really gone
    if repaired or invalid != info.invalid_bytes:
        info = EncodingInfo(info.declared, info.used, info.reason, invalid, repairs=repaired)
    return text, info


def _decode_html(body: bytes, content_type: str | None, fallback: str | None) -> tuple[str, EncodingInfo]:
    for bom, codec in _BOMS:
        if body.startswith(bom):
            return body.decode(codec, errors="replace"), EncodingInfo(None, codec, "bom")
    if _is_binary(body):
        raise TextError("undecodable", "binary content, not text")
    http = _HTTP.search(content_type or "")
    meta = _META.search(body[:4096])
    http_label = http.group(1) if http else None
    meta_label = meta.group(1).decode("ascii", "replace") if meta else None
    declared = http_label or meta_label
    if not body.isascii():
        decoded = _strict(body, "utf-8")
        if decoded is not None:
            reason = "http-charset" if codec_for(http_label) == "utf-8" else (
                "meta-charset" if codec_for(meta_label) == "utf-8" and not http_label else "utf8-valid")
            return decoded[0], EncodingInfo(declared, "utf-8", reason)
    for label, reason in ((http_label, "http-charset"), (meta_label, "meta-charset"), (fallback, "fallback")):
        codec = _label_codec(label, body)
        if codec is None or (codec == "cp1252" and _high_share(body) > 0.3):
            continue
        decoded = _strict(body, codec)
        if decoded is not None:
            return decoded[0], EncodingInfo(declared, decoded[1], reason)
    detected = _detect(body)
    if detected:
        return detected[0], EncodingInfo(declared, detected[1], "detected")
    labelled = [_label_codec(x, body) for x in (http_label, meta_label, fallback)]
    # only codecs that keep ASCII bytes as ASCII can resume after an error
    return _least_errors(body, declared, [c for c in labelled if c and not c.startswith(("utf-16", "utf-32", "iso2022"))])


def _label_codec(label: str | None, body: bytes) -> str | None:
    """The codec a label asks for: the WHATWG table's, or a legacy text codec as a hint.

    A UTF-16 label on bytes without NULs is a <meta> that cannot be true (an ASCII-compatible
    document read it): browsers then use UTF-8, and so do we.
    """
    codec = codec_for(label) or hint_codec(label)
    if codec and codec.startswith(("utf-16", "utf-32")) and b"\x00" not in body[:4096]:
        return "utf-8"
    return codec


def _detect(body: bytes) -> tuple[str, str] | None:
    from charset_normalizer import from_bytes

    best = from_bytes(body[:200_000]).best()
    if best is None or best.encoding is None:
        return None
    # charset-normalizer names Python codecs: through the table where it has them (big5 -> cp950)
    name = best.encoding
    return _strict(body, codec_for(name) or codec_for(name.replace("_", "-")) or name)


def _least_errors(body: bytes, declared: str | None, codecs_: list[str | None]) -> tuple[str, EncodingInfo]:
    best = None
    for codec in [c for c in codecs_ if c] + ["utf-8", "gb18030", "cp950"]:
        text = body.decode(codec, errors="crawler-resync")
        bad = len(_ESCAPED.findall(text))
        if best is None or bad < best[0]:
            best = (bad, text, codec)
    bad, text, codec = best
    return text, EncodingInfo(declared, codec, "least-errors", invalid_bytes=bad)
