"""Converter pinyin annotations removed, whitespace normalized; nothing else is touched.

Some simplified-to-traditional converters leave the pinyin of the characters they changed in
parentheses: ``集團(tuán)``, ``發(fā)佈``. In ``auto`` mode they are removed only where the page
shows the converter pattern: at least ``MIN_ANNOTATIONS`` single toned pinyin syllables, each
right after a character only traditional text has (the converter annotates what it changed),
and consistent (a character annotated twice is annotated the same way); and then only those.
``北京(Beijing)``, ``(记者 王某)``, ``(2022)``, ``谢谢(xièxie)`` and a pinyin lesson such as
``你好(nǐ hǎo)`` or ``床(chuáng)前(qián)`` (simplified characters) never match. Where the annotated character's bytes were
lost the converter left ``?`` (``黨?(wěi)``): on such a page that ``?`` becomes U+FFFD (a lost
character, no guess) and its annotation goes too. Digits and punctuation are never changed.
"""

from __future__ import annotations

import re

MIN_ANNOTATIONS = 3
_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹ"
_ANNOTATION = re.compile(
    rf"([\u4e00-\u9fff\ufffd])[(（]([a-zü]*[{_TONED}][a-zü]*)[)）]"
)
# '字?(dān)': the converter's '?' where the annotated character's bytes were lost
_LOST_BEFORE_ANNOTATION = re.compile(rf"(?<=[\u4e00-\u9fff\ufffd])\?(?=[(（][a-zü]*[{_TONED}][a-zü]*[)）])")
_SPACE = re.compile(r"[ \t\u00a0\u2002\u2003\u3000]+")
_UNTONE = str.maketrans("āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹ", "aaaaeeeeiiiioooouuuuüüüünnn")
_INITIALS = ("", "b", "p", "m", "f", "d", "t", "n", "l", "g", "k", "h", "j", "q", "x", "zh", "ch", "sh", "r", "z", "c",
             "s", "y", "w")
_FINALS = ("a", "o", "e", "ai", "ei", "ao", "ou", "an", "en", "ang", "eng", "ong", "er", "i", "ia", "ie", "iao", "iu",
           "ian", "in", "iang", "ing", "iong", "u", "ua", "uo", "uai", "ui", "uan", "un", "uang", "ueng", "ü", "üe",
           "üan", "ün", "ue")
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


def normalize_whitespace(text: str) -> str:
    """Collapse runs of spaces (ASCII, no-break, ideographic) to one and strip the ends."""
    return _SPACE.sub(" ", text).strip()


def normalize_lines(text: str) -> list[str]:
    """The non-empty lines of ``text``, each as :func:`normalize_whitespace` gives it (one pass over
    the text instead of one per line: no run of these spaces crosses a line boundary)."""
    return [line for line in (x.strip() for x in _SPACE.sub(" ", text).splitlines()) if line]


def _converter_pattern(paragraphs: list[str]) -> bool:
    readings: dict[str, set[str]] = {}
    count = 0
    for paragraph in paragraphs:
        if "(" not in paragraph and "（" not in paragraph:
            continue  # an annotation has one of the two: spares scanning the paragraph
        for char, syllable in _ANNOTATION.findall(paragraph):
            if _converted(char, syllable):
                readings.setdefault(char, set()).add(syllable)
                count += 1
    if count < MIN_ANNOTATIONS:
        return False
    consistent = sum(1 for values in readings.values() if len(values) == 1)
    return consistent >= 0.8 * len(readings)


def strip_annotations(paragraphs: list[str], mode: str = "auto") -> tuple[list[str], int]:
    """Remove converter-made pinyin annotations like 集團(tuán); return (paragraphs, count)."""
    if mode == "never" or (mode == "auto" and not _converter_pattern(paragraphs)):
        return list(paragraphs), 0
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
        out.append(cleaned)
    return out, total
