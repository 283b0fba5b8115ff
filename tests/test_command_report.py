"""`scrapy report` on the demo archive: a static HTML site, the same bytes every time, with the
counts of the demo's oracle, the paragraphs the archiver repaired marked exactly, and a title
filter that works in a real headless Chromium (Debian's `chromium`, `make chromium`)."""

from __future__ import annotations

import re
import shutil
import subprocess
from collections import Counter
from pathlib import Path
from urllib.parse import quote

import lxml.html
import pytest
import yaml

from crawler.demo.sitegen import CONTENT_DIR, expected_articles
from crawler.text.model import document_id

from .conftest import free_port, run_scrapy

CHROMIUM = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    archive = tmp_path_factory.mktemp("demo") / "archive"
    result = run_scrapy("demo", "-s", f"ARCHIVE_DIR={archive}", "-s", f"DEMO_PORT={free_port()}", timeout=900)
    assert result.returncode == 0, result.stdout + result.stderr
    return archive


@pytest.fixture(scope="module")
def report(demo, tmp_path_factory):
    out = tmp_path_factory.mktemp("report") / "site"
    result = run_scrapy("report", "-s", f"ARCHIVE_DIR={demo}", "--out", str(out))
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout == f"report of {len(expected_articles())} article(s) from 5 source(s): {out / 'index.html'}\n"
    return out


def chromium(*args: str, profile: Path) -> subprocess.CompletedProcess:
    binary = shutil.which("chromium")
    assert binary, "chromium not found: run `make chromium` (Debian's chromium package)"
    return subprocess.run(
        [binary, *CHROMIUM, f"--user-data-dir={profile}", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def site_files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_the_report_is_static_self_contained_and_deterministic(demo, report, tmp_path):
    files = site_files(report)
    assert len(files) == 1 + len(expected_articles())
    for name, data in files.items():
        page = lxml.html.fromstring(data)
        # no external asset: no stylesheet link, no script or image file, nothing loaded from a URL
        assert not page.xpath("//link | //script[@src] | //img | //iframe | //*[@style[contains(., 'url(')]]"), name
    again = tmp_path / "again"
    assert run_scrapy("report", "-s", f"ARCHIVE_DIR={demo}", "--out", str(again)).returncode == 0
    assert site_files(again) == files


def test_the_report_shows_the_demo_oracle(report):
    expected = expected_articles()
    index = lxml.html.fromstring((report / "index.html").read_bytes())
    assert index.xpath("string(//span[@id='total-articles'])") == str(len(expected))
    per_source = {
        s.get("id").removeprefix("source-"): int(s.xpath("string(.//span[@class='n-articles'])"))
        for s in index.xpath("//section[@class='source']")
    }
    assert per_source == {f"demo-{site}": n for site, n in Counter(a.site for a in expected).items()}
    titles = index.xpath("//tr[@class='article']/@data-title")
    assert sorted(titles) == sorted(a.title for a in expected)
    assert len(index.xpath("//svg[@class='chart']")) == 5


def annotated(paragraphs: tuple[str, ...], site: str) -> set[int]:
    table = yaml.safe_load((CONTENT_DIR / f"{site}.yaml").read_text("utf-8"))["site"].get("annotations") or {}
    return {i for i, text in enumerate(paragraphs) if any(ch in table for ch in text)}


def test_an_article_page_marks_exactly_the_paragraphs_the_archiver_repaired(demo, report):
    """The demo's oracle says which paragraphs the pages break (mojibake, a lost byte, pinyin
    annotations): exactly those are marked; the text shown is the text file's, line for line."""
    marked_any = 0
    for article in expected_articles():
        [path] = [p for p in (report / "articles").glob("*.html") if f"{article.path}</a>" in p.read_text("utf-8")]
        page = lxml.html.fromstring(path.read_bytes())
        shown = [p.text_content() for p in page.xpath("//div[@class='text']/p")]
        text = (demo / "text" / f"demo-{article.site}" / f"{path.stem}.txt").read_text("utf-8")
        assert shown == text.split("\n---\n", 1)[1].splitlines()[1:], article.path
        marked = {i for i, p in enumerate(page.xpath("//div[@class='text']/p")) if p.get("class") == "repaired"}
        want = {int(d.split(":")[0]) for d in article.damage}
        if article.annotated:
            want |= annotated(article.paragraphs, article.site)
        assert marked == want, article.path
        marked_any += bool(marked)
        capture = page.xpath("string(//a[@class='capture']/@href)")
        assert re.fullmatch(
            r"http://127\.0\.0\.1:8080/news/\d{14}/http://127\.0\.0\.1:\d+" + re.escape(article.path), capture
        ), capture
        assert path.stem == document_id(capture.split("/", 5)[5])
    assert marked_any >= 5


def test_the_report_in_headless_chromium_filters_by_title_and_renders(report, tmp_path):
    expected = expected_articles()
    words = expected[0].title[:4]
    hits = [a for a in expected if words.lower() in a.title.lower()]
    result = chromium(
        "--dump-dom", f"{(report / 'index.html').as_uri()}#q={quote(words)}", profile=tmp_path / "profile"
    )
    assert result.returncode == 0, result.stderr[-2000:]
    dom = lxml.html.fromstring(result.stdout)  # the DOM after the page's script ran
    assert dom.xpath("string(//span[@id='shown'])") == f"{len(hits)} of {len(expected)} articles shown"
    visible = dom.xpath("//tr[@class='article'][not(@hidden)]/@data-title")
    assert sorted(visible) == sorted(a.title for a in hits)
    assert 0 < len(hits) < len(expected)

    shot = tmp_path / "report.png"
    result = chromium(
        f"--screenshot={shot}", "--window-size=1280,900", (report / "index.html").as_uri(), profile=tmp_path / "profile"
    )
    assert result.returncode == 0, result.stderr[-2000:]
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and (int.from_bytes(data[16:20]), int.from_bytes(data[20:24])) == (
        1280,
        900,
    )


def test_no_archive_is_one_line_and_exit_2(tmp_path):
    result = run_scrapy("report", "-s", f"ARCHIVE_DIR={tmp_path / 'none'}", "--out", str(tmp_path / "out"))
    assert result.returncode == 2
    assert (
        result.stderr.strip()
        .splitlines()[-1]
        .endswith(
            f"{tmp_path / 'none' / 'manifest.jsonl'}: no manifest, not a finished archive (set ARCHIVE_DIR, or run "
            "`scrapy crawl` or `scrapy rebuild` first)"
        )
    )
    assert not (tmp_path / "out").exists()
