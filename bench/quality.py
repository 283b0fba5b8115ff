"""Text quality on the demo site: boilerplate lines left per page and content recall.

    python bench/quality.py

Crawls the bundled demo site with `scrapy demo` into a temporary archive and compares every
text file's body with the site's clean article text (crawler/demo/content): lines that are not
article text are boilerplate left; article lines missing are recall lost. Prints figures only.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

from common import PY, ROOT

sys.path.insert(0, str(ROOT))

from crawler.demo.sitegen import expected_articles  # noqa: E402
from crawler.text.model import document_id  # noqa: E402


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        archive = Path(tmp) / "archive"
        out = subprocess.run(
            [PY, "-m", "scrapy", "demo", "-s", f"ARCHIVE_DIR={archive}"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        base = re.search(r"^demo site at (\S+)$", out, re.M).group(1)
        pages = left = kept = total = exact = 0
        per_site: dict[str, list[int]] = {}
        for article in expected_articles():
            files = list(archive.glob(f"text/*/{document_id(base + article.path)}.txt"))
            expected = [article.title, *article.paragraphs]
            got = files[0].read_text("utf-8").split("---\n", 2)[2].splitlines() if files else []
            extra = [line for line in got if line not in expected]
            found = [line for line in expected if line in got]
            pages += 1
            left += len(extra)
            kept += len(found)
            total += len(expected)
            exact += got == expected
            site = per_site.setdefault(article.path.split("/")[1], [0, 0, 0])
            site[0] += 1
            site[1] += len(extra)
            site[2] += len(found) == len(expected)
        print(f"demo site: {pages} articles, {exact} exact ({exact / pages:.0%})")
        print(f"boilerplate lines left: {left} ({left / pages:.2f} per page)")
        print(f"content recall: {kept}/{total} lines ({kept / total:.1%})")
        for site, (n, extra, complete) in sorted(per_site.items()):
            print(f"  {site:8s} {n} pages, {extra} lines left, {complete} with every content line")
        print(json.dumps({"pages": pages, "exact": exact, "left": left, "recall": round(kept / total, 4)}))


if __name__ == "__main__":
    main()
