"""CPU a page of each step of a rebuild, timed in one process (no sampling, no pool).

    python bench/rebuildsteps.py ARCHIVE_DIR SEEDS_DIR [--out DIR]

Runs ``crawler.rebuild.rebuild`` with one worker (every step in this process) on the archive's
WARC files into a temporary directory (or ``--out``) and prints the CPU time (``time.thread_time``)
each step spent, its own time only (a step's inner steps are counted apart), per document. A
py-spy profile (bench/rebuild.py) gives shares on a loaded machine; this gives milliseconds of
CPU, which another load does not stretch, for comparing two versions of the code run in turn.
"""

from __future__ import annotations

import argparse
import collections
import functools
import tempfile
import time
from pathlib import Path

from common import ROOT  # noqa: F401  (puts the project on sys.path)

import crawler.rebuild as rebuild_module  # noqa: E402
import crawler.text.derivation as derivation  # noqa: E402
import crawler.text.multipage as multipage  # noqa: E402
import crawler.text.pagemeta as pagemeta  # noqa: E402
import crawler.workers as workers  # noqa: E402
from crawler.sources import load_sources  # noqa: E402
from crawler.warc.files import warc_files  # noqa: E402

#: (module, attribute) of each timed step, as its callers look it up
STEPS = [
    (derivation, name)
    for name in (
        "_html",
        "parse_html",
        "_require_article",
        "drop_wiki_blocks",
        "PageMeta",
        "choose_title",
        "trafilatura_text",
        "main_text",
        "normalize_lines",
        "_cleaned",
        "split_short_date",
        "split_meta",
        "_body",
        "byline_text",
        "_byline_meta",
        "iso_date",
        "_encoding",
        "derive_page",
    )
] + [
    (multipage, "pages_of"),
    (multipage, "derive_article"),
    (workers, "read_capture"),
    (workers._Fold, "close"),
    (workers, "derive"),
    (rebuild_module, "publish"),
    (rebuild_module, "locate_pages"),
]
PROPERTIES = [(pagemeta.PageMeta, "author"), (pagemeta.PageMeta, "date"), (pagemeta.PageMeta, "title")]

spent: collections.Counter = collections.Counter()
_inner: list[float] = []  # per open step: CPU of the steps it called


def _timed(label: str, fn):
    @functools.wraps(fn)
    def step(*args, **kwargs):
        start = time.thread_time()
        _inner.append(0.0)
        try:
            return fn(*args, **kwargs)
        finally:
            elapsed, inner = time.thread_time() - start, _inner.pop()
            spent[label] += elapsed - inner
            if _inner:
                _inner[-1] += elapsed

    return step


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("archive", type=Path)
    parser.add_argument("seeds", type=Path)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    for owner, name in STEPS:
        label = f"{getattr(owner, '__name__', '').rpartition('.')[2]}.{name}"
        setattr(owner, name, _timed(label, getattr(owner, name)))
    for owner, name in PROPERTIES:
        prop = owner.__dict__[name]
        prop.func = _timed(f"pagemeta.{name}", prop.func)
    sources = load_sources(args.seeds)
    with tempfile.TemporaryDirectory() as tmp:
        start = time.process_time()
        counts = rebuild_module.rebuild(warc_files(args.archive / "warc"), args.out or Path(tmp) / "out", sources)
        total = time.process_time() - start
    docs = max(1, counts["documents"])
    print(f"{counts['documents']} documents, {total * 1000 / docs:.2f} ms of CPU a document in all (start-up excluded)")
    for label, seconds in spent.most_common():
        print(f"{seconds * 1000 / docs:7.3f} ms  {label}")
    print(f"{(total - sum(spent.values())) * 1000 / docs:7.3f} ms  (not in a timed step)")


if __name__ == "__main__":
    main()
