"""Re-derive the text archive from WARC files alone: the engine of ``scrapy rebuild`` and ``scrapy extract``.

Pure (no Scrapy): WARC records in, text files out, through the same ``crawler.text`` functions the
crawl uses, so a rebuild gives the crawl's bytes. Two passes keep memory bounded: the first reads
only record headers and keeps, per document id, where its captures are (200 responses, and
responses that show a removal); the second folds each document's captures oldest first in a
process pool (crawler.workers.derive, the crawl's own entry point), every worker reading its own
records by offset: the kept text is the earliest capture of the latest article text, notices and
walls never replace it.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from pathlib import Path
from urllib.parse import urlsplit

from crawler.sources import Source
from crawler.text.continuation import key
from crawler.text.model import TextOptions, document_id
from crawler.text.pagekind import classify, list_rule
from crawler.text.publish import publish
from crawler.text.store import TextStore
from crawler.warc.model import Located
from crawler.warc.reader import OnError, is_html_resource, iter_records
from crawler.workers import Job, derive, executor, warm_up


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


def locate(
    paths: Iterable[Path], sources: Mapping[str, Source] | None, on_error: OnError | None = None
) -> dict[str, Located]:
    """Per document id, its latest 200 response (the capture a plain extraction would use)."""
    return {
        doc_id: max(c for c in found if c.removal is None)
        for doc_id, found in locate_all(paths, sources, on_error).items()
        if any(c.removal is None for c in found)
    }


def locate_all(
    paths: Iterable[Path], sources: Mapping[str, Source] | None, on_error: OnError | None = None
) -> dict[str, list[Located]]:
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


def locate_pages(
    paths: Iterable[Path],
    sources: Mapping[str, Source] | None,
    on_error: OnError | None = None,
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
                Located(
                    record.rec_headers.get_header("WARC-Date"),
                    str(path),
                    offset,
                    source or _host(url),
                    None,
                    url,
                    revisit,
                )
            )
        name = _document_source(url, source, sources)
        if name is None:
            continue
        removal = None
        if revisit:
            pass
        elif status != 200:
            seed = (sources or {}).get(name)
            kind = classify(
                url,
                status,
                record.http_headers.get_header("Location"),
                None,
                list_rule(seed.text.list_patterns) if seed else None,
            )
            if kind.removal is None:
                continue
            removal = kind.removal
        found = Located(record.rec_headers.get_header("WARC-Date"), str(path), offset, name, removal, url, revisit)
        every.setdefault(document_id(url), []).append(found)
    return (
        {doc_id: sorted(found) for doc_id, found in every.items()},
        {first: sorted(found) for first, found in pages.items()},
    )


def _document_source(url: str, source: str | None, sources: Mapping[str, Source] | None) -> str | None:
    """Which source a response belongs to, or None when it is not an article page."""
    if sources is None:
        return source or _host(url)
    seed = sources.get(source or "")
    if seed is None or not seed.is_article(url):
        return None
    return seed.name


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
    with executor(workers) as pool:
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
                args.append(
                    Job(
                        tuple(found),
                        _options_for(options, found[0].source, max_decompressed_size, only_articles),
                        root,
                        candidates,
                        whole=True,
                    )
                )
        del every, pages
        results = pool.map(derive, args, chunksize=2)  # every job submitted now
        if workers > 1:
            import crawler.text.dedup  # noqa: F401  the publish's imports (numpy), while the workers derive
        for done, derived in enumerate(results, 1):
            if skipped is not None:
                skipped.extend(derived.damaged)
            if derived.document is not None:  # each worker writes its documents: only their names come back
                written.add(store.derived_path(*derived.document))
            elif derived.error is not None:
                dropped[derived.error.reason] = dropped.get(derived.error.reason, 0) + 1
            if progress:
                progress(done, len(args))
        parallel = pool if isinstance(pool, ProcessPoolExecutor) else None
        # every document is written (the pool's results are all in): nothing else writes them now
        counts = publish(store, options, only=written, pool=parallel, workers=workers, snapshot=False)
    if skipped is not None:  # in the order of the files given, then of offsets
        order = {str(path): n for n, path in enumerate(paths)}
        skipped.sort(key=lambda line: _line_key(line, order))
    counts["documents"] = len(written)
    counts.update({f"dropped/{k}": v for k, v in sorted(dropped.items())})
    return counts


def _line_key(line: str, order: Mapping[str, int]) -> tuple[int, int, str]:
    """Lines naming ``<file>: offset <n>:`` sort by the file's place in ``order``, then offset."""
    file, _, rest = line.partition(": offset ")
    number = rest.split(":", 1)[0]
    return order.get(file, len(order)), int(number) if number.isdigit() else -1, line


def _options_for(
    options: Mapping[str, TextOptions], source: str, max_size: int | None, only_articles: bool = False
) -> TextOptions:
    base = options.get(source, TextOptions())
    base = replace(base, only_articles=True) if only_articles else base
    return replace(base, max_decompressed_size=max_size) if max_size else base
