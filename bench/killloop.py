"""SIGKILL-and-resume, many times: the long version of tests/test_incremental.py's loop.

    python bench/killloop.py [--kills 40]

Serves the demo site, crawls demo-news with a delay, kills the crawl with SIGKILL at moments
spread over a run, resumes, and after the last kill finishes the crawl; then prints what
`scrapy verify` and `scrapy rebuild --check` say and how many articles have text.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

from common import PY, ROOT

SEED_EXTRA = "refresh: {articles_after: 1d}\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kills", type=int, default=40)
    args = parser.parse_args()
    import sys

    sys.path.insert(0, str(ROOT))
    from crawler.demo.server import DemoServer

    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        seeds = work / "seeds"
        seeds.mkdir()
        seed = (ROOT / "seeds" / "demo-news.yaml").read_text("utf-8").replace("delay: 0,", "delay: 0.2,")
        (seeds / "demo-news.yaml").write_text(seed + SEED_EXTRA, "utf-8")
        archive = work / "archive"
        cmd = [PY, "-m", "scrapy", "crawl", "demo-news", "-s", f"SEEDS_DIR={seeds}", "-s", f"ARCHIVE_DIR={archive}",
               "-s", "LOG_LEVEL=ERROR", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=1"]
        with DemoServer() as url:
            env = {**os.environ, "DEMO_SITE": url}
            for n in range(args.kills):
                if n % 10 == 0 and n:
                    shutil.rmtree(archive / "derived", ignore_errors=True)  # also exercise recovery
                proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                time.sleep(0.5 + (n * 0.37) % 3.0)
                proc.send_signal(signal.SIGKILL)
                proc.wait()
            final = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True)
        verify = subprocess.run([PY, "-m", "scrapy", "verify", "-s", f"ARCHIVE_DIR={archive}"], cwd=ROOT,
                                capture_output=True, text=True)
        check = subprocess.run([PY, "-m", "scrapy", "rebuild", "--check", "-s", f"ARCHIVE_DIR={archive}",
                                "-s", f"SEEDS_DIR={seeds}"], cwd=ROOT, capture_output=True, text=True)
        texts = len(list((archive / "text").glob("*/*.txt")))
        print(f"{args.kills} kills, final crawl exit {final.returncode}; text files: {texts}")
        print(verify.stdout.strip().splitlines()[-1])
        print(check.stdout.strip().splitlines()[-1])


if __name__ == "__main__":
    main()
