"""The text workers: the process pool's setup and the one entry point, :func:`derive`.

Pure (no Scrapy, no Twisted: worker processes import neither). The crawl (crawler.pipelines: a
new capture, and its catch-up of archived pages without a document) and the rebuild
(crawler.rebuild: every capture of a document) hand a worker a :class:`Job`: where the records
are (crawler.warc.model.Located), never their bodies. The worker reads each record by offset
(crawler.warc.reader: the one builder of a Capture), derives it (crawler.text), folds it into the
document's timeline (crawler.text.timeline) and writes the document under the archive's
``derived/`` here; only a small :class:`Derived` travels back.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

from crawler.pagewindow import Lookup, windows
from crawler.pool import text_pool
from crawler.text.model import Document, TextError, TextOptions, document_id
from crawler.text.pagekind import NotArticle
from crawler.text.store import TextStore
from crawler.text.timeline import Step, Timeline, on_article, on_removal
from crawler.warc.errors import WarcReadError, WarcTruncatedError
from crawler.warc.model import Capture, Located
from crawler.warc.reader import capture_of, read_record_at

#: stored payloads larger than this are not read back (gzip/brotli bombs, 100 MB pages)
MAX_RECORD_PAYLOAD = 32 * 1024 * 1024

#: reasons of a page without text that say the WARC record itself is damaged
DAMAGED = ("truncated", "unreadable-record")


@dataclass(frozen=True)
class Job:
    """What one worker derives: one document's captures of its first page, oldest first.

    ``whole`` False (the crawl, its catch-up): ``captures`` is the one new capture, folded onto
    what the archive already holds for the document; ``pages`` are exactly the pages captured
    with it (a multi-page article, the first page included). ``whole`` True (a rebuild):
    ``captures`` is every capture of the document, folded from nothing; ``pages`` are the
    captures of the addresses that may be its continuation pages, paired with each capture of
    the first page by WARC-Date (crawler.pagewindow)."""

    captures: tuple[Located, ...]
    options: TextOptions
    root: str  # the text archive: the document is written under its derived/
    pages: tuple[Located, ...] = ()
    whole: bool = False


@dataclass(frozen=True)
class Stored:
    """An article capture, folded into its document: its stats only."""

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


@dataclass(frozen=True)
class Derived:
    """What a worker sends back for a Job."""

    last: Stored | Skipped | TextError | None  # what the last capture gave (None: a removal record)
    document: tuple[str, str] | None  # (source, id) of the kept document, when there is one
    error: TextError | None = None  # the last capture that gave no article: why
    damaged: tuple[str, ...] = ()  # one line per capture whose record is damaged, naming file and offset


def read_capture(path: str | os.PathLike, offset: int, source: str) -> Capture:
    """The Capture of the response record at ``offset`` (payload read with a hard cap). A file
    still being written (``.open``, during a crawl) is read under that name but referred to by
    its final one, as every WarcRef is."""
    return capture_of(read_record_at(path, offset, MAX_RECORD_PAYLOAD), source)


def derive(job: Job) -> Derived:
    """Pool entry point of the crawl, its catch-up and the rebuild: derive each capture of the
    job (with its other pages, when it is the first page of a multi-page article:
    crawler.text.multipage), fold the results into the document's timeline and write the kept
    Document and timeline. A TextError is returned, not raised, so it crosses the process
    boundary intact."""
    fold = _Fold(job)
    last: Stored | Skipped | TextError | None = None
    error, damaged = None, []
    for found, lookup in _events(job):
        if found.removal is not None:
            fold.removal(found.warc_date, found.removal)
            last = None
            continue
        result = _derive_one(found, job.options, lookup)
        if isinstance(result, NotArticle):
            removed = bool(result.kind.removal) and fold.removal(found.warc_date, result.kind.removal).removed
            error, last = result, Skipped(result.kind.kind, result.kind.evidence, removed)
        elif isinstance(result, TextError):
            error = last = result
            if result.reason in DAMAGED:
                damaged.append(_where(found, result))
        else:
            step = fold.article(result)
            last = Stored(result.encoding.repairs, result.removed, step.outcome, step.restored)
    return Derived(last, fold.close(), error, tuple(damaged))


class _Fold:
    """Where a job's captures are folded (crawler.text.timeline). A crawl's job: onto what the
    archive holds, each step written as it is made (TextStore.advance / record_removal). A
    rebuild's (``whole``): from nothing, in memory, the kept Document and its timeline written
    at the end; a document no article capture gave writes nothing."""

    def __init__(self, job: Job):
        self.store, self.whole = TextStore(job.root), job.whole
        first = job.captures[0]
        self.source, self.id = first.source, document_id(first.url)
        self.doc: Document | None = None
        self.timeline = Timeline()

    def article(self, doc: Document) -> Step:
        step = on_article(self.doc, self.timeline, doc) if self.whole else self.store.advance(doc)
        self.doc, self.timeline = step.doc, step.timeline
        return step

    def removal(self, fetched: str, evidence: str) -> Step:
        if self.whole:
            step = on_removal(self.doc, self.timeline, fetched, evidence)
        else:
            step = self.store.record_removal(self.source, self.id, fetched, evidence)
        self.doc, self.timeline = step.doc, step.timeline
        return step

    def close(self) -> tuple[str, str] | None:
        """(source, id) of the kept document, None when there is none."""
        if self.doc is None:
            return None
        if self.whole:
            self.store.write_derived(self.doc)
            self.store.write_timeline(self.source, self.id, self.timeline)
        return self.doc.source, self.doc.id


def _events(job: Job) -> Iterator[tuple[Located, Lookup]]:
    """(capture of the first page or removal, lookup of its other pages) to fold, oldest first."""
    if job.whole:
        yield from windows(job.captures, job.pages, read_capture)
        return
    by_url = {page.url: page for page in job.pages}
    cache: dict[str, Capture | None] = {}

    def lookup(url: str) -> Capture | None:  # read on first use; an unreadable page costs only itself
        if url not in cache:
            page = by_url.get(url)
            try:
                cache[url] = read_capture(page.file, page.offset, page.source) if page is not None else None
            except (WarcReadError, OSError):
                cache[url] = None
        return cache[url]

    for found in job.captures:
        yield found, lookup


def _derive_one(found: Located, options: TextOptions, lookup: Lookup) -> Document | TextError:
    """Read one record and derive it; its TextError (NotArticle included) is returned."""
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


def _where(found: Located, error: TextError) -> str:
    """The error's line, naming the record's file and offset."""
    text = str(error)
    return text if text.startswith(found.file) else f"{found.file}: offset {found.offset}: {text}"


# --- the pool


class InlineExecutor:
    """One worker: derive in this process (no pool start-up cost, easier to profile)."""

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def map(self, fn: Callable, items, chunksize: int = 1):
        return map(fn, items)


def executor(workers: int) -> ProcessPoolExecutor | InlineExecutor:
    """A pool of ``workers`` text processes, or this process alone for one."""
    if workers <= 1:
        return InlineExecutor()
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
