"""Converter pinyin annotations removed, whitespace normalized; nothing else is touched.

Some simplified-to-traditional converters leave the pinyin of the characters they changed in
parentheses: ``集團(tuán)``, ``發(fā)佈``. In ``auto`` mode they are removed only where the page
shows the converter pattern: at least ``MIN_ANNOTATIONS`` single toned pinyin syllables, each
right after a character only traditional text has (the converter annotates what it changed),
and consistent (a character annotated twice is annotated the same way); and then only those.
``北京(Beijing)``, ``(记者 王某)``, ``(2022)``, ``谢谢(xièxie)`` and a pinyin lesson such as
``你好(nǐ hǎo)`` or ``床(chuáng)前(qián)`` (simplified characters) never match. Where the annotated character's bytes were
lost the converter left ``?`` (``黨?(wěi)``, or ``勇?lián)`` where the ``?`` also took the
parenthesis): on such a page that ``?`` becomes U+FFFD (a lost character, no guess) and its
annotation goes too. A single annotation is removed without the page pattern when it is its own
evidence: the character is a traditional form (OpenCC's t2s changes it) and the annotation is
that character's reading (pypinyin's table), ``我們(men)``; a simplified character never is.
Digits and punctuation are never changed.
"""

from __future__ import annotations

import functools
import re

MIN_ANNOTATIONS = 3
_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹ"
_ANNOTATION = re.compile(rf"([\u4e00-\u9fff\ufffd])[(（]([a-zü]*[{_TONED}][a-zü]*)[)）]")
# '字?(dān)': the converter's '?' where the annotated character's bytes were lost
_LOST_BEFORE_ANNOTATION = re.compile(rf"(?<=[\u4e00-\u9fff\ufffd])\?(?=[(（][a-zü]*[{_TONED}][a-zü]*[)）])")
# '勇?lián)': the '?' took the lost character's last byte and the '(' with it
_LOST_WITH_PAREN = re.compile(rf"\?(?<=[\u4e00-\u9fff\ufffd]\?)([a-zü]*[{_TONED}][a-zü]*)[)）]")
# a single annotation that may be its own evidence: toned or not (們(men): the neutral tone)
_ANY_READING = re.compile(rf"([\u4e00-\u9fff])[(（]([a-zü{_TONED}]{{1,6}})[)）]")
# the same two, for scanning a whole page: each starts with its literal parenthesis, which re
# finds fast (a pattern that starts with a class is tried at every character: 5x slower)
_SCAN_ANNOTATIONS = tuple(
    re.compile(rf"{o}(?<=([\u4e00-\u9fff\ufffd]){o})([a-zü]*[{_TONED}][a-zü]*)[)）]") for o in (r"\(", "（")
)
_SCAN_READINGS = tuple(re.compile(rf"{o}(?<=[\u4e00-\u9fff]{o})[a-zü{_TONED}]{{1,6}}[)）]") for o in (r"\(", "（"))
_SPACE = re.compile(r"[ \t\u00a0\u2002\u2003\u3000]+")
_UNTONE = str.maketrans("āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹ", "aaaaeeeeiiiioooouuuuüüüünnn")
_INITIALS = (
    "",
    "b",
    "p",
    "m",
    "f",
    "d",
    "t",
    "n",
    "l",
    "g",
    "k",
    "h",
    "j",
    "q",
    "x",
    "zh",
    "ch",
    "sh",
    "r",
    "z",
    "c",
    "s",
    "y",
    "w",
)
_FINALS = (
    "a",
    "o",
    "e",
    "ai",
    "ei",
    "ao",
    "ou",
    "an",
    "en",
    "ang",
    "eng",
    "ong",
    "er",
    "i",
    "ia",
    "ie",
    "iao",
    "iu",
    "ian",
    "in",
    "iang",
    "ing",
    "iong",
    "u",
    "ua",
    "uo",
    "uai",
    "ui",
    "uan",
    "un",
    "uang",
    "ueng",
    "ü",
    "üe",
    "üan",
    "ün",
    "ue",
)
# one syllable, as initial + final (a few combinations no syllable uses are let through: this only
# tells one syllable from a word such as xièxie or búshì)
_SYLLABLES = frozenset(i + f for i in _INITIALS for f in _FINALS) | {"ng", "m", "n", "hm", "hng"}


def _converted(char: str, syllable: str) -> bool:
    """A converter's annotation: one pinyin syllable after a character that only traditional
    text has (outside GB2312: 團, 發, 區), or after a lost one (U+FFFD). A pinyin lesson in
    simplified characters (床(chuáng), 银行(háng)) is no converter's."""
    if syllable.translate(_UNTONE) not in _SYLLABLES:
        return False
    if char == "\ufffd":
        return True
    try:
        char.encode("gb2312")
    except UnicodeEncodeError:
        return True
    return False


@functools.cache
def _t2s():
    import opencc

    return opencc.OpenCC("t2s")


def _own_evidence(char: str, syllable: str) -> bool:
    """An annotation that proves itself a converter's: a traditional character (OpenCC's t2s
    changes it) followed by its own reading (pypinyin's table, tone marks as written)."""
    from pypinyin.pinyin_dict import pinyin_dict

    if syllable.translate(_UNTONE) not in _SYLLABLES or syllable not in pinyin_dict.get(ord(char), "").split(","):
        return False
    return _t2s().convert(char) != char


def normalize_whitespace(text: str) -> str:
    """Collapse runs of spaces (ASCII, no-break, ideographic) to one and strip the ends."""
    return _SPACE.sub(" ", text).strip()


def normalize_lines(text: str) -> list[str]:
    """The non-empty lines of ``text``, each as :func:`normalize_whitespace` gives it (one pass over
    the text instead of one per line: no run of these spaces crosses a line boundary)."""
    return [line for line in (x.strip() for x in _SPACE.sub(" ", text).splitlines()) if line]


def _converter_pattern(page: str) -> bool:
    """``page``: the paragraphs with a closing parenthesis, joined by newlines (no annotation spans one)."""
    readings: dict[str, set[str]] = {}
    count = 0
    for char, syllable in _SCAN_ANNOTATIONS[0].findall(page) + _SCAN_ANNOTATIONS[1].findall(page):
        if _converted(char, syllable):
            readings.setdefault(char, set()).add(syllable)
            count += 1
    if "?" in page:  # '勇?lián)': an annotated character lost, its '(' with it
        count += sum(1 for syllable in _LOST_WITH_PAREN.findall(page) if _converted("\ufffd", syllable))
    if count < MIN_ANNOTATIONS:
        return False
    consistent = sum(1 for values in readings.values() if len(values) == 1)
    return consistent >= 0.8 * len(readings)


def strip_annotations(paragraphs: list[str], mode: str = "auto") -> tuple[list[str], int]:
    """Remove converter-made pinyin annotations like 集團(tuán); return (paragraphs, count)."""
    if mode == "never":
        return list(paragraphs), 0
    # every annotation form ends with a closing parenthesis: only those paragraphs are searched
    page = "\n".join([p for p in paragraphs if ")" in p or "）" in p]) if mode == "auto" else ""
    if mode == "auto" and not page:
        return list(paragraphs), 0
    if mode == "auto" and not _converter_pattern(page):
        proven = any(scan.search(page) for scan in _SCAN_READINGS)
        return _strip_proven(paragraphs) if proven else (list(paragraphs), 0)
    total = 0

    def remove(match: re.Match) -> str:
        nonlocal total
        if mode == "always" or _converted(*match.groups()):
            total += 1
            return match.group(1)
        return match.group(0)

    out = []
    for paragraph in paragraphs:
        cleaned = _ANNOTATION.sub(remove, paragraph)
        if "?" in cleaned and _LOST_BEFORE_ANNOTATION.search(cleaned):
            cleaned = _ANNOTATION.sub(remove, _LOST_BEFORE_ANNOTATION.sub("\ufffd", cleaned))
        before = None
        while before != cleaned and "?" in cleaned:  # again: '勇?lián)?dāng)' has a second one after the first
            before, cleaned = cleaned, _LOST_WITH_PAREN.sub(_lost_character, cleaned)
            total += before.count("?") - cleaned.count("?")
        out.append(cleaned)
    return out, total


def _lost_character(match: re.Match) -> str:
    return "\ufffd" if _converted("\ufffd", match.group(1)) else match.group(0)


def _strip_proven(paragraphs: list[str]) -> tuple[list[str], int]:
    """No converter pattern on the page: only annotations that are their own evidence go."""
    total = 0

    def remove(match: re.Match) -> str:
        nonlocal total
        if _own_evidence(*match.groups()):
            total += 1
            return match.group(1)
        return match.group(0)

    out = [_ANY_READING.sub(remove, p) if ("(" in p or "（" in p) else p for p in paragraphs]
    return out, total
