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


def test_a_flood_of_copies_costs_the_other_articles_nothing(tmp_path):
    """For real: `scrapy extract` of one WARC holding four articles and 200 print-view copies of a
    fifth (the same page, a visit counter differing). Exit 0 and its one summary line; the copies
    form one cluster named after its canonical copy; the four articles' text files and manifest
    lines are byte-identical to those of the same command on a WARC of the four alone (see
    tests/faults/clean.py for the record's place, the one thing that differs)."""
    import io

    from ..test_command_extract_foreign import article, expected, extract, http_headers, response, texts, write_warc
    from .clean import comparable

    title, paragraphs = article(11)

    def copy(writer, i: int):
        body = "".join(f"<p>{p}</p>" for p in [*paragraphs, f"本文已被阅读{1000 + i}次"])
        data = (
            f'<html><head><meta charset="utf-8"><title>{title}</title></head><body>'
            f'<div class="main"><h1>{title}</h1>{body}</div></body></html>'
        ).encode()
        return writer.create_warc_record(
            f"http://www.hepan.example.cn/print/{i}.html",
            "response",
            payload=io.BytesIO(data),
            length=len(data),
            http_headers=http_headers(data),
            warc_headers_dict={"WARC-Date": "2023-10-30T08:00:00Z"},
        )

    write_warc(
        tmp_path / "flood.warc.gz", lambda w: [*(response(w, n) for n in range(4)), *(copy(w, i) for i in range(200))]
    )
    write_warc(tmp_path / "clean.warc.gz", lambda w: [response(w, n) for n in range(4)])
    (tmp_path / "c").mkdir()
    result, out = extract(tmp_path, tmp_path / "flood.warc.gz")
    clean, clean_out = extract(tmp_path / "c", tmp_path / "clean.warc.gz")
    assert (result.returncode, result.stderr, result.stdout) == (0, "", f"extracted 204 documents into {out}\n")
    assert (clean.returncode, clean.stderr) == (0, "")
    flood_texts, flood_manifest = comparable(out)
    clean_texts, clean_manifest = comparable(clean_out)
    assert {u: t for u, t in flood_texts.items() if "/print/" not in u} == clean_texts
    assert {u: e for u, e in flood_manifest.items() if "/print/" not in u} == clean_manifest
    assert {u: lines for u, lines in texts(out).items() if "/print/" not in u} == expected(0, 1, 2, 3)
    copies = [e for u, e in flood_manifest.items() if "/print/" in u]
    assert len(copies) == 200 and len({e["cluster"] for e in copies}) == 1
    assert {e["canonical"] for e in copies} == {min(e["id"] for e in copies)}  # one WARC-Date: the smallest id
