"""The text workers' one entry point (crawler/workers.py): the crawl's jobs and the rebuild's give
the same derived bytes from the same WARC records, read by offset."""

from __future__ import annotations

from datetime import UTC, datetime

from crawler.rebuild import locate_all, rebuild
from crawler.text.model import TextOptions, document_id
from crawler.warc.model import Located
from crawler.warc.records import Exchange
from crawler.workers import Derived, Job, Skipped, Stored, derive
from tests.test_warc_writer import NAME, make_writer

URL = "http://a.cn/news/2026/11/c_1.htm"
PARAGRAPHS = [
    "清晨的菜市场里，摊主们把新摘的青菜一捆一捆码好，等着第一批买菜的老人。",
    "社区志愿者每周三都会来帮忙搬运货物，顺便听听大家对市场改造的意见。",
    "有位卖豆腐的师傅说，改造后的排水沟让雨天的地面干净了许多，生意也好做了。",
    "街道办表示，下一步将在市场入口增设无障碍通道，并延长周末的营业时间。",
]


def page(paragraphs: list[str], title: str = "菜市场改造以后") -> bytes:
    body = "".join(f"<p>{p}</p>\n" for p in paragraphs)
    return (
        f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{title}</title></head><body>'
        f"<article><h1>{title}</h1>\n{body}</article></body></html>"
    ).encode()


def archive(tmp_path, bodies: list[tuple[int, bytes]]):
    """A WARC with one response record per (day, body) at URL; its path."""
    writer = make_writer(tmp_path / "warc")
    for day, body in bodies:
        writer.write(
            writer.factory.build_exchange(
                Exchange(
                    URL,
                    "GET",
                    (),
                    b"",
                    200,
                    "HTTP/1.1",
                    (("Content-Type", "text/html; charset=utf-8"),),
                    body,
                    date=datetime(2026, 11, day, 8, 0, 0, tzinfo=UTC),
                )
            )
        )
    writer.close()
    return tmp_path / "warc" / NAME.format(0)


def derived_bytes(root) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted((root / "derived").rglob("*")) if p.is_file()}


def test_the_crawls_jobs_and_the_rebuild_write_the_same_derived_bytes(tmp_path):
    edited = PARAGRAPHS[:3] + ["街道办表示，市场入口的无障碍通道已经开工，周末营业时间也已延长。"]
    path = archive(tmp_path, [(20, page(PARAGRAPHS)), (21, page(PARAGRAPHS)), (22, page(edited))])
    [(doc_id, captures)] = locate_all([path], None).items()
    assert doc_id == document_id(URL) and [c.offset for c in captures] == sorted(c.offset for c in captures)
    crawl_root = tmp_path / "crawl"
    outcomes = []
    for found in captures:  # the crawl: one job per new capture, as each comes, folded onto the cache
        derived = derive(Job((found,), TextOptions(), str(crawl_root)))
        assert isinstance(derived.last, Stored) and derived.document == (found.source, doc_id)
        outcomes.append(derived.last.outcome)
    assert outcomes == ["new", "same", "edited"]
    rebuilt = tmp_path / "rebuilt"
    counts = rebuild([path], rebuilt, None)
    assert counts["documents"] == 1
    crawled = derived_bytes(crawl_root)
    assert sorted(crawled) == [
        f"derived/{captures[0].source}/{doc_id}.history",
        f"derived/{captures[0].source}/{doc_id}.json",
    ]
    assert crawled == derived_bytes(rebuilt)  # the same function, the same bytes
    assert "无障碍通道已经开工" in crawled[f"derived/{captures[0].source}/{doc_id}.json"].decode("utf-8")


def test_a_job_carries_locations_and_an_unreadable_page_costs_only_itself(tmp_path):
    path = archive(tmp_path, [(20, page(PARAGRAPHS))])
    [[found]] = locate_all([path], None).values()
    missing = Located(found.warc_date, str(tmp_path / "warc" / "gone.warc.gz"), 0, found.source, url=URL + "?page=2")
    derived = derive(Job((found,), TextOptions(), str(tmp_path / "root"), (found, missing)))
    assert isinstance(derived.last, Stored) and derived.damaged == ()
    unreadable = Located(found.warc_date, str(tmp_path / "warc" / "gone.warc.gz"), 0, found.source, url=URL)
    derived = derive(Job((unreadable,), TextOptions(), str(tmp_path / "other")))
    assert derived.document is None and derived.last.reason == "unreadable-record"
    [line] = derived.damaged
    assert line.startswith(f"{unreadable.file}: ") and "gone.warc.gz" in line
    assert not (tmp_path / "other" / "derived").exists()


def test_a_notice_marks_the_archived_article_removed_and_keeps_its_text(tmp_path):
    notice = (
        '<!DOCTYPE html><html><head><meta charset="utf-8"><title>页面不存在</title></head>'
        "<body><h1>您访问的页面不存在</h1></body></html>"
    ).encode()
    path = archive(tmp_path, [(20, page(PARAGRAPHS)), (21, notice)])
    [captures] = locate_all([path], None).values()
    root = tmp_path / "root"
    first = derive(Job((captures[0],), TextOptions(), str(root)))
    second = derive(Job((captures[1],), TextOptions(), str(root)))
    assert isinstance(first.last, Stored)
    assert second.last == Skipped("notice", second.last.evidence, removed=True)
    assert second.document == first.document  # the text is kept
    whole = derive(Job(tuple(captures), TextOptions(), str(tmp_path / "rebuilt"), whole=True))
    assert isinstance(whole, Derived) and whole.document == first.document
    assert derived_bytes(root) == derived_bytes(tmp_path / "rebuilt")
