"""Mojibake repair, per paragraph: undo a wrong decoding chain where the result is clearly right.

Two families of damage, each found by what the wrong decoder leaves (crawler/text/plausibility.py):

- **read by a CJK decoder**: UTF-8 read as GBK/GB18030 or as Big5, GBK read as Big5, Big5 read as
  GBK. The span is ideographs and those codecs' symbol rows (``damaged_as_cjk``); it is
  re-encoded with the codec that wrongly decoded it and decoded with the right one.
- **read by a Latin decoder**: GBK, Big5 or UTF-8 bytes read as windows-1252/Latin-1 (``3ÔÂ1ÈÕ``,
  ``äººæ°``), UTF-8 encoded twice. The span is a run of Latin-1 characters; its bytes are
  decoded strictly as GB18030, Big5 or UTF-8 (twice for a double encoding).

A candidate is kept only when it decodes strictly (into UTF-8, bytes already lost may stay
U+FFFD), has at least two non-ASCII characters, and its non-ASCII characters read clearly better
as CJK text (``MIN_SCORE``, ``MIN_GAIN``). Clean text is never changed: a span of Cyrillic,
Greek, Latin, Arabic, Thai ... text is never taken for CJK mojibake, clean Chinese scores high,
and a clean span practically never survives a strict cross-decoding into common characters.
ftfy is not used (not installed, and it knows no CJK mojibake and folds full-width punctuation):
this is the hand-written part.
"""

from __future__ import annotations

import functools
import re

import numpy as np

from .plausibility import (
    cjk_score,
    damaged_as_cjk,
    gbk_extension_share,
    is_common,
    japanese_like,
    non_ascii,
    page_profile,
    running_common,
    score,
    score_in,
    scores,
)
from .realign import realign_text

# (wrong, right): the UTF-8 chains first (the only ones tried on a window inside a segment)
CJK_CHAINS = (("gb18030", "utf-8"), ("cp950", "utf-8"), ("cp950", "gb18030"), ("gb18030", "cp950"))
CONFUSION_MIN = 6  # GBK/Big5 confusions: whole segments of at least this many characters...
CONFUSION_SCORE = 0.9  # ...that become the right codec's own common characters
LATIN_TARGETS = ("gb18030", "cp950", "utf-8")
CLEAN = 0.9  # paragraphs scoring at least this are not examined for CJK-decoder damage
MIN_SCORE = 0.85
MIN_GAIN = 0.25
# a segment: a run of 4+ characters that are neither ASCII nor CJK punctuation (shorter runs are
# too easy to "repair"; clean punctuation and ASCII only survive outside mojibake)
_NOT_SEGMENT = frozenset(map(chr, range(0x80))) | frozenset("，。！？；：、“”‘’（）《》")
_FFFD_RUN = re.compile("\ufffd+")
_SYMBOLS = re.compile("[\u0391-\u03c9\u0401-\u0451\u2500-\u257f\u3100-\u312f\ue000-\uf8ff]")

# windows-1252's characters for bytes 0x80-0x9F (the five it leaves undefined read as C1 controls)
_CP1252_HIGH = bytes(range(0x80, 0xA0)).decode("cp1252", errors="ignore")
_LATIN = "\x80-\xff" + _CP1252_HIGH
_TO_LATIN_BYTES = str.maketrans({ch: chr(ch.encode("cp1252")[0]) for ch in _CP1252_HIGH})
# a run of Latin-1 characters, across ASCII digits, punctuation and spaces; an ASCII letter only
# right after a Latin-1 character (a Big5 trail byte 0x40-0x7E: ``¤H`` is 人), so a Latin word's
# accented letters stay with their word
_UNIT = rf"[{_LATIN}][\x40-\x7e]?"
_LATIN_RUN = re.compile(rf"(?:{_UNIT})+(?:[\x20-\x40\x5b-\x60\x7b-\x7e]*(?:{_UNIT})+)*")
_LETTERS = re.compile("[\xc0-\xd6\xd8-\xf6\xf8-\xff]")
_ASCII_TRAIL = re.compile(rf"[{_LATIN}][A-Za-z]")


def _redecode(text: str, wrong: str, right: str) -> str | None:
    """``text`` re-encoded with ``wrong`` and decoded with ``right``.

    Into UTF-8, bytes already lost (U+FFFD) and the broken sequences at the edges of a run
    become U+FFFD, never a guess; the candidate is refused when that costs more than a couple of
    characters beyond what was already lost. Other chains must decode strictly.
    """
    lost = text.count("\ufffd")
    try:
        if right != "utf-8":
            return text.encode(wrong).decode(right)
        # split on U+FFFD first: gb18030 can encode U+FFFD itself, which would forge bytes
        data = b"\xff".join(part.encode(wrong) for part in text.split("\ufffd"))
        # one U+FFFD per broken character, however many of its bytes went
        candidate = _FFFD_RUN.sub("\ufffd", data.decode("utf-8", errors="replace"))
    except (UnicodeEncodeError, UnicodeDecodeError):
        return None
    bad = candidate.count("\ufffd")
    return candidate if bad <= lost + 2 and bad * 3 <= len(candidate) else None


def _clearly_better(candidate: str, before: float) -> float | None:
    """The candidate's score when it is clearly right CJK text, else None."""
    kept = candidate.replace("\ufffd", "")
    if non_ascii(kept) < 2:
        return None
    current = cjk_score(kept)
    return current if current >= MIN_SCORE and current - before >= MIN_GAIN else None


def _undo_cjk(text: str, window: bool = False) -> tuple[str, str] | None:
    """(the best re-decoding of a span a CJK decoder garbled, its chain) when clearly better.

    GBK/Big5 confusions need more: a whole segment (never a window inside one: every pair of
    bytes decodes in both codecs, so a window's edges cannot be told and a clean neighbour would
    be "repaired" too) of ``CONFUSION_MIN`` characters, whose result is common text of the codec
    it is decoded with.
    """
    if not damaged_as_cjk(text):
        return None
    before = cjk_score(text.replace("\ufffd", ""))
    best, best_score = None, before
    for wrong, right in CJK_CHAINS[:2] if window else CJK_CHAINS:
        if not (_mostly_utf8(text, wrong) if right == "utf-8" else _confused(text, wrong)):
            continue
        candidate = _redecode(text, wrong, right)
        current = None if candidate is None else _clearly_better(candidate, before)
        if current is not None and right != "utf-8" and score_in(candidate, right) < CONFUSION_SCORE:
            current = None
        if current is not None and current > best_score:
            best, best_score = (candidate, chain_name(right, wrong)), current
    return best


def chain_name(right: str, wrong: str) -> str:
    """How a repair is recorded in the encoding block: ``utf-8 read as gb18030``."""
    return f"{right} read as {wrong}"


def _confused(text: str, wrong: str) -> bool:
    """Whether ``text`` shows what GBK read as Big5 (``wrong`` cp950) or Big5 read as GBK
    (``wrong`` gb18030) leaves: these codecs share most byte pairs, so a strict re-decoding into
    common characters alone proves little. Big5 read as GBK shows symbol rows, private use and
    GBK's extension ideographs (Big5's 0x40-0x7E trail bytes); kana alone is Japanese."""
    if non_ascii(text) < CONFUSION_MIN:
        return False
    if wrong == "cp950":
        return True
    return not japanese_like(text) and (gbk_extension_share(text) >= 0.25 or _SYMBOLS.search(text) is not None)


_UTF8_CHAR = re.compile(rb"[\xe0-\xef][\x80-\xbf][\x80-\xbf]")


def _mostly_utf8(text: str, wrong: str) -> bool:
    """Whether the bytes ``wrong`` gives back for ``text`` are mostly UTF-8 sequences (UTF-8 read
    as GBK or Big5 is nothing else): the cheap test that spares clean text the re-decoding."""
    data = text.replace("\ufffd", "").encode(wrong, errors="ignore")
    return 2 * 3 * len(_UTF8_CHAR.findall(data)) >= len(data)


@functools.lru_cache(maxsize=4096)  # a page repeats its names and keywords line after line
def _could_be_cjk_mojibake(segment: str) -> bool:
    """The cheap test before any chain is tried on a segment with rare characters (names,
    keywords: a page of them has hundreds): UTF-8 sequences in its GBK or Big5 bytes, or a
    segment long enough for a GBK/Big5 confusion that is Big5 text (GBK read as Big5) or shows
    Big5-read-as-GBK's marks. Everything else no chain can change."""
    if _utf8_inside(segment):
        return True
    if non_ascii(segment) < CONFUSION_MIN:
        return False
    try:
        segment.encode("cp950")
        return True
    except UnicodeEncodeError:
        return _confused(segment, "gb18030")


def _utf8_inside(segment: str) -> bool:
    """Whether the segment's GBK or Big5 bytes hold UTF-8 sequences at all: only then can a
    window inside it be UTF-8 read wrongly (spares the window search on clean text)."""
    for codec in ("gb18030", "cp950"):
        data = segment.encode(codec, errors="ignore")
        if len(_UTF8_CHAR.findall(data)) >= 2:
            return True
    return False


def _repair_segment(segment: str, log: list[str]) -> str:
    """Undo CJK-decoder mojibake in a segment, also when clean text sits on either side of it.

    The mojibake span is searched around its rare characters: the window from the first to the
    last uncommon character, each edge moved out by up to three characters; the best window that
    re-decodes clearly better wins, the narrowest among equals.
    """
    whole = _undo_cjk(segment)
    if whole is not None:
        log.append(f"{whole[1]} ({len(segment)} characters)")
        return whole[0]
    rare = [i for i, ch in enumerate(segment) if not is_common(ch)]
    if not rare or not _utf8_inside(segment):
        return segment
    best, best_score, note = segment, score(segment), None
    # narrowest first, and only a strictly better window replaces it: a clean neighbour whose
    # bytes happen to re-decode into a common character too is left alone
    for start in range(rare[0], max(0, rare[0] - 3) - 1, -1):
        for end in range(rare[-1] + 1, min(len(segment), rare[-1] + 4) + 1):
            if end - start < 4:
                continue
            fixed = _undo_cjk(segment[start:end], window=True)
            if fixed is not None:
                candidate = segment[:start] + fixed[0] + segment[end:]
                current = score(candidate)  # U+FFFD counts against: don't eat clean neighbours
                if current > best_score:
                    best, best_score, note = candidate, current, f"{fixed[1]} ({end - start} characters)"
    if note:
        log.append(note)
    return best


def _undo_latin(run: str) -> tuple[str, str]:
    """(the run decoded right, its chain) when a run of Latin-1 characters is GBK, Big5 or UTF-8
    (once or twice) read as windows-1252/Latin-1 and that is clearly CJK text; else (run, "")."""
    high = non_ascii(run)
    # GBK and UTF-8 bytes read as Latin-1 are mostly its letters (0xC0-0xFF as a lead or trail
    # byte), Big5 bytes show ASCII letters as trail bytes (``¤H``); a run of symbols (×÷±§¶°)
    # is clean text, however well it decodes
    if high < 4 or (4 * len(_LETTERS.findall(run)) < high and len(_ASCII_TRAIL.findall(run)) < 2):
        return run, ""
    best, best_score, chain = run, cjk_score(run), ""
    data = run.translate(_TO_LATIN_BYTES).encode("latin-1")
    for right in LATIN_TARGETS:
        try:
            candidate = data.decode(right)
        except UnicodeDecodeError:
            continue
        name = chain_name(right, "windows-1252")
        if right == "utf-8" and _LATIN_RUN.fullmatch(candidate):
            candidate, twice = _undo_latin(candidate)  # UTF-8 encoded twice
            name = "utf-8 encoded twice" if twice else name
        current = _clearly_better(candidate, best_score)
        if current is not None:
            best, best_score, chain = candidate, current, name
    return best, chain


def _repair_segments(paragraph: str, log: list[str]) -> str:
    # clean punctuation and ASCII only survive in the clean parts (mojibake garbles them), so
    # repairing segment by segment never touches a clean neighbour
    # only segments holding an uncommon character can read badly: found from those characters
    # (a long navigation line has thousands of clean segments and a few rare characters)
    running = running_common(paragraph)
    uncommon = np.flatnonzero(np.diff(running) == 0).tolist()
    running = running.tolist()
    pieces, last = [], 0
    for at in uncommon:
        if at < last or paragraph[at] in _NOT_SEGMENT:
            continue
        start, end = at, at + 1
        while start > last and paragraph[start - 1] not in _NOT_SEGMENT:
            start -= 1
        while end < len(paragraph) and paragraph[end] not in _NOT_SEGMENT:
            end += 1
        if (
            end - start >= 4
            and (running[end] - running[start]) / (end - start) < CLEAN
            and _could_be_cjk_mojibake(paragraph[start:end])
        ):
            span = paragraph[start:end]
            notes: list[str] = []
            fixed = _unless_quoted(_repair_segment(span, notes), span, paragraph)
            log += notes if fixed != span else []
            pieces += [paragraph[last:start], fixed]
        else:
            pieces.append(paragraph[last:end])
        last = end
    return "".join(pieces) + paragraph[last:]


def _unless_quoted(fixed: str, span: str, paragraph: str) -> str:
    """``fixed``, unless the text it would give already stands in the paragraph: text that talks
    about encodings shows its mojibake beside what it means (``中文 shows as ä¸­æ–‡``)."""
    if fixed == span:
        return span
    for piece in fixed.split("\ufffd"):
        common = piece.strip(" ") if len(piece.strip(" ")) >= 2 else ""
        if common and common not in span and common in paragraph:
            return span
    return fixed


def _repair(paragraph: str, clean: float, latin: bool, unclean: bool, mark: bool, log: list[str]) -> str:
    # examined: a paragraph that reads badly, or has two rare characters side by side (a short
    # span of mojibake in a long clean paragraph), Latin-1 pairs, or a shifted run's mark
    if latin:
        original = paragraph
        paragraph = _LATIN_RUN.sub(lambda m: _latin_span(m.group(0), original, log), paragraph)
        clean = clean if paragraph == original else scores([paragraph])[0]
    if unclean and clean < 1.0:
        paragraph = _repair_segments(paragraph, log)
    if mark:
        paragraph = realign_text(paragraph, log)[0]
    return paragraph


def _latin_span(run: str, paragraph: str, log: list[str]) -> str:
    fixed, chain = _undo_latin(run)
    fixed = _unless_quoted(fixed, run, paragraph)
    if fixed != run:
        log.append(f"{chain} ({len(run)} characters)")
    return fixed


def repair_paragraphs(paragraphs: list[str], log: list[str] | None = None) -> tuple[list[str], int]:
    """Return (paragraphs, repairs): mojibake undone where plausible, and how many paragraphs
    changed. A byte really lost stays U+FFFD (the Document's ``losses`` counts them at the end).
    Each repair's chain and span length is appended to ``log`` when one is given (the encoding
    block's ``repaired``: ``utf-8 read as gb18030 (12 characters)``)."""
    log = [] if log is None else log
    clean, rare, latin, mark = page_profile(paragraphs)
    out, repairs = list(paragraphs), 0
    # only the few paragraphs with a mark of damage are looked at (numpy picks them)
    for i in np.flatnonzero((clean < CLEAN) | rare | latin | mark).tolist():
        out[i] = _repair(out[i], float(clean[i]), bool(latin[i]), bool(clean[i] < CLEAN or rare[i]), bool(mark[i]), log)
        repairs += out[i] != paragraphs[i]
    return out, repairs
