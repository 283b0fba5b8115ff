"""The text archive on disk: derived-document cache, text files, manifest and boilerplate sets.

Layout (docs/formats.md)::

    <root>/derived/<source>/<id>.json   Document cache: derive() output, so finalizing needs no re-parse
    <root>/text/<source>/<id>.txt       rendered text files
    <root>/manifest.jsonl               one line per text file, sorted by id
    <root>/boilerplate/<source>.json    learned site-wide boilerplate set

Every file is written atomically (temp file + os.replace) and only when its bytes change, so an
interrupted write never leaves half a file and a re-crawl touches only what changed.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path

from .model import Document, TextOptions

_SAFE_NAME = re.compile(r"[^a-z0-9._-]+")


def safe_name(name: str, limit: int = 100) -> str:
    """A bounded, deterministic file-name component: never empty, never '.', '..' or a path."""
    cleaned = _SAFE_NAME.sub("_", name.lower()).strip("._") or "_"
    return cleaned[:limit]


def write_atomic(path: Path, data: bytes) -> bool:
    """Write ``data`` to ``path`` via a temp file and os.replace; False when already identical."""
    try:
        if path.read_bytes() == data:
            return False
    except OSError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise
    return True


class TextStore:
    """Reads and writes the text archive under ``root``."""

    def __init__(self, root: str | os.PathLike):
        self.root = Path(root)

    def derived_path(self, source: str, doc_id: str) -> Path:
        return self.root / "derived" / safe_name(source) / f"{doc_id}.json"

    def write_derived(self, doc: Document) -> None:
        """Cache ``doc``; a different earlier capture of the same page goes into its history."""
        path = self.derived_path(doc.source, doc.id)
        try:
            previous = Document.from_dict(json.loads(path.read_text("utf-8")))
        except (OSError, ValueError, KeyError, TypeError):
            previous = None
        if previous is not None and previous.warc and doc.warc and previous.warc.record_id != doc.warc.record_id:
            history = self.history(doc.source, doc.id)
            earlier = {"fetched": previous.fetched, "payload_digest": previous.warc.payload_digest}
            if earlier not in history:
                self.write_history(doc.source, doc.id, sorted([*history, earlier], key=lambda h: h["fetched"]))
        data = json.dumps(doc.to_dict(), ensure_ascii=False, sort_keys=True).encode("utf-8")
        write_atomic(path, data)

    def history(self, source: str, doc_id: str) -> list[dict]:
        """Earlier captures of a page (fetched, payload digest), oldest first."""
        try:
            return json.loads(self.derived_path(source, doc_id).with_suffix(".history").read_text("utf-8"))
        except (OSError, ValueError):
            return []

    def write_history(self, source: str, doc_id: str, history: list[dict]) -> None:
        data = json.dumps(history, ensure_ascii=False, sort_keys=True).encode("utf-8")
        write_atomic(self.derived_path(source, doc_id).with_suffix(".history"), data)

    def load_derived(self) -> list[Document]:
        """Every cached Document, sorted by (source, id)."""
        docs = []
        for path in sorted((self.root / "derived").glob("*/*.json")):
            docs.append(Document.from_dict(json.loads(path.read_text("utf-8"))))
        return docs

    def publish(self, docs: Iterable[Document], options: Mapping[str, TextOptions]) -> dict[str, int]:
        """Finalize ``docs`` (site-wide boilerplate, clusters) and write every output file."""
        from . import finalize  # imported late: finalize pulls in datasketch

        docs = sorted(docs, key=lambda d: (d.source, d.id))
        history = {doc.id: h for doc in docs if (h := self.history(doc.source, doc.id))}
        result = finalize(docs, options, history)
        counts = {"written": 0, "unchanged": 0, "removed": 0}
        keep = set()
        for (source, doc_id), data in sorted(result.texts.items()):
            path = self.root / "text" / safe_name(source) / f"{doc_id}.txt"
            keep.add(path)
            counts["written" if write_atomic(path, data) else "unchanged"] += 1
        for path in sorted((self.root / "text").glob("*/*.txt")):
            if path not in keep:
                path.unlink()
                counts["removed"] += 1
        for source, phrases in sorted(result.boilerplate.items()):
            data = json.dumps(phrases, ensure_ascii=False, indent=0).encode("utf-8") + b"\n"
            write_atomic(self.root / "boilerplate" / f"{safe_name(source)}.json", data)
        lines = [json.dumps(line, ensure_ascii=False, sort_keys=True) for line in result.manifest]
        write_atomic(self.root / "manifest.jsonl", "".join(f"{line}\n" for line in lines).encode("utf-8"))
        return counts
