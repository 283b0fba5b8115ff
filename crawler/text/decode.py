"""Bytes to text: choose the charset like a careful browser (Content-Encoding: payload.py).

Charset order (docs/formats.md, ``encoding.reason``):

- ``bom``: a byte-order mark wins;
- ``utf8-valid``: a body with non-ASCII bytes that is valid UTF-8 is UTF-8, whatever the label;
- ``mixed``: not valid UTF-8, but its text runs are UTF-8 and GBK (a UTF-8 template around a
  GBK article, or the reverse): each run in its own encoding (``used``: ``utf-8+gb18030``);
- ``http-charset`` / ``meta-charset``: the declared label, looked up in the WHATWG label table
  (crawler/text/labels.py: gb2312/gbk -> gb18030, big5 -> cp950 then big5hkscs, shift_jis ->
  cp932, latin-1 -> windows-1252; ``rot13``, ``undefined``, ``utf-7`` and other Python-only codec
  names are no label), used only when it decodes strictly and the bytes agree with it
  (crawler/text/labelcheck.py: a Latin-1 label on CJK or other-script bytes, a CJK label on another
  CJK codec's bytes);
- ``fallback``: the source's fallback encoding, when it decodes strictly;
- ``detected``: no label the bytes agree with: a CJK codec the text plainly is in
  (crawler/text/sniff.py), else chardet's guess. With fewer than ``MIN_CHARS`` non-ASCII bytes
  of text the evidence is thin: a label that decodes is kept; without one, GB18030 when the bytes
  are common hanzi in it, else windows-1252 (what browsers default to), and the block says
  ``confidence: low`` with the detector's candidates (so does a label kept on such thin evidence);
- ``least-errors``: nothing decodes cleanly: the candidate with the fewest invalid bytes, each
  invalid byte becoming U+FFFD (a few bad bytes never turn the whole page into mojibake).
"""

from __future__ import annotations

import codecs
import re
from dataclasses import replace

from .labelcheck import bytes_disagree, mostly_high, thin
from .labels import codec_for, hint_codec
from .model import EncodingInfo, TextError
from .payload import decode_payload  # noqa: F401  (moved there; imported from here too)
from .realign import realign, restore_annotated  # also registers the 'crawler-resync' error handler
from .sniff import (
    CJK_CODECS,
    best_cjk,
    candidates_note,
    detector_guess,
    mixed_utf8_gbk,
    nearly_decodes,
    text_bytes,
    thin_default,
)

_META = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([a-zA-Z0-9_.:-]+)""", re.I)
_HTTP = re.compile(r"charset\s*=\s*[\"']?\s*([a-zA-Z0-9_.:-]+)", re.I)
_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
_CONTROL = re.compile(rb"[\x00-\x08\x0e-\x1a\x1c-\x1f]")


def _strict(body: bytes, codec: str) -> tuple[str, str] | None:
    """(text, codec actually used) when ``body`` decodes without error; Big5 falls back to HKSCS."""
    try:
        return body.decode(codec, errors="crawler-gbk-euro" if codec == "gb18030" else "strict"), codec
    except (UnicodeError, LookupError):
        if codec == "cp950":
            return _strict(body, "big5hkscs")
        return None


def _is_binary(body: bytes) -> bool:
    sample = body[:8192]
    return b"\x00" in sample or len(_CONTROL.findall(sample)) > len(sample) / 100


_ESCAPED = re.compile("[\udc80-\udcff]")


def _gbk_euro(error: UnicodeDecodeError) -> tuple[str, int]:
    """Byte 0x80 alone in a GBK page is € (cp936, and WHATWG's GBK decoder); GB18030 has no
    such byte. Any other invalid byte stays an error."""
    if error.object[error.start] == 0x80:
        return "€", error.start + 1
    raise error


codecs.register_error("crawler-gbk-euro", _gbk_euro)


def decode_html(body: bytes, content_type: str | None, fallback: str | None) -> tuple[str, EncodingInfo]:
    """Decode an HTML body to str; the EncodingInfo says which label was seen, what was used and why."""
    text, info = _decode_html(body, content_type, fallback)
    text, repaired = realign(text, info.used)
    invalid = info.invalid_bytes
    notes = (f"{info.used} bytes shifted by a lost byte ({_count(repaired, 'run')})",) if repaired else ()
    if info.reason == "least-errors":  # only a lenient decoding leaves bytes escaped
        text, restored = restore_annotated(text, info.used)  # a lost byte's character, told by its pinyin
        notes += (f"{info.used} lost byte told by its pinyin ({_count(restored, 'character')})",) if restored else ()
        repaired += restored
        text, invalid = _ESCAPED.subn("\ufffd", text)  # bytes that stayed invalid: really gone
    if repaired or invalid != info.invalid_bytes:
        info = replace(info, invalid_bytes=invalid, repairs=repaired, repaired=notes)
    return text, info


def _kept(body: bytes, info: EncodingInfo) -> EncodingInfo:
    """A label kept on a few non-ASCII bytes: too few to confirm it or to overrule it, so the
    decision says it is low-confidence and what the detector offered."""
    if body.isascii():
        return info
    sample = text_bytes(body)
    if sample.isascii() or not thin(sample):
        return info
    return replace(info, confidence="low", candidates=candidates_note(sample))


def _count(n: int, what: str) -> str:
    return f"{n} {what}" + ("s" if n != 1 else "")


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
            reason = (
                "http-charset"
                if codec_for(http_label) == "utf-8"
                else ("meta-charset" if codec_for(meta_label) == "utf-8" and not http_label else "utf8-valid")
            )
            return decoded[0], EncodingInfo(declared, "utf-8", reason)
    agreed = []  # labels the bytes agree with that do not decode strictly (a byte or two lost)
    for label, reason in ((http_label, "http-charset"), (meta_label, "meta-charset"), (fallback, "fallback")):
        codec = _label_codec(label, body)
        if codec is None or bytes_disagree(codec, body, label):
            continue
        decoded = _strict(body, codec)
        if decoded is not None:
            return decoded[0], _kept(body, EncodingInfo(declared, decoded[1], reason))
        agreed.append(codec)
    # no label decodes it: a page of UTF-8 and GBK runs? (checked only now: a valid GBK page never pays for it)
    if not body.isascii() and codec_for(http_label or meta_label or fallback) in (None, "utf-8", "gb18030"):
        mixed = mixed_utf8_gbk(body)
        if mixed is not None:
            return mixed, EncodingInfo(declared, "utf-8+gb18030", "mixed")
    sample = text_bytes(body)
    labelled = [_label_codec(x, body) for x in (http_label, meta_label, fallback)]
    # a handful of stray invalid bytes costs only those bytes, never sends the page to another codec
    for codec in agreed:
        if nearly_decodes(sample, codec):
            return _least_errors(body, declared, [codec, *labelled])
    return _sniffed(body, sample, declared, labelled)


def _sniffed(body: bytes, sample: bytes, declared: str | None, labelled: list[str | None]) -> tuple[str, EncodingInfo]:
    """No label that fits: a CJK codec the text is plainly in, else chardet's guess (low
    confidence on thin evidence), else the candidate with the fewest invalid bytes."""
    # a page whose text is mostly ASCII letters is CJK only if the detector says so: the CJK
    # fitness of five codecs is then worth computing only on its word
    detected = None if mostly_high(sample) else detector_guess(sample)
    cjk = best_cjk(sample) if detected is None or detected[0] in CJK_CODECS else None
    detected = None if cjk else (detected or detector_guess(sample))
    guess = cjk[0] if cjk else (detected[0] if detected else None)
    low = cjk is None and thin(sample)
    if low:  # a few accented letters or hanzi: no detector can tell, browsers' defaults decide
        guess = thin_default(sample)
    if guess:
        decoded = _strict(body, guess)
        if decoded is not None:
            return decoded[0], EncodingInfo(
                declared,
                decoded[1],
                "detected",
                confidence="low" if low else "",
                candidates=candidates_note(sample) if low else "",
            )
        labelled = [guess, *labelled]
    # only codecs that keep ASCII bytes as ASCII can resume after an error
    return _least_errors(
        body, declared, [c for c in labelled if c and not c.startswith(("utf-16", "utf-32", "iso2022"))]
    )


def _label_codec(label: str | None, body: bytes) -> str | None:
    """The codec a label asks for: the WHATWG table's, or a legacy text codec as a hint.

    A UTF-16 label on bytes without NULs is a <meta> that cannot be true (an ASCII-compatible
    document read it): browsers then use UTF-8, and so do we.
    """
    codec = codec_for(label) or hint_codec(label)
    if codec and codec.startswith(("utf-16", "utf-32")) and b"\x00" not in body[:4096]:
        return "utf-8"
    return codec


def _least_errors(body: bytes, declared: str | None, codecs_: list[str | None]) -> tuple[str, EncodingInfo]:
    best = None
    for codec in [c for c in codecs_ if c] + ["utf-8", "gb18030", "cp950"]:
        text = body.decode(codec, errors="crawler-resync")
        bad = len(_ESCAPED.findall(text))
        if best is None or bad < best[0]:
            best = (bad, text, codec)
    bad, text, codec = best
    return text, EncodingInfo(declared, codec, "least-errors", invalid_bytes=bad)
