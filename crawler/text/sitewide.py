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

Each pass's work on one document is a module-level function of (document, context), a step, run
by a step runner: here, one document at a time (:func:`run_here`), or in a process pool's
workers (crawler.text.publish with a pool, as ``scrapy rebuild`` does), which give the same
results in the same order; only the counting, the LSH index and the output order stay in the
calling process.

Same set of documents in, same bytes out, in any order: everything iterates sorted. The
in-memory :func:`finalize` is the same passes over a list.
"""

from __future__ import annotations

import hashlib
import logging
import sys
from array import array
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from hashlib import blake2b
from typing import Any

from .model import Document, TextOptions
from .render import render

logger = logging.getLogger(__name__)


def _paragraph_key(paragraph: str) -> int:
    """The paragraph's key as PhraseCounter counts it: its 8-byte blake2b digest read as a native
    uint64 (:func:`page_facts` packs the digests' bytes as they are)."""
    return int.from_bytes(blake2b(paragraph.encode("utf-8"), digest_size=8).digest(), sys.byteorder)


class PhraseCounter:
    """Pages of one source on which each paragraph appears, as 8-byte keys (bounded: no strings)."""

    def __init__(self) -> None:
        self.keys = array("Q")
        self.pages = 0

    def add_keys(self, keys: bytes) -> None:
        """A page's distinct paragraph keys, as :func:`page_facts` packs them."""
        self.pages += 1
        self.keys.frombytes(keys)

    def pages_needed(self, options: TextOptions) -> float:
        return max(options.boilerplate_min_pages, options.boilerplate_min_share * self.pages)

    def candidates(self, options: TextOptions) -> set[int]:
        """Keys on at least ``need`` pages: every boilerplate phrase's key is among them."""
        import numpy as np

        if not self.keys:
            return set()
        values, counts = np.unique(np.frombuffer(self.keys, dtype=np.uint64), return_counts=True)
        self.keys = array("Q")
        return set(values[counts >= self.pages_needed(options)].tolist())


@dataclass(frozen=True)
class _Listed:
    """A document pass 1 read: what the later passes need to ask for it again."""

    source: str
    id: str
    fetched: str
    ref: Any  # what ``load`` takes: a path, a list index


# --- the per-document steps of the passes: module-level functions of (document, context), so
# that a publish with a process pool (crawler.text.publish) can run them in its workers


@dataclass(frozen=True)
class PageFacts:
    """Pass 1's reading of one document: what stays in memory, and its paragraph keys."""

    source: str
    id: str
    fetched: str
    title: str
    keys: bytes  # 8-byte keys of the distinct paragraphs (array('Q') bytes)


@dataclass(frozen=True)
class RenderedText:
    """Pass 4's output for one document: its text file and manifest entry (history not yet in).
    ``data`` is None once a worker has written the file itself; ``changed`` then says whether
    it did."""

    source: str
    id: str
    data: bytes | None
    entry: dict
    changed: bool | None = None


@dataclass(frozen=True)
class SiteEvidence:
    """What the body of a document depends on beyond itself: per source, the boilerplate phrases
    and the titles of its documents; and the clusters (pass 4 only)."""

    boilerplate: Mapping[str, frozenset[str]]  # per source: its boilerplate phrases
    titles: Mapping[str, frozenset[str]]  # per source: its documents' titles
    clusters: Mapping[str, tuple[str, str]] = field(default_factory=dict)  # id -> (cluster, canonical)


def page_facts(doc: Document, _context: None) -> PageFacts:
    """Pass 1: the document's identity, title and paragraph keys."""
    # the digests are the keys' bytes (array('Q') bytes: native uint64); counted, never compared in order
    keys = b"".join({blake2b(p.encode("utf-8"), digest_size=8).digest() for p in set(doc.paragraphs)})
    return PageFacts(doc.source, doc.id, doc.fetched, doc.title, keys)


def candidate_phrases(doc: Document, candidates: Mapping[str, set[int]]) -> tuple[tuple[str, str], list[str]]:
    """Pass 2: the distinct paragraphs of ``doc`` whose key is a candidate of its source."""
    keys = candidates.get(doc.source, ())
    return (doc.source, doc.id), sorted(p for p in set(doc.paragraphs) if _paragraph_key(p) in keys)


def body_without_site_boilerplate(doc: Document, evidence: SiteEvidence) -> tuple[list[str], int]:
    """The paragraphs kept (site-wide boilerplate and other documents' titles out) and how many
    were removed in all, per-page rules included."""
    phrases, others = evidence.boilerplate[doc.source], evidence.titles[doc.source]
    kept = [p for p in doc.paragraphs if p not in phrases and (p == doc.title or p not in others)]
    if not kept:
        kept = list(doc.paragraphs)
    return kept, sum(n for _, n in doc.removed) + len(doc.paragraphs) - len(kept)


def body_signature(doc: Document, evidence: SiteEvidence):
    """Pass 3: the MinHash signature of the document's body (crawler.text.dedup)."""
    from .dedup import signature

    return (doc.source, doc.id), signature(body_without_site_boilerplate(doc, evidence)[0])


def render_text(doc: Document, evidence: SiteEvidence) -> RenderedText:
    """Pass 4: the document's text file (crawler.text.render) and manifest entry."""
    kept, removed = body_without_site_boilerplate(doc, evidence)
    cluster = evidence.clusters.get(doc.id)
    data = render(doc, kept, removed, cluster)
    w = doc.warc
    entry = {
        "id": doc.id,
        "url": doc.url,
        "source": doc.source,
        "title": doc.title,
        "fetched": doc.fetched,
        "warc": {"file": w.file, "offset": w.offset, "record_id": w.record_id, "payload_digest": w.payload_digest}
        if w
        else None,
        "sha256": hashlib.sha256(data).hexdigest(),
    }
    if cluster:
        entry["cluster"], entry["canonical"] = cluster
    return RenderedText(doc.source, doc.id, data, entry)


Step = Callable[[Document, Any], Any]
#: ``runner(step, refs, context)``: ``step(load(ref), context)`` for every ref, in order, None for
#: a ref that ``load`` could not read
StepRunner = Callable[[Step, list, Any], Iterable[Any]]


def run_here(load: Callable[[Any], Document | None]) -> StepRunner:
    """The steps run here, one document at a time."""

    def run(step: Step, refs: list, context: Any) -> Iterable[Any]:
        for ref in refs:
            doc = load(ref)
            yield None if doc is None else step(doc, context)

    return run


def finalize_stream(
    refs: Iterable[Any],
    load: Callable[[Any], Document | None],
    options: Mapping[str, TextOptions],
    emit_text: Callable[[RenderedText], None],
    emit_entry: Callable[[dict], None],
    history: Callable[[str, str], dict | list[dict] | None] | None = None,
    default_options: bool = False,
    runner: StepRunner | None = None,
) -> dict[str, list[str]]:
    """Finalize the documents ``load(ref)`` gives for ``refs``; returns the boilerplate per source.

    ``load`` returns None for a document to leave out (unreadable): it is asked once per ref in
    the first pass and only for the refs it answered later on, which must give the same document.
    ``runner`` runs the per-document steps (default: :func:`run_here` over ``load``; a process pool's
    map gives the same results). Text files come out in id order through ``emit_text``,
    manifest entries (sorted by id) through ``emit_entry``; ``history(source, id)`` gives the
    keys its timeline adds to the manifest entry (crawler.text.timeline; a list: its history).
    ``default_options``: a source without options counts as TextOptions() (also for the
    near-duplicate threshold, the smallest of all sources').
    A body line equal to the title of another document of the same source is a 'related' teaser.
    """
    from .dedup import cluster_stream  # imported late: numpy

    runner = runner or run_here(load)
    refs = list(refs)
    entries: list[_Listed] = []
    counters: dict[str, PhraseCounter] = {}
    titles: dict[str, set[str]] = {}
    for ref, facts in zip(refs, runner(page_facts, refs, None)):  # pass 1: count
        if facts is None:
            continue
        entries.append(_Listed(facts.source, facts.id, facts.fetched, ref))
        counters.setdefault(facts.source, PhraseCounter()).add_keys(facts.keys)
        titles.setdefault(facts.source, set()).add(facts.title)
    entries.sort(key=lambda e: (e.source, e.id))  # stable: equal keys keep the order of refs
    if default_options:
        options = {**{source: TextOptions() for source in counters}, **options}

    def check_same(entry: _Listed, identity: tuple[str, str] | None) -> None:
        """A later pass must read the document pass 1 read (a snapshot guarantees it)."""
        if identity != (entry.source, entry.id):
            raise RuntimeError(f"document {entry.source}/{entry.id} changed while finalizing")

    def run_checked(step: Step, chosen: list[_Listed], context: Any) -> Iterable[tuple[_Listed, Any]]:
        """(entry, step result) for the ``chosen`` entries."""
        for entry, result in zip(chosen, runner(step, [e.ref for e in chosen], context), strict=True):
            check_same(entry, None if result is None else _identity(result))
            yield entry, result

    need = {source: c.pages_needed(options.get(source, TextOptions())) for source, c in counters.items()}
    candidates = {source: c.candidates(options.get(source, TextOptions())) for source, c in sorted(counters.items())}
    counters.clear()
    candidates = {source: keys for source, keys in candidates.items() if keys}
    exact: dict[str, Counter] = {source: Counter() for source in candidates}
    for entry, (_, phrases) in run_checked(
        candidate_phrases, [e for e in entries if e.source in candidates], candidates
    ):
        exact[entry.source].update(phrases)  # pass 2: the exact strings of the candidate phrases
    boilerplate = {
        source: sorted(p for p, n in exact.get(source, Counter()).items() if n >= need[source])
        for source in sorted(need)
    }
    del candidates, exact
    evidence = SiteEvidence(
        {source: frozenset(phrases) for source, phrases in boilerplate.items()},
        {source: frozenset(found) for source, found in titles.items()},
    )
    del titles

    # one document per id: of equal ids, the last in (source, id) order
    by_id = {entry.id: entry for entry in entries}
    del entries
    ordered = [by_id[doc_id] for doc_id in sorted(by_id)]
    threshold = min(
        (o.near_duplicate_threshold for o in options.values()), default=TextOptions().near_duplicate_threshold
    )

    def body_of(doc_id: str) -> list[str]:  # a candidate pair's bodies, for the exact comparison
        entry = by_id[doc_id]
        doc = load(entry.ref)
        check_same(entry, None if doc is None else (doc.source, doc.id))
        return body_without_site_boilerplate(doc, evidence)[0]

    signatures = (sig for _, (_, sig) in run_checked(body_signature, ordered, evidence))  # pass 3
    clusters = cluster_stream([(e.id, e.fetched) for e in ordered], body_of, threshold, signatures=signatures)
    evidence = replace(evidence, clusters=clusters)
    for entry, result in run_checked(render_text, ordered, evidence):  # pass 4: render
        emit_text(result)
        if history and (fields := history(entry.source, entry.id)):
            # what became of the page (crawler.text.timeline): history, removed, last_seen
            result.entry.update({"history": fields} if isinstance(fields, list) else fields)
        emit_entry(result.entry)
    return boilerplate


def _identity(result: Any) -> tuple[str, str]:
    """(source, id) of a step's result."""
    if isinstance(result, RenderedText):
        return result.source, result.id
    source, doc_id = result[0]
    return source, doc_id


@dataclass
class Finalized:
    texts: dict[tuple[str, str], bytes] = field(default_factory=dict)
    manifest: list[dict] = field(default_factory=list)
    boilerplate: dict[str, list[str]] = field(default_factory=dict)


def finalize(
    documents: Iterable[Document], options: Mapping[str, TextOptions], history: Mapping[str, list[dict]] | None = None
) -> Finalized:
    """In memory: the same passes as the archive's streaming publish, over a list of documents."""
    docs = list(documents)
    out = Finalized()
    out.boilerplate = finalize_stream(
        range(len(docs)),
        docs.__getitem__,
        options,
        emit_text=lambda result: out.texts.__setitem__((result.source, result.id), result.data),
        emit_entry=out.manifest.append,
        history=(lambda _source, doc_id: history.get(doc_id)) if history else None,
    )
    return out


__all__ = ["finalize", "finalize_stream", "Finalized", "PhraseCounter"]
