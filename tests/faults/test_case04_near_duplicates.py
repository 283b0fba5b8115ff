"""Issue 22 case 4: near-duplicate publishing in linear work (20,000 near-identical pages)."""

from __future__ import annotations

import random

from crawler.text import dedup

from ..test_text_dedup import edited, text


def test_many_copies_of_a_few_stories_cluster_in_linear_work():
    """1,500 pages, three stories copied 500 times each with a character changed: three clusters
    of 500, and each body is read about once (the index files one copy per band key, a candidate
    is compared exactly only when its sketch says it may be close). Before, every copy was
    compared with every earlier one: about 1.1 million body reads here."""
    rng = random.Random(11)
    stories = [text(rng, 400) for _ in range(3)]
    bodies = {f"{i:05d}": [edited(rng, stories[i % 3], 0.004)] for i in range(1500)}
    reads = []

    def body_of(doc_id: str) -> list[str]:
        reads.append(doc_id)
        return bodies[doc_id]

    clusters = dedup.cluster_stream([(doc_id, "2026-01-01T00:00:00Z") for doc_id in bodies], body_of)
    groups: dict[str, list[str]] = {}
    for doc_id, (cluster, _) in clusters.items():
        groups.setdefault(cluster, []).append(doc_id)
    assert sorted(len(g) for g in groups.values()) == [500, 500, 500]
    assert all(len({int(d) % 3 for d in g}) == 1 for g in groups.values())
    assert len(reads) <= 2 * len(bodies)
