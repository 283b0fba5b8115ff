"""Re-derive the text archive from WARC files alone: the engine of ``scrapy rebuild`` and ``scrapy extract``.

Pure (no Scrapy): WARC records in, text files out, through the same ``crawler.text`` functions the
crawl uses, so a rebuild gives the crawl's bytes. Two passes keep memory bounded: the first reads
only record headers and keeps, per document id, where its captures are (200 responses, and
responses that show a removal); the second folds each document's captures oldest first in a
process pool (crawler.text.timeline), every worker reading its own records by offset: the kept
text is the earliest capture of the latest article text, notices and walls never replace it.
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

from crawler.pagewindow import windows
from crawler.pool import text_pool
from crawler.sources import Source
from crawler.text.continuation import key
from crawler.text.model import Capture, Document, TextError, TextOptions, document_id
from crawler.text.pagekind import NotArticle, classify, list_rule
from crawler.text.store import TextStore
from crawler.text.timeline import Timeline, on_article, on_removal
from crawler.warc.errors import WarcReadError, WarcTruncatedError
from crawler.warc.reader import OnError, capture_of, is_html_resource, iter_records, read_record_at

#: stored payloads larger than this are not read back (gzip/brotli bombs, 100 MB pages)
MAX_RECORD_PAYLOAD = 32 * 1024 * 1024


@dataclass(frozen=True, order=True)
class Located:
    """Where one capture of a document is (sortable: oldest WARC-Date first)."""

    warc_date: str
    file: str  # path of the WARC file
    offset: int
    source: str
    removal: str | None = None  # a response that shows a removal (404, a redirect home): its evidence
    url: str = ""
    revisit: bool = False  # a revisit record: the page was revalidated, its payload is an earlier record's


def warc_files(directory: str | os.PathLike) -> list[Path]:
    """Closed WARC files of an archive, sorted by name (``.open`` files are being written)."""
    directory = Path(directory)
    return sorted(p for p in directory.iterdir() if p.name.endswith((".warc.gz", ".warc")) and p.is_file())


def _warcinfo_source(record) -> str | None:
    """The ``source:`` field of a warcinfo record, when the archiver wrote it."""
    try:
        text = record.content_stream().read(65536).decode("utf-8", "replace")
    except Exception:  # noqa: BLE001  a damaged warcinfo names no source; iteration reports the damage
        return None
    for line in text.splitlines():
        key, _, value = line.partition(":")
        if key.strip().lower() == "source" and value.strip():
            return value.strip()
    return None


def _host(url: str) -> str:
    return (urlsplit(url).hostname or "unknown").lower()


def locate(paths: Iterable[Path], sources: Mapping[str, Source] | None,
           on_error: OnError | None = None) -> dict[str, Located]:
    """Per document id, its latest 200 response (the capture a plain extraction would use)."""
    return {doc_id: max(c for c in found if c.removal is None)
            for doc_id, found in locate_all(paths, sources, on_error).items() if any(c.removal is None for c in found)}


def locate_all(paths: Iterable[Path], sources: Mapping[str, Source] | None,
               on_error: OnError | None = None) -> dict[str, list[Located]]:
    """Per document id, every capture that can change its text or its state, oldest first: each
    200 response (or HTML resource record), and each other response that shows a removal
    (crawler.text.pagekind). Only record headers are read. ``sources`` None: every response
    counts as an article's. ``on_error`` receives each file or record that cannot be read (see
    ``iter_records``)."""
    every, _ = locate_pages(paths, sources, on_error)
    return {doc_id: [c for c in found if not c.revisit] for doc_id, found in every.items()}


def _status(record) -> int | None:
    """A response's status; 200 for HTML in a resource record (as browser-based tools store
    pages); 0 for a revisit (its HTTP headers are not needed); None for a record without a page."""
    if record.rec_type == "revisit":
        return 0
    if record.rec_type == "response" and record.http_headers is not None:
        return int(record.http_headers.get_statuscode() or 0)
    if record.rec_type == "resource" and is_html_resource(record.rec_headers):
        return 200
    return None


def locate_pages(paths: Iterable[Path], sources: Mapping[str, Source] | None, on_error: OnError | None = None,
                 ) -> tuple[dict[str, list[Located]], dict[str, list[Located]]]:
    """:func:`locate_all`, with the revisits of every article page, and per first-page address
    the 200 responses and revisits of the addresses that may be its continuation pages (a page
    suffix or parameter on its stem: crawler.text.continuation.key), oldest first."""
    every: dict[str, list[Located]] = {}
    pages: dict[str, list[Located]] = {}
    source, current = None, None
    for path, offset, record in iter_records(paths, on_error):
        if path != current:  # a warcinfo names the source of the records after it, in its file
            source, current = None, path
        if record.rec_type == "warcinfo":
            source = _warcinfo_source(record)
            continue
        status = _status(record)
        if status is None:
            continue
        revisit = record.rec_type == "revisit"
        url = record.rec_headers.get_header("WARC-Target-URI")
        page = key(url)
        if page is not None and (status == 200 or revisit):
            pages.setdefault(page.first, []).append(
                Located(record.rec_headers.get_header("WARC-Date"), str(path), offset, source or _host(url), None,
                        url, revisit))
        name = _document_source(url, source, sources)
        if name is None:
            continue
        removal = None
        if revisit:
            pass
        elif status != 200:
            seed = (sources or {}).get(name)
            kind = classify(url, status, record.http_headers.get_header("Location"), None,
                            list_rule(seed.text.list_patterns) if seed else None)
            if kind.removal is None:
                continue
            removal = kind.removal
        found = Located(record.rec_headers.get_header("WARC-Date"), str(path), offset, name, removal, url, revisit)
        every.setdefault(document_id(url), []).append(found)
    return ({doc_id: sorted(found) for doc_id, found in every.items()},
            {first: sorted(found) for first, found in pages.items()})


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


def derive_located(found: Located, options: TextOptions,
                   lookup: Callable[[str], Capture | None] = lambda url: None) -> Document | TextError:
    """Pool entry point: read one record and derive it (``lookup``: the captures of its other
    pages, when it is the first page of a multi-page article; crawler.text.multipage)."""
    from crawler.text.multipage import derive_article  # imported here: trafilatura is slow to import

    try:
        capture = read_capture(found.file, found.offset, found.source)
    except WarcTruncatedError as exc:  # never derived as if it were the whole page
        return TextError("truncated", str(exc))
    except (WarcReadError, OSError) as exc:
        return TextError("unreadable-record", str(exc))
    try:
        return derive_article(capture, lookup, options)
    except TextError as exc:
        return exc


def rebuild(
    paths: Iterable[Path],
    target: str | os.PathLike,
    sources: Mapping[str, Source] | None,
    workers: int = 1,
    max_decompressed_size: int | None = None,
    progress: Callable[[int, int], None] | None = None,
    skipped: list[str] | None = None,
    only_articles: bool = False,
) -> dict[str, int]:
    """Derive every document of the WARC files ``paths`` into ``target``; returns counts.
    ``skipped``, when given, receives one line per file or record that could not be read, and per
    truncated record (each names its file and offset); without it the first one raises.
    ``only_articles``: pages that do not read as articles give no text (``scrapy extract``)."""
    paths = list(paths)
    on_error = None if skipped is None else (lambda error: skipped.append(str(error)))
    store = TextStore(target)
    written: set[Path] = set()  # the derived files of this rebuild: earlier ones in target are not published
    dropped: dict[str, int] = {}
    with _executor(workers) as pool:
        warm_up(pool)
        options = {name: src.text for name, src in (sources or {}).items()}
        every, pages = locate_pages(paths, sources, on_error)
        root = str(store.root)
        args = []
        for _, found in sorted(every.items()):
            candidates = tuple(pages.get(found[0].url, ()))
            if not candidates:  # a single-page article: its revisits change nothing
                found = [c for c in found if not c.revisit]
            if found:
                args.append((found, _options_for(options, found[0].source, max_decompressed_size, only_articles), root, candidates))
        del every, pages
        results = pool.map(_store_star, args, chunksize=2)  # every job submitted now
        if workers > 1:
            import crawler.text.dedup  # noqa: F401  the publish's imports (numpy), while the workers derive
        for done, (result, damaged) in enumerate(results, 1):
            if skipped is not None:
                skipped.extend(damaged)
            if isinstance(result, TextError):
                dropped[result.reason] = dropped.get(result.reason, 0) + 1
            elif result is not None:  # each worker writes its documents: only their names come back
                written.add(store.derived_path(*result))
            if progress:
                progress(done, len(args))
        parallel = pool if isinstance(pool, ProcessPoolExecutor) else None
        counts = store.publish(options, only=written, pool=parallel, workers=workers)
    if skipped is not None:  # in the order of the files given, then of offsets
        order = {str(path): n for n, path in enumerate(paths)}
        skipped.sort(key=lambda line: _line_key(line, order))
    counts["documents"] = len(written)
    counts.update({f"dropped/{k}": v for k, v in sorted(dropped.items())})
    return counts


#: reasons of a page without text that say the WARC record itself is damaged
DAMAGED = ("truncated", "unreadable-record")


def _line_key(line: str, order: Mapping[str, int]) -> tuple[int, int, str]:
    """Lines naming ``<file>: offset <n>:`` sort by the file's place in ``order``, then offset."""
    file, _, rest = line.partition(": offset ")
    number = rest.split(":", 1)[0]
    return order.get(file, len(order)), int(number) if number.isdigit() else -1, line


def _where(found: Located, error: TextError) -> str:
    """The error's line, naming the record's file and offset."""
    text = str(error)
    return text if text.startswith(found.file) else f"{found.file}: offset {found.offset}: {text}"


def derive_stored(captures: list[Located], options: TextOptions, root: str, pages: tuple[Located, ...] = (),
                  ) -> tuple[tuple[str, str] | TextError | None, tuple[str, ...]]:
    """Pool entry point of a rebuild: fold every capture of one document, oldest first, as the
    crawl did one at a time (crawler.text.timeline), and write its kept Document and timeline
    under ``root`` here in the worker; (source, id) comes back, not the Document. A document no
    article capture gave gives the last capture's TextError (None: only removals). ``pages``:
    the captures of its possible continuation pages (crawler.pagewindow: which go with each
    capture of the first page). Second: one line per capture whose record is damaged
    (truncated, unreadable), naming file and offset."""
    doc, timeline, error, damaged = None, Timeline(), None, []
    for found, lookup in windows(captures, pages, read_capture):
        if found.removal is not None:
            step = on_removal(doc, timeline, found.warc_date, found.removal)
        else:
            result = derive_located(found, options, lookup)
            if isinstance(result, NotArticle) and result.kind.removal:
                step = on_removal(doc, timeline, found.warc_date, result.kind.removal)
                error = result
            elif isinstance(result, TextError):
                error = result
                if result.reason in DAMAGED:
                    damaged.append(_where(found, result))
                continue
            else:
                step = on_article(doc, timeline, result)
        doc, timeline = step.doc, step.timeline
    if doc is None:
        return error, tuple(damaged)
    store = TextStore(root)
    store.write_derived(doc)
    store.write_timeline(doc.source, doc.id, timeline)
    return (doc.source, doc.id), tuple(damaged)


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
    outcome: str = "new"  # crawler.text.timeline: new, same (text unchanged, file kept), edited, old
    restored: bool = False  # the article had been removed and is back


@dataclass(frozen=True)
class Skipped:
    """A capture that is not the article (crawler.text.pagekind): its kind, and whether it marked
    an archived article removed."""

    kind: str
    evidence: str
    removed: bool = False


def derive_page(capture: Capture | Located, options: TextOptions, root: str,
                pages: tuple[Capture | Located, ...] = ()) -> Stored | Skipped | TextError:
    """Pool entry point: derive the page and fold it into the document's cache under ``root``
    here in the worker (crawler.text.store.TextStore.advance: encoding the JSON and writing the
    file stay off the crawl's event loop, and the Document does not travel back). A TextError is
    returned, not raised, so it crosses the process boundary intact. ``pages``: every page of a
    multi-page article captured with it (revisited ones as the Located record they stand for),
    read here; ``capture`` is then its first page."""
    from crawler.text.multipage import derive_article

    try:
        captures = [_read(p) for p in pages]
        if isinstance(capture, Located):
            capture = _read(capture)
    except (WarcReadError, OSError) as exc:
        return TextError("unreadable-record", str(exc))
    by_url = {c.url: c for c in captures}
    try:
        doc = derive_article(capture, by_url.get, options)
    except NotArticle as exc:
        removed = False
        if exc.kind.removal:
            step = TextStore(root).record_removal(capture.source, document_id(capture.url), capture.warc_date,
                                                  exc.kind.removal)
            removed = step.removed
        return Skipped(exc.kind.kind, exc.kind.evidence, removed)
    except TextError as exc:
        return exc
    step = TextStore(root).advance(doc)
    return Stored(doc.encoding.repairs, doc.removed, step.outcome, step.restored)


def derive_with_pages(found: Located, options: TextOptions, pages: tuple[Located, ...]) -> Document | TextError:
    """Pool entry point: :func:`derive_located` of a first page with the archived records of the
    addresses that may be its continuation pages (the crawl's catch-up, from the state)."""
    by_url = {page.url: page for page in pages}

    def lookup(url: str) -> Capture | None:
        page = by_url.get(url)
        try:
            return _read(page) if page is not None else None
        except (WarcReadError, OSError):
            return None

    return derive_located(found, options, lookup)


def _read(page: Capture | Located) -> Capture:
    return page if isinstance(page, Capture) else read_capture(page.file, page.offset, page.source)


def publish_archive(root: str, seeds_dir: str, pool: ProcessPoolExecutor | None = None,
                    workers: int = 1) -> dict[str, int]:
    """Finalize every cached Document of the archive and write the outputs; the per-document
    steps run in ``pool`` (of ``workers``) when one is given."""
    from crawler.sources import SeedError, scan_sources

    try:  # a broken seed costs its own source's options only, not every source's
        options = {name: src.text for name, src in scan_sources(seeds_dir)[0].items()}
    except SeedError:
        options = {}
    store = TextStore(root)
    counts = store.publish(options, pool=pool, workers=workers)
    for path in store.unreadable:  # set aside: the crawl's catch-up derives it again from its WARC record
        try:
            path.replace(path.with_name(path.name + ".damaged"))
        except OSError:
            pass
    return counts


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
