"""Multi-page articles through the real `scrapy crawl` against the demo site server: one text per
article with every page's paragraphs in order, in every page-bar style (TRS with a bar, TRS with
only createPageHTML, abc.shtml / abc_2.shtml with 下一页, abc-2.html, show.php?id=N&page=2, a
single-page version), with an `articles` rule that matches first pages only and with one that
matches every page; links that look like a next page and are not never joined; `rebuild --check`
reproduces every text; re-crawls skip continuation pages with their young article, revalidate them
with it when it is due, and a page edited on its own changes its article's text."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml

from crawler.demo.paging import page_path, single_path
from crawler.demo.server import DemoServer
from crawler.demo.sitegen import CONTENT_DIR
from crawler.text.model import document_id

from .conftest import ROOT, run_scrapy

_SENTENCES = (
    "街道召开居民议事会，把大家的意见逐条记录下来",
    "施工队分段封闭、夜间运料，尽量不影响居民出行",
    "志愿者挨家挨户走访独居老人，登记他们的实际需要",
    "项目资金由区财政和社会捐赠共同承担，账目每月公示",
    "社区请来专业机构评估效果，并根据反馈调整做法",
    "居民代表全程参与验收，对发现的问题当场提出整改意见",
    "相关部门表示将总结经验，在更多社区推广这一做法",
)
_NUMBERS = "一二三四五六七"


def paragraphs(topic: str, count: int) -> list[str]:
    """``count`` distinct paragraphs of an article about ``topic``."""
    return [f"{topic}的第{_NUMBERS[i]}个环节：{_SENTENCES[i]}，{topic}因此进展顺利。" for i in range(count)]


#: style -> (address under /news/, paragraph indices where pages 2, 3 ... start, extra keys)
PAGED = {
    "trs-bar": ("2024/05/content_7701.htm", [2, 4], {}),
    "trs-script": ("2024/05/content_7702.htm", [2, 3, 5], {}),
    "next": ("2024/05/abc.shtml", [2, 4], {}),
    "dash": ("2024/05/d0520.html", [3], {}),
    "query": ("content/show.php?id=57", [2, 4], {}),
    "single": ("2024/05/full.shtml", [3], {"paging": "next", "single": True}),
}
#: links that look like a next page and are not: (address, extra markup)
PITFALLS = {
    "epaper-37": (
        "epaper/content_1001_37.htm",
        '<div class="pager"><a href="content_1001_36.htm">上一页</a> <a href="content_1001_38.htm">下一页</a></div>',
    ),
    "epaper-38": (
        "epaper/content_1001_38.htm",
        '<div class="pager"><a href="content_1001_37.htm">上一页</a> <a href="content_1001_39.htm">下一页</a></div>',
    ),
    "comments": (
        "content/show.php?id=58",
        '<div class="comment-box"><p>网友评论</p><a href="/news/content/show.php?id=58&amp;page=2">2</a> '
        '<a href="/news/content/show.php?id=58&amp;page=2">下一页</a></div>',
    ),
    "nav": (
        "2024/05/c_0601p.html",
        '<div class="page_nav">上一篇：<a href="/news/2024/05/c_0506a.html">梧桐街道“银龄食堂”开张</a><br>'
        '<a href="/news/2024/05/c_0601p_1.html">下一篇：楼道长上岗</a></div>'
        '<div class="pager"><a href="/news/list_2.html">下一页</a> '
        '<a href="http://other.example.cn/news/2024/05/c_0601p_2.html">下一页</a> '
        '<a href="/news/2024/05/abd_2.shtml">下一页</a></div>',
    ),
}
FIRST_PAGES = [
    r"/news/\d{4}/\d{2}/\w+\.html$",
    r"/news/2024/05/(content_\d+\.htm|[a-z]+\d*\.s?html)$",
    r"/news/content/show\.php\?id=\d+$",
    r"/news/epaper/content_\d+_\d+\.htm$",
]
EVERY_PAGE = [
    r"/news/\d{4}/\d{2}/[\w-]+\.s?html?$",
    r"/news/content/show\.php\?id=\d+(&page=\w+)?$",
    r"/news/epaper/content_\d+_\d+\.htm$",
]


def article(name: str, address: str, day: int, count: int, **extra) -> dict:
    return {
        "slug": f"2024/04/x{name.replace('-', '')}",
        "address": address,
        "title": f"测试文章：{name}的报道",
        "published": f"2024-04-{day:02d} 09:00",
        "source": "青禾日报",
        "author": "测试者",
        "paragraphs": paragraphs(f"{name}项目", count),
        **extra,
    }


def make_site(tmp_path: Path, rule: list[str]) -> tuple[Path, Path]:
    content = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, content)
    path = content / "news.yaml"
    data = yaml.safe_load(path.read_text("utf-8"))
    for day, (style, (address, pages, extra)) in enumerate(PAGED.items(), 1):
        data["articles"].append(article(style, address, day, pages[-1] + 2, pages=pages, **{"paging": style, **extra}))
    for day, (name, (address, markup)) in enumerate(PITFALLS.items(), 10):
        data["articles"].append(article(name, address, day, 3, extra=markup))
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    seed = yaml.safe_load((ROOT / "seeds" / "demo-news.yaml").read_text("utf-8"))
    seed["articles"] = rule
    (seeds / "demo-news.yaml").write_text(yaml.safe_dump(seed, allow_unicode=True), "utf-8")
    return content, seeds


def crawl(tmp_path: Path, seeds: Path, url: str, offset: str = "0", extra: tuple[str, ...] = ()) -> dict:
    """Crawl; the report's stats (the summary line under ``"summary"``)."""
    archive = tmp_path / "archive"
    before = set((archive / "reports").glob("*.json")) if (archive / "reports").is_dir() else set()
    result = run_scrapy(
        "crawl",
        "demo-news",
        "-s",
        f"SEEDS_DIR={seeds}",
        "-s",
        f"ARCHIVE_DIR={archive}",
        "-s",
        f"STATE_CLOCK_OFFSET={offset}",
        *extra,
        env={"DEMO_SITE": url},
    )
    assert result.returncode == 0, result.stderr[-3000:]
    [report] = set((archive / "reports").glob("*.json")) - before
    [summary] = [line for line in result.stderr.splitlines() if "crawl summary:" in line]
    return {**json.loads(report.read_text("utf-8")), "summary": summary}


def text_of(tmp_path: Path, url: str) -> tuple[dict, list[str]]:
    """(front matter, body lines: title first) of an article's text file."""
    data = (tmp_path / "archive" / "text" / "demo-news" / f"{document_id(url)}.txt").read_text("utf-8")
    _, matter, body = data.split("---\n", 2)
    return yaml.safe_load(matter), body.splitlines()


def rebuild_check(tmp_path: Path, seeds: Path, extra: tuple[str, ...] = ()) -> None:
    check = run_scrapy(
        "rebuild", "--check", "-s", f"ARCHIVE_DIR={tmp_path / 'archive'}", "-s", f"SEEDS_DIR={seeds}", *extra
    )
    assert check.stdout == "rebuild --check: 0 difference(s)\n", check.stdout + check.stderr


def requests(log: Path) -> list[tuple[str, str]]:
    """(path, status) of every GET the server answered, in order."""
    return [(line.split()[1], line.split()[2]) for line in log.read_text().splitlines() if line.startswith("GET ")]


def continuation_paths(style: str) -> list[str]:
    address, pages, extra = PAGED[style]
    first = f"/news/{address}"
    paged = [page_path(first, extra.get("paging", style), i) for i in range(1, len(pages) + 1)]
    return ([single_path(first, "next")] if extra.get("single") else []) + paged


@pytest.mark.parametrize("rule", [FIRST_PAGES, EVERY_PAGE], ids=["first-pages-rule", "every-page-rule"])
def test_one_text_per_multi_page_article(tmp_path, rule):
    content, seeds = make_site(tmp_path, rule)
    log = tmp_path / "server.log"
    with DemoServer(content_dir=content, log=log) as url:
        stats = crawl(tmp_path, seeds, url)
        texts = sorted((tmp_path / "archive" / "text" / "demo-news").glob("*.txt"))
        assert len(texts) == 7 + len(PAGED) + len(PITFALLS)  # the news channel's 7, and one per article here
        for style, (address, pages, extra) in PAGED.items():
            matter, body = text_of(tmp_path, f"{url}/news/{address}")
            assert body == [f"测试文章：{style}的报道", *paragraphs(f"{style}项目", pages[-1] + 2)], style
            used = [
                f"{url}{p}"
                for p in (
                    [single_path(f"/news/{address}", "next")] if extra.get("single") else continuation_paths(style)
                )
            ]
            assert [p["url"] for p in matter["pages"]] == [f"{url}/news/{address}", *used], style
            assert matter["title"] == f"测试文章：{style}的报道" and matter["author"] == "测试者"
            assert all(p["record_id"].startswith("<urn:uuid:") for p in matter["pages"])
        for name, (address, _) in PITFALLS.items():
            matter, body = text_of(tmp_path, f"{url}/news/{address}")
            assert body == [f"测试文章：{name}的报道", *paragraphs(f"{name}项目", 3)], name
            assert "pages" not in matter
        fetched = requests(log)
        for style in PAGED:
            for path in continuation_paths(style):
                assert fetched.count((path, "200")) == 1, path  # requested once, with its article
        if rule is FIRST_PAGES:  # (a rule matching every page follows them as links: they are 404s, no text)
            assert "/news/content/show.php?id=58&page=2" not in {p for p, _ in fetched}
            assert "/news/2024/05/abd_2.shtml" not in {p for p, _ in fetched}
        assert stats["spider/multipage_articles"] == len(PAGED)
        assert stats["spider/continuation_requests"] == sum(len(continuation_paths(s)) for s in PAGED)
        assert stats["text/multipage"] == len(PAGED)
        pages = len(PAGED) + sum(len(continuation_paths(s)) for s in PAGED)
        assert stats["text/multipage_pages"] == pages
        assert (
            f"{7 + len(PAGED) + len(PITFALLS)} articles derived ({len(PAGED)} multi-page, {pages} pages)"
            in stats["summary"]
        )
        assert "text/dropped/no-text" not in stats
        rebuild_check(tmp_path, seeds)


def test_recrawls_skip_and_revalidate_continuation_pages_with_their_article(tmp_path):
    content, seeds = make_site(tmp_path, FIRST_PAGES)
    log = tmp_path / "server.log"
    every = [p for style in PAGED for p in continuation_paths(style)]
    with DemoServer(content_dir=content, log=log) as url:
        crawl(tmp_path, seeds, url)
        day1 = {p.name: p.read_bytes() for p in (tmp_path / "archive" / "text" / "demo-news").glob("*.txt")}
        # at once: every article is young; none of its pages is requested
        start = len(requests(log))
        stats = crawl(tmp_path, seeds, url)
        assert not {p for p, _ in requests(log)[start:]} & set(every)
        assert "spider/continuation_requests" not in stats
        # a week later: every page is revalidated with its article (304s), and nothing changes
        start = len(requests(log))
        stats = crawl(tmp_path, seeds, url, offset="8d")
        again = requests(log)[start:]
        assert sorted(p for p, status in again if p in every and status == "304") == sorted(every)
        assert stats["spider/continuation_requests"] == len(every) and "text/multipage" not in stats
        now = {p.name: p.read_bytes() for p in (tmp_path / "archive" / "text" / "demo-news").glob("*.txt")}
        assert now == day1
        rebuild_check(tmp_path, seeds)
        # page 2 of the TRS article is edited (its first page is not): its text changes, no other
        path = content / "news.yaml"
        data = yaml.safe_load(path.read_text("utf-8"))
        edited = next(a for a in data["articles"] if a.get("address") == PAGED["trs-bar"][0])
        edited["paragraphs"][2] = "（更正）" + edited["paragraphs"][2]
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")
        start = len(requests(log))
        stats = crawl(tmp_path, seeds, url, offset="16d")
        first = f"/news/{PAGED['trs-bar'][0]}"
        assert (first, "304") in requests(log)[start:] and (page_path(first, "trs-bar", 1), "200") in requests(log)[
            start:
        ]
        now = {p.name: p.read_bytes() for p in (tmp_path / "archive" / "text" / "demo-news").glob("*.txt")}
        changed = f"{document_id(url + first)}.txt"
        assert [name for name in sorted(now) if now[name] != day1[name]] == [changed]
        matter, body = text_of(tmp_path, url + first)
        assert body[3] == "（更正）" + paragraphs("trs-bar项目", 6)[2] and len(body) == 7
        assert [p["url"] for p in matter["pages"]] == [
            url + first,
            *(f"{url}{p}" for p in continuation_paths("trs-bar")),
        ]
        assert matter["pages"][0]["fetched"] < matter["pages"][1]["fetched"] == matter["fetched"]
        assert stats["text/edited"] == 1 and stats["text/multipage"] == 1
        rebuild_check(tmp_path, seeds)


def test_a_multi_page_article_not_derived_before_a_crash_is_caught_up_whole(tmp_path):
    """A crawl killed between archiving an article and deriving it: the next crawl finds it young
    (not fetched again) and derives it from the archive, its continuation pages included."""
    content, seeds = make_site(tmp_path, EVERY_PAGE)
    with DemoServer(content_dir=content) as url:
        crawl(tmp_path, seeds, url)
        first = f"{url}/news/{PAGED['trs-script'][0]}"
        path = tmp_path / "archive" / "text" / "demo-news" / f"{document_id(first)}.txt"
        before = path.read_bytes()
        derived = tmp_path / "archive" / "derived" / "demo-news"
        for suffix in (".json", ".pages"):
            (derived / f"{document_id(first)}{suffix}").unlink()
        stats = crawl(tmp_path, seeds, url)
        assert stats["text/recovered"] == 1 and "spider/continuation_requests" not in stats
        assert path.read_bytes() == before
        assert len(list(path.parent.glob("*.txt"))) == 7 + len(PAGED) + len(PITFALLS)
        rebuild_check(tmp_path, seeds)


def test_warc_files_kept_elsewhere_serve_every_reader(tmp_path):
    """WARC_DIR outside the archive: the catch-up, a re-crawl that joins a revisited first page
    with an edited second page, rebuild, verify, report and the WACZ export all read the WARC
    files there; nothing is written to ARCHIVE_DIR/warc."""
    content, seeds = make_site(tmp_path, FIRST_PAGES)
    warcs = tmp_path / "disk2" / "warcs"
    extra = ("-s", f"WARC_DIR={warcs}")
    archive = tmp_path / "archive"
    with DemoServer(content_dir=content) as url:
        crawl(tmp_path, seeds, url, extra=extra)
        first = f"{url}/news/{PAGED['trs-script'][0]}"
        for suffix in (".json", ".pages"):  # as after a crash between archiving and deriving
            (archive / "derived" / "demo-news" / f"{document_id(first)}{suffix}").unlink()
        stats = crawl(tmp_path, seeds, url, extra=extra)
        assert stats["text/recovered"] == 1
        assert "incremental/lost_record" not in stats  # the state finds the records where they are
        assert stats["incremental/skipped/fresh"] > 0  # the young articles are not fetched again
        path = content / "news.yaml"
        data = yaml.safe_load(path.read_text("utf-8"))
        edited = next(a for a in data["articles"] if a.get("address") == PAGED["trs-bar"][0])
        edited["paragraphs"][2] = "（更正）" + edited["paragraphs"][2]
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")
        stats = crawl(tmp_path, seeds, url, offset="16d", extra=extra)
        assert stats["text/edited"] == 1 and stats["text/multipage"] == 1
    _, body = text_of(tmp_path, f"{url}/news/{PAGED['trs-bar'][0]}")
    assert body[3] == "（更正）" + paragraphs("trs-bar项目", 6)[2]
    assert not (archive / "warc").exists() and len(list(warcs.glob("*.warc.gz"))) == 3
    rebuild_check(tmp_path, seeds, extra)
    common = ("-s", f"ARCHIVE_DIR={archive}", "-s", f"SEEDS_DIR={seeds}", *extra)
    verify = run_scrapy("verify", *common)
    assert verify.returncode == 0 and verify.stdout.endswith("; 0 problem(s)\n"), verify.stdout + verify.stderr
    assert "3 warc files" in verify.stdout and "0 captured articles without text" in verify.stdout
    report = run_scrapy("report", "--out", str(tmp_path / "report"), *common)
    assert report.returncode == 0 and not report.stderr.count("unreadable"), report.stderr[-2000:]
    wacz = run_scrapy("export", "--wacz", str(tmp_path / "all.wacz"), *common)
    assert wacz.returncode == 0, wacz.stderr[-2000:]
    import zipfile

    names = zipfile.ZipFile(tmp_path / "all.wacz").namelist()
    assert sum(1 for n in names if n.endswith(".warc.gz")) == 3
