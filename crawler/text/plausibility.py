"""How plausible a piece of Chinese text is: the share of its characters that are common.

Mojibake and misaligned double-byte runs decode to rare ideographs, private-use characters,
Latin-1 letters and U+FFFD; real text is mostly common characters. "Common" is measured with
the frequency-ordered code tables themselves: GB2312 level 1 (rows 0xB0-0xD7, the 3,755 most
used simplified characters) and Big5 level 1 (0xA440-0xC67E, the 5,401 most used traditional
ones), plus ASCII, CJK punctuation, full-width forms, kana, hangul and characters beyond the BMP.
"""

from __future__ import annotations

import re

import numpy as np


def _table() -> frozenset[str]:
    chars = {chr(c) for c in range(0x80)}
    chars |= {chr(c) for c in range(0x3000, 0x3040)} | {chr(c) for c in range(0xFF01, 0xFF5F)}
    chars |= set("‘’“”…—·")
    # kana and hangul: clean Japanese and Korean text must never look like mojibake
    chars |= {chr(c) for c in range(0x3040, 0x3100)} | {chr(c) for c in range(0xAC00, 0xD7A4)} | {chr(c) for c in range(0x400, 0x460)}  # and Cyrillic
    for lead in range(0xB0, 0xD8):
        for trail in range(0xA1, 0xFF):
            try:
                chars.add(bytes((lead, trail)).decode("gb2312"))
            except UnicodeDecodeError:
                pass
    for code in range(0xA440, 0xC67F):
        try:
            chars.add(code.to_bytes(2, "big").decode("big5"))
        except UnicodeDecodeError:
            pass
    return frozenset(chars)


COMMON = _table()
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
