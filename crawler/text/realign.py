"""Double-byte runs shifted by a lost or extra byte, re-paired (docs/formats.md, ``repairs``).

A lost byte in a GBK/Big5 page rarely raises a decode error: most misaligned pairs are valid
codes, so the rest of the run turns into rare characters until an ASCII byte re-aligns it.
``realign`` works on a page being decoded (invalid bytes kept as lone surrogates by the
``crawler-resync`` error handler); ``realign_text`` on text that was already decoded so and then
published as UTF-8 (the shifted run re-encoded to GBK gives the shifted bytes back).
``restore_annotated`` gives back a character that lost one of its two bytes right before a
converter's pinyin annotation, when its reading names it among the surviving byte's partners.
"""

from __future__ import annotations

import codecs
import re

from .plausibility import all_common, is_common, score, scores


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
        window = data[start + skip : start + skip + 40].decode(error.encoding, errors="ignore")
        current = score(window) * len(window)
        if current > best_score + 0.5:
            best, best_score = start + skip, current
    return _escaped(data[start:best]), best


codecs.register_error("crawler-resync", _resync)


_DOUBLE_BYTE = {"gb18030", "cp950", "big5hkscs", "gbk"}
_NON_ASCII_RUN = re.compile(r"[^\x00-\x7f\ufffd]{4,}")
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
    if codec not in _DOUBLE_BYTE or all_common(text):  # every run of a clean page reads well
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
            pieces += [text[last : match.start()], fix(match.group(0), before)]
            last = match.end()
    return "".join(pieces) + text[last:], repaired


# A shifted run in published text: ideographs (a '?' the converter left may stand on either
# side), ending where an ASCII byte re-aligned the pairs; that byte, a GBK/Big5 trail byte in
# 0x40-0x7E, shows as an ASCII character between ideographs (``兎e極``). Found from its mark:
# the trail byte, or a '?' beside ideographs.
_MARK = re.compile(r"(?<=[^\x00-\x7f\ufffd])(?:[\x40-\x7e](?=[^\x00-\x7f])|\?)|\?(?=[^\x00-\x7f\ufffd])")
_TEXT_CODECS = ("gb18030", "cp950")
_ASCII = re.compile("[\x00-\x7f]")


def _wide(ch: str) -> bool:
    return ch >= "\x80" and ch != "\ufffd"


def realign_text(paragraph: str, log: list[str] | None = None) -> tuple[str, int]:
    """Re-pair the shifted GBK/Big5 runs of already-decoded text; returns (text, runs repaired);
    each run re-paired is noted in ``log`` (``gb18030 shifted by a lost byte (9 characters)``).

    The run is re-encoded with the codec that decoded it (which gives the shifted bytes back),
    and for each split point the tail is decoded one byte on: the lost character becomes U+FFFD
    (and so does an orphan byte at the end, where the converter left a '?' for it). A
    candidate is kept only when the tail decodes strictly into common characters of Chinese
    prose only, where the shifted text was at least a third rare characters, two or more (random
    pairs mostly are; clean text is not; with only a '?' to show the shift, half and three);
    the split that makes the most rare characters common wins, the latest among equals (a
    clean character is never re-paired on a guess: an earlier split could turn it into
    another common one).
    """
    pieces, last, repaired = [], 0, 0
    for mark in _MARK.finditer(paragraph):
        at = mark.start()
        if at < last:
            continue
        ch = paragraph[at]
        if at > 0 and _wide(paragraph[at - 1]):  # a run ends at this mark
            start = at
            while start > last and _wide(paragraph[start - 1]):
                start -= 1
            before = "?" if start > last and paragraph[start - 1] == "?" else None
            end, trail, after = at + 1, (None if ch == "?" else ch), ("?" if ch == "?" else None)
        else:  # a '?' before a run (and no mark after it)
            start = end = at + 1
            while end < len(paragraph) and _wide(paragraph[end]):
                end += 1
            if end - start < 3 or _MARK.match(paragraph, end):
                continue  # too short, or the run's own end mark comes next
            before, trail, after, at = "?", None, None, end
        fixed = _fix(before, paragraph[start:at], trail, after) if at - start >= 3 else None
        if fixed is not None:
            pieces += [paragraph[last : start - (1 if before else 0)], fixed[0]]
            last = end
            repaired += 1
            if log is not None:
                log.append(f"{fixed[1]} shifted by a lost byte ({at - start} characters)")
    return "".join(pieces) + paragraph[last:], repaired


def _fix(before_mark: str | None, run: str, trail: str | None, after_mark: str | None) -> tuple[str, str] | None:
    """(the run re-paired, marks consumed where a lost character explains them; its codec), or None."""
    if not _mostly_han(run) or score(run) == 1.0:
        return None
    # an ASCII '?' after Chinese text is often just a question mark: alone it needs more
    need, share = (2, 3) if trail else (3, 2)
    best, best_key = None, (need - 1, 0)
    for codec in _TEXT_CODECS:
        for k, tail in _shifted_tails(run, trail or "", codec, orphan=bool(after_mark)):
            rare = _rare(run[k:])
            if (
                _rare(tail) == 0
                and (rare, k) > best_key
                and share * rare >= len(run) - k
                and len(tail.replace("\ufffd", "")) >= need
                and _mostly_han(run[k:])
                and _prose(tail)
            ):
                best, best_key, best_codec = run[:k] + "\ufffd" + tail, (rare, k), codec
    if best is None:
        return None
    if before_mark and best_key[1] > 0:
        best = before_mark + best
    if after_mark and not best.endswith("\ufffd"):
        best += after_mark
    return best, best_codec


_PROSE = re.compile("[\u3400-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef‘’“”…—·\ufffd]")


def _prose(text: str) -> bool:
    """Chinese prose: ideographs and CJK punctuation (a shifted box frame re-pairs into kana)."""
    return len(_PROSE.findall(text)) >= 0.8 * len(text)


def _rare(text: str) -> int:
    """Characters of ``text`` uncommon in Chinese prose (kana among them: re-paired GBK bytes
    give some, Chinese prose none)."""
    return sum(1 for ch in text if ch != "\ufffd" and (not is_common(ch) or "\u3040" <= ch <= "\u30ff"))


def _shifted_tails(run: str, trail: str, codec: str, orphan: bool) -> list[tuple[int, str]]:
    """(k, run[k:] re-decoded one byte on) for each split point leaving a tail of 2+ characters."""
    try:
        data = run.encode(codec) + trail.encode("ascii")
    except UnicodeEncodeError:
        return []
    out = []
    for k in range(len(run) - 1):
        tail = data[len(run[:k].encode(codec)) + 1 :]
        try:
            decoded = tail.decode(codec)
        except UnicodeDecodeError as exc:
            if not orphan or exc.start != len(tail) - 1:
                continue
            try:  # an orphan lead byte at the end: its character is lost too
                decoded = tail[:-1].decode(codec) + "\ufffd"
            except UnicodeDecodeError:
                continue
        # an ASCII character in the tail is a trail byte read on its own: not a re-pairing
        if len(decoded) >= 2 and decoded.isascii() is False and not _ASCII.search(decoded):
            out.append((k, decoded))
    return out


# a byte left alone by a lost partner (kept escaped by ``crawler-resync``) right before a converter's
# pinyin annotation: ``联(lián)`` that lost its lead byte leaves 0xAA then ``(lián)``
_ANNOTATED_ORPHAN = re.compile("([\udc81-\udcfe])(?=[(（]([a-zü]*[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹ][a-zü]*)[)）])")


def restore_annotated(text: str, codec: str) -> tuple[str, int]:
    """A double-byte character whose partner byte was lost, restored where the pinyin annotation
    after it tells which: of the characters the surviving byte makes with any other byte (as
    trail or as lead), exactly one has that reading (pypinyin's table). Else the byte stays
    escaped (U+FFFD later): no guess. Returns (text, characters restored)."""
    if codec not in _DOUBLE_BYTE or not _ANNOTATED_ORPHAN.search(text):
        return text, 0
    restored = 0

    def one(match: re.Match) -> str:
        nonlocal restored
        found = _with_reading(ord(match.group(1)) - 0xDC00, match.group(2), codec)
        if len(found) != 1:
            return match.group(1)
        restored += 1
        return found.pop()

    return _ANNOTATED_ORPHAN.sub(one, text), restored


def _with_reading(byte: int, syllable: str, codec: str) -> set[str]:
    """The characters ``byte`` makes with another byte (either side) in ``codec`` that are read
    ``syllable`` (toned pinyin)."""
    from pypinyin.pinyin_dict import pinyin_dict

    found = set()
    pairs = [bytes((lead, byte)) for lead in range(0x81, 0xFF)] + [bytes((byte, trail)) for trail in range(0x40, 0xFF)]
    for pair in pairs:
        try:
            ch = pair.decode(codec)
        except UnicodeDecodeError:
            continue
        if len(ch) == 1 and syllable in pinyin_dict.get(ord(ch), "").split(","):
            found.add(ch)
    return found
