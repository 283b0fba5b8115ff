"""Which legacy codec the bytes are in: CJK by plausibility, other scripts by chardet.

Used for pages without a usable label and to check a label against the bytes (decode.py). For
each CJK codec that decodes the page's text (a couple of stray invalid bytes allowed), the
*fitness* is the share of its non-ASCII characters that are common in that codec's own script:
GB2312 level 1 for GB18030, Big5 level 1 for Big5, kana and level-1 kanji for Shift_JIS and
EUC-JP (never half-width katakana, what Chinese bytes read as Shift_JIS show), the 2,350 hangul of
KS X 1001 for EUC-KR (never the UHC extension syllables random bytes give). Bytes in one of these
codecs read in another give rare characters, symbols, kana or extension syllables: a fitness far
below the right codec's. Deterministic, a few array operations a codec.
"""

from __future__ import annotations

import codecs
import functools
import re

import numpy as np

from .labels import codec_for
from .plausibility import score

CJK_CODECS = ("gb18030", "cp950", "cp932", "euc_jp", "cp949")
FIT = 0.85  # a CJK codec fits when this share of the text's non-ASCII characters is common in it
MIN_CHARS = 8  # fewer non-ASCII characters than this are too thin to overrule a label
_TAGS = re.compile(rb"<(script|style)\b.*?</\1\s*>|<[^>]*>|&#?\w+;", re.S | re.I)
_PUNCT = "".join(chr(c) for c in range(0x3000, 0x3040)) + "".join(chr(c) for c in range(0xFF01, 0xFF5F)) + "‘’“”…—·"


def _pairs(codec: str, leads, trails: range) -> str:
    data = b"".join(bytes((a, b, 0x20)) for a in leads for b in trails)
    return data.decode(codec, errors="replace").replace("\ufffd", "").replace(" ", "")


@functools.cache
def _tables() -> dict[str, np.ndarray]:
    # each codec's level-1 characters, with its punctuation and symbol rows (box drawing, ○, ※,
    # ①) but not the rows of other scripts (kana, Greek, Cyrillic) that its bytes read wrongly give
    gb = _pairs("gb2312", [*range(0xB0, 0xD8), 0xA1, 0xA2, 0xA3, 0xA9], range(0xA1, 0xFF))
    big5 = "".join(
        bytes.fromhex(f"{c:04x}").decode("big5", "ignore") for c in range(0xA140, 0xC67F) if c < 0xA3C0 or c >= 0xA440
    )
    kana = "".join(chr(c) for c in range(0x3041, 0x3097)) + "".join(chr(c) for c in range(0x30A1, 0x30FF))
    jis1 = _pairs("euc_jp", [*range(0xB0, 0xD0), *range(0xA1, 0xA9)], range(0xA1, 0xFF))
    hangul = _pairs("euc_kr", [*range(0xB0, 0xC9), *range(0xA1, 0xAD)], range(0xA1, 0xFF))
    sets = {"gb18030": gb, "cp950": big5, "cp932": kana + jis1 + "ー", "euc_jp": kana + jis1 + "ー", "cp949": hangul}
    tables = {}
    for codec, chars in sets.items():
        table = np.zeros(0x10000, dtype=bool)
        table[[ord(ch) for ch in chars + _PUNCT]] = True
        tables[codec] = table
    tables["big5hkscs"] = tables["cp950"]
    return tables


_last_text = [(None, b"")]  # (body, its text_bytes) of the last body asked about; held, so no other object has its id


def text_bytes(body: bytes) -> bytes:
    """The page's text without markup (what a detector should judge), at most 64 kB of it.
    The last body's answer is remembered (by identity): checking a label and judging a kept
    label's evidence (crawler.text.labelcheck, decode) ask for the same page's text in turn."""
    last, text = _last_text[0]
    if last is not body:
        text = _TAGS.sub(b" ", body[:400_000])[:65_536]
        _last_text[0] = (body, text)
    return text


def _wide(text: str) -> np.ndarray:
    """The code points of ``text``'s non-ASCII characters (what fitness and the frequent share
    read: computed once when a caller needs both)."""
    points = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    return points[points >= 0x80]


def fitness(text: str, codec: str) -> tuple[float, int]:
    """(share of the non-ASCII characters common in ``codec``'s script, how many there are)."""
    return _fitness(_wide(text), codec)


def _fitness(points: np.ndarray, codec: str) -> tuple[float, int]:
    if not len(points):
        return 1.0, 0
    common = _tables()[codec][points & 0xFFFF] & (points <= 0xFFFF)
    return float(common.mean()), len(points)


def _lenient(sample: bytes, codec: str) -> tuple[str, int] | None:
    """``sample`` decoded with ``codec``, with how many bytes were invalid (None: too many)."""
    try:
        return sample.decode(codec), 0
    except UnicodeDecodeError:
        pass
    text = sample.decode(codec, errors="replace")
    bad = text.count("\ufffd")
    return (text, bad) if bad <= max(2, len(sample) // 500) else None


def nearly_decodes(sample: bytes, codec: str) -> bool:
    """Whether ``sample`` decodes with ``codec`` but for a couple of stray bytes (one in 500)."""
    try:
        return _lenient(sample, codec) is not None
    except LookupError:
        return False


@functools.cache
def _top() -> dict[str, frozenset[str]]:
    """The most frequent characters of each language (charset-normalizer's own lists)."""
    from charset_normalizer.constant import FREQUENCIES

    zh = "".join(FREQUENCIES["Chinese"])
    ja = "".join(FREQUENCIES["Japanese"] + FREQUENCIES["Japanese——"])
    traditional = zh.translate(
        str.maketrans("这们来为国对时说过发后里经么现当动还进样实", "這們來為國對時說過發後裡經麼現當動還進樣實")
    )
    return {
        "gb18030": frozenset(zh),
        "cp950": frozenset(traditional),
        "cp932": frozenset(ja),
        "euc_jp": frozenset(ja),
        "cp949": frozenset("".join(FREQUENCIES["Korean"])),
    }


@functools.cache
def _top_table(codec: str) -> np.ndarray:
    table = np.zeros(0x10000, dtype=bool)
    table[[ord(ch) for ch in _top()[codec]]] = True
    return table


def _share(points: np.ndarray, codec: str) -> float:
    """Share of the non-ASCII characters (``points``: :func:`_wide`) among the language's most
    frequent ones: real text has many (的, の, 이); another CJK codec's bytes read in this one
    have few, even when they fall in its level-1 rows (EUC-KR hangul and GB2312 level 1 share
    their byte range)."""
    points = points[points <= 0xFFFF]
    return float(_top_table(codec)[points].mean()) if len(points) else 0.0


def trusted_cjk(sample: bytes, codec: str) -> bool:
    """Whether text labelled ``codec`` plainly is in it: its common characters, with the
    language's frequent ones among them (the cheap check that spares ranking the others)."""
    decoded = _lenient(sample, codec)
    if decoded is None:
        return False
    points = _wide(decoded[0].replace("\ufffd", ""))
    return _fitness(points, codec)[0] >= 0.9 and _share(points, codec) >= 0.1


def cjk_candidates(sample: bytes) -> list[tuple[float, int, int, str, float]]:
    """(fitness, non-ASCII characters, invalid bytes, codec, rank) of each CJK codec, best first
    (rank: fitness, each invalid byte costing 0.05, plus half the frequent-character share)."""
    out, rank = [], {}
    for codec in CJK_CODECS:
        decoded = _lenient(sample, codec)
        if decoded is not None:
            points = _wide(decoded[0].replace("\ufffd", ""))
            fit, wide = _fitness(points, codec)
            rank[codec] = fit - 0.05 * decoded[1] + 0.5 * _share(points, codec)
            out.append((fit, wide, decoded[1], codec, rank[codec]))
    out.sort(key=lambda c: (-c[4], CJK_CODECS.index(c[3])))
    return out


def best_cjk(sample: bytes) -> tuple[str, float, int] | None:
    """The CJK codec the text clearly is in, as (codec, fitness, invalid bytes), or None."""
    candidates = cjk_candidates(sample)
    if not candidates:
        return None
    fit, wide, bad, codec, _ = candidates[0]
    if fit < FIT or wide < MIN_CHARS:
        return None
    return codec, fit, bad


@functools.lru_cache(maxsize=4)  # a page's label check and its detection ask about the same bytes
def detector_results(sample: bytes) -> tuple[tuple[str, float], ...]:
    """chardet's candidates for the page's text (``text_bytes``), best first: (codec as browsers map it, confidence).

    chardet 7 (0BSD) scores every legacy codec with per-language byte-pair models; in
    bench/charset.py it names the right single-byte codec on every Latin-2, Baltic, Turkish,
    Greek and Cyrillic page where charset-normalizer confuses ISO-8859-2 with windows-1250 or
    ISO-8859-7 with Cyrillic. Codecs that do not keep ASCII as ASCII are never answers, and
    mainframe (EBCDIC) codecs are not even scored (a third of chardet's time on Cyrillic pages).
    """
    import chardet
    from chardet.enums import EncodingEra

    out: dict[str, float] = {}
    for match in chardet.detect_all(
        sample, prefer_superset=False, compat_names=False, encoding_era=EncodingEra.ALL & ~EncodingEra.MAINFRAME
    ):
        codec = _browser_codec(match["encoding"] or "")
        if codec is not None:
            out.setdefault(codec, float(match["confidence"] or 0.0))
    return tuple(out.items())


@functools.cache
def _browser_codec(name: str) -> str | None:
    """A detector's codec name as browsers decode it (WHATWG table), else the Python codec when it
    keeps ASCII bytes as ASCII; None for ASCII itself and for what is no ASCII-based text codec."""
    codec = codec_for(name) or codec_for(name.replace("_", "-"))
    if codec is not None:
        return codec
    try:
        if name == "ascii" or _ASCII.decode(name) != _ASCII.decode("ascii"):
            return None
        return codecs.lookup(name).name
    except (LookupError, UnicodeDecodeError):
        return None


_ASCII = bytes(range(0x20, 0x7F))


def detector_guess(sample: bytes) -> tuple[str, float] | None:
    """chardet's codec for the page's text with its confidence, or None."""
    results = detector_results(sample)
    return results[0] if results else None


def thin_default(sample: bytes) -> str:
    """The codec for an unlabelled page with a few non-ASCII bytes, where no detector can be sure
    (``Großartig`` reads as Mac Icelandic to chardet): GB18030 or Big5 when they are common
    hanzi in it (an archive of Chinese sites), else windows-1252, what browsers assume."""
    for codec in ("gb18030", "cp950"):
        try:
            fit, wide = fitness(sample.decode(codec), codec)
        except UnicodeDecodeError:
            continue
        if wide and fit >= 0.9:
            return codec
    return "cp1252"


def candidates_note(sample: bytes, limit: int = 3) -> str:
    """The detector's first candidates as ``codec 0.42, codec 0.31`` (the encoding block's record)."""
    return ", ".join(f"{codec} {conf:.2f}" for codec, conf in detector_results(sample)[:limit])


# two UTF-8 encoded ideographs in a row: a page that is not valid UTF-8 but holds UTF-8 text
_UTF8_PAIR = re.compile(rb"[\xe3-\xe9][\x80-\xbf]{2}[\xe3-\xe9][\x80-\xbf]{2}")
# a run of non-ASCII bytes (a GBK trail byte may be ASCII: it stays with its lead)
_HIGH_RUN = re.compile(rb"(?:[\x81-\xfe][\x40-\x7e\x80-\xfe]|[\x80-\xff])+")


def mixed_utf8_gbk(body: bytes) -> str | None:
    """A page whose text runs are some UTF-8 and some GBK (a UTF-8 template around a GBK article,
    or the reverse), each run decoded in its own encoding; None unless it is plainly that: both
    kinds present, every run valid in one of them, the GBK runs common Chinese text."""
    if _UTF8_PAIR.search(body) is None:
        return None
    pieces, last, kinds = [], 0, {"utf-8": [], "gb18030": []}
    for match in _HIGH_RUN.finditer(body):
        readings = []
        for codec in ("utf-8", "gb18030"):
            try:
                text = match.group(0).decode(codec)
            except UnicodeDecodeError:
                continue
            readings.append((-score(text), len(readings), codec, text))
        if not readings:
            return None  # a run in neither: not this kind of page
        _, _, codec, text = min(readings)  # valid in both: the one that reads as common text
        kinds[codec].append(text)
        pieces += [body[last : match.start()].decode("ascii"), text]
        last = match.end()
    for texts in kinds.values():  # both kinds must read as common Chinese text
        fit, wide = fitness("".join(texts), "gb18030")
        if fit < FIT or wide < MIN_CHARS // 2:
            return None
    return "".join(pieces) + body[last:].decode("ascii")
