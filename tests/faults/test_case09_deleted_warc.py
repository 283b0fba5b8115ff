"""Issue 22 case 9: a WARC file deleted from the archive is named, and its young articles are
fetched again."""

from __future__ import annotations

import json

from crawler.demo.server import DemoServer

from ..test_incremental import ARTICLES, body, crawl, site, texts  # noqa: F401 (site: a fixture)


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
        [warc] = sorted((archive / "warc").glob("*.warc.gz"))
        warc.unlink()
        result = crawl(tmp_path, seeds, url)
    assert f"{warc}: WARC file missing from the archive; the pages archived in it are fetched again" in result.stderr
    report = json.loads(sorted((archive / "reports").glob("*.json"))[-1].read_text())
    assert report["incremental/lost_record"] == ARTICLES
    assert "incremental/skipped/fresh" not in report
    assert {name: body(data) for name, data in texts(tmp_path).items()} == before
