"""Re-derive the text archive from WARC files alone: the engine of ``scrapy rebuild`` and ``scrapy extract``.

Pure (no Scrapy): WARC records in, text files out, through the same ``crawler.text`` functions the
crawl uses, so a rebuild gives the crawl's bytes. Two passes keep memory bounded: the first reads
only record headers and keeps, per document id, the location of its latest 200 response; the
second derives each document in a process pool, every worker reading its own record by offset.
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import urlsplit

from crawler.pool import text_pool
from crawler.sources import Source
from crawler.text.model import Capture, Document, TextError, TextOptions, document_id
from crawler.text.store import TextStore
from crawler.warc.errors import WarcReadError
from crawler.warc.reader import capture_of, iter_records, read_record_at

#: stored payloads larger than this are not read back (gzip/brotli bombs, 100 MB pages)
MAX_RECORD_PAYLOAD = 32 * 1024 * 1024


@dataclass(frozen=True, order=True)
class Located:
    """Where the latest capture of one document is (sortable: latest WARC-Date wins)."""

    warc_date: str
    file: str  # path of the WARC file
    offset: int
    source: str


def warc_files(directory: str | os.PathLike) -> list[Path]:
    """Closed WARC files of an archive, sorted by name (``.open`` files are being written)."""
    directory = Path(directory)
    return sorted(p for p in directory.iterdir() if p.name.endswith((".warc.gz", ".warc")) and p.is_file())


def _warcinfo_source(record) -> str | None:
    """The ``source:`` field of a warcinfo record, when the archiver wrote it."""
    text = record.content_stream().read(65536).decode("utf-8", "replace")
    for line in text.splitlines():
        key, _, value = line.partition(":")
        if key.strip().lower() == "source" and value.strip():
            return value.strip()
    return None


def _host(url: str) -> str:
    return (urlsplit(url).hostname or "unknown").lower()


def locate(paths: Iterable[Path], sources: Mapping[str, Source] | None,
           earlier: dict[str, list[Located]] | None = None) -> dict[str, Located]:
    """Per document id, the latest article capture. ``sources`` None: every 200 response counts.
    ``earlier``, when given, receives the other captures of each id (its manifest history)."""
    latest: dict[str, Located] = {}
    every: dict[str, list[tuple[Located, str]]] = {}
    source, current = None, None
    for path, offset, record in iter_records(paths):
        if path != current:  # a warcinfo names the source of the records after it, in its file
            source, current = None, path
        if record.rec_type == "warcinfo":
            source = _warcinfo_source(record)
            continue
        if record.rec_type != "response" or record.http_headers is None:
            continue
        if record.http_headers.get_statuscode() != "200":
            continue
        url = record.rec_headers.get_header("WARC-Target-URI")
        name = _document_source(url, source, sources)
        if name is not None:
            found = Located(record.rec_headers.get_header("WARC-Date"), str(path), offset, name)
            doc_id = document_id(url)
            every.setdefault(doc_id, []).append((found, record.rec_headers.get_header("WARC-Payload-Digest") or ""))
            if doc_id not in latest or latest[doc_id] < found:
                latest[doc_id] = found
    if earlier is not None:
        for doc_id, captures in every.items():
            earlier[doc_id] = [{"fetched": c.warc_date, "payload_digest": digest}
                               for c, digest in sorted(captures) if c != latest[doc_id]]
    return latest


def _document_source(url: str, source: str | None, sources: Mapping[str, Source] | None) -> str | None:
    """Which source a response belongs to, or None when it is not an article page."""
    if sources is None:
        return source or _host(url)
    seed = sources.get(source or "")
    if seed is None or not seed.is_article(url):
        return None
    return seed.name


def read_capture(path: str | os.PathLike, offset: int, source: str) -> Capture:
    """The Capture of the response record at ``offset`` (payload read with a hard cap). A file
    still being written (``.open``, during a crawl) is read under that name but referred to by
    its final one, as every WarcRef is."""
    return capture_of(read_record_at(path, offset, MAX_RECORD_PAYLOAD), source)


def derive_located(found: Located, options: TextOptions) -> Document | TextError:
    """Pool entry point: read one record and derive it."""
    from crawler.text import derive  # imported here: trafilatura is slow to import for every command

    try:
        capture = read_capture(found.file, found.offset, found.source)
    except (WarcReadError, OSError) as exc:
        return TextError("unreadable-record", str(exc))
    try:
        return derive(capture, options)
    except TextError as exc:
        return exc


def rebuild(
    paths: Iterable[Path],
    target: str | os.PathLike,
    sources: Mapping[str, Source] | None,
    workers: int = 1,
    max_decompressed_size: int | None = None,
    progress: Callable[[int, int], None] | None = None,
    only_articles: bool = False,
) -> dict[str, int]:
    """Derive every document of the WARC files ``paths`` into ``target``; returns counts.
    ``only_articles``: pages that do not read as articles give no text (``scrapy extract``)."""
    earlier: dict[str, list[dict]] = {}
    store = TextStore(target)
    written: set[Path] = set()  # the derived files of this rebuild: earlier ones in target are not published
    dropped: dict[str, int] = {}
    with _executor(workers) as pool:
        warm_up(pool)
        latest = locate(paths, sources, earlier)
        options = {name: src.text for name, src in (sources or {}).items()}
        jobs = sorted(latest.items())
        del latest
        root = str(store.root)
        args = [(found, _options_for(options, found.source, max_decompressed_size, only_articles), root,
                 earlier.get(doc_id))
                for doc_id, found in jobs]
        del earlier
        results = pool.map(_store_star, args, chunksize=2)  # every job submitted now
        if workers > 1:
            import crawler.text.dedup  # noqa: F401  the publish's imports (numpy), while the workers derive
        for done, result in enumerate(results, 1):
            if isinstance(result, TextError):
                dropped[result.reason] = dropped.get(result.reason, 0) + 1
            else:  # each worker writes its documents: only their names come back
                written.add(store.derived_path(*result))
            if progress:
                progress(done, len(jobs))
        parallel = pool if isinstance(pool, ProcessPoolExecutor) else None
        counts = store.publish(options, only=written, pool=parallel, workers=workers)
    counts["documents"] = len(written)
    counts.update({f"dropped/{k}": v for k, v in sorted(dropped.items())})
    return counts


def derive_stored(found: Located, options: TextOptions, root: str,
                  history: list[dict] | None) -> tuple[str, str] | TextError:
    """Pool entry point of a rebuild: derive one record and write its Document (and the page's
    earlier captures) under ``root`` here in the worker; (source, id) comes back, not the Document."""
    result = derive_located(found, options)
    if isinstance(result, TextError):
        return result
    store = TextStore(root)
    store.write_derived(result)
    if history:
        store.write_history(result.source, result.id, history)
    return result.source, result.id


def _options_for(options: Mapping[str, TextOptions], source: str, max_size: int | None,
                 only_articles: bool = False) -> TextOptions:
    base = options.get(source, TextOptions())
    base = replace(base, only_articles=True) if only_articles else base
    return replace(base, max_decompressed_size=max_size) if max_size else base


def _store_star(args: tuple) -> tuple[str, str] | TextError:
    return derive_stored(*args)


class _InlineExecutor:
    """One worker: derive in this process (no pool start-up cost, easier to profile)."""

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def map(self, fn, items, chunksize=1):
        return map(fn, items)


def _executor(workers: int):
    if workers <= 1:
        return _InlineExecutor()
    return text_pool(workers)


def _nothing() -> None:
    pass


def warm_up(pool) -> None:
    """Start a pool's first worker now, from a thread: the forkserver imports the text steps
    (~1 s) while the rebuild locates its records instead of after (starting a worker waits for
    that import, so it is not done on the calling thread). (A crawl does not: on a machine
    running several crawl workers, every forkserver importing at once delays the crawls' start.)"""

    def start() -> None:
        try:
            pool.submit(_nothing)
        except Exception:  # noqa: BLE001  a broken pool says so again at the first real job
            pass

    if isinstance(pool, ProcessPoolExecutor):
        threading.Thread(target=start, name="pool-warm-up", daemon=True).start()


# --- what the crawl's TextPipeline runs (its pool entry points here, not in the pipeline module,
# so worker processes import neither Scrapy nor Twisted)

@dataclass(frozen=True)
class Stored:
    """What the crawl gets back for a page derived and cached by a worker: its stats only."""

    repairs: int  # paragraphs whose mojibake was undone
    removed: tuple[tuple[str, int], ...]  # per-page boilerplate removed: (rule, count)


def derive_page(capture: Capture, options: TextOptions, root: str) -> Stored | TextError:
    """Pool entry point: derive the page and cache its Document under ``root`` here in the worker
    (encoding the JSON and writing the file stay off the crawl's event loop, and the Document
    does not travel back). A TextError is returned, not raised, so it crosses the process
    boundary intact."""
    from crawler.text import derive

    try:
        doc = derive(capture, options)
    except TextError as exc:
        return exc
    TextStore(root).write_derived(doc)
    return Stored(doc.encoding.repairs, doc.removed)


def publish_archive(root: str, seeds_dir: str, pool: ProcessPoolExecutor | None = None,
                    workers: int = 1) -> dict[str, int]:
    """Finalize every cached Document of the archive and write the outputs; the per-document
    steps run in ``pool`` (of ``workers``) when one is given."""
    from crawler.sources import SeedError, load_sources

    try:
        options = {name: src.text for name, src in load_sources(seeds_dir).items()}
    except SeedError:
        options = {}
    return TextStore(root).publish(options, pool=pool, workers=workers)


def terminal_progress(done: int, total: int) -> None:
    """A one-line progress bar on stderr, only when stderr is a terminal."""
    if not sys.stderr.isatty() or total == 0:
        return
    width = 30
    filled = width * done // total
    sys.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
    if done == total:
        sys.stderr.write("\n")
    sys.stderr.flush()
