"""Issue 22 case 8: a damaged derived file never costs its text: it is set aside and derived again
from the WARC."""

from __future__ import annotations

import json
import logging

from crawler.demo.server import DemoServer
from crawler.text.publish import publish
from crawler.text.store import TextStore

from ..test_incremental import archive_is_consistent, crawl, site, texts  # noqa: F401 (site: a fixture)
from ..test_text_publish import OPTIONS, outputs, write_archive


def test_a_damaged_derived_file_never_costs_its_text(site):
    """Issue 22 case 8: a derived document cut short (a bad disk, an editor) is set aside and derived
    again from its WARC record at the next crawl; its text file and manifest line stay as they were."""
    tmp_path, content, seeds = site
    archive = tmp_path / "archive"
    with DemoServer(content_dir=content) as url:
        crawl(tmp_path, seeds, url)
        before = texts(tmp_path)
        manifest = (archive / "manifest.jsonl").read_bytes()
        damaged = sorted((archive / "derived" / "demo-news").glob("*.json"))[0]
        damaged.write_bytes(damaged.read_bytes()[:40])
        try:  # the problem, as Python's JSON reader words it (where the cut falls depends on the id)
            json.loads(damaged.read_bytes())
        except ValueError as exc:
            problem = f"{type(exc).__name__}: {exc}"
        result = crawl(tmp_path, seeds, url)
    # the clean run is the crawl before the damage: a re-crawl of the unchanged site leaves every
    # text file and the manifest as they were, byte for byte, so nothing is normalised
    assert texts(tmp_path) == before
    assert (archive / "manifest.jsonl").read_bytes() == manifest
    assert result.returncode == 0  # (crawl() asserts it too) the job was done: the text is derived again
    warnings = [line.split("] WARNING: ", 1)[1] for line in result.stderr.splitlines() if "] WARNING: " in line]
    assert warnings == [f"{damaged}: unreadable derived document left out ({problem})"]
    assert damaged.with_name(damaged.name + ".damaged").exists()
    report = json.loads(sorted((archive / "reports").glob("*.json"))[-1].read_text())
    assert report["text/recovered"] == 1
    archive_is_consistent(tmp_path, seeds)


def test_an_unreadable_derived_file_is_left_out_with_one_line(tmp_path, caplog):
    write_archive(tmp_path / "clean")
    publish(TextStore(tmp_path / "clean"), OPTIONS)
    store = write_archive(tmp_path / "broken")
    bad = store.derived_path("a", "ffff000000000000")
    bad.write_text('{"id": "ffff000000000000", "paragraphs": [', "utf-8")  # cut short
    store.derived_path("b", "eeee000000000000").write_text('{"id": "eeee"}', "utf-8")  # not a Document
    with caplog.at_level(logging.WARNING):
        counts = publish(store, OPTIONS)
    assert counts == {"written": 13, "unchanged": 0, "removed": 0, "skipped": 2}
    assert outputs(tmp_path / "broken") == outputs(tmp_path / "clean")
    lines = [r for r in caplog.records if "derived document" in r.getMessage()]
    assert len(lines) == 2 and str(bad) in lines[0].getMessage()
    assert all(r.exc_info is None for r in caplog.records)
    assert bad.exists()  # left for the next crawl to replace
