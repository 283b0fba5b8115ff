"""Many sources, one archive: crawls of different sources run at once into the same archive and
give the texts crawls run one after another give; `scrapy crawlall` runs every source, a broken
seed failing alone."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from .conftest import ROOT, run_scrapy

DEMO = ("demo-blog", "demo-corp", "demo-gongyi", "demo-news", "demo-wenming")


def demo_seeds(tmp_path: Path, broken: bool = False) -> Path:
    seeds = tmp_path / ("seeds-with-broken" if broken else "seeds")
    seeds.mkdir()
    for name in DEMO:
        shutil.copy(ROOT / "seeds" / f"{name}.yaml", seeds)
    if broken:
        (seeds / "demo-broken.yaml").write_text("name: demo-broken\nstart_urls: [nope]\n", "utf-8")
    return seeds


def bodies(archive: Path) -> dict[str, str]:
    """Text file -> its title and body (what does not depend on when or into which WARC it was fetched)."""
    return {
        p.relative_to(archive).as_posix(): p.read_text("utf-8").split("---\n", 2)[2]
        for p in sorted(archive.glob("text/*/*.txt"))
    }


def checks_pass(archive: Path, seeds: Path) -> None:
    common = ["-s", f"ARCHIVE_DIR={archive}", "-s", f"SEEDS_DIR={seeds}"]
    verify = run_scrapy("verify", *common)
    assert verify.returncode == 0, verify.stdout[-2000:] + verify.stderr[-2000:]
    check = run_scrapy("rebuild", "--check", *common)
    assert check.stdout.splitlines()[-1] == "rebuild --check: 0 difference(s)", check.stdout[-3000:]


def test_crawlall_in_parallel_equals_one_after_another_and_a_broken_seed_fails_alone(tmp_path, demo_url):
    seeds = demo_seeds(tmp_path, broken=True)
    env = {"DEMO_SITE": demo_url}
    results = {}
    for parallel in (1, 2):
        archive = tmp_path / f"archive-{parallel}"
        result = run_scrapy(
            "crawlall",
            "--parallel",
            str(parallel),
            "-s",
            f"SEEDS_DIR={seeds}",
            "-s",
            f"ARCHIVE_DIR={archive}",
            env=env,
            timeout=600,
        )
        assert result.returncode == 1, result.stdout + result.stderr  # the broken seed
        lines = result.stdout.splitlines()
        assert lines[0] == f"error: {seeds / 'demo-broken.yaml'}: key 'allowed_domains': required key is missing"
        assert sorted(x.split(":")[0] for x in lines[1:-1]) == list(DEMO)
        assert all(": ok: " in x for x in lines[1:-1]), "\n".join(lines) + "\n" + result.stderr[-4000:]
        assert lines[-1] == "crawlall: 5 crawled, 1 failed, 0 not due"
        results[parallel] = bodies(archive)
        checks_pass(archive, demo_seeds(tmp_path) if parallel == 1 else tmp_path / "seeds")  # rebuild wants all valid
    assert len(results[1]) == 40 and results[2] == results[1]
    due = run_scrapy(
        "crawlall", "--due", "-s", f"SEEDS_DIR={seeds}", "-s", f"ARCHIVE_DIR={tmp_path / 'archive-2'}", env=env
    )
    assert due.stdout.splitlines()[-1] == "crawlall: 0 crawled, 1 failed, 5 not due"


def test_two_sources_crawled_at_once_into_one_archive(tmp_path, demo_url):
    seeds = demo_seeds(tmp_path)
    archive = tmp_path / "archive"
    env = {**os.environ, "DEMO_SITE": demo_url}
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "scrapy",
                "crawl",
                name,
                "-s",
                f"SEEDS_DIR={seeds}",
                "-s",
                f"ARCHIVE_DIR={archive}",
                "-s",
                "LOG_LEVEL=WARNING",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name in ("demo-news", "demo-gongyi")
    ]
    for proc in procs:
        out, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err[-3000:]
    texts = bodies(archive)
    assert sorted({k.split("/")[1] for k in texts}) == ["demo-gongyi", "demo-news"]
    assert sum(1 for k in texts if "/demo-news/" in k) == 7
    checks_pass(archive, seeds)
    manifest = [json.loads(x) for x in (archive / "manifest.jsonl").read_text("utf-8").splitlines()]
    assert len(manifest) == len(texts)


def test_a_second_crawl_of_the_same_source_is_refused_but_not_another_source(tmp_path):
    from crawler.state.lock import ArchiveLock

    seeds = demo_seeds(tmp_path)
    archive = tmp_path / "archive"
    with ArchiveLock(archive, shared=True), ArchiveLock(archive, source="demo-news"):  # a crawl of demo-news runs
        same = run_scrapy("crawl", "demo-news", "-s", f"SEEDS_DIR={seeds}", "-s", f"ARCHIVE_DIR={archive}")
    assert same.returncode == 2
    assert same.stderr.splitlines()[-1] == (
        f"error: {archive}: another crawl of demo-news (pid {os.getpid()}) is "
        "using this archive; wait for it to finish or set ARCHIVE_DIR to "
        "another directory"
    )
