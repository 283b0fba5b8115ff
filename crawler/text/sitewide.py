"""Site-wide steps over a whole text archive, in bounded memory: boilerplate learned per source,
title teasers, near-duplicate clusters, then every document rendered (docs/architecture.md).

The documents are read again for each pass instead of held: ``load(ref)`` gives one Document
back, and only small per-document facts (source, id, fetched) and per-source counts stay in
memory between passes.

1. count: per source, an 8-byte blake2b key of each distinct paragraph of each page (8 bytes a
   paragraph occurrence, counted with numpy), the titles and the number of pages;
2. confirm (only sources with a candidate): the exact strings of the paragraphs whose key
   reached the threshold are counted, so a key collision can never make a phrase boilerplate;
3. cluster: body, MinHash signature and LSH bands one document at a time; a candidate pair is
   confirmed with the exact Jaccard similarity of shingle sets computed again from the document;
4. render: one document at a time, each text file and manifest entry handed to the caller.

Same set of documents in, same bytes out, in any order: everything iterates sorted. The
in-memory :func:`finalize` is the same passes over a list.
"""

from __future__ import annotations

import hashlib
import logging
from array import array
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .model import Document, TextOptions
from .render import render

logger = logging.getLogger(__name__)


def _key(paragraph: str) -> int:
    return int.from_bytes(hashlib.blake2b(paragraph.encode("utf-8"), digest_size=8).digest(), "little")


class PhraseCounter:
    """Pages of one source on which each paragraph appears, as 8-byte keys (bounded: no strings)."""

    def __init__(self) -> None:
        self.keys = array("Q")
        self.pages = 0

    def add(self, paragraphs: Iterable[str]) -> None:
        self.pages += 1
        self.keys.extend(_key(p) for p in set(paragraphs))

    def need(self, options: TextOptions) -> float:
        return max(options.boilerplate_min_pages, options.boilerplate_min_share * self.pages)

    def candidates(self, options: TextOptions) -> set[int]:
        """Keys on at least ``need`` pages: every boilerplate phrase's key is among them."""
        import numpy as np

        if not self.keys:
            return set()
        values, counts = np.unique(np.frombuffer(self.keys, dtype=np.uint64), return_counts=True)
        self.keys = array("Q")
        return set(values[counts >= self.need(options)].tolist())


@dataclass(frozen=True)
class _Entry:
    source: str
    id: str
    fetched: str
    ref: Any  # what ``load`` takes: a path, a list index


def finalize_stream(refs: Iterable[Any], load: Callable[[Any], Document | None], options: Mapping[str, TextOptions],
                    emit_text: Callable[[Document, bytes], None], emit_entry: Callable[[dict], None],
                    history: Callable[[Document], list[dict] | None] | None = None,
                    default_options: bool = False) -> dict[str, list[str]]:
    """Finalize the documents ``load(ref)`` gives for ``refs``; returns the boilerplate per source.

    ``load`` returns None for a document to leave out (unreadable): it is asked once per ref in
    the first pass and only for the refs it answered later on, which must give the same document.
    Text files come out in id order through ``emit_text``, manifest entries (sorted by id) through
    ``emit_entry``. ``default_options``: a source without options counts as TextOptions() (also
    for the near-duplicate threshold, the smallest of all sources').
    A body line equal to the title of another document of the same source is a 'related' teaser.
    """
    from .dedup import cluster_stream  # imported late: numpy

    entries: list[_Entry] = []
    counters: dict[str, PhraseCounter] = {}
    titles: dict[str, set[str]] = {}
    for ref in refs:  # pass 1: count
        doc = load(ref)
        if doc is None:
            continue
        entries.append(_Entry(doc.source, doc.id, doc.fetched, ref))
        counters.setdefault(doc.source, PhraseCounter()).add(doc.paragraphs)
        titles.setdefault(doc.source, set()).add(doc.title)
    entries.sort(key=lambda e: (e.source, e.id))  # stable: equal keys keep the order of refs
    if default_options:
        options = {**{source: TextOptions() for source in counters}, **options}

    def again(entry: _Entry) -> Document:
        doc = load(entry.ref)
        if doc is None or (doc.source, doc.id) != (entry.source, entry.id):
            raise RuntimeError(f"document {entry.source}/{entry.id} changed while finalizing")
        return doc

    need = {source: c.need(options.get(source, TextOptions())) for source, c in counters.items()}
    candidates = {source: c.candidates(options.get(source, TextOptions())) for source, c in sorted(counters.items())}
    counters.clear()
    exact: dict[str, Counter] = {source: Counter() for source, keys in candidates.items() if keys}
    for entry in entries:  # pass 2: the exact strings of the candidate phrases
        if entry.source in exact:
            keys, found = candidates[entry.source], exact[entry.source]
            found.update(p for p in set(again(entry).paragraphs) if _key(p) in keys)
    boilerplate = {source: sorted(p for p, n in exact.get(source, Counter()).items() if n >= need[source])
                   for source in sorted(candidates)}
    del candidates, exact
    common = {source: set(phrases) for source, phrases in boilerplate.items()}

    def body(doc: Document) -> tuple[list[str], int]:
        phrases, others = common[doc.source], titles[doc.source]
        kept = [p for p in doc.paragraphs if p not in phrases and (p == doc.title or p not in others)]
        if not kept:
            kept = list(doc.paragraphs)
        return kept, sum(n for _, n in doc.removed) + len(doc.paragraphs) - len(kept)

    # one document per id: of equal ids, the last in (source, id) order
    by_id = {entry.id: entry for entry in entries}
    del entries
    threshold = min((o.near_duplicate_threshold for o in options.values()), default=TextOptions().near_duplicate_threshold)
    clusters = cluster_stream(  # pass 3
        [(e.id, e.fetched) for e in by_id.values()], lambda doc_id: body(again(by_id[doc_id]))[0], threshold)
    for doc_id in sorted(by_id):  # pass 4: render
        doc = again(by_id[doc_id])
        kept, removed = body(doc)
        cluster = clusters.get(doc_id)
        data = render(doc, kept, removed, cluster)
        emit_text(doc, data)
        w = doc.warc
        entry = {
            "id": doc.id, "url": doc.url, "source": doc.source, "title": doc.title, "fetched": doc.fetched,
            "warc": {"file": w.file, "offset": w.offset, "record_id": w.record_id,
                     "payload_digest": w.payload_digest} if w else None,
            "sha256": hashlib.sha256(data).hexdigest(),
        }
        if cluster:
            entry["cluster"], entry["canonical"] = cluster
        if history and (earlier := history(doc)):
            entry["history"] = earlier  # earlier captures of the page, oldest first
        emit_entry(entry)
    return boilerplate


@dataclass
class Finalized:
    texts: dict[tuple[str, str], bytes] = field(default_factory=dict)
    manifest: list[dict] = field(default_factory=list)
    boilerplate: dict[str, list[str]] = field(default_factory=dict)


def finalize(documents: Iterable[Document], options: Mapping[str, TextOptions],
             history: Mapping[str, list[dict]] | None = None) -> Finalized:
    """In memory: the same passes as the archive's streaming publish, over a list of documents."""
    docs = list(documents)
    out = Finalized()
    out.boilerplate = finalize_stream(
        range(len(docs)), docs.__getitem__, options,
        emit_text=lambda doc, data: out.texts.__setitem__((doc.source, doc.id), data),
        emit_entry=out.manifest.append,
        history=(lambda doc: history.get(doc.id)) if history else None)
    return out


__all__ = ["finalize", "finalize_stream", "Finalized", "PhraseCounter"]
