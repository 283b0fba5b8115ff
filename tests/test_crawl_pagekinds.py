"""What a page is, and what became of it, through the real `scrapy crawl` against the demo site
server: pages that are not articles never become texts; on later days a taken-down article keeps
its text and is marked removed, a walled one keeps its text and is not, one that comes back is
restored; against a server without validators and with a changing sidebar, re-crawls leave
every text file as it is and write history only for a real edit. `rebuild --check` after each."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest
import yaml
from warcio.archiveiterator import ArchiveIterator

from crawler.demo.notarticles import NOT_ARTICLES, expected_kinds
from crawler.demo.server import DemoServer
from crawler.demo.sitegen import CONTENT_DIR
from crawler.text.model import document_id

from .conftest import ROOT, run_scrapy

ABOUT_DELETION = {
    "slug": "2024/05/c_0524h",
    "title": "清理网络谣言专项行动通报：三千余条不实信息已被删除",
    "published": "2024-05-24 16:00",
    "source": "青禾日报",
    "author": "宋雨桐",
    "paragraphs": [
        "青禾市网信办24日通报，专项行动开展一个月来，辖区各平台已删除不实信息三千余条，关闭违规账号二百一十个。",
        "通报说，被删除的内容主要是编造的灾情、伪造的招聘启事和冒充官方发布的通知。相关平台发布的帖子已被删除或下线，页面不存在的链接也已清理。",
        "网信办提醒市民，看到来源不明的消息先核实，不转发、不评论，发现谣言可以通过举报电话和网上平台反映。",
    ],
}


@pytest.fixture()
def site(tmp_path):
    """The demo /news/ content with every kind of page that is not an article, an article about a
    deletion, and a seed whose article rule also matches the PHP page; articles due at once."""
    content = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, content)
    path = content / "news.yaml"
    data = yaml.safe_load(path.read_text("utf-8"))
    data["site"]["not_articles"] = True
    data["articles"].append(ABOUT_DELETION)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    seed = (ROOT / "seeds" / "demo-news.yaml").read_text("utf-8")
    seed = seed.replace(
        r"articles: ['/news/\d{4}/\d{2}/\w+\.html$']",
        r"articles: ['/news/\d{4}/\d{2}/\w+\.html$', '/news/content/show\.php\?id=\d+$']",
    )
    assert "show" in seed
    (seeds / "demo-news.yaml").write_text(seed + "refresh: {articles_after: 0s}\n", "utf-8")
    return tmp_path, content, seeds


def edit(content: Path, change) -> None:
    path = content / "news.yaml"
    data = yaml.safe_load(path.read_text("utf-8"))
    change(data["articles"])
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")


def crawl(tmp_path: Path, seeds: Path, url: str) -> tuple[dict, str]:
    """Crawl; the report's stats and the summary line."""
    archive = tmp_path / "archive"
    reports = set((archive / "reports").glob("*.json")) if (archive / "reports").is_dir() else set()
    result = run_scrapy(
        "crawl", "demo-news", "-s", f"SEEDS_DIR={seeds}", "-s", f"ARCHIVE_DIR={archive}", env={"DEMO_SITE": url}
    )
    assert result.returncode == 0, result.stderr[-3000:]
    [report] = set((archive / "reports").glob("*.json")) - reports
    [summary] = [line for line in result.stderr.splitlines() if "crawl summary:" in line]
    return json.loads(report.read_text("utf-8")), summary


def texts(tmp_path: Path) -> dict[str, bytes]:
    return {p.stem: p.read_bytes() for p in sorted((tmp_path / "archive" / "text").glob("*/*.txt"))}


def manifest(tmp_path: Path) -> dict[str, dict]:
    lines = (tmp_path / "archive" / "manifest.jsonl").read_text("utf-8").splitlines()
    return {entry["id"]: entry for entry in map(json.loads, lines)}


def consistent(tmp_path: Path, seeds: Path) -> None:
    check = run_scrapy("rebuild", "--check", "-s", f"ARCHIVE_DIR={tmp_path / 'archive'}", "-s", f"SEEDS_DIR={seeds}")
    assert check.stdout == "rebuild --check: 0 difference(s)\n", check.stdout + check.stderr
    verify = run_scrapy("verify", "-s", f"ARCHIVE_DIR={tmp_path / 'archive'}")
    assert verify.returncode == 0, verify.stdout


def responses(tmp_path: Path, url: str) -> list[tuple[str, str]]:
    """(WARC-Date, HTTP status) of every response record of ``url``, oldest first."""
    found = []
    for path in sorted((tmp_path / "archive" / "warc").glob("*.warc.gz")):
        with open(path, "rb") as fh:
            for record in ArchiveIterator(fh):
                if record.rec_type == "response" and record.rec_headers.get_header("WARC-Target-URI") == url:
                    found.append((record.rec_headers.get_header("WARC-Date"), record.http_headers.get_statuscode()))
    return sorted(found)


def article_ids(content: Path, url: str) -> list[str]:
    data = yaml.safe_load((content / "news.yaml").read_text("utf-8"))
    return [document_id(f"{url}/news/{a['slug']}.html") for a in data["articles"]]


def test_not_articles_takedowns_and_a_wall_over_three_days(site):
    tmp_path, content, seeds = site
    with DemoServer(content_dir=content) as url:
        ids = article_ids(content, url)
        # day 1: one text per article, the one about a deletion included; none for the 8 other pages
        stats, summary = crawl(tmp_path, seeds, url)
        day1 = texts(tmp_path)
        assert sorted(day1) == sorted(ids) and len(ids) == 8
        odd = {document_id(url + path) for path in expected_kinds({"name": "news", "not_articles": True})}
        assert len(odd) == len(NOT_ARTICLES) == 8 and not odd & set(day1)
        assert "清理网络谣言专项行动通报" in day1[ids[-1]].decode()
        kinds = {k: v for k, v in stats.items() if k.startswith("pagekind/")}
        assert kinds == {
            "pagekind/notice": 2,
            "pagekind/redirect-home": 2,
            "pagekind/redirect-error": 1,
            "pagekind/redirect-list": 1,
            "pagekind/wall": 2,
        }
        assert "8 not articles (notice 2, redirect-error 1, redirect-home 2, redirect-list 1, wall 2)" in summary
        assert stats["text/documents"] == 8 and "text/removed" not in stats
        consistent(tmp_path, seeds)

        # day 2: one article answers 404, one is a status-200 "该文章已下线" page, one is behind a wall
        gone, notice, walled = (
            f"{url}/news/{a['slug']}.html"
            for a in yaml.safe_load((content / "news.yaml").read_text("utf-8"))["articles"][1:4]
        )
        state_before = state_of(tmp_path, walled)
        assert state_before[0].startswith("sha1:") and state_before[2] > 0
        edit(
            content,
            lambda items: [
                items[i].__setitem__("shows", shows) for i, shows in ((1, "http-404"), (2, "notice"), (3, "wall"))
            ],
        )
        stats, summary = crawl(tmp_path, seeds, url)
        assert texts(tmp_path) == day1  # every text file byte-identical, the taken-down ones included
        entries = manifest(tmp_path)
        removed_at = responses(tmp_path, gone)[-1]
        assert removed_at[1] == "404"
        assert {k: entries[document_id(gone)][k] for k in ("removed", "removed_evidence", "history")} == {
            "removed": removed_at[0],
            "removed_evidence": "http-404",
            "history": [{"event": "removed", "fetched": removed_at[0], "evidence": "http-404"}],
        }
        notice_at = responses(tmp_path, notice)[-1][0]
        assert (entries[document_id(notice)]["removed"], entries[document_id(notice)]["removed_evidence"]) == (
            notice_at,
            "notice",
        )
        assert [i for i, e in entries.items() if "removed" in e] == sorted([document_id(gone), document_id(notice)])
        assert [i for i, e in entries.items() if "history" in e] == sorted([document_id(gone), document_id(notice)])
        assert "removed" not in entries[document_id(walled)]
        assert stats["text/removed"] == 2 and stats["pagekind/gone"] == 1 and stats["pagekind/notice"] == 1
        assert stats["pagekind/wall"] >= 1 and "2 removed, 0 restored" in summary
        # the wall did not make the walled article look fresh: its state still names day 1's capture
        assert state_of(tmp_path, walled) == state_before
        consistent(tmp_path, seeds)

        # day 3: the 404 article is back, the wall is gone, the notice stays
        edit(content, lambda items: [items[i].pop("shows") for i in (1, 3)])
        stats, summary = crawl(tmp_path, seeds, url)
        assert texts(tmp_path) == day1
        entries = manifest(tmp_path)
        back = entries[document_id(gone)]
        assert "removed" not in back and [h["event"] for h in back["history"]] == ["removed", "restored"]
        assert back["history"][1]["fetched"] == responses(tmp_path, gone)[-1][0]
        assert entries[document_id(notice)]["removed"] == notice_at
        assert stats["text/restored"] == 1 and "text/removed" not in stats
        assert "removed" not in entries[document_id(walled)] and "history" not in entries[document_id(walled)]
        consistent(tmp_path, seeds)


def state_of(tmp_path: Path, url: str) -> tuple:
    with sqlite3.connect(tmp_path / "archive" / "state.sqlite") as db:
        return db.execute(
            "SELECT payload_digest, record_id, fetched_at, etag FROM urls WHERE url = ?", (url,)
        ).fetchone()


def test_recrawls_of_a_server_without_validators_keep_every_text_file(tmp_path):
    """No ETag, no Last-Modified, a visit counter and the time on every page: every re-crawl
    captures every page again, and still no text file changes and no history is written; an
    edited article gets exactly one history entry."""
    content = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, content)
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    seed = (ROOT / "seeds" / "demo-news.yaml").read_text("utf-8") + "refresh: {articles_after: 0s}\n"
    (seeds / "demo-news.yaml").write_text(seed, "utf-8")
    with DemoServer(content_dir=content, dynamic=True) as url:
        ids = article_ids(content, url)
        crawl(tmp_path, seeds, url)
        first, entries = texts(tmp_path), manifest(tmp_path)
        assert sorted(first) == sorted(ids) and len(ids) == 7
        for _ in range(3):
            stats, summary = crawl(tmp_path, seeds, url)
            # every HTML page is new bytes (7 articles, 2 list pages); robots.txt, the sitemap and the three
            # page requisites (stylesheet, its background image, one article's image: same payload) are revisits
            assert (stats["text/same"], stats["warc/records/response"], stats["warc/records/revisit"]) == (7, 9, 5)
            assert stats["requisites/captured"] == 3 and "; 3 page requisites; " in summary
            assert "text/edited" not in stats
            assert texts(tmp_path) == first
            now = manifest(tmp_path)
            assert not [e for e in now.values() if "history" in e]
            assert {i: {k: v for k, v in e.items() if k != "last_seen"} for i, e in now.items()} == entries
            assert all(e["last_seen"] > e["fetched"] for e in now.values())
        consistent(tmp_path, seeds)
        edit(content, lambda items: items[4]["paragraphs"].__setitem__(0, "（更正）" + items[4]["paragraphs"][0]))
        stats, _ = crawl(tmp_path, seeds, url)
        after, now = texts(tmp_path), manifest(tmp_path)
        assert [i for i in ids if after[i] != first[i]] == [ids[4]]
        assert [i for i, e in now.items() if "history" in e] == [ids[4]]
        [event] = now[ids[4]]["history"]
        assert event["event"] == "edited" and event["fetched"] == now[ids[4]]["fetched"]
        assert event["previous"]["fetched"] == entries[ids[4]]["fetched"]
        assert event["previous"]["record_id"] == entries[ids[4]]["warc"]["record_id"]
        assert stats["text/edited"] == 1 and stats["text/same"] == 6
        consistent(tmp_path, seeds)
