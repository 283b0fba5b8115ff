"""Mojibake repair, per paragraph: undo a wrong decoding chain where the result is clearly better.

A paragraph (or a non-ASCII run inside it) that reads badly (crawler/text/plausibility.py) is
re-encoded with the codec that wrongly decoded it and decoded with the right one, for the chains
real pages show: UTF-8 read as GBK/GB18030, as Big5 or as windows-1252/Latin-1; GBK read as
Big5 or Latin-1; Big5 read as GBK. A candidate is kept only when every byte decodes strictly and
it reads clearly better (``MIN_SCORE`` and ``MIN_GAIN``). Clean text is never changed: it
scores high and the fast path returns it untouched, and a clean paragraph practically never
survives a strict cross-decoding anyway. ftfy is not used: it does not know CJK mojibake and
folds full-width punctuation.
"""

from __future__ import annotations

import re

from .plausibility import is_common, score, scores

CHAINS = (
    ("gb18030", "utf-8"), ("cp950", "utf-8"), ("cp1252", "utf-8"), ("latin-1", "utf-8"),
    ("cp1252", "gb18030"), ("latin-1", "gb18030"), ("cp950", "gb18030"), ("gb18030", "cp950"),
)
CLEAN = 0.9  # paragraphs scoring at least this are not examined
MIN_SCORE = 0.85
MIN_GAIN = 0.25
_SEGMENT = re.compile(r"[^\x00-\x7f，。！？；：、“”‘’（）《》]{4,}")  # shorter runs are too easy to "repair"
_FFFD_RUN = re.compile("\ufffd+")


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


def _undo(text: str) -> str | None:
    """The best re-decoding of ``text``, when clearly better; else None."""
    before = score(text.replace("\ufffd", ""))
    best, best_score = None, before
    for wrong, right in CHAINS:
        candidate = _redecode(text, wrong, right)
        if candidate is None:
            continue
        current = score(candidate.replace("\ufffd", ""))
        if current >= MIN_SCORE and current - before >= MIN_GAIN and current > best_score:
            best, best_score = candidate, current
    return best


def _repair_segment(segment: str) -> str:
    """Undo mojibake in a segment, also when clean text sits on either side of it.

    The mojibake span is searched around its rare characters: the window from a little before
    the first to a little after the last uncommon character, each edge moved by up to three
    characters; the best window that re-decodes clearly better wins.
    """
    whole = _undo(segment)
    if whole is not None:
        return whole
    rare = [i for i, ch in enumerate(segment) if not is_common(ch)]
    if not rare:
        return segment
    best, best_score = segment, score(segment)
    for start in range(max(0, rare[0] - 3), rare[0] + 1):
        for end in range(min(len(segment), rare[-1] + 4), rare[-1], -1):
            if end - start < 4:
                continue
            fixed = _undo(segment[start:end])
            if fixed is not None:
                candidate = segment[:start] + fixed + segment[end:]
                current = score(candidate)  # U+FFFD counts against: don't eat clean neighbours
                if current > best_score:
                    best, best_score = candidate, current
    return best


def repair_paragraph(paragraph: str) -> str:
    """The paragraph with its mojibake undone where a chain gives clearly better text."""
    return paragraph if score(paragraph) >= CLEAN else _repair_unclean(paragraph)


def _repair_unclean(paragraph: str) -> str:
    # clean punctuation and ASCII only survive in the clean parts (mojibake garbles them), so
    # repairing segment by segment never touches a clean neighbour
    return _SEGMENT.sub(lambda m: _repair_segment(m.group(0)) if score(m.group(0)) < CLEAN else m.group(0), paragraph)


def repair_paragraphs(paragraphs: list[str]) -> tuple[list[str], int, int]:
    """Return (paragraphs, repairs, losses): mojibake undone where plausible, U+FFFD counted."""
    out = [p if clean >= CLEAN else _repair_unclean(p) for p, clean in zip(paragraphs, scores(paragraphs))]
    repairs = sum(1 for a, b in zip(paragraphs, out) if a != b)
    losses = sum(p.count("\ufffd") for p in out)
    return out, repairs, losses
