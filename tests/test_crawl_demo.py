"""End to end: `scrapy demo` crawls the real demo site server into a fresh archive.

One crawl per module (it is the README's first command); the tests then read what it left:
text files equal to the site's clean article text, golden bytes in three encodings, valid WARCs,
`scrapy verify` and `scrapy rebuild --check` passing.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from crawler.demo.sitegen import expected_articles
from crawler.text.model import document_id

from .conftest import free_port, run_scrapy

# one file per defect the demo site shows (named after it: mojibake chains, lost bytes, wrong labels,
# annotations, multi-page ...); each names its page in its own `url:` line
GOLDEN = Path(__file__).parent / "data" / "golden"


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    archive = tmp_path_factory.mktemp("demo") / "archive"
    result = run_scrapy("demo", "-s", f"ARCHIVE_DIR={archive}", "-s", f"DEMO_PORT={free_port()}", timeout=900)
    assert result.returncode == 0, result.stdout + result.stderr
    base = re.search(r"^demo site at (http://127\.0\.0\.1:\d+)$", result.stdout, re.M).group(1)
    return archive, base, result.stdout


def test_a_second_demo_is_an_incremental_recrawl(demo, tmp_path):
    """The demo site has a fixed address: `scrapy demo` again re-crawls the same URLs, its summary
    shows the revisits, and the archive keeps the same text files, byte for byte."""
    import shutil

    archive, base, first = demo
    again = tmp_path / "archive"
    shutil.copytree(archive, again)
    port = base.rsplit(":", 1)[1]
    result = run_scrapy("demo", "-s", f"ARCHIVE_DIR={again}", "-s", f"DEMO_PORT={port}", timeout=900)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"demo site at {base}" in result.stdout
    crawls = re.findall(
        r"^  (\d+) responses captured, (\d+) revisited \(unchanged\), (\d+) young articles not "
        r"requested, (\d+) articles derived$",
        result.stdout,
        re.M,
    )
    assert len(crawls) == 5
    assert all(int(revisited) > 0 and int(derived) == 0 for _, revisited, _, derived in crawls)
    assert sum(int(young) for _, _, young, _ in crawls) == len(expected_articles())
    assert re.search(r"text files: (\d+)", result.stdout).group(1) == str(len(expected_articles()))
    texts = {p.relative_to(archive): p.read_bytes() for p in archive.glob("text/*/*.txt")}
    assert {p.relative_to(again): p.read_bytes() for p in again.glob("text/*/*.txt")} == texts


def test_demo_day_2_an_article_taken_down_keeps_its_text_and_is_marked_removed(demo, tmp_path):
    """`scrapy demo --day 2`: the site a week on, one news article replaced by a takedown notice:
    every text file stays byte-identical, the manifest marks that article removed, its crawl line
    says so."""
    import json
    import shutil

    archive, base, _ = demo
    again = tmp_path / "archive"
    shutil.copytree(archive, again)
    result = run_scrapy(
        "demo", "--day", "2", "-s", f"ARCHIVE_DIR={again}", "-s", f"DEMO_PORT={base.rsplit(':', 1)[1]}", timeout=900
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert re.search(r"^crawling demo-news \.\.\.\n  .*, 1 taken down \(text kept\)$", result.stdout, re.M), (
        result.stdout
    )
    texts = {p.relative_to(archive): p.read_bytes() for p in archive.glob("text/*/*.txt")}
    assert {p.relative_to(again): p.read_bytes() for p in again.glob("text/*/*.txt")} == texts
    manifest = [json.loads(x) for x in (again / "manifest.jsonl").read_text("utf-8").splitlines()]
    removed = [(m["url"], m.get("removed_evidence")) for m in manifest if m.get("removed")]
    assert removed == [(f"{base}/news/2024/05/c_0518f.html", "notice")]


def test_a_busy_demo_port_is_one_line(tmp_path):
    import socket

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = run_scrapy("demo", "-s", f"ARCHIVE_DIR={tmp_path / 'archive'}", "-s", f"DEMO_PORT={port}")
    assert result.returncode == 1
    assert result.stderr.strip() == (
        f"demo site: 127.0.0.1:{port} is in use (another demo server?): stop it, "
        "or choose another port (--port N; for `scrapy demo`: -s DEMO_PORT=N)"
    )
    assert not (tmp_path / "archive").exists()


def text_file(archive: Path, base: str, path: str) -> Path:
    found = sorted(archive.glob(f"text/*/{document_id(base + path)}.txt"))
    assert len(found) == 1, f"no text file for {path}"
    return found[0]


def body_lines(data: str) -> list[str]:
    return data.split("---\n", 2)[2].splitlines()


def test_summary_names_every_demo_source(demo):
    _, _, stdout = demo
    manifest_count = int(re.search(r"text files: (\d+)", stdout).group(1))
    assert manifest_count == len(expected_articles())
    for name in ("demo-news", "demo-wenming", "demo-gongyi", "demo-corp", "demo-blog"):
        assert re.search(rf"^    {name}: \d+$", stdout, re.M), stdout


def lost_only(got: str, expected: str) -> bool:
    """Equal except characters whose bytes were really lost, shown as U+FFFD (never a guess)."""
    return len(got) == len(expected) and all(a == b or a == "\ufffd" for a, b in zip(got, expected))


def test_every_article_has_its_exact_clean_text(demo):
    archive, base, _ = demo
    wrong = []
    for article in expected_articles():
        lines = body_lines(text_file(archive, base, article.path).read_text("utf-8"))
        expected = [article.title, *article.paragraphs]
        if any("lossy" in d for d in article.damage):  # the page lost bytes: no exact text exists
            if len(lines) == len(expected) and all(lost_only(a, b) for a, b in zip(lines, expected)):
                continue
        if lines != expected:
            wrong.append(article.path)
    assert wrong == []


def normalized(data: str, base: str) -> str:
    """Replace what changes from run to run (port, WARC location, fetch time) by placeholders."""
    data = data.replace(base, "http://DEMO")
    data = re.sub(r"^fetched: .*$", "fetched: FETCHED", data, flags=re.M)
    data = re.sub(r"^- \{url: (\S+), fetched: .*\}$", r"- {url: \1, fetched: FETCHED, record: WARC}", data, flags=re.M)
    return re.sub(r"^warc: \{.*\}$", "warc: WARC", data, flags=re.M)


@pytest.mark.parametrize("golden", sorted(p.name for p in GOLDEN.glob("*.txt")))
def test_golden_text_files(demo, golden):
    archive, base, _ = demo
    expected = (GOLDEN / golden).read_text("utf-8")
    path = re.search(r"^url: http://DEMO(\S+)$", expected, re.M).group(1)
    assert normalized(text_file(archive, base, path).read_text("utf-8"), base) == expected


def test_goldens_cover_three_encodings():
    encodings = {re.search(r"used: ([\w-]+)", p.read_text("utf-8")).group(1) for p in GOLDEN.glob("*.txt")}
    assert len(encodings) >= 3, encodings


def test_manifest_is_sorted_and_matches_text_files(demo):
    archive, _, _ = demo
    entries = [json.loads(line) for line in (archive / "manifest.jsonl").read_text("utf-8").splitlines()]
    assert [e["id"] for e in entries] == sorted(e["id"] for e in entries)
    assert len(entries) == len(list(archive.glob("text/*/*.txt")))


def test_warcio_check_passes_on_every_file(demo):
    archive, _, _ = demo
    files = sorted((archive / "warc").glob("*.warc.gz"))
    assert files and not list((archive / "warc").glob("*.open"))
    warcio = str(Path(sys.executable).parent / "warcio")
    result = subprocess.run([warcio, "check", *map(str, files)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_verify_and_rebuild_check_pass(demo):
    archive, _, _ = demo
    verify = run_scrapy("verify", "-s", f"ARCHIVE_DIR={archive}")
    assert verify.returncode == 0, verify.stdout
    assert verify.stdout.splitlines()[-1].endswith("; 0 problem(s)")
    check = run_scrapy("rebuild", "--check", "--workers", "2", "-s", f"ARCHIVE_DIR={archive}")
    assert check.returncode == 0, check.stdout + check.stderr
    assert check.stdout == "rebuild --check: 0 difference(s)\n"


def test_reports_count_boilerplate_removed_by_rule(demo):
    archive, _, _ = demo
    removed: dict[str, int] = {}
    for report in sorted((archive / "reports").glob("demo-*.json")):
        for key, value in json.loads(report.read_text()).items():
            if key.startswith("text/boilerplate/removed/"):
                removed[key.rsplit("/", 1)[1]] = removed.get(key.rsplit("/", 1)[1], 0) + value
    assert set(removed) <= {
        "share",
        "related",
        "editor",
        "breadcrumb",
        "copyright",
        "print-close",
        "prev-next",
        "app-prompt",
        "source-pattern",
        "repeated",
        "teaser",
    }
    assert removed.get("repeated", 0) >= 7  # the public-welfare portal repeats every title as captions


def test_each_sources_report_counts_its_pages_articles_files_and_repairs(demo):
    """The counters of every demo crawl's report against what the site and the archive hold."""
    archive, base, _ = demo
    reports = {}
    for path in sorted((archive / "reports").glob("demo-*.json")):  # one crawl per source, in crawl order
        stats = json.loads(path.read_text("utf-8"))
        reports[path.name.rsplit("-", 3)[0]] = stats
    assert sorted(reports) == ["demo-blog", "demo-corp", "demo-gongyi", "demo-news", "demo-wenming"]
    for name, stats in reports.items():
        channel = name.removeprefix("demo-")
        articles = [a for a in expected_articles() if a.path.startswith(f"/{channel}/")]
        fronts = [
            yaml.safe_load(p.read_text("utf-8").split("---\n", 2)[1]) for p in (archive / "text" / name).glob("*.txt")
        ]
        assert stats["text/documents"] == stats["text/files/written"] == len(articles) == len(fronts), name
        # every article page reached the spider (continuation pages with their article), and list pages too
        assert stats["spider/article_pages"] == len(articles) + stats.get("spider/continuation_requests", 0), name
        assert stats["spider/pages"] > stats["spider/article_pages"], name
        assert stats["spider/example_page"] == f"{base}/{channel}/index.html", name
        repaired = sum(1 for front in fronts if front["encoding"]["repairs"])
        assert stats.get("text/encoding_repaired", 0) == repaired, name
    assert sum(stats.get("text/encoding_repaired", 0) for stats in reports.values()) > 0  # the demo's mojibake
    assert reports["demo-gongyi"]["text/boilerplate/removed/repeated"] > 0  # captions repeating the title
    # the index after the last crawl (the five crawls share the archive) has one line per indexed record
    last = json.loads(
        sorted((archive / "reports").glob("demo-*.json"), key=lambda p: p.stat().st_mtime)[-1].read_text()
    )
    assert last["warc/index_lines"] == len((archive / "index.cdxj").read_text("utf-8").splitlines())
