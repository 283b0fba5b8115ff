"""The report's HTML: ``index.html`` (sources, charts, every article, a title filter) and
``articles/<id>.html`` (an article's clean text, what was repaired marked, its capture in pywb).

Everything inline (CSS, a few lines of JavaScript, SVG): the site opens from the file system with
no server and no network. Hand-written templates (html.escape): a template engine would be a new
dependency for two page shapes. Deterministic: sorted input, no clock.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from html import escape
from pathlib import Path

from crawler.export import ExportError
from crawler.export.rows import check_archive
from crawler.report import ReportError
from crawler.report.chart import per_day_svg
from crawler.report.collect import Article, Source, collect

CSS = """
body { font: 15px/1.5 system-ui, "Noto Sans CJK SC", sans-serif; margin: 0 auto; max-width: 1100px; padding: 0 16px 40px; color: #222; }
h1 { font-size: 24px; margin: 18px 0 4px; } h2 { font-size: 19px; margin: 26px 0 6px; border-bottom: 1px solid #ddd; }
table { border-collapse: collapse; } td, th { padding: 3px 10px 3px 0; text-align: left; vertical-align: top; }
table.figures td:first-child { color: #555; } table.articles { width: 100%; }
table.articles tr:nth-child(even) { background: #f6f6f6; } .num { text-align: right; }
.chart .bar { fill: #3b6ea8; } .chart .axis { stroke: #888; } .chart .tick { font-size: 11px; fill: #555; }
.row { display: flex; gap: 32px; align-items: flex-start; flex-wrap: wrap; }
.overview th { font-size: 13px; color: #555; } .overview td:nth-child(3) { white-space: nowrap; } .overview td, .overview th { padding-right: 14px; }
.tag { background: #fde9b8; border-radius: 3px; padding: 0 4px; font-size: 12px; }
input#q { font-size: 15px; padding: 4px 8px; width: 320px; } #shown { color: #555; margin-left: 8px; }
p.repaired { background: #fff4cc; border-left: 4px solid #e0a800; padding-left: 8px; }
mark.lost { background: #f8c4c4; } .legend { color: #555; font-size: 13px; } .muted { color: #777; }
"""

SCRIPT = """
(function () {
  var box = document.getElementById("q"), rows = document.querySelectorAll("tr.article");
  function apply() {
    var q = box.value.trim().toLowerCase(), shown = 0;
    rows.forEach(function (row) {
      var hit = !q || row.getAttribute("data-title").toLowerCase().indexOf(q) >= 0;
      row.hidden = !hit; if (hit) { shown++; }
    });
    document.getElementById("shown").textContent = shown + " of " + rows.length + " articles shown";
  }
  var m = /[#&]q=([^&]*)/.exec(location.hash);
  if (m) { box.value = decodeURIComponent(m[1]); }
  box.addEventListener("input", apply);
  apply();
})();
"""


def _e(value) -> str:
    return escape("" if value is None else str(value))


def _page(title: str, body: str, script: str = "") -> str:
    tail = f"<script>{script}</script>\n" if script else ""
    return (
        f'<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n<title>{_e(title)}</title>\n'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">\n<style>{CSS}</style>\n</head>\n'
        f"<body>\n{body}{tail}</body>\n</html>\n"
    )


def capture_link(pywb: str, row: dict) -> str:
    """``<pywb>/<14-digit WARC-Date>/<url>``: the capture in a local pywb (docs/report.md)."""
    stamp = "".join(ch for ch in (row["fetched"] or "") if ch.isdigit())[:14]
    return f"{pywb.rstrip('/')}/{stamp}/{row['url']}"


def _figures(source: Source) -> str:
    days = [a.day for a in source.articles if a.day]
    rows = [
        ("articles", f'<span class="n-articles">{len(source.articles)}</span>'),
        ("dates", f"{_e(min(days))} – {_e(max(days))}" if days else "none"),
        ("encoding repairs (paragraphs)", source.total("encoding_repairs")),
        ("annotations removed", source.total("encoding_annotations_removed")),
        ("characters lost (U+FFFD)", source.total("encoding_losses")),
        ("boilerplate paragraphs removed", source.total("boilerplate_removed")),
        ("near-duplicate clusters", f'<span class="n-clusters">{len(source.clusters)}</span>'),
        ("taken down (text kept)", sum(1 for a in source.articles if a.row["removed"])),
        ("crawl reports", source.crawls),
    ]
    rows += [(label, n) for label, n in sorted(source.failures.items())]
    rows += [(f"archived without text: {reason}", n) for reason, n in sorted(source.dropped.items())]
    return "".join(f"<tr><td>{_e(k)}</td><td>{v}</td></tr>\n" for k, v in rows)


def _clusters(source: Source) -> str:
    if not source.clusters:
        return ""
    items = "".join(
        "<li>"
        + " · ".join(f'<a href="articles/{_e(a.row["id"])}.html">{_e(a.row["title"])}</a>' for a in group)
        + "</li>\n"
        for group in source.clusters
    )
    return f"<h3>Near-duplicate clusters</h3>\n<ul>\n{items}</ul>\n"


def _source_section(source: Source) -> str:
    return (
        f'<section class="source" id="source-{_e(source.name)}">\n<h2>{_e(source.name)}</h2>\n'
        f'<div class="row"><table class="figures">\n{_figures(source)}</table>\n'
        f"<div>{per_day_svg(source.per_day, f'{source.name}: articles per day')}\n"
        f'<p class="legend">articles per day (publication date, else fetch date)</p></div></div>\n'
        f"{_clusters(source)}</section>\n"
    )


OVERVIEW = (
    "source",
    "articles",
    "dates",
    "repairs",
    "annotations removed",
    "lost chars",
    "boilerplate removed",
    "near-dup clusters",
    "failed fetches",
    "retries",
)


def _overview(sources: list[Source]) -> str:
    """One line per source: the figures of the sections below, side by side."""
    lines = []
    for s in sources:
        days = [a.day for a in s.articles if a.day]
        cells = [
            f'<a href="#source-{_e(s.name)}">{_e(s.name)}</a>',
            len(s.articles),
            f"{_e(min(days))} – {_e(max(days))}" if days else "",
            s.total("encoding_repairs"),
            s.total("encoding_annotations_removed"),
            s.total("encoding_losses"),
            s.total("boilerplate_removed"),
            len(s.clusters),
            s.failures.get("failed fetches (due again)", 0),
            s.failures.get("retries", 0),
        ]
        lines.append(
            f'<tr class="source-line" data-source="{_e(s.name)}">'
            + "".join(f"<td{'' if i in (0, 2) else ' class=num'}>{c}</td>" for i, c in enumerate(cells))
            + "</tr>\n"
        )
    head = "".join(f"<th>{h}</th>" for h in OVERVIEW)
    return f'<table class="overview articles">\n<tr>{head}</tr>\n{"".join(lines)}</table>\n'


def _article_row(article: Article) -> str:
    row = article.row
    tags = "".join(
        f' <span class="tag">{label}</span>'
        for label, on in (
            ("repaired", article.repaired),
            ("taken down", row["removed"]),
            ("near-duplicate", row["cluster"]),
        )
        if on
    )
    return (
        f'<tr class="article" data-title="{_e(row["title"])}"><td>{_e(article.day)}</td>'
        f'<td>{_e(row["source"])}</td><td><a href="articles/{_e(row["id"])}.html">{_e(row["title"])}</a>{tags}</td>'
        f"<td>{_e(row['author'])}</td></tr>\n"
    )


def index_page(sources: list[Source]) -> str:
    articles = sorted((a for s in sources for a in s.articles), key=lambda a: (a.day, a.row["id"]), reverse=True)
    body = (
        f'<h1>Archive report</h1>\n<p><span id="total-articles">{len(articles)}</span> articles from '
        f'<span id="total-sources">{len(sources)}</span> sources.</p>\n'
        + _overview(sources)
        + "".join(_source_section(s) for s in sources)
        + '<h2>Articles</h2>\n<p><input id="q" type="search" placeholder="filter by title" '
        'aria-label="filter by title"><span id="shown"></span></p>\n'
        '<table class="articles">\n<tr><th>date</th><th>source</th><th>title</th><th>author</th></tr>\n'
        + "".join(_article_row(a) for a in articles)
        + "</table>\n"
    )
    return _page("Archive report", body, SCRIPT)


def _paragraph(article: Article, index: int, text: str) -> str:
    shown = _e(text).replace("\ufffd", '<mark class="lost">\ufffd</mark>')
    if index in article.changed:
        return f'<p class="repaired" title="changed by the archiver">{shown}</p>\n'
    return f"<p>{shown}</p>\n"


def article_page(article: Article, pywb: str) -> str:
    row = article.row
    encoding = {k.removeprefix("encoding_"): row[k] for k in row if k.startswith("encoding_") and row[k] is not None}
    facts = [
        ("url", f'<a href="{_e(row["url"])}">{_e(row["url"])}</a>'),
        ("source", _e(row["source"])),
        ("published", _e(row["published"])),
        ("author", _e(row["author"])),
        ("origin", _e(row["origin"])),
        ("fetched", _e(row["fetched"])),
        ("encoding", _e(json.dumps(encoding, ensure_ascii=False, sort_keys=True))),
        ("boilerplate removed", _e(row["boilerplate_removed"] or 0)),
        ("near-duplicate cluster", _e(row["cluster"])),
        ("taken down", _e(row["removed"])),
        ("capture", f'<a class="capture" href="{_e(capture_link(pywb, row))}">{_e(capture_link(pywb, row))}</a>'),
    ]
    if article.repaired:
        note = (
            f"{len(article.changed)} paragraph(s) marked: not shown as such by the archived page(s), "
            "changed by the archiver (mojibake undone, annotations removed, lost bytes marked)"
            if article.checked
            else "the archived page(s) could not be read: repaired paragraphs not marked"
        )
    else:
        note = "nothing repaired"
    body = (
        f'<p><a href="../index.html">← report</a></p>\n<h1>{_e(row["title"])}</h1>\n<table class="figures">\n'
        + "".join(f"<tr><td>{k}</td><td>{v}</td></tr>\n" for k, v in facts if v)
        + f'</table>\n<p class="legend">{_e(note)}</p>\n<div class="text">\n'
        + "".join(_paragraph(article, i, p) for i, p in enumerate(article.paragraphs))
        + "</div>\n"
    )
    return _page(row["title"] or row["id"], body)


def write_site(root: Path, out: Path, pywb: str, problem, warcs: Path | None = None) -> list[Source]:
    """Write the report of the archive at ``root`` into ``out`` (replaced whole, atomically where
    the file system allows): article pages as the articles are read, then the index. The sources."""
    try:
        check_archive(root, ())  # before anything is created
    except ExportError as exc:
        raise ReportError(str(exc)) from None
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        (staging / "articles").mkdir()

        def each(article: Article) -> None:
            (staging / "articles" / f"{article.row['id']}.html").write_text(article_page(article, pywb), "utf-8")

        sources = collect(root, problem, each, warcs)
        (staging / "index.html").write_text(index_page(sources), "utf-8")
        os.chmod(staging, 0o755)
        if out.exists():
            old = out.with_name(f".{out.name}.old")
            shutil.rmtree(old, ignore_errors=True)
            os.replace(out, old)
            os.replace(staging, out)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(staging, out)
        return sources
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
