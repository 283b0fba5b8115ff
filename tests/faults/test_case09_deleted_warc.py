"""Issue 22 case 9: a WARC file deleted from the archive is named, and its young articles are
fetched again."""

from __future__ import annotations

import json

from warcio.archiveiterator import ArchiveIterator

from crawler.demo.server import DemoServer

from ..test_incremental import ARTICLES, body, crawl, site, texts  # noqa: F401 (site: a fixture)
from .clean import comparable


def test_a_deleted_warc_file_makes_its_young_articles_due_again(site):
    """Issue 22 case 9: the state calls the articles fresh, but their records are gone with the WARC
    file: the next crawl fetches them again (one warning naming the file) and every text stays."""
    tmp_path, content, seeds = site
    young = (seeds / "demo-news.yaml").read_text("utf-8").replace("articles_after: 0s", "articles_after: 7d")
    (seeds / "demo-news.yaml").write_text(young, "utf-8")
    archive = tmp_path / "archive"
    with DemoServer(content_dir=content) as url:
        crawl(tmp_path, seeds, url)
        before = {name: body(data) for name, data in texts(tmp_path).items()}
        clean = comparable(archive)  # a re-crawl without the fault leaves every text file as it is
        [warc] = sorted((archive / "warc").glob("*.warc.gz"))
        with open(warc, "rb") as fh:  # every page archived in it: each is fetched again, without validators
            pages = {
                r.rec_headers.get_header("WARC-Target-URI") for r in ArchiveIterator(fh) if r.rec_type == "response"
            }
        warc.unlink()
        result = crawl(tmp_path, seeds, url)
    assert result.returncode == 0  # (crawl() asserts it too)
    warnings = [line.split("] WARNING: ", 1)[1] for line in result.stderr.splitlines() if "] WARNING: " in line]
    assert warnings == [f"{warc}: WARC file missing from the archive; the pages archived in it are fetched again"]
    report = json.loads(sorted((archive / "reports").glob("*.json"))[-1].read_text())
    assert report["incremental/lost_record"] == len(pages) > ARTICLES
    assert "incremental/not_modified" not in report and "incremental/unreadable" not in report
    assert "incremental/skipped/fresh" not in report
    assert {name: body(data) for name, data in texts(tmp_path).items()} == before
    # the texts and manifest lines equal the crawl's before the fault, but for where the records now
    # are (a new WARC file) and when they were fetched (tests/faults/clean.py)
    assert comparable(archive) == clean
