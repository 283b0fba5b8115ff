"""Publishing the text archive: the derived documents finalized into text files, manifest and
boilerplate sets (docs/architecture.md, "Data flow").

:func:`publish` lists the derived files once and reads them from a hard-link snapshot, so crawl
workers that replace a file meanwhile change none of its passes; runs the site-wide passes
(crawler.text.sitewide) here or in a process pool's workers, which write the text files
themselves; writes the manifest and boilerplate sets and removes text files no document gives.
``.finalized.json`` holds a digest of what the last publish read and left: when both still match,
publishing is skipped. The files are written through crawler.text.store.
"""

from __future__ import annotations

import errno
import hashlib
import json
import logging
import os
import shutil
import tempfile
from collections.abc import Callable, Collection, Mapping
from concurrent.futures import Executor
from dataclasses import dataclass, replace
from itertools import repeat
from pathlib import Path
from typing import TYPE_CHECKING

from crawler.atomic import open_atomic, write_atomic

from .model import Document, TextOptions
from .store import UNREADABLE, TextStore, load_document, safe_name
from .timeline import Timeline

if TYPE_CHECKING:
    from .sitewide import RenderedText, StepRunner

_SNAPSHOT = ".publish."  # prefix of a publish's snapshot directory in the root
_FINALIZED = ".finalized.json"  # what the last publish read and wrote (see publish)
# the modules whose code decides the published bytes from the derived documents
_PUBLISH_CODE = ("sitewide.py", "render.py", "dedup.py", "store.py", "publish.py", "timeline.py")
logger = logging.getLogger(__name__)


def publish(
    store: TextStore,
    options: Mapping[str, TextOptions],
    only: Collection[Path] | None = None,
    pool: Executor | None = None,
    workers: int = 1,
    snapshot: bool = True,
) -> dict[str, int]:
    """Finalize the cached Documents of ``store`` (site-wide boilerplate, clusters) and write every
    output file, one document at a time (crawler.text.sitewide). ``only``: the derived files to use
    (default: all). ``pool``: a process pool of ``workers`` that runs the per-document steps
    (reading, counting, signatures, rendering and writing text files); the same bytes come
    out. A source without options gets the defaults. The derived files are listed
    once and read from a snapshot, so files written meanwhile wait for the next publish; an
    unreadable one is left out, with one log line, counted as ``skipped`` and named in
    ``store.unreadable``. ``snapshot`` False: the derived files are read where they are, for a
    caller that no other process writes them for while it publishes (``scrapy rebuild``, whose
    workers are done): two hard links and two unlinks a document fewer."""
    root = store.root
    counts = {"written": 0, "unchanged": 0, "removed": 0}
    root.mkdir(parents=True, exist_ok=True)
    leftovers = remove_leftovers(root)
    inputs = _inputs_signature(root, options) if only is None else None
    if inputs is not None and _last_finalized(root) == {"inputs": inputs, "outputs": _outputs_signature(root)}:
        # an unchanged re-crawl: same documents, options and code give the same bytes, and the
        # outputs are as that publish left them; nothing to read, import or write
        logger.info("%s: text archive unchanged since it was last finalized", root)
        counts["unchanged"] = len(list((root / "text").glob("*/*.txt")))
        if leftovers:
            counts["leftovers"] = leftovers
        return counts
    counts.update(_finalize(store, options, only, pool, workers, snapshot))
    if inputs is not None:
        state = {"inputs": inputs, "outputs": _outputs_signature(root)}
        write_atomic(root / _FINALIZED, json.dumps(state, sort_keys=True).encode("utf-8"))
    if leftovers:
        counts["leftovers"] = leftovers
    return counts


def remove_leftovers(root: Path) -> int:
    """Remove what an interrupted write or publish left: hidden ``.<name>.*.tmp`` files in
    text/<source>/ and boilerplate/, the manifest's in the root, and publish snapshots. Never
    in derived/, where crawl workers may be writing while one process publishes."""
    found = [p for d in sorted((root / "text").glob("*")) if d.is_dir() for p in d.glob(".*.tmp")]
    found += [*(root / "boilerplate").glob(".*.tmp"), *root.glob(".manifest.jsonl.*.tmp")]
    removed = 0
    for path in found:
        if path.is_file():
            path.unlink(missing_ok=True)
            removed += 1
    for path in root.glob(f"{_SNAPSHOT}*"):
        shutil.rmtree(path, ignore_errors=True)
    return removed


def _snapshot(
    store: TextStore, only: Collection[Path] | None, links: bool = True
) -> tuple[Path, list[tuple[Path, Path]]]:
    """Hard links to the derived files (and their histories) as they are now, in the same
    layout: workers that replace a file while we publish (os.replace: a new inode) change
    none of our passes. Returns the snapshot and (copy, original) of each Document file.
    ``links`` False: no links, the derived directory itself is the snapshot (copy is original)."""
    derived = store.root / "derived"
    snapshot = Path(tempfile.mkdtemp(prefix=_SNAPSHOT, dir=store.root)) if links else derived
    refs = []
    joined = store.continuation_ids()  # pages of a multi-page article: in its text, not texts
    for path in store.derived_files():
        if only is not None and path not in only or (path.parent.name, path.stem) in joined:
            continue
        if not links:
            refs.append((path, path))
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


def _inputs_signature(root: Path, options: Mapping[str, TextOptions]) -> str:
    """Digest of what a publish reads: each derived file and history (name, inode, size, mtime: a
    write replaces a file only when its bytes change), the options, the publishing code."""
    digest = hashlib.sha256(repr(sorted(options.items())).encode("utf-8"))
    for name in _PUBLISH_CODE:
        digest.update(Path(__file__).with_name(name).read_bytes())
    for path in sorted((root / "derived").glob("*/*")):
        if path.suffix in (".json", ".history", ".pages"):
            digest.update(_stat_line(path, root))
    return digest.hexdigest()


def _outputs_signature(root: Path) -> str:
    """Digest of the published files as they are (name, inode, size, mtime): a text file edited or
    deleted since then makes the next publish run in full and restore it."""
    digest = hashlib.sha256()
    paths = [*(root / "text").glob("*/*.txt"), *(root / "boilerplate").glob("*.json"), root / "manifest.jsonl"]
    for path in sorted(paths):
        digest.update(_stat_line(path, root))
    return digest.hexdigest()


def _stat_line(path: Path, root: Path) -> bytes:
    try:
        st = path.stat()
    except FileNotFoundError:
        return f"{path.relative_to(root)} -\n".encode()
    return f"{path.relative_to(root)} {st.st_ino} {st.st_size} {st.st_mtime_ns}\n".encode()


def _last_finalized(root: Path) -> dict | None:
    try:
        return json.loads((root / _FINALIZED).read_text("utf-8"))
    except (OSError, ValueError):
        return None


def _finalize(
    store: TextStore,
    options: Mapping[str, TextOptions],
    only: Collection[Path] | None,
    pool: Executor | None,
    workers: int,
    links: bool = True,
) -> dict[str, int]:
    """The site-wide passes over a snapshot of the derived files, and every output file written."""
    from .sitewide import finalize_stream, run_here  # imported late: it pulls in numpy

    counts = {"written": 0, "unchanged": 0, "removed": 0}
    snapshot, refs = _snapshot(store, only, links)
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
    text = store.root / "text"

    def emit_text(result: RenderedText) -> None:
        path = text / safe_name(result.source) / f"{result.id}.txt"
        keep.add(path)
        changed = result.changed if result.data is None else write_atomic(path, result.data)
        counts["written" if changed else "unchanged"] += 1

    runner = run_here(load) if pool is None else in_pool(pool, workers, str(text), unreadable)
    try:
        with open_atomic(store.root / "manifest.jsonl") as manifest:
            boilerplate = finalize_stream(
                refs,
                load,
                options,
                emit_text,
                lambda entry: manifest.write(
                    json.dumps(entry, ensure_ascii=False, sort_keys=True).encode("utf-8") + b"\n"
                ),
                history=history,
                default_options=True,
                runner=runner,
            )
            for original in skipped:  # a damaged cache never costs the text it gave
                keep.add(text / original.parent.name / f"{original.stem}.txt")
            for path in sorted(text.glob("*/*.txt")):
                if path not in keep:
                    path.unlink()
                    counts["removed"] += 1
            for source, phrases in sorted(boilerplate.items()):
                data = json.dumps(phrases, ensure_ascii=False, indent=0).encode("utf-8") + b"\n"
                write_atomic(store.root / "boilerplate" / f"{safe_name(source)}.json", data)
    finally:
        if links:
            shutil.rmtree(snapshot, ignore_errors=True)
    if skipped:
        counts["skipped"] = len(skipped)
    store.unreadable = sorted(skipped)
    return counts


@dataclass(frozen=True)
class _Unreadable:
    original: Path
    problem: str


def _read(copy: Path, original: Path) -> Document | _Unreadable:
    """The Document of a snapshot file, or what is wrong with it (``original`` names it)."""
    try:
        return load_document(copy)
    except UNREADABLE as exc:
        return _Unreadable(original, f"{type(exc).__name__}: {exc}")


def in_pool(pool: Executor, workers: int, text_root: str, unreadable: Callable[[Path, str], None]) -> StepRunner:
    """A step runner of crawler.text.sitewide that runs the steps in ``pool``: a few chunks of
    documents per worker and pass (the context travels with every chunk), results in order."""

    def run(step, refs: list, context):
        size = max(1, -(-len(refs) // (4 * workers)))
        chunks = [refs[i : i + size] for i in range(0, len(refs), size)]
        for results in pool.map(run_step_on_chunk, repeat(step), chunks, repeat(context), repeat(text_root)):
            for result in results:
                if isinstance(result, _Unreadable):
                    unreadable(result.original, result.problem)
                    yield None
                else:
                    yield result

    return run


def run_step_on_chunk(step, refs: list[tuple[Path, Path]], context, text_root: str) -> list:
    """Pool entry point: ``step`` over a chunk of snapshot files. A rendered text is written here,
    in the worker (only whether it changed goes back)."""
    from .sitewide import RenderedText

    results = []
    for copy, original in refs:
        doc = _read(copy, original)
        if isinstance(doc, _Unreadable):
            results.append(doc)
            continue
        result = step(doc, context)
        if isinstance(result, RenderedText):
            path = Path(text_root) / safe_name(result.source) / f"{result.id}.txt"
            result = replace(result, data=None, changed=write_atomic(path, result.data))
        results.append(result)
    return results


__all__ = ["in_pool", "publish", "remove_leftovers", "run_step_on_chunk"]
