"""The text archive on disk: derived-document cache, text files, manifest and boilerplate sets.

Layout (docs/formats.md)::

    <root>/derived/<source>/<id>.json   Document cache: derive() output, so finalizing needs no re-parse
    <root>/text/<source>/<id>.txt       rendered text files
    <root>/manifest.jsonl               one line per text file, sorted by id
    <root>/boilerplate/<source>.json    learned site-wide boilerplate set

Every file is written atomically (``crawler.atomic``: temp file + os.replace, mode 0666 less the
umask) and only when its bytes change, so an interrupted write never leaves half a file and a
re-crawl touches only what changed.
"""

from __future__ import annotations

import errno
import hashlib
import json
import logging
import os
import re
import shutil
import tempfile
from collections.abc import Callable, Collection, Mapping
from concurrent.futures import Executor
from dataclasses import dataclass, replace
from itertools import repeat
from pathlib import Path
from typing import TYPE_CHECKING

from crawler.atomic import open_atomic, write_atomic

from .model import Document, TextOptions, document_id
from .timeline import Step, Timeline, on_article, on_removal

if TYPE_CHECKING:
    from .sitewide import Rendered

_SAFE_NAME = re.compile(r"[^a-z0-9._-]+")
_SNAPSHOT = ".publish."  # prefix of a publish's snapshot directory in the root
_FINALIZED = ".finalized.json"  # what the last publish read and wrote (see TextStore.publish)
# the modules whose code decides the published bytes from the derived documents
_PUBLISH_CODE = ("sitewide.py", "render.py", "dedup.py", "store.py", "timeline.py")
logger = logging.getLogger(__name__)


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
        except _UNREADABLE:
            return None

    def timeline(self, source: str, doc_id: str) -> Timeline:
        """What became of a page so far (crawler.text.timeline): events, removal, last seen."""
        try:
            return Timeline.from_json(json.loads(self.derived_path(source, doc_id).with_suffix(".history").read_text("utf-8")))
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

    def remove_leftovers(self) -> int:
        """Remove what an interrupted write or publish left: hidden ``.<name>.*.tmp`` files in
        text/<source>/ and boilerplate/, the manifest's in the root, and publish snapshots. Never
        in derived/, where crawl workers may be writing while one process publishes."""
        found = [p for d in sorted((self.root / "text").glob("*")) if d.is_dir() for p in d.glob(".*.tmp")]
        found += [*(self.root / "boilerplate").glob(".*.tmp"), *self.root.glob(".manifest.jsonl.*.tmp")]
        removed = 0
        for path in found:
            if path.is_file():
                path.unlink(missing_ok=True)
                removed += 1
        for path in self.root.glob(f"{_SNAPSHOT}*"):
            shutil.rmtree(path, ignore_errors=True)
        return removed

    def _snapshot(self, only: Collection[Path] | None) -> tuple[Path, list[tuple[Path, Path]]]:
        """Hard links to the derived files (and their histories) as they are now, in the same
        layout: workers that replace a file while we publish (os.replace: a new inode) change
        none of our passes. Returns the snapshot and (copy, original) of each Document file."""
        snapshot = Path(tempfile.mkdtemp(prefix=_SNAPSHOT, dir=self.root))
        derived = self.root / "derived"
        refs = []
        joined = self.continuation_ids()  # pages of a multi-page article: in its text, not texts
        for path in self.derived_files():
            if only is not None and path not in only or (path.parent.name, path.stem) in joined:
                continue
            (snapshot / path.parent.name).mkdir(exist_ok=True)
            for suffix in (".json", ".history"):
                original = path.with_suffix(suffix)
                copy = snapshot / original.relative_to(derived)
                try:
                    try:
                        os.link(original, copy)
                    except OSError as exc:
                        if exc.errno not in (errno.EXDEV, errno.EPERM, errno.ENOTSUP, errno.EMLINK):
                            raise
                        shutil.copyfile(original, copy)
                except FileNotFoundError:  # gone since it was listed (or no history): left out
                    continue
                if suffix == ".json":
                    refs.append((copy, path))
        return snapshot, refs

    def publish(self, options: Mapping[str, TextOptions], only: Collection[Path] | None = None,
                pool: Executor | None = None, workers: int = 1) -> dict[str, int]:
        """Finalize the cached Documents (site-wide boilerplate, clusters) and write every output
        file, one document at a time (crawler.text.sitewide). ``only``: the derived files to use
        (default: all). ``pool``: a process pool of ``workers`` that runs the per-document steps
        (reading, counting, signatures, rendering and writing text files); the same bytes come
        out. A source without options gets the defaults. The derived files are listed
        once and read from a snapshot, so files written meanwhile wait for the next publish; an
        unreadable one is left out, with one log line, and counted as ``skipped``."""
        counts = {"written": 0, "unchanged": 0, "removed": 0}
        self.root.mkdir(parents=True, exist_ok=True)
        leftovers = self.remove_leftovers()
        inputs = self._inputs_signature(options) if only is None else None
        if inputs is not None and self._last_finalized() == {"inputs": inputs, "outputs": self._outputs_signature()}:
            # an unchanged re-crawl: same documents, options and code give the same bytes, and the
            # outputs are as that publish left them; nothing to read, import or write
            logger.info("%s: text archive unchanged since it was last finalized", self.root)
            counts["unchanged"] = len(list((self.root / "text").glob("*/*.txt")))
            if leftovers:
                counts["leftovers"] = leftovers
            return counts
        counts.update(self._publish(options, only, pool, workers))
        if inputs is not None:
            state = {"inputs": inputs, "outputs": self._outputs_signature()}
            write_atomic(self.root / _FINALIZED, json.dumps(state, sort_keys=True).encode("utf-8"))
        if leftovers:
            counts["leftovers"] = leftovers
        return counts

    def _inputs_signature(self, options: Mapping[str, TextOptions]) -> str:
        """Digest of what a publish reads: each derived file and history (name, inode, size, mtime: a
        write replaces a file only when its bytes change), the options, the publishing code."""
        digest = hashlib.sha256(repr(sorted(options.items())).encode("utf-8"))
        for name in _PUBLISH_CODE:
            digest.update(Path(__file__).with_name(name).read_bytes())
        for path in sorted((self.root / "derived").glob("*/*")):
            if path.suffix in (".json", ".history", ".pages"):
                digest.update(_stat_line(path, self.root))
        return digest.hexdigest()

    def _outputs_signature(self) -> str:
        """Digest of the published files as they are (name, inode, size, mtime): a text file edited or
        deleted since then makes the next publish run in full and restore it."""
        digest = hashlib.sha256()
        paths = [*(self.root / "text").glob("*/*.txt"), *(self.root / "boilerplate").glob("*.json"),
                 self.root / "manifest.jsonl"]
        for path in sorted(paths):
            digest.update(_stat_line(path, self.root))
        return digest.hexdigest()

    def _last_finalized(self) -> dict | None:
        try:
            return json.loads((self.root / _FINALIZED).read_text("utf-8"))
        except (OSError, ValueError):
            return None

    def _publish(self, options: Mapping[str, TextOptions], only: Collection[Path] | None,
                 pool: Executor | None, workers: int) -> dict[str, int]:
        from .sitewide import finalize_stream, serial  # imported late: it pulls in numpy

        counts = {"written": 0, "unchanged": 0, "removed": 0}
        snapshot, refs = self._snapshot(only)
        skipped = set()

        def unreadable(original: Path, problem: str) -> None:
            if original not in skipped:
                skipped.add(original)
                logger.warning("%s: unreadable derived document left out (%s)", original, problem)

        def load(ref: tuple[Path, Path]) -> Document | None:
            found = _read(*ref)
            if isinstance(found, _Unreadable):
                unreadable(found.original, found.problem)
                return None
            return found

        def history(source: str, doc_id: str) -> dict:
            try:
                data = json.loads((snapshot / safe_name(source) / f"{doc_id}.history").read_text("utf-8"))
                return Timeline.from_json(data).manifest_fields()
            except (OSError, ValueError, AttributeError):
                return {}

        keep = set()
        text = self.root / "text"

        def emit_text(result: Rendered) -> None:
            path = text / safe_name(result.source) / f"{result.id}.txt"
            keep.add(path)
            changed = result.changed if result.data is None else write_atomic(path, result.data)
            counts["written" if changed else "unchanged"] += 1

        each = serial(load) if pool is None else _pooled(pool, workers, str(text), unreadable)
        try:
            with open_atomic(self.root / "manifest.jsonl") as manifest:
                boilerplate = finalize_stream(
                    refs, load, options, emit_text,
                    lambda entry: manifest.write(json.dumps(entry, ensure_ascii=False, sort_keys=True).encode("utf-8") + b"\n"),
                    history=history, default_options=True, each=each)
                for original in skipped:  # a damaged cache never costs the text it gave
                    keep.add(text / original.parent.name / f"{original.stem}.txt")
                for path in sorted(text.glob("*/*.txt")):
                    if path not in keep:
                        path.unlink()
                        counts["removed"] += 1
                for source, phrases in sorted(boilerplate.items()):
                    data = json.dumps(phrases, ensure_ascii=False, indent=0).encode("utf-8") + b"\n"
                    write_atomic(self.root / "boilerplate" / f"{safe_name(source)}.json", data)
        finally:
            shutil.rmtree(snapshot, ignore_errors=True)
        if skipped:
            counts["skipped"] = len(skipped)
        self.unreadable = sorted(skipped)
        return counts


_UNREADABLE = (OSError, ValueError, KeyError, TypeError, AttributeError)


def load_document(path: Path) -> Document:
    """A cached Document from its file (raises one of _UNREADABLE when it cannot be read)."""
    return Document.from_dict(json.loads(path.read_bytes().decode("utf-8")))


@dataclass(frozen=True)
class _Unreadable:
    original: Path
    problem: str


def _read(copy: Path, original: Path) -> Document | _Unreadable:
    """The Document of a snapshot file, or what is wrong with it (``original`` names it)."""
    try:
        return load_document(copy)
    except _UNREADABLE as exc:
        return _Unreadable(original, f"{type(exc).__name__}: {exc}")


def _pooled(pool: Executor, workers: int, text_root: str, unreadable: Callable[[Path, str], None]):
    """An ``each`` of crawler.text.sitewide that runs the steps in ``pool``: a few chunks of
    documents per worker and pass (the context travels with every chunk), results in order."""

    def each(step, refs: list, context):
        size = max(1, -(-len(refs) // (4 * workers)))
        chunks = [refs[i:i + size] for i in range(0, len(refs), size)]
        for results in pool.map(_run_steps, repeat(step), chunks, repeat(context), repeat(text_root)):
            for result in results:
                if isinstance(result, _Unreadable):
                    unreadable(result.original, result.problem)
                    yield None
                else:
                    yield result

    return each


def _run_steps(step, refs: list[tuple[Path, Path]], context, text_root: str) -> list:
    """Pool entry point: ``step`` over a chunk of snapshot files. A rendered text is written here,
    in the worker (only whether it changed goes back)."""
    from .sitewide import Rendered

    results = []
    for copy, original in refs:
        doc = _read(copy, original)
        if isinstance(doc, _Unreadable):
            results.append(doc)
            continue
        result = step(doc, context)
        if isinstance(result, Rendered):
            path = Path(text_root) / safe_name(result.source) / f"{result.id}.txt"
            result = replace(result, data=None, changed=write_atomic(path, result.data))
        results.append(result)
    return results


def _stat_line(path: Path, root: Path) -> bytes:
    try:
        st = path.stat()
    except FileNotFoundError:
        return f"{path.relative_to(root)} -\n".encode()
    return f"{path.relative_to(root)} {st.st_ino} {st.st_size} {st.st_mtime_ns}\n".encode()
