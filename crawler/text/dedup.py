"""Near-duplicate articles (the same story syndicated by several sites or channels).

MinHash over character 5-gram shingles of the clean body, LSH (datasketch) for candidate pairs,
each pair confirmed with the exact Jaccard similarity, clusters by union-find. Deterministic:
fixed seed, documents in id order, clusters named after their canonical copy (earliest WARC
date, then smallest id), so the result never depends on crawl order.
"""

from __future__ import annotations

import zlib
from collections import OrderedDict
from collections.abc import Callable, Iterable

from datasketch import MinHash, MinHashLSH

from .model import Document

SHINGLE = 5
NUM_PERM = 128
PREFIX = 3000  # characters of body compared: syndicated copies share their opening; hashing
               # every 5-gram of very long pages made finalizing the dominant cost of a crawl


def shingles(paragraphs: Iterable[str]) -> set[str]:
    """Character 5-grams of the body's first PREFIX characters, whitespace removed."""
    text = "".join("".join(paragraphs).split())[:PREFIX]
    return {text[i:i + SHINGLE] for i in range(max(1, len(text) - SHINGLE + 1))}


_PERMUTATIONS = None  # the seed's permutations, drawn once (MinHash draws them at every construction)


def _minhash(grams: set[str]) -> MinHash:
    # crc32: a C function, deterministic across runs and platforms, ~3x faster than the sha1 default.
    # No sorting: a MinHash is the minimum over its inputs, the same in any order.
    global _PERMUTATIONS
    if _PERMUTATIONS is None:
        first = MinHash(num_perm=NUM_PERM, seed=1)
        _PERMUTATIONS = (first.scheme, first.permutations)
    scheme, permutations = _PERMUTATIONS
    digest = MinHash(num_perm=NUM_PERM, seed=1, hashfunc=zlib.crc32, scheme=scheme, permutations=permutations)
    digest.update_batch([g.encode("utf-8") for g in grams])
    return digest


def cluster_documents(docs: Iterable[Document], threshold: float = 0.8) -> dict[str, tuple[str, str]]:
    """id -> (cluster id, canonical id) for every document in a cluster of two or more."""
    by_id = {d.id: d for d in docs}
    return cluster_stream([(d.id, d.fetched) for d in by_id.values()],
                          lambda doc_id: shingles(by_id[doc_id].paragraphs), threshold)


def cluster_stream(members: Iterable[tuple[str, str]], grams_of: Callable[[str], set[str]],
                   threshold: float = 0.8, cache: int = 256) -> dict[str, tuple[str, str]]:
    """Clusters of ``members`` ((id, fetched) pairs, ids unique) without holding every shingle set:
    ``grams_of(id)`` gives a document's shingles when a candidate pair needs the exact Jaccard
    similarity (candidates are rare; the last ``cache`` sets are kept for clusters of many copies).
    Only the LSH index (a few hundred bytes per document) and the ids stay in memory."""
    ordered = sorted(members)
    fetched = dict(ordered)
    lsh = MinHashLSH(threshold=max(0.1, threshold - 0.1), num_perm=NUM_PERM)
    parent = {doc_id: doc_id for doc_id, _ in ordered}
    recent: OrderedDict[str, set[str]] = OrderedDict()

    def grams(doc_id: str) -> set[str]:
        if doc_id in recent:
            recent.move_to_end(doc_id)
            return recent[doc_id]
        found = recent[doc_id] = grams_of(doc_id)
        if len(recent) > cache:
            recent.popitem(last=False)
        return found

    def root(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for doc_id, _ in ordered:
        a = grams(doc_id)
        digest = _minhash(a)
        for other in sorted(lsh.query(digest)):
            b = grams(other)
            if len(a & b) / len(a | b) >= threshold:
                ra, rb = root(doc_id), root(other)
                parent[max(ra, rb)] = min(ra, rb)
        lsh.insert(doc_id, digest)
    members_of: dict[str, list[str]] = {}
    for doc_id, _ in ordered:
        members_of.setdefault(root(doc_id), []).append(doc_id)
    result = {}
    for group in members_of.values():
        if len(group) < 2:
            continue
        canonical = min(group, key=lambda x: (fetched[x], x))
        for doc_id in group:
            result[doc_id] = (canonical, canonical)
    return result
