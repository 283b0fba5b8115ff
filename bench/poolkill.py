"""A text worker killed under `scrapy rebuild` and under `scrapy crawl`, many times in a row.

    python bench/poolkill.py [--runs 50]

Crawls the demo site once, then repeatedly runs `scrapy rebuild --workers 2` (and a crawl of a
slowed demo source) and SIGKILLs one text worker as soon as it exists. Every run must end by
itself with exit 1 and one error line (rebuild) or finish (crawl: the page's text is dropped, the
pool is replaced); a run that does not end within 120 s is counted as hung and killed. Prints a
table: command, runs, ended, hung, exit codes seen.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from common import PY, ROOT

from tests.conftest import descendants, pool_workers  # noqa: E402


def kill_a_worker(cmd: list[str], env: dict[str, str]) -> int | None:
    """Run ``cmd``, SIGKILL the first pool worker (a child of the forkserver), return its exit
    status, or None when it had not ended 120 s later."""
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while proc.poll() is None and time.monotonic() < deadline:
        workers = pool_workers(proc.pid)
        if workers:
            os.kill(workers[0], signal.SIGKILL)
            break
        time.sleep(0.01)
    try:
        return proc.wait(timeout=120)
    except subprocess.TimeoutExpired:
        for pid in descendants(proc.pid) + [proc.pid]:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        proc.wait()
        return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=50)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from crawler.demo.server import DemoServer

    rows = []
    with tempfile.TemporaryDirectory() as tmp, DemoServer() as url:
        work = Path(tmp)
        seeds = work / "seeds"
        seeds.mkdir()
        seed = (ROOT / "seeds" / "demo-news.yaml").read_text("utf-8")
        (seeds / "demo-news.yaml").write_text(seed + "refresh: {articles_after: 0s}\n", "utf-8")
        archive = work / "archive"
        env = {**os.environ, "DEMO_SITE": url}
        base = ["-s", f"SEEDS_DIR={seeds}", "-s", f"ARCHIVE_DIR={archive}"]
        subprocess.run(
            [PY, "-m", "scrapy", "crawl", "demo-news", *base, "-s", "LOG_LEVEL=ERROR"], cwd=ROOT, env=env, check=True
        )
        commands = {
            "rebuild --workers 2": [PY, "-m", "scrapy", "rebuild", str(work / "out"), "--workers", "2", *base],
            "crawl (TEXT_WORKERS=2)": [
                PY,
                "-m",
                "scrapy",
                "crawl",
                "demo-news",
                *base,
                "-s",
                "TEXT_WORKERS=2",
                "-s",
                "LOG_LEVEL=ERROR",
            ],
        }
        for name, cmd in commands.items():
            codes = Counter()
            for _ in range(args.runs):
                shutil.rmtree(work / "out", ignore_errors=True)
                codes[kill_a_worker(cmd, env)] += 1
            hung = codes.pop(None, 0)
            rows.append((name, args.runs, args.runs - hung, hung, dict(sorted(codes.items()))))
    print(f"{'command':26} {'runs':>5} {'ended':>6} {'hung':>5}  exit codes")
    for name, runs, ended, hung, codes in rows:
        print(f"{name:26} {runs:5} {ended:6} {hung:5}  {codes}")


if __name__ == "__main__":
    main()
