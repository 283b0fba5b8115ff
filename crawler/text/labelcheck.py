"""Whether the bytes agree with a charset label (docs/formats.md, ``encoding.reason``).

A label is used only when the bytes fit it. Windows-1252 (what ``iso-8859-1`` and ``us-ascii``
mean to browsers) is passed over on text that is clearly CJK, clearly another script, or another
Latin codec's; a CJK label on bytes another CJK codec reads clearly better likewise. Thin
evidence never overrules a label, and another single-byte label on bytes that decode in it stands.
"""

from __future__ import annotations

import re

from .labels import codec_for
from .sniff import (
    CJK_CODECS, FIT, MIN_CHARS, best_cjk, cjk_candidates, normalizer_guess, normalizer_prefers, normalizer_results,
    text_bytes, trusted_cjk,
)


def bytes_disagree(codec: str, body: bytes, label: str = "") -> bool:
    """A label the bytes contradict: windows-1252 (``iso-8859-1``, ``us-ascii`` ...) on text
    that is clearly CJK, another script or another Latin codec, a CJK label on text that another
    CJK codec reads clearly better. Thin evidence never overrules a label; another single-byte
    label on bytes that decode in it stands, unless it is only a hint (a legacy codec outside the
    WHATWG table) on bytes that are plainly CJK."""
    if codec in ("utf-8", "utf-16-le", "utf-16-be"):
        return False
    if codec in CJK_CODECS or codec == "big5hkscs":
        # markup is ASCII and fitness counts only the rest: the head of the body will do
        if trusted_cjk(body[:65_536], "cp950" if codec == "big5hkscs" else codec):
            return False
        ranked = cjk_candidates(text_bytes(body))
        own = next((c for c in ranked if c[3] == ("cp950" if codec == "big5hkscs" else codec)), None)
        best = ranked[0] if ranked else None
        if best is None or best[3] == codec or best[1] < 2 * MIN_CHARS or best[0] < FIT:
            return False
        # another CJK codec reads the bytes as its common text, this one as rare characters or
        # as text without its language's frequent characters (EUC-KR hangul read as GB2312)
        return own is None or own[0] < 0.5 or best[4] - own[4] >= 0.1
    if codec != "cp1252" and codec_for(label):
        return False  # a Cyrillic, Greek, Thai ... label on bytes that decode in it stands
    sample = text_bytes(body)
    if codec != "cp1252":  # a hint outside the WHATWG table (ibm855, cp737): CJK bytes overrule it
        cjk = best_cjk(sample)
        return cjk is not None and cjk[0] != codec
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
    thin = _count(sample, _HIGH) < 2 * MIN_CHARS
    return other != latin and (_odd(other) <= odd if weak else _odd(other) < odd) and (
        odd >= 2 or (not thin and normalizer_prefers(body, guess, "cp1252")))


_HIGH = bytes(range(0x80, 0x100))
_LETTERS = bytes(range(0x41, 0x5B)) + bytes(range(0x61, 0x7B))


def _count(data: bytes, which: bytes) -> int:
    """How many bytes of ``data`` are among ``which`` (bytes.translate: C speed)."""
    return len(data) - len(data.translate(None, which))


def _mostly_high(sample: bytes) -> bool:
    """Enough high bytes, and more of them than ASCII letters: CJK text (or another script's),
    never a Western page with a few accented letters."""
    high = _count(sample, _HIGH)
    letters = _count(sample, _LETTERS)
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


def cased(sample: bytes, body: bytes, guess: str | None) -> str | None:
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
