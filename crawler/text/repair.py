"""Mojibake repair per paragraph (STUB: to be replaced)."""

from __future__ import annotations


def repair_paragraphs(paragraphs: list[str]) -> tuple[list[str], int, int]:
    """Return (paragraphs, repairs, losses): mojibake undone where plausible, U+FFFD counted."""
    losses = sum(p.count("\ufffd") for p in paragraphs)
    return list(paragraphs), 0, losses
