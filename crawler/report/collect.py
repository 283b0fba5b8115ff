"""What the report shows, read from the archive as it is (nothing is derived again).

Articles come from crawler/export/rows.py (manifest + text files, by id); per source they are
counted, dated, summed (encoding repairs, annotations removed, boilerplate removed) and grouped
into near-duplicate clusters; failures and retries are summed from the crawl reports
(``reports/<source>-*.json``, written by crawler/extensions/report.py). For an article whose
text the archiver repaired (mojibake undone, annotations removed, bytes lost), the paragraphs that
do not appear as such in its archived pages are marked: that is what was changed.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from crawler.export import ExportError
from crawler.export.rows import Selection, iter_rows
from crawler.options import warc_directory
from crawler.report import ReportError

#: crawl-report stats summed per source under "failures and retries" (docs/stats.md)
FAILURE_KEYS = (
    ("incremental/failed", "failed fetches (due again)"),
    ("retry/count", "retries"),
    ("retry/max_reached", "retries given up"),
    ("hostguard/breaker_open", "hosts paused"),
    ("requisites/failed", "page requisites failed"),
)
_SPACE = re.compile(r"\s+")
MAX_PAGE_BYTES = 32 * 1024 * 1024


@dataclass
class Article:
    """One article as the report shows it (a row of crawler/export/rows.py, plus what changed)."""

    row: dict
    changed: frozenset[int] = frozenset()  # indexes of paragraphs not found as such in the archived pages
    checked: bool = False  # the archived pages were read to find ``changed``

    @property
    def day(self) -> str:
        """The article's day: its publication date, else its fetch date (as ``scrapy export`` selects)."""
        return (self.row["published"] or self.row["fetched"] or "")[:10]

    @property
    def paragraphs(self) -> list[str]:
        return (self.row["text"] or "").split("\n")

    @property
    def repaired(self) -> bool:
        row = self.row
        return any(row[k] for k in ("encoding_repairs", "encoding_annotations_removed", "encoding_losses"))


@dataclass
class Source:
    """Per-source figures."""

    name: str
    articles: list[Article] = field(default_factory=list)
    crawls: int = 0
    failures: dict[str, int] = field(default_factory=dict)
    dropped: dict[str, int] = field(default_factory=dict)  # text/dropped/{reason}, summed
    last_crawl: str = ""

    def total(self, column: str) -> int:
        return sum(a.row[column] or 0 for a in self.articles)

    @property
    def per_day(self) -> list[tuple[str, int]]:
        return sorted(Counter(a.day for a in self.articles if a.day).items())

    @property
    def clusters(self) -> list[list[Article]]:
        """Near-duplicate clusters with two or more of this source's articles (the manifest's cluster)."""
        groups: dict[str, list[Article]] = {}
        for article in self.articles:
            if article.row["cluster"]:
                groups.setdefault(article.row["cluster"], []).append(article)
        return [groups[key] for key in sorted(groups) if len(groups[key]) > 1]


def collect(
    root: Path, problem: Callable[[str], None], each: Callable[[Article], None] | None = None, warcs: Path | None = None
) -> list[Source]:
    """Every source of the archive at ``root`` (its WARC files in ``warcs``, else ``root/warc``)
    with its articles and crawl figures, by name.
    ``each`` is called with every article as it is read; the articles kept afterwards have no
    text (one text in memory at a time, whatever the size of the archive)."""
    sources: dict[str, Source] = {}
    try:
        for row in iter_rows(root, Selection(), problem):
            article = Article(row)
            if article.repaired:
                article.changed, article.checked = changed_paragraphs(warc_directory(root, warcs), row, problem)
            if each is not None:
                each(article)
            article.row = {**row, "text": None, "article_pages": None}
            sources.setdefault(row["source"], Source(row["source"])).articles.append(article)
    except ExportError as exc:
        raise ReportError(str(exc)) from None
    for path in sorted((root / "reports").glob("*.json")) if (root / "reports").is_dir() else ():
        _add_report(path, sources, problem)
    return [sources[name] for name in sorted(sources)]


def _add_report(path: Path, sources: dict[str, Source], problem) -> None:
    try:
        stats = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError) as exc:
        problem(f"{path}: not a crawl report ({exc}), left out")
        return
    name = next((n for n in sorted(sources, key=len, reverse=True) if path.name.startswith(f"{n}-")), None)
    if name is None or not isinstance(stats, dict):
        return  # a crawl that archived no article of a known source
    source = sources[name]
    source.crawls += 1
    source.last_crawl = max(source.last_crawl, str(stats.get("finish_time") or ""))
    for key, label in FAILURE_KEYS:
        if isinstance(stats.get(key), int):
            source.failures[label] = source.failures.get(label, 0) + stats[key]
    for key, value in stats.items():
        if key.startswith("text/dropped/") and isinstance(value, int):
            reason = key.removeprefix("text/dropped/")
            source.dropped[reason] = source.dropped.get(reason, 0) + value


def _squeeze(text: str) -> str:
    return _SPACE.sub("", text)


def changed_paragraphs(warcs: Path, row: dict, problem) -> tuple[frozenset[int], bool]:
    """Indexes of the article's paragraphs that its archived pages do not show as such (decoded
    with the codec the archiver used): the paragraphs it repaired. (frozenset(), False) when the
    pages cannot be read (one line through ``problem``)."""
    import lxml.html

    from crawler.text.payload import decode_payload
    from crawler.warc.reader import capture_of, read_record_at

    pages = (
        json.loads(row["article_pages"])
        if row["article_pages"]
        else [{"file": row["warc_file"], "offset": row["warc_offset"]}]
    )
    shown = []
    for page in pages:
        try:
            capture = capture_of(
                read_record_at(warcs / page["file"], int(page["offset"]), MAX_PAGE_BYTES), row["source"]
            )
            html = decode_payload(capture, MAX_PAGE_BYTES).decode(row["encoding_used"] or "utf-8", "replace")
            shown.append(_squeeze(lxml.html.fromstring(html).text_content()))
        except Exception as exc:  # noqa: BLE001  a damaged record costs only this article's marks
            problem(
                f"{warcs / str(page.get('file'))}: page of {row['url']} unreadable ({exc}); "
                "its repaired paragraphs are not marked"
            )
            return frozenset(), False
    page_text = "\n".join(shown)
    return frozenset(i for i, p in enumerate(Article(row).paragraphs) if _squeeze(p) not in page_text), True
