"""Bytes to text: undo Content-Encoding (capped), then choose the charset like a careful browser.

Charset order (docs/formats.md, ``encoding.reason``):

- ``bom``: a byte-order mark wins;
- ``utf8-valid``: a body with non-ASCII bytes that is valid UTF-8 is UTF-8, whatever the label;
- ``mixed``: not valid UTF-8, but its text runs are UTF-8 and GBK (a UTF-8 template around a
  GBK article, or the reverse): each run in its own encoding (``used``: ``utf-8+gb18030``);
- ``http-charset`` / ``meta-charset``: the declared label, looked up in the WHATWG label table
  (crawler/text/labels.py: gb2312/gbk -> gb18030, big5 -> cp950 then big5hkscs, shift_jis ->
  cp932, latin-1 -> windows-1252; ``rot13``, ``undefined``, ``utf-7`` and other Python-only codec
  names are no label), used only when it decodes strictly and the bytes agree with it
  (``_bytes_disagree``: a Latin-1 label on CJK or other-script bytes, a CJK label on another
  CJK codec's bytes);
- ``fallback``: the source's fallback encoding, when it decodes strictly;
- ``detected``: no label the bytes agree with: a CJK codec the text plainly is in
  (crawler/text/sniff.py), else charset-normalizer's guess;
- ``least-errors``: nothing decodes cleanly: the candidate with the fewest invalid bytes, each
  invalid byte becoming U+FFFD (a few bad bytes never turn the whole page into mojibake).
"""

from __future__ import annotations

import codecs
import re
import zlib

from .labels import codec_for, hint_codec
from .model import Capture, EncodingInfo, TextError
from .realign import realign  # also registers the 'crawler-resync' error handler
from .sniff import (
    CJK_CODECS, FIT, MIN_CHARS, best_cjk, cjk_candidates, mixed_utf8_gbk, normalizer_guess, normalizer_prefers,
    normalizer_results, text_bytes,
)

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
    if info.reason == "least-errors":  # only a lenient decoding leaves bytes escaped
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
        if codec_for(http_label or meta_label or fallback) in (None, "utf-8", "gb18030"):
            mixed = mixed_utf8_gbk(body)
            if mixed is not None:
                return mixed, EncodingInfo(declared, "utf-8+gb18030", "mixed")
    sample = text_bytes(body)
    for label, reason in ((http_label, "http-charset"), (meta_label, "meta-charset"), (fallback, "fallback")):
        codec = _label_codec(label, body)
        if codec is None or _bytes_disagree(codec, sample, body, label):
            continue
        decoded = _strict(body, codec)
        if decoded is not None:
            return decoded[0], EncodingInfo(declared, decoded[1], reason)
    return _sniffed(body, sample, declared, [_label_codec(x, body) for x in (http_label, meta_label, fallback)])


def _bytes_disagree(codec: str, sample: bytes, body: bytes, label: str = "") -> bool:
    """A label the bytes contradict: windows-1252 (``iso-8859-1``, ``us-ascii`` ...) on text
    that is clearly CJK, another script or another Latin codec, a CJK label on text that another
    CJK codec reads clearly better. Thin evidence never overrules a label; another single-byte
    label on bytes that decode in it stands."""
    if codec in ("utf-8", "utf-16-le", "utf-16-be"):
        return False
    if codec in CJK_CODECS or codec == "big5hkscs":
        ranked = cjk_candidates(sample)
        own = next((c for c in ranked if c[3] == ("cp950" if codec == "big5hkscs" else codec)), None)
        best = ranked[0] if ranked else None
        if best is None or best[3] == codec or best[1] < 2 * MIN_CHARS or best[0] < FIT:
            return False
        # another CJK codec reads the bytes as its common text, this one as rare characters or
        # as text without its language's frequent characters (EUC-KR hangul read as GB2312)
        return own is None or own[0] < 0.5 or best[4] - own[4] >= 0.1
    if codec != "cp1252":
        return False  # a Cyrillic, Greek, Thai ... label on bytes that decode in it stands
    if _mostly_high(sample):
        cjk = best_cjk(sample)
        if cjk is not None and cjk[1] >= 0.9:
            return True
    return _foreign_script(sample, body) or _another_latin(sample, body, _weak(label))


def _weak(label: str) -> bool:
    """``iso-8859-1``, ``us-ascii`` and their aliases: the labels servers send by default, whatever
    the bytes (an explicit ``windows-1252`` was chosen by someone)."""
    return label.strip().lower() not in ("windows-1252", "cp1252", "x-cp1252")


# what Central European, Baltic or Turkish letters look like read as windows-1252: a symbol
# inside a word (mo¿e, ch³opak, pou»); the apostrophes and the acute accent are real punctuation
_ODD = re.compile("(?<=[A-Za-z\u00c0-\u00ff])[\u0080-\u00bf\u02c6-\u02dc\u2013-\u2022\u2026-\u203a\u20ac\u2122]"
                  "(?=[A-Za-z\u00c0-\u00ff])")
_NOT_ODD = "\u2018\u2019\u00b4\u00b7\u2013\u2014"


def _odd(text: str) -> int:
    return sum(1 for m in _ODD.finditer(text) if m.group(0) not in _NOT_ODD)


def _another_latin(sample: bytes, body: bytes, weak: bool) -> bool:
    """Windows-1252 text with symbols inside its words (or any, under a default label), where
    charset-normalizer's codec reads the same bytes with none: ISO-8859-2, windows-1250 and the
    like under a Latin-1 label."""
    latin = sample.decode("cp1252", errors="replace")
    odd = _odd(latin)
    if (odd < 2 and not weak) or sample.isascii():
        return False
    guess = normalizer_guess(body)
    if guess in (None, "cp1252"):
        return False
    try:
        other = sample.decode(guess)
    except (UnicodeError, LookupError):
        return False
    # the same text either way, or a decoding charset-normalizer only lists first among equals:
    # the label stands
    thin = sum(1 for b in sample if b >= 0x80) < 2 * MIN_CHARS
    return other != latin and (_odd(other) <= odd if weak else _odd(other) < odd) and (
        odd >= 2 or (not thin and normalizer_prefers(body, guess, "cp1252")))


def _mostly_high(sample: bytes) -> bool:
    """Enough high bytes, and more of them than ASCII letters: CJK text (or another script's),
    never a Western page with a few accented letters."""
    high = sum(1 for b in sample if b >= 0x80)
    letters = sum(1 for b in sample if 0x41 <= (b | 0x20) <= 0x7A)
    return high >= 4 * MIN_CHARS and high >= letters


def _foreign_script(sample: bytes, body: bytes) -> bool:
    """Windows-1252 text whose letters are mostly accented is no Western language: Cyrillic,
    Greek, Hebrew, Arabic or Thai bytes; charset-normalizer names which (Latin answers don't count)."""
    text = sample.decode("cp1252", errors="replace")
    letters = [ch for ch in text if ch.isalpha()]
    accented = sum(1 for ch in letters if ch >= "\x80")
    if accented < MIN_CHARS or accented * 2 < len(letters):
        return False
    guess = normalizer_guess(body)
    return guess is not None and _FOREIGN.match(guess) is not None


_FOREIGN = re.compile(r"cp125[1356]$|cp874$|koi8|iso8859_[5678]$|cp866$|mac_cyrillic$|iso8859_11$")


# single-byte codecs of bicameral scripts that read each other's bytes as letters
_CASED = ("cp1251", "koi8_r", "iso8859_5", "cp866", "cp1253", "iso8859_7")
_CASE_BREAK = re.compile(r"(?<=[^\W\d_])(?<=[a-z\u00df-\u00ff\u03ac-\u03ce\u0430-\u045f])[A-Z\u00c0-\u00de\u0386-\u03ab\u0400-\u042f]")


def _cased(sample: bytes, body: bytes, guess: str | None) -> str | None:
    """Among Cyrillic and Greek codecs, the one whose words are cased as words are (an uppercase
    letter after a lowercase one is the other script's bytes: ``фЭт``); among equals, the one
    charset-normalizer ranks first."""
    if guess not in _CASED:
        return guess
    ranked = [name for name, _, _ in normalizer_results(body)]
    breaks = {}
    for codec in (guess, *_CASED):
        try:
            breaks.setdefault(codec, len(_CASE_BREAK.findall(sample.decode(codec))))
        except UnicodeDecodeError:
            continue
    return min(breaks, key=lambda c: (breaks[c], ranked.index(c) if c in ranked else len(ranked)))


def _sniffed(body: bytes, sample: bytes, declared: str | None, labelled: list[str | None]) -> tuple[str, EncodingInfo]:
    """No label that fits: a CJK codec the text is plainly in, else charset-normalizer's guess,
    else the candidate with the fewest invalid bytes."""
    cjk = best_cjk(sample)
    guess = cjk[0] if cjk else _cased(sample, body, normalizer_guess(body))
    if guess:
        decoded = _strict(body, guess)
        if decoded is not None:
            return decoded[0], EncodingInfo(declared, decoded[1], "detected")
        labelled = [guess, *labelled]
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


def _least_errors(body: bytes, declared: str | None, codecs_: list[str | None]) -> tuple[str, EncodingInfo]:
    best = None
    for codec in [c for c in codecs_ if c] + ["utf-8", "gb18030", "cp950"]:
        text = body.decode(codec, errors="crawler-resync")
        bad = len(_ESCAPED.findall(text))
        if best is None or bad < best[0]:
            best = (bad, text, codec)
    bad, text, codec = best
    return text, EncodingInfo(declared, codec, "least-errors", invalid_bytes=bad)
