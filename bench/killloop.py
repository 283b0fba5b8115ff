"""SIGKILL-and-resume, many times: the long version of the kill tests.

    python bench/killloop.py [--kills 40]             # demo-news, 7 articles
    python bench/killloop.py --large [--kills 40]     # a generated channel of 1,000 articles

Serves the site, crawls it, kills the crawl with SIGKILL at moments spread over a run, resumes,
and after the last kill finishes the crawl; then prints the final exit status, what `scrapy
verify` and `scrapy rebuild --check` say and how many articles have text. With ``--large`` the
site is crawled once more without a kill into a second archive, and the script prints whether
both archives hold the same texts (front matter lines naming the capture aside).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

from common import PY, ROOT

from crawler.demo.bulk import seed
from crawler.demo.server import DemoServer  # common put the project on sys.path

SEED_EXTRA = "refresh: {articles_after: 1d}\n"
LARGE_SEED = seed()


def setup(work: Path, large: bool) -> tuple[str, Path | None, float]:
    """Seed (and content) for the run: the source name, the content dir, the longest kill moment."""
    seeds = work / "seeds"
    seeds.mkdir()
    if not large:
        demo_seed = (ROOT / "seeds" / "demo-news.yaml").read_text("utf-8").replace("delay: 0,", "delay: 0.2,")
        (seeds / "demo-news.yaml").write_text(demo_seed + SEED_EXTRA, "utf-8")
        return "demo-news", None, 3.0
    (seeds / "big.yaml").write_text(LARGE_SEED, "utf-8")
    content = work / "content"
    content.mkdir()
    (content / "big.yaml").write_text(json.dumps({"bulk": {"name": "big", "articles": 1000, "per_page": 4}}))
    return "big", content, 12.0


def command(work: Path, source: str, archive: Path, large: bool) -> list[str]:
    cmd = [
        PY,
        "-m",
        "scrapy",
        "crawl",
        source,
        "-s",
        f"SEEDS_DIR={work / 'seeds'}",
        "-s",
        f"ARCHIVE_DIR={archive}",
        "-s",
        "LOG_LEVEL=ERROR",
    ]
    return cmd if large else cmd + ["-s", "CONCURRENT_REQUESTS_PER_DOMAIN=1"]


def texts(archive: Path) -> dict[str, str]:
    """Text files without the front matter lines that name the capture (fetch time, record)."""
    return {
        p.name: re.sub(r"^(fetched|warc): .*\n", "", p.read_text("utf-8"), flags=re.M)
        for p in sorted((archive / "text").glob("*/*.txt"))
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kills", type=int, default=40)
    parser.add_argument("--large", action="store_true", help="the generated 1,000-article channel")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        source, content, spread = setup(work, args.large)
        archive = work / "archive"
        cmd = command(work, source, archive, args.large)
        with DemoServer(content_dir=content) as url:
            env = {**os.environ, "DEMO_SITE": url}
            for n in range(args.kills):
                if n % 10 == 0 and n:
                    shutil.rmtree(archive / "derived", ignore_errors=True)  # also exercise recovery
                proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                time.sleep(0.5 + (n * 0.37) % spread)
                proc.send_signal(signal.SIGKILL)
                proc.wait()
            start = time.perf_counter()
            final = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True)
            resumed = time.perf_counter() - start
            if args.large:
                start = time.perf_counter()
                subprocess.run(
                    command(work, source, work / "uninterrupted", True),
                    cwd=ROOT,
                    env=env,
                    capture_output=True,
                    text=True,
                    check=True,
                )
                once = time.perf_counter() - start
        verify = subprocess.run(
            [PY, "-m", "scrapy", "verify", "-s", f"ARCHIVE_DIR={archive}"], cwd=ROOT, capture_output=True, text=True
        )
        check = subprocess.run(
            [
                PY,
                "-m",
                "scrapy",
                "rebuild",
                "--check",
                "-s",
                f"ARCHIVE_DIR={archive}",
                "-s",
                f"SEEDS_DIR={work / 'seeds'}",
            ],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
        )
        found = texts(archive)
        print(f"{args.kills} kills, final crawl exit {final.returncode} ({resumed:.1f} s); text files: {len(found)}")
        for done in (verify, check):
            print((done.stdout.strip() or done.stderr.strip() or "(no output)").splitlines()[-1])
        if args.large:
            same = found == texts(work / "uninterrupted")
            print(f"texts equal those of an uninterrupted crawl ({once:.1f} s): {'yes' if same else 'NO'}")


if __name__ == "__main__":
    main()
