"""The text archive on disk: where each file lives, the derived-document cache, atomic writes.

Layout (docs/formats.md)::

    <root>/derived/<source>/<id>.json   Document cache: derive() output, so finalizing needs no re-parse
    <root>/derived/<source>/<id>.history  the document's timeline (crawler.text.timeline)
    <root>/derived/<source>/<id>.pages  a multi-page article's other pages (never texts of their own)
    <root>/text/<source>/<id>.txt       rendered text files
    <root>/manifest.jsonl               one line per text file, sorted by id
    <root>/boilerplate/<source>.json    learned site-wide boilerplate set

Every file is written atomically (``crawler.atomic``: temp file + os.replace, mode 0666 less the
umask) and only when its bytes change, so an interrupted write never leaves half a file and a
re-crawl touches only what changed. The crawl's text workers and ``scrapy rebuild`` fold captures into the cache here (:meth:`TextStore.advance`);
the text files, manifest and boilerplate sets are made from it by crawler.text.publish.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

from crawler.atomic import write_atomic

from .model import Document, document_id
from .timeline import Step, Timeline, on_article, on_removal

_SAFE_NAME = re.compile(r"[^a-z0-9._-]+")


def safe_name(name: str, limit: int = 100) -> str:
    """A bounded, deterministic file-name component: never empty, never '.', '..' or a path."""
    cleaned = _SAFE_NAME.sub("_", name.lower()).strip("._") or "_"
    return cleaned[:limit]


class TextStore:
    """Reads and writes the text archive under ``root``."""

    def __init__(self, root: str | os.PathLike):
        self.root = Path(root)
        self.unreadable: list[Path] = []  # derived files the last publish could not read

    def derived_path(self, source: str, doc_id: str) -> Path:
        return self.root / "derived" / safe_name(source) / f"{doc_id}.json"

    def write_derived(self, doc: Document) -> None:
        """Cache ``doc`` as the document's kept Document (its timeline is left as it is). A
        multi-page article also names its continuation pages (``<id>.pages``): they are never
        texts of their own, whatever else derived them."""
        data = json.dumps(doc.to_dict(), ensure_ascii=False, sort_keys=True).encode("utf-8")
        path = self.derived_path(doc.source, doc.id)
        write_atomic(path, data)
        pages = sorted({document_id(p.url) for p in doc.pages[1:]} - {doc.id})
        if pages:
            write_atomic(path.with_suffix(".pages"), json.dumps(pages).encode("utf-8"))
        else:
            path.with_suffix(".pages").unlink(missing_ok=True)

    def continuation_ids(self) -> set[tuple[str, str]]:
        """(source directory, id) of every page that a multi-page article of the archive joined."""
        found = set()
        for path in sorted((self.root / "derived").glob("*/*.pages")):
            try:
                found.update((path.parent.name, doc_id) for doc_id in json.loads(path.read_text("utf-8")))
            except (OSError, ValueError, TypeError):
                continue
        return found

    def load_derived(self, source: str, doc_id: str) -> Document | None:
        """The kept Document of a page, None when there is none (or it cannot be read)."""
        try:
            return load_document(self.derived_path(source, doc_id))
        except UNREADABLE:
            return None

    def timeline(self, source: str, doc_id: str) -> Timeline:
        """What became of a page so far (crawler.text.timeline): events, removal, last seen."""
        try:
            return Timeline.from_json(
                json.loads(self.derived_path(source, doc_id).with_suffix(".history").read_text("utf-8"))
            )
        except (OSError, ValueError, AttributeError):
            return Timeline()

    def history(self, source: str, doc_id: str) -> list[dict]:
        """The events of a page, oldest first."""
        return list(self.timeline(source, doc_id).events)

    def write_history(self, source: str, doc_id: str, history: list[dict]) -> None:
        self.write_timeline(source, doc_id, Timeline(tuple(history)))

    def write_timeline(self, source: str, doc_id: str, timeline: Timeline) -> None:
        """Store a page's timeline; an empty one is no file."""
        path = self.derived_path(source, doc_id).with_suffix(".history")
        if timeline == Timeline():
            path.unlink(missing_ok=True)
            return
        write_atomic(path, json.dumps(timeline.to_dict(), ensure_ascii=False, sort_keys=True).encode("utf-8"))

    def advance(self, doc: Document) -> Step:
        """A new article capture of a page: the kept Document changes only when the text does
        (crawler.text.timeline.on_article); the timeline records the edit or the return."""
        previous = self.load_derived(doc.source, doc.id)
        before = self.timeline(doc.source, doc.id)
        step = on_article(previous, before, doc)
        if step.doc is not previous:
            self.write_derived(step.doc)
        if step.timeline != before:
            self.write_timeline(doc.source, doc.id, step.timeline)
        return step

    def record_removal(self, source: str, doc_id: str, fetched: str, evidence: str) -> Step:
        """A capture at ``fetched`` showed the page taken down: recorded once, the text kept;
        nothing when no article of this page is archived."""
        doc = self.load_derived(source, doc_id)
        before = self.timeline(source, doc_id)
        step = on_removal(doc, before, fetched, evidence)
        if step.timeline != before:
            self.write_timeline(source, doc_id, step.timeline)
        return step

    def derived_files(self) -> list[Path]:
        """Every cached Document's file, sorted (temp files of writes in progress are not listed)."""
        return sorted((self.root / "derived").glob("*/*.json"))


# what reading a damaged or foreign cache file raises (a cut JSON, a missing field ...)
UNREADABLE = (OSError, ValueError, KeyError, TypeError, AttributeError)


def load_document(path: Path) -> Document:
    """A cached Document from its file (raises one of UNREADABLE when it cannot be read)."""
    return Document.from_dict(json.loads(path.read_bytes().decode("utf-8")))
