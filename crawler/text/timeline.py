"""What became of one article over its captures: the text kept, edits, removals and returns.

Pure: the crawl (one capture at a time, as they come) and ``scrapy rebuild`` (every capture of
a document from the WARC files, oldest first) fold the same steps, so both end with the same
Document and the same :class:`Timeline` (docs/formats.md, manifest):

- an article capture whose text (:func:`text_digest`: title, paragraphs, date, author, other
  front-matter facts) equals the kept one changes nothing but ``last_seen``: the text file keeps
  naming the earliest capture that gave this text;
- one with another text replaces the Document and adds an ``edited`` event naming the earlier
  text's digest and capture;
- a capture that shows a removal (crawler.text.pagekind.REMOVAL) marks the article ``removed``
  once, with its WARC-Date and evidence, and keeps the text; an article capture after it clears
  ``removed`` and adds a ``restored`` event;
- walls, errors and captures older than what is already known change nothing.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, replace

from .model import Document

NEW, SAME, EDITED, OLD = "new", "same", "edited", "old"


def text_digest(doc: Document) -> str:
    """sha256 of what the text of a document is, without the capture it came from."""
    data = [doc.title, list(doc.paragraphs), doc.published, doc.author, [list(kv) for kv in doc.meta]]
    return "sha256:" + hashlib.sha256(json.dumps(data, ensure_ascii=False).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Timeline:
    """The events of one article (oldest first) and its state after them."""

    events: tuple[dict, ...] = ()
    last_seen: str | None = None  # WARC-Date of the latest capture with the kept text, when later
    removed: str | None = None  # WARC-Date of the capture that showed the removal
    evidence: str | None = None  # what showed it: http-404, notice, redirect-home, ...

    def to_dict(self) -> dict:
        data = {
            "events": list(self.events),
            "last_seen": self.last_seen,
            "removed": self.removed,
            "evidence": self.evidence,
        }
        return {k: v for k, v in data.items() if v}

    @classmethod
    def from_json(cls, data) -> Timeline:
        """From its file; a list is an older archive's history, carried as it is."""
        if isinstance(data, list):
            return cls(events=tuple(data))
        return cls(tuple(data.get("events", ())), data.get("last_seen"), data.get("removed"), data.get("evidence"))

    def manifest_fields(self) -> dict:
        """The keys this timeline adds to the document's manifest entry."""
        fields = {}
        if self.events:
            fields["history"] = list(self.events)
        if self.removed:
            fields["removed"], fields["removed_evidence"] = self.removed, self.evidence
        if self.last_seen:
            fields["last_seen"] = self.last_seen
        return fields


def _latest(doc: Document, timeline: Timeline) -> str:
    return max(filter(None, (doc.fetched, timeline.last_seen, timeline.removed)))


@dataclass(frozen=True)
class Step:
    """The result of one capture: the Document to keep, the timeline, and what happened."""

    doc: Document | None
    timeline: Timeline
    outcome: str  # new, same, edited, old (ignored) or "" for a removal step
    restored: bool = False
    removed: bool = False


def on_article(doc: Document | None, timeline: Timeline, new: Document) -> Step:
    """An article capture ``new`` of the document whose kept Document is ``doc``."""
    if doc is None:
        return Step(new, Timeline(), NEW)
    if new.fetched < _latest(doc, timeline):
        return Step(doc, timeline, OLD)
    events = list(timeline.events)
    restored = timeline.removed is not None
    if restored:
        events.append({"event": "restored", "fetched": new.fetched})
    if text_digest(new) == text_digest(doc):
        seen = new.fetched if new.fetched > doc.fetched else None
        return Step(
            doc, replace(timeline, events=tuple(events), last_seen=seen, removed=None, evidence=None), SAME, restored
        )
    w = doc.warc
    earlier = {"fetched": doc.fetched, "text_digest": text_digest(doc)}
    if w is not None:
        earlier.update(record_id=w.record_id, payload_digest=w.payload_digest)
    events.append({"event": "edited", "fetched": new.fetched, "previous": earlier})
    return Step(new, Timeline(tuple(events)), EDITED, restored)


def on_removal(doc: Document | None, timeline: Timeline, fetched: str, evidence: str) -> Step:
    """A capture at ``fetched`` that shows the article was taken down (``evidence``)."""
    if doc is None or timeline.removed is not None or fetched < _latest(doc, timeline):
        return Step(doc, timeline, OLD)
    event = {"event": "removed", "fetched": fetched, "evidence": evidence}
    return Step(
        doc, replace(timeline, events=(*timeline.events, event), removed=fetched, evidence=evidence), "", removed=True
    )


__all__ = ["Timeline", "Step", "on_article", "on_removal", "text_digest", "NEW", "SAME", "EDITED", "OLD"]
