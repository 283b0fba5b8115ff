"""Near-duplicate articles (the same story syndicated by several sites or channels).

MinHash signatures over character 5-gram shingles of the clean body, LSH bands for candidate
pairs, each pair confirmed with the exact Jaccard similarity of the shingle sets, clusters by
union-find. Deterministic: fixed hash constants, documents in id order, clusters named after
their canonical copy (earliest WARC date, then smallest id), so the result never depends on
crawl order.

Written with numpy rather than datasketch: datasketch's MinHash computes every permutation for
every shingle (128 x ~3,000 hash evaluations a page, half of finalizing's time) and importing it
loads scipy (~1.3 s at every publish, more than finalizing a 100-page crawl). One-permutation
hashing with densification (Shrivastava & Li, "Densifying One Permutation Hashing via Rotation",
ICML 2014) gives signatures whose slots collide with probability equal to the Jaccard similarity
at the cost of one hash per shingle. Candidates are only candidates: every pair is confirmed
exactly, so the signature decides recall, never a false cluster (tests/test_text_dedup.py).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterable
from functools import cache

import numpy as np

from .model import Document

SHINGLE = 5
NUM_PERM = 128  # signature slots (bins of the one permutation)
PREFIX = 3000  # characters of body compared: syndicated copies share their opening; hashing
# every 5-gram of very long pages made finalizing the dominant cost of a crawl

_BIN_BITS = 7  # 2**7 == NUM_PERM bins, chosen by a shingle hash's top bits
_VALUE_BITS = 64 - _BIN_BITS
_VALUE_MASK = np.uint64((1 << _VALUE_BITS) - 1)
_EMPTY = np.uint64(2**64 - 1)
# Bounds that keep publishing linear in the number of copies of one page (measured: bench/dedup.py)
_SAMPLE = 16  # exact comparisons at most per candidate cluster and document
_CANDIDATES = 64  # candidates looked at per document (most shared bands first)
_BUCKET = 64  # documents filed under one band key
_MARGIN = 0.25  # a candidate whose sketch agrees below threshold - this is not compared exactly
# (64 slots: the estimate's standard deviation is at most 0.0625, so 4 of them)


def _sketch(sig: np.ndarray) -> np.ndarray:
    return (sig[:64] & np.uint64(0xFFFF)).astype(np.uint16)


assert 1 << _BIN_BITS == NUM_PERM


def body_text(paragraphs: Iterable[str]) -> str:
    """What is compared: the body's first PREFIX characters, whitespace removed."""
    return "".join("".join(paragraphs).split())[:PREFIX]


def shingles(paragraphs: Iterable[str]) -> set[str]:
    """Character 5-grams of :func:`body_text` (a shorter text is its own single shingle)."""
    text = body_text(paragraphs)
    return {text[i : i + SHINGLE] for i in range(max(1, len(text) - SHINGLE + 1))}


def _mix(x: np.ndarray) -> np.ndarray:
    """splitmix64's finalizer, element-wise (uint64 arithmetic wraps, as intended)."""
    x = x ^ (x >> np.uint64(30))
    x = x * np.uint64(0xBF58476D1CE4E5B9)
    x = x ^ (x >> np.uint64(27))
    x = x * np.uint64(0x94D049BB133111EB)
    return x ^ (x >> np.uint64(31))


def _shingle_hashes(text: str) -> np.ndarray:
    """A 64-bit hash of each 5-gram of ``text`` (one per position, as :func:`shingles` cuts them)."""
    points = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    n = max(1, len(points) - SHINGLE + 1)
    hashes = np.full(n, np.uint64(0x9E3779B97F4A7C15))
    for k in range(min(SHINGLE, len(points))):
        hashes = _mix(hashes ^ points[k : k + n])
    return hashes


def signature(paragraphs: Iterable[str]) -> np.ndarray:
    """The body's MinHash signature: NUM_PERM uint64 slots. A shingle's hash picks its slot (top
    bits) and competes there with its other bits; an empty slot borrows the next filled slot to
    its right, marked with the distance, so two signatures still agree on a slot with probability
    equal to the Jaccard similarity of their shingle sets."""
    hashes = _shingle_hashes(body_text(paragraphs))
    slots = np.full(NUM_PERM, _EMPTY)
    np.minimum.at(slots, (hashes >> np.uint64(_VALUE_BITS)).astype(np.intp), hashes & _VALUE_MASK)
    filled = np.flatnonzero(slots != _EMPTY)  # never empty: every text has at least one shingle
    index = np.arange(NUM_PERM)
    source = filled[np.searchsorted(filled, index) % len(filled)]
    distance = ((source - index) % NUM_PERM).astype(np.uint64)
    return slots[source] | (distance << np.uint64(_VALUE_BITS))


@cache
def bands(threshold: float, num_perm: int = NUM_PERM) -> tuple[int, int]:
    """(bands, rows per band) minimising the area of false positives below ``threshold`` plus that
    of false negatives above it, for a pair of Jaccard similarity s found with probability
    1 - (1 - s**rows)**bands (the choice datasketch's MinHashLSH makes, integrated numerically)."""
    s = np.linspace(0.0, 1.0, 2001)
    below, above = s <= threshold, s >= threshold
    best = None
    for b in range(1, num_perm + 1):
        for r in range(1, num_perm // b + 1):
            found = 1.0 - (1.0 - s**r) ** b
            error = np.trapezoid(found[below], s[below]) + np.trapezoid(1.0 - found[above], s[above])
            if best is None or error < best[0] - 1e-12:
                best = (error, b, r)
    return best[1], best[2]


class BandIndex:
    """LSH over signatures: documents sharing every slot of at least one band are candidates."""

    def __init__(self, threshold: float):
        self.count, self.rows = bands(threshold)
        self.buckets: list[dict[bytes, list[str]]] = [{} for _ in range(self.count)]

    def _keys(self, sig: np.ndarray) -> list[bytes]:
        return [sig[i * self.rows : (i + 1) * self.rows].tobytes() for i in range(self.count)]

    def query(self, sig: np.ndarray) -> dict[str, int]:
        """Candidates -> how many bands they share with ``sig``."""
        found: dict[str, int] = {}
        for bucket, key in zip(self.buckets, self._keys(sig)):
            for doc_id in bucket.get(key, ()):
                found[doc_id] = found.get(doc_id, 0) + 1
        return found

    def insert(self, doc_id: str, sig: np.ndarray, root: Callable[[str], str] = str) -> None:
        """File ``doc_id`` under its band keys, except where a member of its own cluster (by
        ``root``) is filed already, or where _BUCKET others are (a band every page shares says
        nothing): many copies of one page then cost one entry per key, not one per copy, and a
        query stays short (it made publishing quadratic in the number of copies)."""
        mine = root(doc_id)
        for bucket, key in zip(self.buckets, self._keys(sig)):
            filed = bucket.setdefault(key, [])
            if len(filed) < _BUCKET and not any(root(other) == mine for other in filed):
                filed.append(doc_id)


def cluster_documents(docs: Iterable[Document], threshold: float = 0.8) -> dict[str, tuple[str, str]]:
    """id -> (cluster id, canonical id) for every document in a cluster of two or more."""
    by_id = {d.id: d for d in docs}
    return cluster_stream(
        [(d.id, d.fetched) for d in by_id.values()], lambda doc_id: by_id[doc_id].paragraphs, threshold
    )


def cluster_stream(
    members: Iterable[tuple[str, str]],
    body_of: Callable[[str], Iterable[str]],
    threshold: float = 0.8,
    cache: int = 256,
    signatures: Iterable[np.ndarray] | None = None,
) -> dict[str, tuple[str, str]]:
    """Clusters of ``members`` ((id, fetched) pairs, ids unique) without holding every body:
    ``body_of(id)`` gives a document's body paragraphs, asked once per document for its signature
    and again when a candidate pair needs the exact Jaccard similarity (candidates are rare; the
    shingle sets of the last ``cache`` documents asked are kept for clusters of many copies).
    ``signatures``, when given, are the members' signatures in id order (computed elsewhere, e.g.
    by a process pool), and ``body_of`` is asked only for candidates.
    Only the band index, a 128-byte sketch per document and the ids stay in memory."""
    ordered = sorted(members)
    fetched = dict(ordered)
    # the candidate threshold sits 0.1 lower: a pair just above ``threshold`` is found even when
    # its signatures agree on fewer slots than its similarity would give on average
    index = BandIndex(max(0.1, threshold - 0.1))
    parent = {doc_id: doc_id for doc_id, _ in ordered}
    recent: OrderedDict[str, set[str]] = OrderedDict()

    def grams(doc_id: str, body: Iterable[str] | None = None) -> set[str]:
        if doc_id in recent:
            recent.move_to_end(doc_id)
            return recent[doc_id]
        found = recent[doc_id] = shingles(body_of(doc_id) if body is None else body)
        if len(recent) > cache:
            recent.popitem(last=False)
        return found

    def root(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    # a few members of each cluster, tried when the cluster is a candidate: a copy filed under no
    # key (see BandIndex.insert) is still compared through them
    sample: dict[str, list[str]] = {doc_id: [doc_id] for doc_id, _ in ordered}

    def join(a: str, b: str) -> None:
        ra, rb = root(a), root(b)
        if ra != rb:
            keep, gone = min(ra, rb), max(ra, rb)
            parent[gone] = keep
            sample[keep] = (sample[keep] + sample.pop(gone))[:_SAMPLE]

    # every document's signature, cut to 64 slots of 16 bits (128 bytes): its estimated
    # similarity to a candidate decides whether the exact comparison (bodies read again) is worth it
    sketches: dict[str, np.ndarray] = {}
    given = iter(signatures) if signatures is not None else None
    for doc_id, _ in ordered:
        body = list(body_of(doc_id)) if given is None else None
        sig = signature(body) if given is None else next(given)
        sketch = sketches[doc_id] = _sketch(sig)
        by_root: dict[str, list[str]] = {}
        found = index.query(sig)
        for other in sorted(found, key=lambda x: (-found[x], x))[:_CANDIDATES]:
            if float(np.mean(sketch == sketches[other])) >= threshold - _MARGIN:
                by_root.setdefault(root(other), []).append(other)
        if by_root:
            a = grams(doc_id, body)
            for cluster in sorted(by_root):
                if root(cluster) == root(doc_id):
                    continue  # joined already, through another candidate
                tried = by_root[cluster] + [m for m in sample[root(cluster)] if m not in by_root[cluster]]
                for other in tried[:_SAMPLE]:
                    b = grams(other)
                    if len(a & b) / len(a | b) >= threshold:
                        join(doc_id, other)
                        break
        index.insert(doc_id, sig, root)
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
