"""Issue 22 case 10: hostile seed files (integer key, duplicate key, aliases, ``.inf``, a newline
in the name, ``/dev/zero``) cost one line each, and a broken seed costs only itself."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from ..test_sources import GOOD, ROOT, error_of, scrapy, write
from .clean import comparable


def test_hostile_seeds_cost_one_line_each(tmp_path):
    """Issue 22 case 10: an integer key, a name with a trailing newline, an endless delay, a key
    given twice, a billion-laughs file, /dev/zero: each one line, none a traceback or a hang."""
    cases = {
        "int-key": (GOOD + "7: x\n", "line 12: invalid YAML: key 7 is not text"),
        "name-newline": (
            GOOD.replace("name: town-news", 'name: "town-news\\n"'),
            "key 'name': 'town-news\\n' must be lowercase letters, digits, '-' or '_'",
        ),
        "delay-inf": (
            GOOD.replace("delay: 0.5", "delay: .inf"),
            "key 'politeness.delay': inf is greater than the maximum of 3600",
        ),
        "duplicate": (GOOD + "articles: ['/b/']\n", "line 12: invalid YAML: duplicate key 'articles'"),
        "laughs": (
            'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
            "b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n"
            "d: [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n",
            "line 2: invalid YAML: aliases (*name) are not allowed in a seed",
        ),
    }
    for name, (text, problem) in cases.items():
        path = write(tmp_path, text, f"{name}.yaml")
        assert error_of(path) == f"{path}: {problem}", name
    assert error_of(Path("/dev/zero")) == f"/dev/zero: larger than {1 << 20} bytes: not a seed file"


def test_a_broken_seed_costs_only_itself(tmp_path, demo_url):
    """Among good seeds, a broken one: `scrapy list` lists the others and names it (exit 2);
    `scrapy crawl` of another source runs (one warning line); of the broken one: its error, exit 2."""
    import shutil

    shutil.copy(ROOT / "seeds" / "demo-news.yaml", tmp_path / "demo-news.yaml")
    write(tmp_path, GOOD.replace("delay: 0.5", "delay: soon"), "town-news.yaml")
    error = f"{tmp_path / 'town-news.yaml'}: key 'politeness.delay': 'soon' is not of type 'number'"
    listed = scrapy("list", "-s", f"SEEDS_DIR={tmp_path}")
    assert (listed.returncode, listed.stdout, listed.stderr) == (2, "demo-news\n", f"error: {error}\n")
    broken = scrapy("crawl", "town-news", "-s", f"SEEDS_DIR={tmp_path}")
    assert broken.returncode == 2 and broken.stderr.splitlines()[-1] == f"error: {error}"

    def crawl(seeds: Path, archive: Path) -> subprocess.CompletedProcess:
        return subprocess.run(
            [
                sys.executable,
                "-m",
                "scrapy",
                "crawl",
                "demo-news",
                "-s",
                f"SEEDS_DIR={seeds}",
                "-s",
                f"ARCHIVE_DIR={archive}",
                "-s",
                "LOG_LEVEL=WARNING",
            ],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=300,
            env={**os.environ, "DEMO_SITE": demo_url},
        )

    good = crawl(tmp_path, tmp_path / "archive")
    assert good.returncode == 0, good.stderr[-2000:]
    assert [line for line in good.stderr.splitlines() if line.startswith("warning: ")] == [
        f"warning: {error} (that seed is skipped)"
    ]
    assert len(list((tmp_path / "archive" / "text" / "demo-news").glob("*.txt"))) == 7
    # the clean run: the same crawl with the good seed alone (tests/faults/clean.py: fetch times and
    # the records' places differ, nothing else)
    (tmp_path / "alone").mkdir()
    shutil.copy(ROOT / "seeds" / "demo-news.yaml", tmp_path / "alone" / "demo-news.yaml")
    clean = crawl(tmp_path / "alone", tmp_path / "clean")
    assert (clean.returncode, clean.stderr) == (0, ""), clean.stderr[-2000:]
    assert comparable(tmp_path / "archive") == comparable(tmp_path / "clean")
