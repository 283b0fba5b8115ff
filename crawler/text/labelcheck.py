"""Whether the bytes agree with a charset label (docs/formats.md, ``encoding.reason``).

A label is used only when the bytes fit it. Windows-1252 (what ``iso-8859-1`` and ``us-ascii``
mean to browsers) is passed over on text that is clearly CJK, or that the detector (chardet,
crawler/text/sniff.py) reads clearly better in another single-byte codec: Cyrillic, Greek,
Hebrew, Thai, Latin-2, Baltic or Turkish bytes. A CJK label on bytes another CJK codec reads
clearly better likewise. Thin evidence never overrules a label, and another single-byte label on
bytes that decode in it stands.
"""

from __future__ import annotations

from .labels import codec_for
from .sniff import CJK_CODECS, FIT, MIN_CHARS, best_cjk, cjk_candidates, detector_results, text_bytes, trusted_cjk


def bytes_disagree(codec: str, body: bytes, label: str = "") -> bool:
    """A label the bytes contradict: windows-1252 (``iso-8859-1``, ``us-ascii`` ...) on text
    that is clearly CJK or that the detector reads clearly better in another single-byte codec, a
    CJK label on text that another CJK codec reads clearly better. Thin evidence never overrules a label; another single-byte
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
    if mostly_high(sample):
        cjk = best_cjk(sample)
        if cjk is not None and cjk[1] >= 0.9:
            return True
    return other_single_byte(sample, _weak(label)) is not None


def _weak(label: str) -> bool:
    """``iso-8859-1``, ``us-ascii`` and their aliases: the labels servers send by default, whatever
    the bytes (an explicit ``windows-1252`` was chosen by someone)."""
    return label.strip().lower() not in ("windows-1252", "cp1252", "x-cp1252")


# what the detector calls the windows-1252 family (ISO-8859-1 is mapped to windows-1252)
_WESTERN = ("cp1252", "iso8859_15")
WEAK_MARGIN = 1.2  # under iso-8859-1 / us-ascii, another codec must score this many times Western's
STRONG_MARGIN = 2.0  # under an explicit windows-1252 label


def other_single_byte(sample: bytes, weak: bool) -> str | None:
    """The single-byte codec the detector reads windows-1252-labelled bytes in clearly better
    (its confidence ``WEAK_MARGIN`` / ``STRONG_MARGIN`` times the Western codecs' best, and a
    different text), or None: thin evidence (fewer than ``MIN_CHARS`` high bytes) keeps the label,
    and so does a French page that a Baltic codec reads the same."""
    if thin(sample):
        return None
    ranked = detector_results(sample)
    if not ranked or ranked[0][0] in _WESTERN or ranked[0][0] in CJK_CODECS:
        return None
    codec, confidence = ranked[0]
    western = max((conf for name, conf in ranked if name in _WESTERN), default=0.0)
    if confidence < (WEAK_MARGIN if weak else STRONG_MARGIN) * western:
        return None
    try:
        other = sample.decode(codec)
    except (UnicodeError, LookupError):
        return None
    return codec if other != sample.decode("cp1252", errors="replace") else None


def thin(sample: bytes) -> bool:
    """Too little for any detector to be sure: fewer than ``MIN_CHARS`` non-ASCII bytes of text,
    or fewer than four different ones (``ééééé ééééé`` reads as well in Hebrew as in Latin-1)."""
    high = sample.translate(None, _ASCII)
    # four different bytes are almost always among the first few: the set of all is built only if not
    return len(high) < MIN_CHARS or (len(set(high[:64])) < 4 and len(set(high)) < 4)


_HIGH = bytes(range(0x80, 0x100))
_ASCII = bytes(range(0x80))
_LETTERS = bytes(range(0x41, 0x5B)) + bytes(range(0x61, 0x7B))


def _count(data: bytes, which: bytes) -> int:
    """How many bytes of ``data`` are among ``which`` (bytes.translate: C speed)."""
    return len(data) - len(data.translate(None, which))


def mostly_high(sample: bytes) -> bool:
    """Enough high bytes, and more of them than ASCII letters: CJK text (or another script's),
    never a Western page with a few accented letters."""
    high = _count(sample, _HIGH)
    letters = _count(sample, _LETTERS)
    return high >= 4 * MIN_CHARS and high >= letters
