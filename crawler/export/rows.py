"""Rows of ``scrapy export``: one flat row per article, read from the manifest and the text files.

Nothing is derived again. The text is the text file's body (the lines after the title line,
joined by newlines), the front matter gives the metadata and the encoding block, the manifest the
id, the file digest and what later crawls recorded of the page (``removed``, ``last_seen``: read
when present). Rows come in the manifest's order, by id, one text file in memory at a time
(docs/formats.md, "Export").
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import yaml

from crawler.export import COLUMNS, INTEGER_COLUMNS, ExportError
from crawler.text.model import Document
from crawler.text.store import safe_name

_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}$")


def _is_day(text: str) -> bool:
    try:
        return bool(_DAY.match(text)) and bool(date.fromisoformat(text))
    except ValueError:
        return False


class _FrontMatterLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    """Safe YAML as crawler/text/render.py writes it, with dates kept as the strings they are
    (``published: 2024-01-30T09:30:00+08:00`` would otherwise become a datetime)."""


_FrontMatterLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != _TIMESTAMP]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


@dataclass(frozen=True)
class Selection:
    """Which articles to export: sources (empty: all), and an inclusive range of days."""

    sources: frozenset[str] = frozenset()
    since: str | None = None  # YYYY-MM-DD
    until: str | None = None

    @classmethod
    def of(cls, sources, since: str | None, until: str | None) -> Selection:
        for name, day in (("--since", since), ("--until", until)):
            if day is not None and not _is_day(day):
                raise ExportError(f"{name} {day}: not a date, give YYYY-MM-DD")
        if since and until and since > until:
            raise ExportError(f"--since {since} is after --until {until}: no article can match")
        return cls(frozenset(sources or ()), since, until)

    def wants(self, row: Mapping) -> bool:
        """An article's day is its publication date, or its fetch date when it has none."""
        if self.sources and row["source"] not in self.sources:
            return False
        day = (row["published"] or row["fetched"] or "")[:10]
        return (self.since is None or day >= self.since) and (self.until is None or day <= self.until)


def split_text_file(data: bytes) -> tuple[dict, str, str]:
    """(front matter, title line, body) of a text file; the body is its paragraph lines joined
    by newlines, without the final one."""
    text = data.decode("utf-8")
    end = text.find("\n---\n", 3)
    if not text.startswith("---\n") or end < 0:
        raise ValueError("no YAML front matter")
    front = yaml.load(text[4:end], Loader=_FrontMatterLoader)  # noqa: S506  a safe loader
    if not isinstance(front, dict):
        raise ValueError("the front matter is not a mapping")
    title, _, body = text[end + 5 :].partition("\n")
    return front, title, body.removesuffix("\n")


def _text(value) -> str | None:
    """A text column's value: strings as they are, anything else as JSON (a field added to the
    manifest later may not be a string)."""
    if value is None or isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def _integer(value) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _row(values: Mapping) -> dict:
    """Every column, in order, with its type (integer or text) or None."""
    return {c: (_integer if c in INTEGER_COLUMNS else _text)(values.get(c)) for c in COLUMNS}


# the encoding block's keys; the last three are written only when they say something (render.py)
_ENCODING_KEYS = (
    "declared",
    "used",
    "reason",
    "repairs",
    "losses",
    "annotations_removed",
    "confidence",
    "candidates",
    "repaired",
)
_WHEN_SAID = frozenset({"confidence", "candidates", "repaired"})


def text_row(entry: Mapping, front: Mapping, body: str) -> dict:
    """The row of one article: its manifest entry, its text file's front matter and body."""
    warc = front.get("warc") or entry.get("warc") or {}
    encoding = front.get("encoding") or {}
    values = {
        key: front.get(key)
        for key in ("url", "title", "published", "author", "origin", "language", "fetched", "cluster", "canonical")
    }
    values.update({f"warc_{key}": warc.get(key) for key in ("file", "offset", "record_id", "payload_digest")})
    values.update({f"encoding_{key}": encoding.get(key) for key in _ENCODING_KEYS})
    values.update(
        id=entry.get("id"),
        source=entry.get("source"),
        text=body,
        sha256=entry.get("sha256"),
        boilerplate_removed=(front.get("boilerplate") or {}).get("removed"),
        removed=entry.get("removed"),
        removed_evidence=entry.get("removed_evidence"),
        last_seen=entry.get("last_seen"),
        article_pages=front.get("pages"),
    )
    return _row(values)


def document_row(doc: Document) -> dict:
    """The row of a derived document, before the archive is finalized: the item a crawl yields to
    Scrapy's feed exports (site-wide boilerplate not yet removed, no cluster or digest yet)."""
    meta = dict(doc.meta)
    values = {
        "id": doc.id,
        "source": doc.source,
        "url": doc.url,
        "title": doc.title,
        "published": doc.published,
        "author": doc.author,
        "origin": meta.get("origin"),
        "language": meta.get("language"),
        "fetched": doc.fetched,
        "text": "\n".join(doc.paragraphs),
        "boilerplate_removed": sum(count for _, count in doc.removed),
    }
    values.update(
        {
            f"encoding_{key}": getattr(doc.encoding, key) or None if key in _WHEN_SAID else getattr(doc.encoding, key)
            for key in _ENCODING_KEYS
        }
    )
    if doc.warc is not None:
        values.update(
            {f"warc_{key}": getattr(doc.warc, key) for key in ("file", "offset", "record_id", "payload_digest")}
        )
    if doc.pages:  # as the front matter lists them (crawler/text/render.py)
        values["article_pages"] = [
            {
                "url": page.url,
                "fetched": page.fetched,
                **(
                    {"file": page.warc.file, "offset": page.warc.offset, "record_id": page.warc.record_id}
                    if page.warc
                    else {}
                ),
            }
            for page in doc.pages
        ]
    return _row(values)


def archive_sources(root: Path) -> list[str]:
    """The source directories of the text archive (their file-system names)."""
    return sorted(p.name for p in (root / "text").glob("*") if p.is_dir())


def check_archive(root: Path, sources) -> Path:
    """The manifest of the archive at ``root``; ExportError when there is none or a source
    asked for has no text files."""
    manifest = root / "manifest.jsonl"
    if not manifest.is_file():
        raise ExportError(
            f"{manifest}: no manifest, not a finished archive (set ARCHIVE_DIR, or run "
            "`scrapy crawl` or `scrapy rebuild` first)"
        )
    known = archive_sources(root)
    for name in sorted(sources or ()):
        if safe_name(name) not in known:
            raise ExportError(
                f"--source {name}: no such source in {root / 'text'} (sources: {', '.join(known) or 'none'})"
            )
    return manifest


def iter_rows(root: Path, selection: Selection, problem: Callable[[str], None]) -> Iterator[dict]:
    """The selected articles' rows, by id. A text file that is missing, changed since the manifest
    was written or unreadable is left out and named through ``problem``."""
    manifest = check_archive(root, selection.sources)
    previous = ""
    with open(manifest, "rb") as lines:
        for number, line in enumerate(lines, 1):
            try:
                entry = json.loads(line)
                doc_id, source = str(entry["id"]), str(entry["source"])
            except (ValueError, KeyError, TypeError):
                problem(f"{manifest}:{number}: not a manifest line, left out")
                continue
            if doc_id < previous:  # the promised order is what makes the output deterministic
                raise ExportError(f"{manifest}:{number}: not sorted by id; run `scrapy rebuild` to rewrite it")
            previous = doc_id
            if selection.sources and source not in selection.sources:
                continue
            row = _read_row(root, entry, doc_id, source, problem)
            if row is not None and selection.wants(row):
                yield row


def _read_row(root: Path, entry: dict, doc_id: str, source: str, problem) -> dict | None:
    path = root / "text" / safe_name(source) / f"{doc_id}.txt"
    try:
        data = path.read_bytes()
    except OSError as exc:
        problem(f"{path}: listed in the manifest but unreadable ({exc.strerror}), left out; run `scrapy verify`")
        return None
    if entry.get("sha256") and hashlib.sha256(data).hexdigest() != entry["sha256"]:
        problem(
            f"{path}: sha256 differs from the manifest (changed since it was written), left out; "
            "run `scrapy rebuild` to restore it"
        )
        return None
    try:
        front, _title, body = split_text_file(data)
    except (ValueError, yaml.YAMLError) as exc:
        problem(f"{path}: not a text file of this archiver ({str(exc).splitlines()[0]}), left out")
        return None
    return text_row(entry, front, body)
