"""How plausible a piece of Chinese text is: the share of its characters that are common.

Mojibake and misaligned double-byte runs decode to rare ideographs, private-use characters,
Latin-1 letters and U+FFFD; real text is mostly common characters. "Common" is measured with
the frequency-ordered code tables themselves: GB2312 level 1 (rows 0xB0-0xD7, the 3,755 most
used simplified characters) and Big5 level 1 (0xA440-0xC67E, the 5,401 most used traditional
ones), plus ASCII, CJK punctuation, full-width forms, kana, hangul and characters beyond the BMP.
"""

from __future__ import annotations

import functools
import re

import numpy as np


def _base() -> set[str]:
    chars = {chr(c) for c in range(0x80)}
    chars |= {chr(c) for c in range(0x3000, 0x3040)} | {chr(c) for c in range(0xFF01, 0xFF5F)}
    chars |= set("‘’“”…—·")
    # kana and hangul: clean Japanese and Korean text must never look like mojibake
    chars |= {chr(c) for c in range(0x3040, 0x3100)} | {chr(c) for c in range(0xAC00, 0xD7A4)}
    return chars


def _gb_level1() -> set[str]:
    chars = set()
    for lead in range(0xB0, 0xD8):
        for trail in range(0xA1, 0xFF):
            try:
                chars.add(bytes((lead, trail)).decode("gb2312"))
            except UnicodeDecodeError:
                pass
    return chars


def _big5_level1() -> set[str]:
    chars = set()
    for code in range(0xA440, 0xC67F):
        try:
            chars.add(code.to_bytes(2, "big").decode("big5"))
        except UnicodeDecodeError:
            pass
    return chars


def _table() -> frozenset[str]:
    return frozenset(_base() | _gb_level1() | _big5_level1())


COMMON = _table()
# one codec's own common characters: a GBK/Big5 confusion undone must give that codec's common text
COMMON_IN = {"gb18030": frozenset(_base() | _gb_level1()), "cp950": frozenset(_base() | _big5_level1())}
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")
# the same set as a lookup table over the BMP (every COMMON character is in the BMP)
_COMMON_BMP = np.zeros(0x10000, dtype=bool)
_COMMON_BMP[[ord(ch) for ch in COMMON]] = True


def is_common(ch: str) -> bool:
    """True for ASCII, CJK punctuation, full-width forms and level-1 Chinese characters."""
    return ch in COMMON


def score(text: str) -> float:
    """Share of common characters (1.0 for clean ASCII or clean Chinese)."""
    if not text:
        return 1.0
    common = sum(map(COMMON.__contains__, text))
    if common < len(text):
        # characters beyond the BMP (emoji, rare ideographs of extension B+) count as common: no
        # wrong decoding of GBK or Big5 bytes produces them
        common += len(_ASTRAL.findall(text))
    return common / len(text)


def scores(texts: list[str]) -> list[float]:
    """:func:`score` of each text, computed in one pass over all their characters: a page's
    paragraphs are scored at the cost of a few array operations instead of a set lookup per
    character (the check runs on every paragraph of every page; mojibake is rare)."""
    if not texts:
        return []
    points = np.frombuffer("".join(texts).encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    common = (points > 0xFFFF) | _COMMON_BMP[points & 0xFFFF]  # beyond the BMP counts as common
    lengths = np.array([len(text) for text in texts], dtype=np.int64)
    ends = np.cumsum(lengths)
    running = np.concatenate(([0], np.cumsum(common, dtype=np.int64)))
    counts = (running[ends] - running[ends - lengths]).tolist()
    return [count / len(text) if text else 1.0 for count, text in zip(counts, texts)]


def all_common(text: str) -> bool:
    """Whether every character of ``text`` but U+FFFD is common (:func:`score` 1.0 for any piece
    of it without U+FFFD): one array pass that spares scoring a clean page's runs one by one."""
    points = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    return bool(((points > 0xFFFF) | _COMMON_BMP[points & 0xFFFF] | (points == 0xFFFD)).all())


# What a wrong CJK decoder makes of bytes: the characters of GBK and Big5 (ideographs, and their
# symbol rows: kana, Greek, Cyrillic, box drawing, pinyin and bopomofo letters, full-width forms),
# private use (GB18030's user rows) and U+FFFD. Clean Cyrillic, Greek or kana text is made of
# these too, so mojibake is told apart by its ideographs: see damaged_as_cjk().
_HAN = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003ffff]")


@functools.cache
def _cjk_decoder_output() -> frozenset[str]:
    chars = {"\ufffd"} | {chr(c) for c in range(0xE000, 0xF900)}
    for codec in ("gbk", "cp950"):
        pairs = b"".join(bytes((a, b, 0x20)) for a in range(0x81, 0xFF) for b in range(0x40, 0xFF))
        chars |= set(pairs.decode(codec, errors="replace"))
    return frozenset(ch for ch in chars if ch >= "\x80")


# Big5 read as GBK turns Big5's most common characters into kana and also into Greek,
# Cyrillic, box drawing, pinyin/bopomofo letters and private use: clean Japanese shows kana without those
_NOT_JAPANESE = re.compile("[\u0391-\u03c9\u0401-\u0451\u2500-\u257f\u3100-\u312f\ue000-\uf8ff\u0101-\u01dc]")


def non_ascii(text: str) -> int:
    """How many characters of ``text`` are not ASCII."""
    return len(text) - len(text.encode("ascii", "ignore"))


def damaged_as_cjk(text: str) -> bool:
    """True when ``text`` could be what a GBK or Big5 decoder made of the wrong bytes: nothing
    but those codecs' characters (ASCII aside), with at least two ideographs making a third of
    it. Clean Cyrillic, Greek, Latin, Arabic, Thai ... text never is."""
    wide = [ch for ch in text if ch >= "\x80"]
    han = len(_HAN.findall(text))
    if han < 2 or han * 3 < len(wide):
        return False
    output = _cjk_decoder_output()
    return all(ch in output for ch in wide)


def japanese_like(text: str) -> bool:
    """Kana without Big5-as-GBK's other tell-tale symbols: text a Japanese reader could have written."""
    return bool(re.search("[\u3040-\u30ff]", text)) and not _NOT_JAPANESE.search(text)


def cjk_score(text: str) -> float:
    """:func:`score` over the non-ASCII characters only (ASCII says nothing about CJK mojibake)."""
    wide = [ch for ch in text if ch >= "\x80"]
    return score("".join(wide)) if wide else 1.0


def score_in(text: str, codec: str) -> float:
    """Share of the non-ASCII characters of ``text`` common in ``codec``'s own level-1 table."""
    wide = [ch for ch in text if ch >= "\x80"]
    table = COMMON_IN[codec]
    return sum(1 for ch in wide if ch in table) / len(wide) if wide else 1.0


def gbk_extension_share(text: str) -> float:
    """Share of the ideographs of ``text`` outside GB2312 (Big5 bytes read as GBK are ~40% these)."""
    han = _HAN.findall(text)
    return sum(1 for ch in han if ch not in _GB2312) / len(han) if han else 0.0


_GB2312 = frozenset(
    ch for ch in (bytes((a, b)).decode("gb2312", "ignore") for a in range(0xB0, 0xF8) for b in range(0xA1, 0xFF)) if ch
)


_CP1252_HIGH = np.zeros(0x10000, dtype=bool)
_CP1252_HIGH[[ord(ch) for ch in bytes(range(0x80, 0xA0)).decode("cp1252", errors="ignore")]] = True


# each BMP character's classes as bits, so a page is classified by one table lookup a character
_COMMON, _WIDE, _QUESTION, _TRAIL, _HIGH, _LATIN1, _RARE = 1, 2, 4, 8, 16, 32, 64
_CLASS = np.zeros(0x10000, dtype=np.uint8)
_CLASS[_COMMON_BMP] |= _COMMON
_CLASS[0x80:] |= _WIDE
_CLASS[0xFFFD] &= ~_WIDE & 0xFF
_CLASS[0x3F] |= _QUESTION
_CLASS[0x40:0x7F] |= _TRAIL
_CLASS[0xA0:0x100] |= _HIGH
_CLASS[0x80:0x100] |= _LATIN1
_CLASS[_CP1252_HIGH] |= _LATIN1
_CLASS[0x80:][~_COMMON_BMP[0x80:]] |= _RARE


def page_profile(texts: list[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """For each text, in one pass over the page: its :func:`score`, whether two uncommon
    non-ASCII characters stand side by side (mojibake's mark; clean text has its rare
    characters apart), and whether two Latin-1 characters do, one of them a letter-half one
    (``ÔÂ``, ``äº``: CJK bytes read as Latin-1), and whether a shifted GBK run's mark shows (an
    ASCII letter or symbol between two non-ASCII characters, or a '?' beside one: realign.py).
    One table lookup classifies every character (``_CLASS``); the marks that need a '?' or a
    Latin-1 character are looked for only on pages that have one. Regexes cost more than this.
    Arrays, one entry a text (the caller picks the few texts to examine without a Python loop)."""
    none = np.zeros(len(texts), dtype=bool)
    if not texts:
        return np.ones(0), none, none, none
    points = np.frombuffer("".join(texts).encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    classes = _CLASS[points & 0xFFFF] if len(points) else np.zeros(0, dtype=np.uint8)
    if len(points) and points.max() > 0xFFFF:  # beyond the BMP: common, wide, never rare
        classes[points > 0xFFFF] = _COMMON | _WIDE
    lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
    ends = np.cumsum(lengths)
    starts = ends - lengths

    def within(found: np.ndarray, span: int = 1) -> np.ndarray:
        # a find at i joins characters i to i+span: it counts for the text holding them all
        at = np.flatnonzero(found)
        if not len(at):
            return none
        owner = np.searchsorted(ends, at, side="right")
        inside = at + span < ends[np.minimum(owner, len(ends) - 1)]
        return np.bincount(owner[inside], minlength=len(texts)) > 0

    running = np.concatenate(([0], np.cumsum(classes & _COMMON, dtype=np.int64)))
    found = (running[ends] - running[starts]) / np.maximum(lengths, 1)
    found[lengths == 0] = 1.0
    rare = (classes & _RARE) != 0
    pairs = within(rare[:-1] & rare[1:])
    latin = none
    if (classes & _HIGH).any():
        high, letter = (classes & _HIGH) != 0, (classes & _LATIN1) != 0
        latin = within((letter[:-1] & high[1:]) | (high[:-1] & letter[1:]))
    wide = (classes & _WIDE) != 0
    beside = none
    if (classes & _QUESTION).any():
        question = (classes & _QUESTION) != 0
        beside = within((wide[:-1] & question[1:]) | (question[:-1] & wide[1:]))
    between = within(wide[:-2] & ((classes[1:-1] & _TRAIL) != 0) & wide[2:], 2)
    return found, pairs, latin, beside | between


def running_common(text: str) -> np.ndarray:
    """Running count of common characters: ``r[end] - r[start]`` is how many of
    ``text[start:end]`` are common (the score of many spans of one text at array cost)."""
    points = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    common = (points > 0xFFFF) | _COMMON_BMP[points & 0xFFFF]
    return np.concatenate(([0], np.cumsum(common, dtype=np.int64)))
