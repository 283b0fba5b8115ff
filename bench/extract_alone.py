"""trafilatura alone, as a whole process: the baseline a `scrapy rebuild` process is compared with.

    python bench/extract_alone.py ARCHIVE_WARC_DIR SEED_YAML

Starts, imports trafilatura, reads the latest capture of every article page of the WARC files
(the reader a rebuild uses), decodes each as plain Scrapy does (w3lib: HTTP charset, BOM,
``<meta>``, else UTF-8) and extracts it with the options the text steps give trafilatura
(``bare_extraction``: tables in, comments out, no deduplication, the page's URL), in one process
and with no output file: what "trafilatura alone, single process, on the same pages" costs end
to end, start-up and WARC reading included, as a rebuild's figure includes them.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import trafilatura  # noqa: E402
from w3lib.encoding import html_to_unicode  # noqa: E402

from crawler.rebuild import locate  # noqa: E402
from crawler.sources import load_source  # noqa: E402
from crawler.warc.files import warc_files  # noqa: E402
from crawler.workers import read_capture  # noqa: E402


def extract(capture) -> str:
    """The page's main text, trafilatura alone (the options of crawler.text.extract)."""
    _, html = html_to_unicode(capture.header("Content-Type"), capture.body)
    result = trafilatura.bare_extraction(
        html, url=capture.url, include_comments=False, deduplicate=False, include_tables=True
    )
    return result.text if result is not None and result.text else ""


def main() -> None:
    warc_dir, seed = Path(sys.argv[1]), Path(sys.argv[2])
    source = load_source(seed)
    found = locate(warc_files(warc_dir), {source.name: source})
    extracted = 0
    for _, where in sorted(found.items()):
        if extract(read_capture(where.file, where.offset, where.source)):
            extracted += 1
    print(extracted)


if __name__ == "__main__":
    main()
