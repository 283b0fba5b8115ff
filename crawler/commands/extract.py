"""``scrapy extract WARC... --out DIR``: text files from any WARC or ARC files (wget, browsertrix, Heritrix).

No seed and no state: every HTML 200 response (and HTML ``resource`` record) that reads as an
article (crawler/text/articleness.py; ``--all``: every one) becomes a text file named by its id; the source is the warcinfo's ``source`` when this archiver wrote the file, else
the host. A file or record that cannot be read costs only itself: one line on stderr naming the
file and offset, the rest is extracted.

Exit status: 0 every record read; 1 some records or files skipped (each named on stderr), the
rest extracted; 2 a usage error (a missing WARC file, an ``--out`` that is a file, a directory
not made by ``extract``, one in use).

``--out`` must be an empty (or new) directory or one an earlier ``extract`` made: that one holds
the marker ``.scrapy-extract``, the list of the files it wrote. A file in it that is not listed
there stops the command before anything is written, so no file ``extract`` did not write is
ever replaced or removed. The directory's lock (``.lock``, crawler/state/lock.py) is held
throughout, so an extract never races a crawl or another extract.
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError

from crawler.atomic import write_atomic
from crawler.commands.base import CommandBase, locked, option
from crawler.commands.progress import terminal_progress
from crawler.rebuild import rebuild

MARKER = ".scrapy-extract"
_OWN = {MARKER, ".lock"}


def _files(out: Path) -> list[str]:
    """Every file under ``out`` (relative, sorted) but the marker and the lock."""
    return sorted(
        p.relative_to(out).as_posix()
        for p in out.rglob("*")
        if (p.is_file() or p.is_symlink()) and p.relative_to(out).as_posix() not in _OWN
    )


def check_out(out: Path) -> None:
    """UsageError unless ``out`` is empty or holds only what an earlier extract wrote."""
    present = _files(out)
    if not present:
        return
    marker = out / MARKER
    if not marker.is_file():
        raise UsageError(
            f"{out}: not empty and not made by `scrapy extract` (no {MARKER}): give a new or empty directory"
        )
    try:
        written = set(json.loads(marker.read_text("utf-8"))["files"])
    except (ValueError, KeyError, TypeError, OSError) as exc:
        raise UsageError(f"{marker}: unreadable marker ({exc}): give a new or empty directory") from None
    foreign = [name for name in present if name not in written]
    if foreign:
        raise UsageError(
            f"{out / foreign[0]}: not written by `scrapy extract` ({len(foreign)} such file(s)): "
            "move them away or give another directory"
        )


def _summary(counts: dict[str, int], skipped: list[str]) -> str:
    dropped = ", ".join(
        f"{k.removeprefix('dropped/')} {v}" for k, v in sorted(counts.items()) if k.startswith("dropped/")
    )
    return (f"; without text: {dropped}" if dropped else "") + (f"; {len(skipped)} skipped" if skipped else "")


class Command(CommandBase, ScrapyCommand):
    requires_project = False
    usage = "WARC [WARC ...] --out DIR"
    summary = "Derive clean text files from WARC files written by any tool"
    arguments = (
        option("--out", required=True, help="output directory (new, empty, or an earlier extract's)"),
        option("--workers", type=int, default=1),
        option("--all", action="store_true", help="also pages that are not articles (list and index pages)"),
    )

    def run(self, args: list[str], opts) -> None:
        if not args:
            raise UsageError("give at least one WARC file")
        for name in args:
            if not Path(name).is_file():
                raise UsageError(f"{name}: no such WARC file")
        out = Path(opts.out)
        if out.exists() and not out.is_dir():
            raise UsageError(f"{out}: exists and is not a directory: give a directory for --out")
        if out.is_dir():
            check_out(out)  # before the lock file is made: a refused directory is left as it was
        with locked(out, "cannot be used as the output directory"):
            self._extract([Path(name) for name in args], out, opts.workers, opts.all)

    def _extract(self, paths: list[Path], out: Path, workers: int, everything: bool) -> None:
        check_out(out)
        skipped: list[str] = []
        counts = rebuild(
            paths, out, None, workers=workers, progress=terminal_progress, skipped=skipped, only_articles=not everything
        )
        shutil.rmtree(out / "derived", ignore_errors=True)
        write_atomic(out / MARKER, json.dumps({"files": _files(out)}, ensure_ascii=False, indent=0).encode() + b"\n")
        for line in skipped:
            sys.stderr.write(f"skipped: {line}\n")
        lists = counts.pop("dropped/not-article", 0)
        also = f" ({lists} pages that are not articles left out: --all writes them)" if lists else ""
        print(f"extracted {counts['documents']} documents into {out}{also}{_summary(counts, skipped)}")
        self.exitcode = 1 if skipped else 0
