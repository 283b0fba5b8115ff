"""The daily re-crawl at scale: a first crawl, then re-crawls one hour and eight days later.

    python bench/recrawl.py [--articles 5000] [--per-page 16]

Serves a generated channel (crawler/demo/bulk.py: ``--articles`` articles, list pages of
``--per-page``, newest first) on the demo server, crawls it with the real `scrapy crawl`, then
adds 20 articles and edits 20 (every list page shifts) and crawls again with the state's clock
moved one hour (`STATE_CLOCK_OFFSET=1h`: every article archived is young, only the list pages and
the new articles are due), then eight days later (everything due). Prints, per crawl: wall time,
CPU time of the crawl's process tree, exit status, requests sent (list pages / articles / other,
from the server's log), bytes received, revisit records and new texts (from the crawl's report).
"""

from __future__ import annotations

import argparse
import json
import re
import tempfile
from pathlib import Path

from common import PY, run_measured

from crawler.demo.bulk import seed
from crawler.demo.server import DemoServer  # common put the project on sys.path

SEED = seed(concurrency=16)
HOUR, DAY = 3600, 86400
ARTICLE = re.compile(r"^/big/\d{4}/\d{2}/c_\d+\.html$")
LIST = re.compile(r"^/big/(index|list_\d+)\.html$")


def publish(content: Path, articles: int, per_page: int, changed: list[int]) -> None:
    data = {"name": "big", "articles": articles, "per_page": per_page, "changed": changed}
    (content / "big.yaml").write_text(json.dumps({"bulk": data}), "utf-8")  # JSON is YAML


def requests_seen(log: Path) -> dict[str, int]:
    counts = {"lists": 0, "articles": 0, "other": 0}
    for line in log.read_text().splitlines():
        path = line.split()[1]
        counts["lists" if LIST.match(path) else "articles" if ARTICLE.match(path) else "other"] += 1
    return counts


def crawl(work: Path, url: str, log: Path, offset: int, label: str) -> None:
    log.write_text("")
    archive = work / "archive"
    measured = run_measured(
        [
            PY,
            "-m",
            "scrapy",
            "crawl",
            "big",
            "-s",
            f"SEEDS_DIR={work / 'seeds'}",
            "-s",
            f"ARCHIVE_DIR={archive}",
            "-s",
            f"STATE_CLOCK_OFFSET={offset}",
            "-s",
            "CONCURRENT_REQUESTS=16",
            "-s",
            "LOG_LEVEL=WARNING",
        ],
        env={"DEMO_SITE": url},
    )
    report = max((archive / "reports").glob("big-*.json"), key=lambda p: p.stat().st_mtime_ns)
    stats = json.loads(report.read_text("utf-8"))
    seen = requests_seen(log)
    print(
        f"| {label} | {measured.seconds:.1f} s ({measured.cpu:.1f} s CPU), exit {measured.status} "
        f"| {stats.get('downloader/request_count', 0)} ({seen['lists']} list pages, {seen['articles']} articles, "
        f"{seen['other']} other) | {stats.get('downloader/response_bytes', 0) / 1e6:.1f} MB "
        f"| {stats.get('warc/records/revisit', 0)} | {stats.get('text/documents', 0)} "
        f"| {stats.get('incremental/skipped/fresh', 0)} |",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=5000)
    parser.add_argument("--per-page", type=int, default=16)
    args = parser.parse_args()
    n, per_page = args.articles, args.per_page
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        for name in ("content", "seeds"):
            (work / name).mkdir()
        (work / "seeds" / "big.yaml").write_text(SEED, "utf-8")
        log = work / "server.log"
        publish(work / "content", n, per_page, [])
        print(f"site: {n} articles, {-(-n // per_page)} list pages of {per_page}; then +20 articles, 20 edited")
        print(
            "| crawl | wall time | requests sent | bytes received | revisit records | new texts | young, not requested |"
        )
        print("|---|---|---|---|---|---|---|")
        with DemoServer(content_dir=work / "content", log=log) as url:
            crawl(work, url, log, 0, "first crawl")
            publish(work / "content", n + 20, per_page, list(range(0, n, n // 20))[:20])
            crawl(work, url, log, HOUR, "+1 hour (20 new, 20 edited)")
            crawl(work, url, log, 8 * DAY, "+8 days")


if __name__ == "__main__":
    main()
