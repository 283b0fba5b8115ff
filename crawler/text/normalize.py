"""Pinyin-annotation removal and whitespace normalization (STUB: to be replaced)."""

from __future__ import annotations

import re

_SPACE = re.compile(r"[ \t\u00a0\u3000]+")


def normalize_whitespace(text: str) -> str:
    """Collapse runs of spaces, strip the ends; never touch other characters."""
    return _SPACE.sub(" ", text).strip()


def strip_annotations(paragraphs: list[str], mode: str = "auto") -> tuple[list[str], int]:
    """Remove converter-made pinyin annotations like 集團(tuán); return (paragraphs, count)."""
    return list(paragraphs), 0
