"""What became of an article: the kept text, edits, removals and returns (crawler.text.timeline),
and the text archive's cache folding captures one at a time as the crawl does."""

from __future__ import annotations

import dataclasses
import os

from crawler.text.model import Document, EncodingInfo, WarcRef
from crawler.text.store import TextStore
from crawler.text.timeline import EDITED, NEW, OLD, SAME, Timeline, on_article, on_removal, text_digest

BODY = (
    "河口镇今年在江堤上种下两千棵水杉，镇里组织了三十多名志愿者分片养护。",
    "养护队每周巡查一次，发现枯死的树苗当季补种。",
)


def capture(fetched: str, paragraphs=BODY, sidebar_rules=(("related", 1),), encoding="utf-8") -> Document:
    n = int(fetched[8:10])
    return Document(
        id="00ff00ff00ff00ff",
        url="http://hekou.example/a/1.html",
        source="hekou",
        title="江堤上种下两千棵水杉",
        fetched=fetched,
        encoding=EncodingInfo(encoding, encoding, "http-charset"),
        paragraphs=tuple(paragraphs),
        published="2024-03-12",
        removed=sidebar_rules,
        warc=WarcRef(f"news-{n}.warc.gz", 100 * n, f"<urn:uuid:{n}>", f"sha1:P{n}"),
    )


def fold(*captures) -> tuple[Document | None, Timeline, list[str]]:
    doc, timeline, outcomes = None, Timeline(), []
    for item in captures:
        step = on_removal(doc, timeline, *item) if isinstance(item, tuple) else on_article(doc, timeline, item)
        doc, timeline = step.doc, step.timeline
        outcomes.append(step.outcome or ("removed" if step.removed else ""))
    return doc, timeline, outcomes


def test_the_same_text_keeps_the_earliest_capture_and_adds_no_history():
    first = capture("2026-01-01T00:00:00Z")
    # the page's bytes changed (sidebar, counters: other per-page removals, another codec label), not its text
    later = [
        capture("2026-01-02T00:00:00Z", sidebar_rules=(("related", 3),)),
        capture("2026-01-03T00:00:00Z", encoding="gbk"),
    ]
    doc, timeline, outcomes = fold(first, *later)
    assert outcomes == [NEW, SAME, SAME]
    assert doc is first
    assert timeline == Timeline(last_seen="2026-01-03T00:00:00Z")
    assert timeline.manifest_fields() == {"last_seen": "2026-01-03T00:00:00Z"}


def test_an_edit_is_one_event_naming_the_earlier_text_and_capture():
    first = capture("2026-01-01T00:00:00Z")
    edited = capture("2026-01-05T00:00:00Z", paragraphs=(BODY[0], "养护队每周巡查两次。"))
    doc, timeline, outcomes = fold(
        first, capture("2026-01-02T00:00:00Z"), edited, capture("2026-01-06T00:00:00Z", edited.paragraphs)
    )
    assert outcomes == [NEW, SAME, EDITED, SAME]
    assert doc is edited
    assert timeline.events == (
        {
            "event": "edited",
            "fetched": "2026-01-05T00:00:00Z",
            "previous": {
                "fetched": "2026-01-01T00:00:00Z",
                "text_digest": text_digest(first),
                "record_id": "<urn:uuid:1>",
                "payload_digest": "sha1:P1",
            },
        },
    )
    assert timeline.last_seen == "2026-01-06T00:00:00Z"
    assert text_digest(first) != text_digest(edited) and text_digest(first).startswith("sha256:")


def test_a_removal_is_recorded_once_and_a_return_clears_it():
    first = capture("2026-01-01T00:00:00Z")
    doc, timeline, outcomes = fold(first, ("2026-01-03T00:00:00Z", "http-404"), ("2026-01-04T00:00:00Z", "notice"))
    assert doc is first and outcomes == [NEW, "removed", OLD]
    assert timeline.manifest_fields() == {
        "removed": "2026-01-03T00:00:00Z",
        "removed_evidence": "http-404",
        "history": [{"event": "removed", "fetched": "2026-01-03T00:00:00Z", "evidence": "http-404"}],
    }
    step = on_article(doc, timeline, capture("2026-01-09T00:00:00Z"))
    assert step.outcome == SAME and step.restored and step.doc is first
    assert step.timeline.removed is None and step.timeline.evidence is None
    assert [e["event"] for e in step.timeline.events] == ["removed", "restored"]
    assert step.timeline.events[1] == {"event": "restored", "fetched": "2026-01-09T00:00:00Z"}


def test_nothing_to_remove_and_older_captures_change_nothing():
    assert fold(("2026-01-03T00:00:00Z", "redirect-home"))[:2] == (None, Timeline())
    first = capture("2026-01-05T00:00:00Z")
    doc, timeline, outcomes = fold(
        first, capture("2026-01-02T00:00:00Z", paragraphs=("更早的另一版正文。",)), ("2026-01-04T00:00:00Z", "http-410")
    )
    assert (doc, timeline, outcomes) == (first, Timeline(), [NEW, OLD, OLD])


def test_the_store_leaves_the_kept_files_untouched_on_the_same_text(tmp_path):
    store = TextStore(tmp_path)
    first = capture("2026-01-01T00:00:00Z")
    assert store.advance(first).outcome == NEW
    path = store.derived_path("hekou", first.id)
    stat = os.stat(path)
    assert store.advance(capture("2026-01-02T00:00:00Z", sidebar_rules=())).outcome == SAME
    assert os.stat(path).st_mtime_ns == stat.st_mtime_ns and os.stat(path).st_ino == stat.st_ino
    assert store.load_derived("hekou", first.id) == first
    assert store.timeline("hekou", first.id) == Timeline(last_seen="2026-01-02T00:00:00Z")
    assert store.record_removal("hekou", first.id, "2026-01-03T00:00:00Z", "notice").removed
    assert not store.record_removal("hekou", first.id, "2026-01-04T00:00:00Z", "http-404").removed
    assert store.load_derived("hekou", first.id) == first
    assert store.timeline("hekou", first.id).removed == "2026-01-03T00:00:00Z"
    assert not store.record_removal("hekou", "0000000000000000", "2026-01-03T00:00:00Z", "notice").removed
    assert not store.derived_path("hekou", "0000000000000000").with_suffix(".history").exists()
    edited = dataclasses.replace(capture("2026-01-05T00:00:00Z"), title="江堤水杉成活率超九成")
    step = store.advance(edited)
    assert step.outcome == EDITED and step.restored
    assert store.load_derived("hekou", first.id) == edited
    assert [e["event"] for e in store.history("hekou", first.id)] == ["removed", "restored", "edited"]
