"""Items the source spider yields (docs/architecture.md, data flow)."""

from __future__ import annotations

from dataclasses import dataclass

from crawler.text.model import Capture


@dataclass
class Page:
    """An article page, as archived: the pipeline derives its text from ``capture``."""

    url: str
    source: str
    capture: Capture | None
