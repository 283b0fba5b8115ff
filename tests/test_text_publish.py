"""The archive's streaming publish: byte for byte what the in-memory finalize gives (and what the
plain all-in-memory algorithm gives), unreadable derived files left out, leftovers of interrupted
writes removed (never in derived/)."""

from __future__ import annotations

import dataclasses
import hashlib
import itertools
import json
import logging
from concurrent.futures import ProcessPoolExecutor

import pytest

from crawler.pool import text_context
from crawler.text.dedup import shingles
from crawler.text.model import Document, EncodingInfo, PageRef, TextOptions, WarcRef
from crawler.text.publish import publish
from crawler.text.render import render
from crawler.text.sitewide import finalize
from crawler.text.store import TextStore

STORY = [
    "东湖街道今天举办第三届邻里节，三百多位居民带着自家做的菜来到广场，拼成了一张百米长桌。",
    "活动由二十多名志愿者筹备了一个月，从借桌椅到排座次，每个细节都反复核对。",
    "街道负责人表示，邻里节将每年举办一次，让住在同一栋楼里的人真正认识彼此。",
]
FOLLOW = "扫码关注东湖在线公众号，获取更多社区新闻"
OPTIONS = {"a": TextOptions(), "b": TextOptions(boilerplate_min_pages=2, boilerplate_min_share=0.2)}


def document(
    doc_id: str, source: str, paragraphs: list[str], fetched: str = "2026-01-01T00:00:00Z", **extra
) -> Document:
    return Document(
        id=doc_id,
        url=f"http://{source}.cn/{doc_id}",
        source=source,
        title=f"标题{doc_id}",
        fetched=fetched,
        encoding=EncodingInfo("gbk", "gb18030", "meta-charset", 1, 2, 0, 1),
        paragraphs=tuple(paragraphs),
        warc=WarcRef(f"{source}.warc.gz", int(doc_id, 16), f"<urn:uuid:{doc_id}>", "sha1:X"),
        **extra,
    )


def archive_docs() -> list[Document]:
    docs = []
    for i in range(10):
        source = "a" if i < 6 else "b"
        body = [f"第{i}篇稿件的独有正文，讲述了第{i}个社区的志愿者如何组织{i + 3}次义诊活动。", FOLLOW]
        if i % 2:
            body.append(f"标题{(i + 1) % 6:04x}")  # a teaser: another article's title (of source a)
        if i == 3:
            body.append("标题0003")  # its own title stays
        extra = {"meta": (("origin", "新华网"),), "removed": (("repeated", 2),), "author": "郑雨"} if i == 2 else {}
        docs.append(document(f"{i:04x}", source, body, **extra))
    docs.append(document("00aa", "a", STORY, fetched="2026-01-02T00:00:00Z"))
    docs.append(document("00bb", "b", ["来源：东湖在线", *STORY], fetched="2026-01-01T00:00:00Z"))
    docs.append(document("00cc", "a", [FOLLOW]))  # nothing but boilerplate: keeps all its paragraphs
    return docs


HISTORY = {"0001": [{"fetched": "2025-01-01T00:00:00Z", "payload_digest": "sha1:OLD"}]}


def write_archive(root, docs=None) -> TextStore:
    store = TextStore(root)
    for doc in docs or archive_docs():
        store.write_derived(doc)
        if doc.id in HISTORY:
            store.write_history(doc.source, doc.id, HISTORY[doc.id])
    return store


def outputs(root) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for name in ("text", "boilerplate", "manifest.jsonl")
        for p in ([root / name] if name.endswith(".jsonl") else sorted((root / name).rglob("*")))
        if p.is_file()
    }


def expected_files(docs, options, history) -> dict[str, bytes]:
    result = finalize(docs, options, history)
    files = {f"text/{source}/{doc_id}.txt": data for (source, doc_id), data in result.texts.items()}
    files.update(
        {
            f"boilerplate/{source}.json": json.dumps(p, ensure_ascii=False, indent=0).encode() + b"\n"
            for source, p in result.boilerplate.items()
        }
    )
    files["manifest.jsonl"] = "".join(
        json.dumps(e, ensure_ascii=False, sort_keys=True) + "\n" for e in result.manifest
    ).encode()
    return files


def plain_finalize(docs, options, history) -> dict[str, bytes]:
    """The definition, everything in memory: strings counted, every pair compared exactly."""
    files, bodies = {}, {}
    for source in sorted({d.source for d in docs}):
        mine = [d for d in docs if d.source == source]
        o = options.get(source, TextOptions())
        need = max(o.boilerplate_min_pages, o.boilerplate_min_share * len(mine))
        counts = {}
        for d in mine:
            for p in set(d.paragraphs):
                counts[p] = counts.get(p, 0) + 1
        common = sorted(p for p, n in counts.items() if n >= need)
        files[f"boilerplate/{source}.json"] = json.dumps(common, ensure_ascii=False, indent=0).encode() + b"\n"
        titles = {d.title for d in mine}
        for d in mine:
            body = [p for p in d.paragraphs if p not in common and (p == d.title or p not in titles)] or list(
                d.paragraphs
            )
            bodies[d.id] = (d, body, sum(n for _, n in d.removed) + len(d.paragraphs) - len(body))
    threshold = min(o.near_duplicate_threshold for o in options.values())
    grams = {i: shingles(body) for i, (_, body, _) in bodies.items()}
    groups = {i: {i} for i in bodies}
    for x, y in itertools.combinations(sorted(bodies), 2):
        if len(grams[x] & grams[y]) / len(grams[x] | grams[y]) >= threshold and groups[x] is not groups[y]:
            merged = groups[x] | groups[y]
            for i in merged:
                groups[i] = merged
    manifest = []
    for doc_id in sorted(bodies):
        doc, body, removed = bodies[doc_id]
        group = groups[doc_id]
        canonical = min(group, key=lambda i: (bodies[i][0].fetched, i))
        cluster = (canonical, canonical) if len(group) > 1 else None
        data = render(doc, body, removed, cluster)
        files[f"text/{doc.source}/{doc_id}.txt"] = data
        w = doc.warc
        entry = {
            "id": doc.id,
            "url": doc.url,
            "source": doc.source,
            "title": doc.title,
            "fetched": doc.fetched,
            "warc": {"file": w.file, "offset": w.offset, "record_id": w.record_id, "payload_digest": w.payload_digest},
            "sha256": hashlib.sha256(data).hexdigest(),
        }
        if cluster:
            entry["cluster"], entry["canonical"] = cluster
        if history.get(doc_id):
            entry["history"] = history[doc_id]
        manifest.append(json.dumps(entry, ensure_ascii=False, sort_keys=True) + "\n")
    files["manifest.jsonl"] = "".join(manifest).encode()
    return files


def test_streaming_publish_equals_in_memory_finalize(tmp_path):
    store = write_archive(tmp_path)
    counts = publish(store, OPTIONS)
    assert counts == {"written": 13, "unchanged": 0, "removed": 0}
    got = outputs(tmp_path)
    assert got == expected_files(archive_docs(), OPTIONS, HISTORY)
    assert got == plain_finalize(archive_docs(), OPTIONS, HISTORY)
    # what the set exercises
    manifest = [json.loads(line) for line in got["manifest.jsonl"].decode().splitlines()]
    assert {e["id"]: e.get("canonical") for e in manifest if "canonical" in e} == {"00aa": "00bb", "00bb": "00bb"}
    assert [e["id"] for e in manifest if "history" in e] == ["0001"]
    assert json.loads(got["boilerplate/a.json"]) == [FOLLOW]
    body = got["text/a/0001.txt"].decode().split("---\n", 2)[2].splitlines()
    assert body == [
        "标题0001",
        "第1篇稿件的独有正文，讲述了第1个社区的志愿者如何组织4次义诊活动。",
    ]  # teaser and boilerplate out
    assert "标题0003" in got["text/a/0003.txt"].decode().split("---\n", 2)[2].splitlines()[1:]
    assert got["text/a/00cc.txt"].decode().endswith(f"---\n标题00cc\n{FOLLOW}\n")
    assert publish(store, OPTIONS) == {"written": 0, "unchanged": 13, "removed": 0}
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == [
        ".finalized.json"
    ]  # no snapshot, no temp file


@pytest.fixture(scope="module")
def pool():
    with ProcessPoolExecutor(2, mp_context=text_context()) as executor:
        yield executor


def test_a_publish_in_a_process_pool_writes_the_same_bytes(tmp_path, pool, caplog):
    write_archive(tmp_path / "serial")
    publish(TextStore(tmp_path / "serial"), OPTIONS)
    store = write_archive(tmp_path / "pooled")
    bad = store.derived_path("a", "ffff000000000000")
    bad.write_text('{"id": "ffff000000000000", "paragraphs": [', "utf-8")  # cut short: read by a worker
    with caplog.at_level(logging.WARNING):
        counts = publish(store, OPTIONS, pool=pool, workers=2)
    assert counts == {"written": 13, "unchanged": 0, "removed": 0, "skipped": 1}
    assert outputs(tmp_path / "pooled") == outputs(tmp_path / "serial")  # clusters, history, teasers included
    assert [r.getMessage() for r in caplog.records] == [
        f"{bad}: unreadable derived document left out (JSONDecodeError: Expecting value: line 1 column 43 (char 42))"
    ]
    doc = Document.from_dict(json.loads(store.derived_path("b", "0007").read_text("utf-8")))
    store.write_derived(dataclasses.replace(doc, paragraphs=(*doc.paragraphs, "补充的一段正文，只改了这一篇。")))
    assert publish(store, OPTIONS, pool=pool, workers=2) == {"written": 1, "unchanged": 12, "removed": 0, "skipped": 1}
    assert "补充的一段正文" in (tmp_path / "pooled" / "text" / "b" / "0007.txt").read_text("utf-8")


def test_publish_removes_leftovers_of_interrupted_writes_but_not_in_derived(tmp_path):
    store = write_archive(tmp_path)
    publish(store, OPTIONS)
    leftovers = [
        tmp_path / "text" / "a" / ".0001.txt.k2j3h4.tmp",
        tmp_path / "boilerplate" / ".a.json.x8y9.tmp",
        tmp_path / ".manifest.jsonl.abcd.tmp",
    ]
    kept = [tmp_path / "derived" / "a" / ".0001.json.q1w2.tmp", tmp_path / ".index.cdxj.zzzz", tmp_path / ".text.lock"]
    for path in leftovers + kept:
        path.write_bytes(b"half")
    (tmp_path / ".publish.old1").mkdir()  # snapshot of a killed publish
    (tmp_path / ".publish.old1" / "0.json").write_bytes(b"{}")
    counts = publish(store, OPTIONS)
    assert counts == {"written": 0, "unchanged": 13, "removed": 0, "leftovers": 3}
    assert [p for p in leftovers if p.exists()] == []
    assert all(p.read_bytes() == b"half" for p in kept)
    assert not (tmp_path / ".publish.old1").exists()


def test_publish_uses_only_the_listed_derived_files(tmp_path):
    store = write_archive(tmp_path)
    docs = archive_docs()
    only = {store.derived_path(d.source, d.id) for d in docs if d.id != "0004"}
    publish(store, OPTIONS, only=only)
    assert outputs(tmp_path) == expected_files([d for d in docs if d.id != "0004"], OPTIONS, HISTORY)


def test_an_unchanged_archive_is_not_finalized_again_but_a_damaged_one_is(tmp_path, caplog):
    store = write_archive(tmp_path)
    publish(store, OPTIONS)
    expected = outputs(tmp_path)
    skip = f"{tmp_path}: text archive unchanged since it was last finalized"
    with caplog.at_level(logging.INFO, logger="crawler.text.publish"):
        assert publish(store, OPTIONS) == {"written": 0, "unchanged": 13, "removed": 0}
    assert [r.getMessage() for r in caplog.records] == [skip]
    caplog.clear()
    (tmp_path / "text" / "a" / "0001.txt").unlink()  # an output lost: the next publish restores it
    with caplog.at_level(logging.INFO, logger="crawler.text.publish"):
        assert publish(store, OPTIONS) == {"written": 1, "unchanged": 12, "removed": 0}
    assert skip not in [r.getMessage() for r in caplog.records]
    assert outputs(tmp_path) == expected
    (tmp_path / ".finalized.json").write_text('{"inputs": "cut sh', "utf-8")  # damaged: publish in full
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="crawler.text.publish"):
        assert publish(store, OPTIONS) == {"written": 0, "unchanged": 13, "removed": 0}
    assert skip not in [r.getMessage() for r in caplog.records]
    assert outputs(tmp_path) == expected
    # new options (a stricter threshold) and a changed document each finalize again
    assert publish(store, {**OPTIONS, "a": TextOptions(boilerplate_min_pages=50)})["written"] > 0
    assert publish(store, OPTIONS)["written"] > 0
    doc = Document.from_dict(json.loads(store.derived_path("a", "0001").read_text("utf-8")))
    store.write_derived(
        dataclasses.replace(doc, paragraphs=(*doc.paragraphs, "新增的一段正文，用来确认改动会被发现。"))
    )
    assert publish(store, OPTIONS) == {"written": 1, "unchanged": 12, "removed": 0}
    assert "新增的一段正文" in (tmp_path / "text" / "a" / "0001.txt").read_text("utf-8")


def test_document_json_form_is_the_dataclass_form_and_round_trips():
    """to_dict is hand-written for speed: it must give asdict's JSON, and from_dict must undo it."""
    full = document(
        "00ab",
        "a",
        STORY,
        published="2026-01-02",
        author="李明",
        meta=(("origin", "东湖在线"),),
        removed=(("generic", 2),),
    )
    bare = dataclasses.replace(full, warc=None, published=None, author=None, meta=(), removed=())
    paged = dataclasses.replace(
        full,
        pages=(
            PageRef(full.url, "2026-01-02T00:00:00Z", full.warc),
            PageRef(full.url + "_1", "2026-01-02T00:00:01Z", None),
        ),
    )
    for doc in (full, bare, paged):
        encoded = json.dumps(doc.to_dict(), ensure_ascii=False, sort_keys=True)
        assert encoded == json.dumps(dataclasses.asdict(doc), ensure_ascii=False, sort_keys=True)
        assert Document.from_dict(json.loads(encoded)) == doc
